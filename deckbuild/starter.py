"""``deckbuild new NAME``: write a deck to start from, never over an existing file."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from .errors import DeckError
from .files import write_file
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
    if target.exists() or target.is_symlink():
        raise DeckError("exists", path=target)
    write_file(target, text.encode("utf-8"), replace=False)  # never over a file, even one made meanwhile
    return target


def _author() -> str:
    """The author to start with: the login name, which the speaker will edit."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "Your Name"
