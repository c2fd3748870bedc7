"""The talks index: ``site/index.html``, every deck newest first with its title-slide thumbnail.

It is rendered here and written by :mod:`site` with the rest of a build.  The page uses the project's
theme (its colours and fonts, from the shared folder), links only to relative paths and works offline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..compile.assets import Assets
from ..compile.model import Deck
from ..compile.render import Look, _environment, stylesheets
from ..compile.themes import DEFAULT_THEME, resolve_highlight, resolve_theme
from ..settings import Settings

THUMBNAIL_SIZE = (600, 390)
THUMBNAIL = "thumbnail-600x390.png"  # its name in the deck's site folder


@dataclass(frozen=True)
class IndexEntry:
    """One deck on the index: what it shows, and the title-slide image ``shots`` took, if it did."""

    slug: str
    title: str
    date: str
    event: str
    author: str
    thumbnail: bool  # shots takes the title slide at 600x390, which build copies into the deck's folder

    @property
    def iso_date(self) -> str | None:
        match = re.match(r"^\d{4}-\d{2}-\d{2}", self.date)
        return match[0] if match else None


def index_entry(deck: Deck, thumbnail: bool) -> IndexEntry:
    meta = deck.meta
    return IndexEntry(
        deck.slug, meta.title or deck.slug, meta.date or "", meta.event or "", meta.author or "", thumbnail
    )


def index_look(project: Settings, assets: Assets) -> Look:
    """The project's theme (``theme`` in deckbuild.toml, else deckbuild's default) for the index page."""
    where = (project.root or Path.cwd()) / "index.md"
    theme = resolve_theme(project.theme or DEFAULT_THEME, assets, where, None)
    highlight = resolve_highlight(theme.highlight, assets, where, None)
    return Look(theme, highlight.relative_to(assets.highlight_styles).with_suffix("").as_posix())


def render_index(entries: list[IndexEntry], look: Look, shared: str, title: str = "Talks") -> str:
    """The index page: newest first (decks without a YYYY-MM-DD date last, by title), then by title."""
    # Only a date that starts YYYY-MM-DD sorts by date ("March 2022" would sort above every year).
    dated = sorted((e for e in entries if e.iso_date), key=lambda e: (e.date, e.title, e.slug), reverse=True)
    undated = sorted((e for e in entries if not e.iso_date), key=lambda e: (e.title, e.slug))
    template = _environment(None).get_template("index.html.j2")
    return template.render(
        entries=[*dated, *undated],
        title=title,
        theme_sheets=[f"{shared}/{sheet}" for sheet in stylesheets(look)],
        thumbnail=THUMBNAIL,
        generator=f"deckbuild {__version__}",
    )
