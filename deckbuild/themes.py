"""Themes: reveal.js's own, and the project's ``themes/<name>/`` folders."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .assets import Assets
from .errors import DeckError

DEFAULT_THEME = "black"
DEFAULT_HIGHLIGHT = "monokai"


@dataclass(frozen=True)
class Theme:
    """A theme by name: reveal.js's (``folder`` None) or a project folder with ``theme.css``."""

    name: str
    css: Path
    folder: Path | None = None

    @property
    def origin(self) -> str:
        return "reveal.js" if self.folder is None else str(self.folder)


def find_themes_dir(deck_path: Path) -> Path | None:
    """The project's ``themes/`` folder: the nearest one at or above the deck's folder, within its repo."""
    here = deck_path.resolve().parent
    for folder in (here, *here.parents):
        if (folder / "themes").is_dir():
            return folder / "themes"
        if (folder / ".git").exists():
            return None
    return None


def available_themes(assets: Assets, themes_dir: Path | None) -> dict[str, Theme]:
    """Every theme a deck may name, project themes shadowing reveal.js's of the same name."""
    found = {p.stem: Theme(p.stem, p) for p in sorted((assets.reveal / "theme").glob("*.css"))}
    if themes_dir is not None:
        for folder in sorted(p for p in themes_dir.iterdir() if p.is_dir()):
            found[folder.name] = Theme(folder.name, folder / "theme.css", folder)
    return found


def resolve_theme(name: str, assets: Assets, deck_path: Path, line: int | None) -> Theme:
    """The theme called ``name`` for the deck at ``deck_path``, or a clear error."""
    themes = available_themes(assets, find_themes_dir(deck_path))
    theme = themes.get(name)
    if theme is None:
        raise DeckError(
            f"unknown theme '{name}'", path=deck_path, line=line, hint="known themes: " + ", ".join(sorted(themes))
        )
    if not theme.css.is_file():
        raise DeckError(f"theme '{name}' has no theme.css", path=theme.folder or deck_path, hint=f"add {theme.css}")
    return theme


def resolve_highlight(name: str, assets: Assets, deck_path: Path, line: int | None) -> Path:
    """The highlight.js style sheet called ``name`` (e.g. monokai, github)."""
    css = assets.highlight_styles / f"{name}.css"
    if not css.is_file():
        known = sorted(p.stem for p in assets.highlight_styles.glob("*.css") if not p.stem.endswith(".min"))
        raise DeckError(
            f"unknown code highlighting style '{name}'",
            path=deck_path,
            line=line,
            hint="for example "
            + ", ".join(k for k in known if k in ("github", "monokai", "zenburn", "atom-one-dark", "vs")),
        )
    return css
