"""The one user-facing error type: what went wrong, where, and how to fix it."""

from __future__ import annotations

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
            where = f"{_display(self.path)}:{self.line}: " if self.line else f"{_display(self.path)}: "
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.message}{hint}"


def _display(path: Path) -> str:
    """Show a path relative to the working directory when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


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
            where = f"{_display(self.path)}:{self.line}: " if self.line else f"{_display(self.path)}: "
        return f"{where}warning: {self.message}"
