"""``deckbuild new NAME``: write a deck to start from, never over an existing file."""

from __future__ import annotations

import datetime
import os
import re
import tempfile
from pathlib import Path

from .errors import DeckError
from .settings import DEFAULT_SHARED

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")

STARTER = """\
---
title: {title}
author: {author}
date: {date}
theme: black
---

- Why this talk
  - What the audience will take away
  - What they need to know first
- The main part
  - First point
    - Say it in one line
    - Then show it
  - Second point
    - Another line
    - A last one
"""


def write_starter(name: str, folder: Path, author: str | None = None, today: datetime.date | None = None) -> Path:
    """Write ``folder/NAME.md``: front matter and an outline with one section and one vertical stack."""
    stem = name.removesuffix(".md")
    if not _NAME.fullmatch(stem) or stem.startswith("_") or stem == DEFAULT_SHARED:
        raise DeckError(
            f"'{name}' cannot be a deck's name", hint="use letters, digits, '.', '-' and '_', e.g. 2025-06-01_pycon"
        )
    target = folder / f"{stem}.md"
    words = re.sub(r"^\d{4}-\d{2}-\d{2}[_-]?", "", stem)  # the repo's habit: decks/2018-12-08_NeurIPS.md
    title = words.replace("_", " ").replace("-", " ").strip() or stem
    text = STARTER.format(
        title=title[:1].upper() + title[1:],
        author=author or _author(),
        date=(today or datetime.date.today()).isoformat(),
    )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".deckbuild-", suffix=".md", dir=folder)
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        try:
            os.link(temporary, target)  # fails if the name is taken: never overwrites, even in a race
        finally:
            os.unlink(temporary)
    except FileExistsError:
        raise DeckError("exists", path=target) from None
    except OSError as exc:
        raise DeckError(f"cannot write the deck: {exc.strerror}", path=target) from None
    return target


def _author() -> str:
    """The author to start with: the login name, which the speaker will edit."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "Your Name"
