"""Deck model to HTML (jinja2).  Reads nothing but the template; writes nothing."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2

from . import __version__
from .errors import DeckError
from .markdown import render_markdown
from .model import Block, Deck, Slide
from .themes import Theme

SHARED = "_deckbuild"  # the site folder every deck shares: reveal.js, themes, code styles

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("deckbuild", "templates"),
    autoescape=jinja2.select_autoescape(default=True),
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
)
_ATTR_URL = re.compile(
    r"""\b(?:data-background-image|data-background|data-background-video|data-background-iframe)\s*=\s*["']([^"']+)["']"""
)


@dataclass(frozen=True)
class Page:
    """A deck's HTML and the deck-relative local files it needs beside it."""

    html: str
    files: tuple[PurePosixPath, ...]


@dataclass(frozen=True)
class Look:
    """What a deck looks like: its theme and code style, already resolved."""

    theme: Theme
    highlight: str


def _slide_html(slide: Slide, deck: Deck, urls: list[tuple[str, Slide]]) -> dict[str, Any]:
    def render(blocks: tuple[Block, ...]) -> str:
        parts = []
        for block in blocks:
            incremental = deck.meta.incremental if block.incremental is None else block.incremental
            rendered = render_markdown(block.text, incremental=incremental)
            urls.extend((url, slide) for url in rendered.urls)
            parts.append(rendered.html)
        return "".join(parts)

    urls.extend((url, slide) for url in _ATTR_URL.findall(slide.attrs))
    return {"kind": slide.kind, "attrs": slide.attrs, "html": render(slide.blocks), "notes": render(slide.notes)}


def reveal_config(deck: Deck) -> dict[str, Any]:
    """The options passed to ``Reveal.initialize`` (plugins are added by the template)."""
    meta = deck.meta
    config: dict[str, Any] = {"hash": True, "width": meta.width or 960, "height": meta.height or 700}
    if meta.transition:
        config["transition"] = meta.transition
    config.update(meta.reveal)
    return config


def render_deck(deck: Deck, look: Look) -> Page:
    """Render ``deck`` to a standalone reveal.js page that links only to relative paths."""
    urls: list[tuple[str, Slide]] = []
    stacks = [[_slide_html(slide, deck, urls) for slide in stack.slides] for stack in deck.stacks]
    theme_href = (
        f"../{SHARED}/reveal.js/theme/{look.theme.name}.css"
        if look.theme.folder is None
        else f"../{SHARED}/themes/{look.theme.name}/theme.css"
    )
    css = list(deck.meta.css)
    files = [_local_file(url, slide, deck) for url, slide in urls]
    files += [_local_file(href, None, deck) for href in css]
    html = _ENV.get_template("deck.html.j2").render(
        deck=deck,
        meta=deck.meta,
        stacks=stacks,
        shared=f"../{SHARED}",
        theme_href=theme_href,
        highlight=look.highlight,
        css=css,
        config=json.dumps(reveal_config(deck), sort_keys=True, ensure_ascii=False).replace("</", "<\\/"),
        generator=f"deckbuild {__version__}",
    )
    return Page(html, tuple(dict.fromkeys(f for f in files if f is not None)))


def _local_file(url: str, slide: Slide | None, deck: Deck) -> PurePosixPath | None:
    """The deck-relative path of a local file ``url`` names; None for web, data and in-page links."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path or url.startswith("#"):
        return None
    line = _line_of(url, slide, deck)
    rel = PurePosixPath(unquote(parts.path))
    base = deck.path.resolve().parent
    target = (base / rel).resolve()
    if rel.is_absolute() or not target.is_relative_to(base):
        raise DeckError(
            f"'{url}' is outside the deck's folder {base.name}/",
            path=deck.path,
            line=line,
            hint=f"keep files a deck uses in or below {base}, and link them with relative paths",
        )
    if not target.is_file():
        raise DeckError(f"missing file '{url}'", path=deck.path, line=line, hint=f"no file at {target}")
    return PurePosixPath(target.relative_to(base).as_posix())


def _line_of(url: str, slide: Slide | None, deck: Deck) -> int | None:
    """The file line on which ``url`` is written, searching from the slide's first line."""
    if slide is None:
        return deck.meta.line_of("css")
    try:
        lines = deck.path.read_text(encoding="utf-8-sig").splitlines()
    except OSError:
        return slide.line
    for number in range(slide.line, len(lines) + 1):
        if url in lines[number - 1]:
            return number
    return slide.line
