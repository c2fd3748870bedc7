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
class SlidePage:
    """One slide as rendered: its place (reveal.js's h/v indices), its HTML and the files it uses."""

    h: int
    v: int
    html: str
    files: tuple[PurePosixPath, ...]


@dataclass(frozen=True)
class Page:
    """A deck's HTML and the deck-relative local files it needs beside it.

    ``frame`` is the page with no slides in it: what every slide's pixels depend on besides its own HTML.
    """

    html: str
    files: tuple[PurePosixPath, ...]
    slides: tuple[SlidePage, ...] = ()
    frame: str = ""


@dataclass(frozen=True)
class Look:
    """What a deck looks like: its theme and code style, already resolved."""

    theme: Theme
    highlight: str


def _slide_html(slide: Slide, deck: Deck) -> tuple[dict[str, Any], list[PurePosixPath]]:
    """A slide's template values, and the local files it refers to (checked to exist)."""
    urls = list(_ATTR_URL.findall(slide.attrs))

    def render(blocks: tuple[Block, ...]) -> str:
        parts = []
        for block in blocks:
            incremental = deck.meta.incremental if block.incremental is None else block.incremental
            rendered = render_markdown(block.text, incremental=incremental)
            urls.extend(rendered.urls)
            parts.append(rendered.html)
        return "".join(parts)

    values = {"kind": slide.kind, "attrs": slide.attrs, "html": render(slide.blocks), "notes": render(slide.notes)}
    files = [f for f in (_local_file(url, slide, deck) for url in urls) if f is not None]
    return values, files


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
    stacks: list[list[dict[str, Any]]] = []
    slides: list[SlidePage] = []
    files: list[PurePosixPath] = []
    for h, stack in enumerate(deck.stacks):
        stacks.append([])
        for v, slide in enumerate(stack.slides):
            values, used = _slide_html(slide, deck)
            stacks[-1].append(values)
            slides.append(SlidePage(h, v, json.dumps(values, sort_keys=True), tuple(used)))
            files.extend(used)
    css = list(deck.meta.css)
    for href in css:
        sheet = _local_file(href, None, deck)
        if sheet is not None:
            files.append(sheet)
            files.extend(_css_files(sheet, deck))
    theme_href = (
        f"../{SHARED}/reveal.js/theme/{look.theme.name}.css"
        if look.theme.folder is None
        else f"../{SHARED}/themes/{look.theme.name}/theme.css"
    )
    template = _ENV.get_template("deck.html.j2")
    values = {
        "deck": deck,
        "meta": deck.meta,
        "shared": f"../{SHARED}",
        "theme_href": theme_href,
        "highlight": look.highlight,
        "css": css,
        "config": json.dumps(reveal_config(deck), sort_keys=True, ensure_ascii=False).replace("</", "<\\/"),
        "generator": f"deckbuild {__version__}",
    }
    html = template.render(stacks=stacks, **values)
    frame = template.render(stacks=[], **values)
    return Page(html, tuple(dict.fromkeys(files)), tuple(slides), frame)


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


_CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")


def _css_files(sheet: PurePosixPath, deck: Deck) -> list[PurePosixPath]:
    """Local files (fonts, images) that a deck's own style sheet refers to, relative to the deck."""
    base = deck.path.resolve().parent
    text = (base / sheet).read_text(encoding="utf-8", errors="replace")
    found = []
    for url in _CSS_URL.findall(text):
        if urlsplit(url).scheme or url.startswith(("/", "#")):
            continue
        relative = (sheet.parent / unquote(urlsplit(url).path)).as_posix()
        target = _local_file(relative, None, deck)
        if target is not None:
            found.append(target)
    return found


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
