"""Deck model to HTML (jinja2).  Reads nothing but the template; writes nothing."""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2
import jinja2.sandbox

from .. import __version__
from ..errors import DeckError, DeckErrors, DeckWarning
from ..settings import DEFAULT_SHARED
from . import katex
from .markdown import MERMAID, file_references, render_markdown
from .model import Block, Deck, Slide
from .themes import Theme

SHARED = DEFAULT_SHARED  # the site folder every deck shares: reveal.js, themes, code styles

_PACKAGE_TEMPLATES = jinja2.PackageLoader("deckbuild", "templates")


@functools.lru_cache(maxsize=32)
def _environment(overrides: Path | None) -> jinja2.Environment:
    """Templates: a theme's overrides first, then deckbuild's own."""
    loaders: list[jinja2.BaseLoader] = [_PACKAGE_TEMPLATES]
    if overrides is not None:
        loaders.insert(0, jinja2.FileSystemLoader(overrides))
    # A theme's templates are committed files: render them sandboxed, so that they cannot reach Python.
    return jinja2.sandbox.ImmutableSandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(default=True),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
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
    features: frozenset[str] = frozenset()  # "math", "mermaid": what the shared folder must carry
    warnings: tuple[DeckWarning, ...] = ()


@dataclass(frozen=True)
class Look:
    """What a deck looks like: its theme and code style, already resolved."""

    theme: Theme
    highlight: str


def _slide_html(slide: Slide, deck: Deck, files: _Files) -> tuple[dict[str, Any], list[PurePosixPath]]:
    """A slide's template values, and the local files it refers to (checked to exist)."""
    urls = file_references(slide.attrs)

    def render(blocks: tuple[Block, ...]) -> str:
        parts = []
        for block in blocks:
            incremental = deck.meta.incremental if block.incremental is None else block.incremental
            rendered = render_markdown(block.text, incremental=incremental)
            urls.extend(rendered.urls)
            parts.append(rendered.html)
        return "".join(parts)

    values = {"kind": slide.kind, "attrs": slide.attrs, "html": render(slide.blocks), "notes": render(slide.notes)}
    used = []
    for url in urls:
        found = files.local(url, slide)
        if found is None:
            continue
        used.append(found)
        if found.parts[0] == "..":  # a file from elsewhere in the project: give the page its place in the site
            for name in ("attrs", "html", "notes"):
                values[name] = _relink(values[name], url, site_path(found).as_posix())
    return values, used


def reveal_config(deck: Deck, look: Look) -> dict[str, Any]:
    """The options passed to ``Reveal.initialize`` (plugins are added by the template).

    The deck's front matter wins over its theme's settings, which win over reveal.js's defaults.
    """
    meta, theme = deck.meta, look.theme
    config: dict[str, Any] = {
        "hash": True,
        "width": meta.width or theme.width or 960,
        "height": meta.height or theme.height or 700,
    }
    config.update(theme.reveal)
    if meta.transition:
        config["transition"] = meta.transition
    config.update(meta.reveal)
    return config


_SCRIPT_UNSAFE = str.maketrans({c: f"\\u{ord(c):04x}" for c in "<>&\u2028\u2029"})


def script_json(value: Any) -> str:
    """JSON for inside a ``<script>``: no ``<``, ``>``, ``&``, U+2028 or U+2029 reaches the page raw."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).translate(_SCRIPT_UNSAFE)


def stylesheets(look: Look) -> list[str]:
    """The theme's style sheets, relative to the shared folder, in cascade order."""
    theme = look.theme
    if theme.folder is None:
        sheets = [f"reveal.js/theme/{theme.name}.css"]
    else:
        sheets = [f"reveal.js/theme/{theme.extends}.css"] if theme.extends else []
        sheets += [face.href for face in theme.fonts]
        sheets.append(f"themes/{theme.name}/theme.css")
    return [*sheets, f"highlight/{look.highlight}.css"]


def render_deck(deck: Deck, look: Look, *, shared: str = SHARED, root: Path | None = None) -> Page:
    """Render ``deck`` to a standalone reveal.js page that links only to relative paths.

    Local files may come from anywhere inside ``root`` (the project; default: the deck's folder).
    Every missing or outside file is reported at once, as one :class:`DeckErrors`.
    """
    local = _Files(deck, root)
    stacks: list[list[dict[str, Any]]] = []
    slides: list[SlidePage] = []
    files: list[PurePosixPath] = []
    rendered = [
        (h, v, slide, *_slide_html(slide, deck, local))
        for h, stack in enumerate(deck.stacks)
        for v, slide in enumerate(stack.slides)
    ]
    warnings = _typeset_math(deck, [(slide, values) for _, _, slide, values, _ in rendered])
    for h, v, slide, values, used in rendered:
        if v == 0:
            stacks.append([])
        slides.append(SlidePage(h, v, json.dumps(values, sort_keys=True), tuple(used)))
        # The source line goes into the page (for `check`) but not into the slide's own key:
        # adding a line above a slide must not make its screenshot stale.
        stacks[-1].append({**values, "line": slide.line})
        files.extend(used)
    css = []
    for href in deck.meta.css:
        sheet = local.local(href, None)
        css.append(href if sheet is None or sheet.parts[0] != ".." else site_path(sheet).as_posix())
        if sheet is not None:
            files.append(sheet)
            files.extend(_css_files(sheet, local))
    local.raise_problems()
    template = _environment(look.theme.templates).get_template("deck.html.j2")
    values = {
        "deck": deck,
        "meta": deck.meta,
        "shared": f"../{shared}",
        "theme_sheets": [f"../{shared}/{sheet}" for sheet in stylesheets(look)],
        "theme_url": f"../{shared}/themes/{look.theme.name}" if look.theme.folder else None,
        "css": css,
        "config": script_json(reveal_config(deck, look)),
        "generator": f"deckbuild {__version__}",
    }
    # highlight.js is most of the page's script: load it only for decks that show code; the same
    # for KaTeX's style sheet and fonts, and for mermaid.
    values["code"] = any("<pre><code" in slide.html for slide in slides)
    shown = [values[key] for _, _, _, values, _ in rendered for key in ("html", "notes")]
    values["math"] = any('<span class="katex' in html for html in shown)
    values["mermaid"] = any(MERMAID in html for html in shown)
    try:
        html = template.render(stacks=stacks, **values)
        frame = template.render(stacks=[], **values)
    except (jinja2.TemplateError, UnicodeDecodeError) as exc:
        where = look.theme.templates or deck.path
        raise DeckError(
            f"the theme's template failed: {exc}", path=where, hint="fix the template in the theme's templates/"
        ) from None
    features = frozenset(name for name in ("math", "mermaid") if values[name])
    return Page(html, tuple(dict.fromkeys(files)), tuple(slides), frame, features, tuple(warnings))


