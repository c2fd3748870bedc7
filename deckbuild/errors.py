"""The one user-facing error type: what went wrong, where, and how to fix it."""

from __future__ import annotations

import os
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


def display_path(path: Path) -> str:
    """Show a path relative to the working directory when it is below it."""
    try:
        return (
            os.path.relpath(os.path.abspath(path))
            if Path(os.path.abspath(path)).is_relative_to(Path.cwd())
            else str(path)
        )
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
            where = f"{display_path(self.path)}:{self.line}: " if self.line else f"{display_path(self.path)}: "
        return f"{where}warning: {self.message}"
