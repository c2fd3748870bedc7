"""The one user-facing error type: what went wrong, where, and how to fix it."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path


class DeckError(Exception):
    """A problem with the user's input or environment, reported as ``path:line: message (hint)``.

    Anything else that escapes the library is a bug; the CLI reports those as internal errors.
    """

    def __init__(
        self, message: str, *, path: Path | str | None = None, line: int | None = None, hint: str = ""
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.hint = hint

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{display_path(self.path)}:{self.line}: " if self.line else f"{display_path(self.path)}: "
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.message}{hint}"


class DeckErrors(DeckError):
    """Several independent problems, reported together so that one run shows them all (up to 50)."""

    LIMIT = 50
    errors: list[DeckError]

    def __init__(self, errors: list[DeckError]) -> None:
        first = errors[0]
        super().__init__(first.message, path=first.path, line=first.line, hint=first.hint)
        flat: list[DeckError] = []
        for error in errors:
            flat.extend(error.errors if isinstance(error, DeckErrors) else [error])
        self.errors = flat

    def __str__(self) -> str:
        shown = [DeckError.__str__(e) for e in self.errors[: self.LIMIT]]
        if len(self.errors) > self.LIMIT:
            shown.append(f"... and {len(self.errors) - self.LIMIT} more problems")
        return "\n".join(shown)


# Characters a terminal acts on instead of showing: C0 and C1 controls (a newline in a file name would
# forge a line of output, ESC starts a terminal sequence) and the bidi controls that reorder what
# follows them (a name that reads "talk.md" but is "dm.klat" with U+202E).
_UNSEEN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNSEEN_BUT_NEWLINE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: str, *, lines: bool = False) -> str:
    """``text`` with every control and bidi character written as an escape (``\\x1b``, ``\\u202e``).

    ``lines``: keep newlines (a message of several lines); a name from input never keeps them.
    """
    return (_UNSEEN_BUT_NEWLINE if lines else _UNSEEN).sub(_escape, text)


def display_path(path: Path | str) -> str:
    """Show a path relative to the working directory when it is below it, its unseen characters escaped."""
    try:
        text = (
            os.path.relpath(os.path.abspath(path))
            if Path(os.path.abspath(path)).is_relative_to(Path.cwd())
            else str(path)
        )
    except ValueError:
        text = str(path)
    return shown(text)


@dataclass(frozen=True)
class DeckWarning:
    """Something deckbuild builds anyway but the author should know: ``path:line: warning: message``.

    Stages return these with their values (as Sphinx logs them with a location); the CLI prints them
    on stderr, and ``build --strict`` turns them into a :class:`DeckError`.
    """

    message: str
    path: Path | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{display_path(self.path)}:{self.line}: " if self.line else f"{display_path(self.path)}: "
        return f"{where}warning: {self.message}"