def _typeset_math(deck: Deck, slides: list[tuple[Slide, dict[str, Any]]]) -> list[DeckWarning]:
    """Typeset every slide's math (and its notes') in place; a warning per formula KaTeX cannot read."""
    pieces = [values[key] for _, values in slides for key in ("html", "notes")]
    if not any(katex.uses_math(piece) for piece in pieces):
        return []
    from .assets import find_assets

    done, errors = katex.typeset(pieces, find_assets().node_modules)
    for index, (_, values) in enumerate(slides):
        values["html"], values["notes"] = done[2 * index], done[2 * index + 1]
    warnings = []
    for index, tex, message in errors:
        slide = slides[index // 2][0]
        warnings.append(
            DeckWarning(
                f"math '{tex}' cannot be typeset: {message}", deck.path, _line_of(tex.split("\n")[0], slide, deck)
            )
        )
    return warnings


def site_path(rel: PurePosixPath) -> PurePosixPath:
    """Where a deck-relative file goes in the deck's site folder: each leading '..' becomes 'up'."""
    parts = list(rel.parts)
    ups = 0
    while ups < len(parts) and parts[ups] == "..":
        ups += 1
    return PurePosixPath(*(["up"] * ups + parts[ups:]))


def _relink(html: str, url: str, target: str) -> str:
    for quote in ('"', "'"):
        html = html.replace(f"={quote}{url}{quote}", f"={quote}{target}{quote}")
    return html


class _Files:
    """Checks the local files a deck names, collecting every problem rather than stopping at the first."""

    def __init__(self, deck: Deck, root: Path | None) -> None:
        self.deck = deck
        self.base = deck.path.resolve().parent
        self.root = root.resolve() if root is not None and self.base.is_relative_to(root.resolve()) else self.base
        self.problems: list[DeckError] = []

    def local(self, url: str, slide: Slide | None) -> PurePosixPath | None:
        """The deck-relative path of the local file ``url`` names; None for web, data and in-page links."""
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path or url.startswith("#"):
            return None
        line = _line_of(url, slide, self.deck)
        rel = PurePosixPath(unquote(parts.path))
        try:
            target = (self.base / rel).resolve()
            exists = target.is_file()
        except (OSError, ValueError) as exc:
            return self._problem(f"cannot use the file name '{url}' ({exc})", line, "")
        if rel.is_absolute() or not target.is_relative_to(self.root):
            where = "the deck's folder" if self.root == self.base else "the project"
            return self._problem(
                f"'{url}' is outside {where} {self.root.name}/",
                line,
                f"keep files a deck uses in or below {self.root}, and link them with relative paths",
            )
        if not exists:
            return self._problem(f"missing file '{url}'", line, f"no file at {target}")
        return PurePosixPath(os.path.relpath(target, self.base).replace(os.sep, "/"))

    def _problem(self, message: str, line: int | None, hint: str) -> PurePosixPath | None:
        self.problems.append(DeckError(message, path=self.deck.path, line=line, hint=hint))
        return None

    def raise_problems(self) -> None:
        if self.problems:
            raise DeckErrors(self.problems)


_CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")


def _css_files(sheet: PurePosixPath, files: _Files) -> list[PurePosixPath]:
    """Local files (fonts, images) that a deck's own style sheet refers to, relative to the deck."""
    text = (files.base / sheet).read_text(encoding="utf-8", errors="replace")
    found = []
    for url in _CSS_URL.findall(text):
        if urlsplit(url).scheme or url.startswith(("/", "#")):
            continue
        relative = os.path.normpath((sheet.parent / unquote(urlsplit(url).path)).as_posix()).replace(os.sep, "/")
        target = files.local(relative, None)
        if target is not None:
            found.append(target)
    return found


def _line_of(url: str, slide: Slide | None, deck: Deck) -> int | None:
    """The file line on which ``url`` is written as a link target, else the slide's first line."""
    if slide is None:
        return deck.meta.line_of("css")
    if url in slide.attrs and slide.attrs_line:
        return slide.attrs_line
    mentions = []
    for block in (*slide.blocks, *slide.notes):
        for offset, text in enumerate(block.text.split("\n")):
            if url in text:
                mentions.append((block.line + offset, text))
    for quote in ("(", '"', "'", "="):
        for number, text in mentions:
            if quote + url in text:
                return number
    return mentions[0][0] if mentions else slide.line
