"""The project's settings: ``deckbuild.toml`` or ``[tool.deckbuild]`` in ``pyproject.toml``.

Found once, from the working folder up to the repository's top, and passed down; flags override it.
Paths in it are relative to the file's folder, which is also the project root: the folder that decks
may take files from.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .compile.config import link_url, parse_size
from .errors import DeckError
from .paths import check_name, is_plain_name

DEFAULT_SHARED = "deckbuild-assets"  # no leading '_' or '.': Jekyll and GitHub Pages drop those


@dataclass(frozen=True)
class Settings:
    """Project-wide defaults, each with where it came from."""

    decks: Path = Path("decks")
    site: Path = Path("site")
    shots: Path = Path("shots")
    pdf: Path = Path("pdf")
    name: str | None = None
    theme: str | None = None
    sizes: tuple[str, ...] = ()
    shared: str = DEFAULT_SHARED
    base_url: str | None = None  # where the built decks are hosted: `post` links to <base_url>/<slug>/
    file: Path | None = None
    root: Path | None = None
    origins: dict[str, str] = field(default_factory=dict)

    def origin(self, key: str) -> str:
        return self.origins.get(key, "default")


_KEYS = {
    "decks": "folder of decks",
    "site": "folder the decks are built into",
    "shots": "folder of slide images",
    "pdf": "folder of PDFs",
    "name": "image file name pattern",
    "theme": "theme of decks that name none",
    "sizes": "image sizes, e.g. ['600x390', '1200x630']",
    "shared": "name of the site folder of shared files (reveal.js, themes)",
    "base_url": "where the site is hosted, for the links post writes (<base_url>/<slug>/)",
}


def find_settings(start: Path | None = None) -> Settings:
    """The settings in force in ``start`` (default: the working folder)."""
    here = (start or Path.cwd()).resolve()
    git_top = None
    for folder in project_folders(here):
        own = folder / "deckbuild.toml"
        if own.is_file():
            return _read(own, None)
        project = folder / "pyproject.toml"
        if project.is_file() and _has_table(project):
            return _read(project, ("tool", "deckbuild"))
        if (folder / ".git").exists():
            git_top = folder
            break
    return Settings(root=git_top)


def project_folders(here: Path) -> list[Path]:
    """The folders to look in for project files, from ``here`` up to the repository's top.

    Outside a git repository: up from ``here`` while the folders are the user's own, stopping below
    the home folder.  Never a folder anyone may write to (such as /tmp) or another user's, where
    someone else could plant a config file or a theme.
    """
    chain = [here, *here.parents]
    top = next((i for i, folder in enumerate(chain) if (folder / ".git").exists()), None)
    if top is not None:
        return [folder for folder in chain[: top + 1] if _trusted(folder)]
    home = Path.home().resolve()
    folders = []
    for folder in chain:
        if folder == home or not _trusted(folder):
            break
        folders.append(folder)
    return folders or [here]


def _trusted(folder: Path) -> bool:
    """A folder only this user (or root) can write to."""
    try:
        info = folder.stat()
    except OSError:
        return False
    owners = {0, os.getuid()} if hasattr(os, "getuid") else {0}
    return not info.st_mode & 0o002 and info.st_uid in owners


def _has_table(path: Path) -> bool:
    try:
        return bool(re.search(r"^\s*\[tool\.deckbuild\]\s*$", path.read_text(encoding="utf-8"), re.M))
    except (OSError, UnicodeDecodeError):
        return False


def _read(path: Path, table: tuple[str, ...] | None) -> Settings:
    try:
        text = path.read_text(encoding="utf-8")
        data: dict[str, Any] = tomllib.loads(text)
    except UnicodeDecodeError:
        raise DeckError("is not UTF-8 text", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise DeckError(
            f"invalid TOML: {exc}", path=path, line=int(match[1]) if match else None, hint="see docs/config.md"
        ) from None
    for key in table or ():
        data = data.get(key, {})
    lines = _key_lines(text, "[tool.deckbuild]" if table else None)
    base = path.parent
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for key, value in data.items():
        line = lines.get(key)

        def fail(why: str, key: str = key, line: int | None = line) -> DeckError:
            return DeckError(f"'{key}' {why}", path=path, line=line, hint="see docs/config.md")

        if key not in _KEYS:
            raise DeckError(
                f"unknown key '{key}'", path=path, line=line, hint="known keys: " + ", ".join(sorted(_KEYS))
            )
        if key in ("decks", "site", "shots", "pdf"):
            if not isinstance(value, str) or not value.strip():
                raise fail("must be a folder, as text")
            check_name(value, what=f"'{key}'", path=path, line=line)
            if not (base / value).resolve().is_relative_to(base.resolve()):
                raise fail(f"must be a folder inside the project ({base}), not {value!r}")
            values[key] = _shown(base / value)
        elif key in ("name", "theme"):
            if not isinstance(value, str) or not value:
                raise fail("must be text")
            values[key] = value
        elif key == "sizes":
            items = [value] if isinstance(value, str) else value
            if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                raise fail("must be a list of sizes such as '600x390'")
            try:
                values[key] = tuple(f"{w}x{h}" for w, h in (parse_size(i) for i in items))
            except ValueError as exc:
                raise fail(str(exc)) from None
        elif key == "shared":
            if not isinstance(value, str) or not is_plain_name(value) or value.startswith("_"):
                raise fail("must be a plain folder name that does not start with '_' or '.'")
            values[key] = value
        elif key == "base_url":
            if not isinstance(value, str) or not value.strip():
                raise fail("must be a URL or a site path, e.g. 'https://me.github.io/talks' or '/talks'")
            try:
                values[key] = link_url(value)
            except ValueError as exc:
                raise fail(str(exc)) from None
        origins[key] = f"{path.name}:{line}" if line else path.name
    return Settings(**values, file=path, root=base, origins=origins)


def _shown(path: Path) -> Path:
    """``path`` relative to the working folder when it is below it, as the user would write it."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _key_lines(text: str, header: str | None) -> dict[str, int]:
    """The line of each key of the table under ``header`` (the top level if None)."""
    lines: dict[str, int] = {}
    inside = header is None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = stripped == header
            continue
        match = re.match(r"""^["']?([A-Za-z0-9_-]+)["']?\s*=""", stripped)
        if inside and match:
            lines.setdefault(match[1], number)
    return lines


def describe(settings: Settings) -> list[tuple[str, str, str]]:
    """Every setting, its value and where it came from, for ``deckbuild config``."""
    rows = []
    for key in _KEYS:
        value = getattr(settings, key)
        if key == "name" and value is None:
            value = "{slug}{_index}_{width}x{height}.png"
        shown = ", ".join(value) if isinstance(value, tuple) else ("" if value is None else str(value))
        rows.append((key, shown or "(none)", settings.origin(key)))
    rows.append(("root", str(settings.root or "(the deck's folder)"), str(settings.file or "no config file")))
    return rows
