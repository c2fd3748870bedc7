"""Paths that come from input (manifests, front matter, flags, theme folders) are untrusted.

Every such path is checked here, in one place: its text is one the OS can take (no NUL byte), it is
joined to its root, symlinks resolved, and kept only when the result stays inside the root.  File
names that deckbuild writes or deletes must be plain names in their folder.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from .errors import DeckError

# A plain file name: no folder part, not hidden (deckbuild's own files there start with '.'),
# no control characters, not too long for common file systems.
_PLAIN = re.compile(r"^[^/\\\x00-\x1f.][^/\\\x00-\x1f]{0,199}$")


def check_name(text: str, *, what: str, path: Path | None = None, line: int | None = None) -> str:
    """``text``, a path from input, when the OS can take it; else a DeckError at ``path:line``.

    A NUL byte ends a name for the OS (Python raises ValueError on it) and a lone surrogate cannot
    be encoded (UnicodeEncodeError): either would reach the OS as an internal error, not the user's.
    ``what`` names the setting, e.g. "'shots: out:'".
    """
    if "\0" in text:
        problem = "a NUL byte"
    else:
        try:
            os.fsencode(text)
            return text
        except UnicodeEncodeError:
            problem = "a character that cannot be encoded"
    raise DeckError(f"{what} holds {problem}, which no file name can hold", path=path, line=line, hint=f"got {text!r}")


def is_plain_name(name: str) -> bool:
    """True for a file name that stays in its folder: no '/', '\\', '..', leading '.' or control chars."""
    return bool(_PLAIN.match(name)) and name not in (".", "..")


def inside(root: Path, rel: str | Path) -> Path | None:
    """``root / rel`` with symlinks resolved, or None when that leaves ``root``."""
    base = root.resolve()
    try:
        target = (base / rel).resolve()
    except (OSError, ValueError, RuntimeError):
        return None
    return target if target.is_relative_to(base) else None


def symlink_below(root: Path, target: Path) -> Path | None:
    """The first path from ``root`` (exclusive) down to ``target`` that is a symlink, if any.

    Writing through such a link could land anywhere on disk, so a writer checks this first.
    """
    try:
        parts = target.relative_to(root).parts
    except ValueError:
        return target
    here = root
    for part in parts:
        here = here / part
        if here.is_symlink():
            return here
    return None


def is_within(path: Path, folder: Path) -> bool:
    """True when ``path`` is ``folder`` or below it (both resolved)."""
    return path.resolve().is_relative_to(folder.resolve())


def regular_files(folder: Path, *, what: str) -> list[Path]:
    """Every regular file below ``folder``, sorted; symlinks inside it are skipped, out of it refused.

    ``what`` names the folder in the error, e.g. "theme 'meetup-dark'".
    """
    base = folder.resolve()
    found: list[Path] = []
    for here, dirs, files in os.walk(folder, followlinks=False):
        for name in sorted(dirs + files):
            path = Path(here) / name
            if path.is_symlink():
                target = inside(base, os.path.relpath(path, folder))
                if target is None:
                    raise DeckError(
                        f"{what} holds a symlink that points outside it ({os.readlink(path)})",
                        path=path,
                        hint="copy the file into the folder instead of linking to it",
                    )
                continue  # a link within the folder: its target is copied as itself
            if name in files and path.is_file():
                found.append(path)
        dirs[:] = [d for d in dirs if not (Path(here) / d).is_symlink()]
    return sorted(found)


def clash_key(name: str) -> str:
    """The form of a file name under which two names are one file somewhere deckbuild's output goes.

    macOS and Windows file systems ignore case, and macOS stores names decomposed: ``Talk`` and
    ``talk``, or ``café`` typed as NFC and as NFD, are one folder there (a clone, a GitHub Pages
    checkout), though two here.
    """
    return unicodedata.normalize("NFC", name).casefold()
