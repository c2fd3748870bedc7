"""Front matter written for other tools: pandoc, Quarto, reveal-md, Marp, Jekyll.

:func:`translate_keys` runs before :mod:`config` validates anything.  It rewrites the keys other
tools use into deckbuild's own (reveal.js option names anywhere, Quarto's ``format: revealjs:`` map
with its kebab-case names, pandoc's ``slide-level``), and turns the keys deckbuild cannot honour into
one warning each.  A key no tool knows is left for :mod:`config` to refuse, with :func:`did_you_mean`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DeckWarning
from .source import Source

# reveal.js 5's options (js/config.js) that a deck may set; a key of these names at the top level or
# in Quarto's format map goes to Reveal.initialize, as pandoc and Quarto pass them.
REVEAL_OPTIONS = frozenset(
    """
    autoAnimate autoAnimateDuration autoAnimateEasing autoAnimateMatcher autoAnimateStyles autoAnimateUnmatched
    autoPlayMedia autoSlide autoSlideMethod autoSlideStoppable backgroundTransition center controls
    controlsBackArrows controlsLayout controlsTutorial defaultTiming disableLayout display embedded
    focusBodyOnPageVisibilityChange fragmentInURL fragments hash hashOneBasedIndex help hideCursorTime
    hideInactiveCursor history jumpToSlide keyboard loop margin maxScale minScale mobileViewDistance mouseWheel
    navigationMode overview parallaxBackgroundHorizontal parallaxBackgroundImage parallaxBackgroundPosition
    parallaxBackgroundRepeat parallaxBackgroundSize parallaxBackgroundVertical pause pdfMaxPagesPerSlide
    pdfPageHeightOffset pdfSeparateFragments preloadIframes previewLinks progress respondToHashChanges rtl
    scrollActivationWidth scrollLayout scrollProgress scrollSnap showHiddenSlides showNotes showSlideNumber
    shuffle slideNumber sortFragmentsOnSync touch transitionSpeed view viewDistance
    """.split()  # noqa: SIM905
)

# Keys other tools use that deckbuild does not honour: key -> the tool's name, for the warning.
_REVEAL_MD = """
    favicon preprocessor listingTemplate listing-template scripts template assetsDir assets-dir absoluteUrl
    absolute-url featuredSlide featured-slide static staticDirs static-dirs port host watch print printSize
    print-size glob disableAutoOpen disable-auto-open mermaid
"""
_PANDOC = """
    revealjs-url header-includes include-before include-after include-in-header abstract keywords subject
    toc toc-title toc-depth number-sections section-titles mainfont sansfont monofont fontsize linkcolor
    pagetitle classoption documentclass aspectratio monobackgroundcolor backgroundcolor mathjax mathjaxurl
    csl link-citations nocite references reference-section-title highlight-style self-contained
    embed-resources
"""
_QUARTO = """
    execute jupyter bibliography engine knitr editor filters freeze output-file lightbox logo footer
    chalkboard multiplex menu code-fold code-line-numbers code-overflow code-copy smaller scrollable
    auto-stretch html-math-method crossref cap-location fig-cap-location tbl-cap-location reference-location
    citation-location brand mermaid-format echo warning
"""
_MARP = "marp header class size style headingDivider backgroundColor backgroundImage math color"
_JEKYLL = "layout tags category categories published permalink excerpt"
_TOOL_KEYS: dict[str, str] = {
    **{key: "reveal-md's" for key in _REVEAL_MD.split()},
    **{key: "pandoc's" for key in _PANDOC.split()},
    **{key: "Quarto's" for key in _QUARTO.split()},
    **{key: "Marp's" for key in _MARP.split()},
    **{key: "Jekyll's" for key in _JEKYLL.split()},
}
# Keys the deck does not use but another deckbuild command does: no warning (`post` copies tags).
_USED_ELSEWHERE = frozenset({"tags"})
# Keys only pandoc or Quarto write: a deck that has one is read with pandoc's slide rules.
_PANDOC_ONLY = frozenset({*_PANDOC.split(), *_QUARTO.split(), "format", "slide-level", "title-slide-attributes"})

# Quarto's own theme names that are not reveal.js's.
_QUARTO_THEMES = {"default": "white", "dark": "black"}
# reveal.js 3's name for what reveal.js 4 and 5 call 'convex' (pandoc and old decks still write it).
OLD_TRANSITIONS = {"default": "convex"}


def camel(key: str) -> str:
    """``slide-number`` -> ``slideNumber`` (Quarto's spelling of reveal.js's option names)."""
    head, *rest = key.split("-")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@dataclass
class Translated:
    """Front matter in deckbuild's own keys, with lines, warnings and the dialect it was written in."""

    items: list[tuple[str, Any]] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)
    warnings: list[DeckWarning] = field(default_factory=list)
    dialect: str | None = None


def translate_keys(
    path: Path, items: Iterable[tuple[str, Any]], lines: dict[str, int], known: Collection[str]
) -> Translated:
    """Rewrite other tools' front-matter keys into deckbuild's ``known`` ones; warn about the rest."""
    out = Translated(lines=dict(lines))
    reveal: dict[str, Any] = {}
    reveal_line: int | None = None

    def keep(key: str, value: Any, line: int | None) -> None:
        if key in dict(out.items):
            return  # deckbuild's own key, given earlier, wins
        out.items.append((key, value))
        out.lines[key] = line or 0

    def ignore(what: str, tool: str, line: int | None) -> None:
        out.warnings.append(DeckWarning(f"'{what}' is {tool} and deckbuild ignores it", path, line))

    for key, value in items:
        line = lines.get(key)
        if key in _PANDOC_ONLY:
            out.dialect = "pandoc"
        if key in known:
            out.items = [kv for kv in out.items if kv[0] != key]
            keep(key, value, line)
        elif key == "format":
            for sub_key, sub_value in _quarto_format(value):
                if camel(sub_key) in REVEAL_OPTIONS:
                    reveal.setdefault(camel(sub_key), sub_value)
                    reveal_line = reveal_line or line
                elif sub_key in _FORMAT_KEYS:
                    for sheet in sub_value if sub_key == "theme" and isinstance(sub_value, list) else []:
                        if isinstance(sheet, str) and sheet.endswith(".scss"):
                            ignore(f"theme: {sheet}", "a Quarto Sass file", line)
                    keep(_FORMAT_KEYS[sub_key], _quarto_value(sub_key, sub_value), line)
                else:
                    ignore(f"format: revealjs: {sub_key}", "Quarto's", line)
        elif key == "institute" and "event" not in dict(items):
            keep("event", value, line)
        elif key == "paginate":  # Marp's page numbers are reveal.js's slide numbers
            reveal.setdefault("slideNumber", value)
            reveal_line = reveal_line or line
        elif camel(key) in REVEAL_OPTIONS:
            reveal.setdefault(camel(key), value)
            reveal_line = reveal_line or line
        elif key in _USED_ELSEWHERE:
            continue  # read by another command, not by the deck
        elif key in _TOOL_KEYS:
            ignore(key, _TOOL_KEYS[key], line)
        else:
            keep(key, value, line)  # config refuses it, at its line
    if reveal:
        reveal = {k: OLD_TRANSITIONS.get(v, v) if k.endswith("ransition") else v for k, v in reveal.items()}
        given = dict(out.items).get("reveal")
        if isinstance(given, dict):
            reveal.update(given)  # the deck's own reveal: map wins
            out.items = [kv for kv in out.items if kv[0] != "reveal"]
        keep("reveal", reveal, out.lines.get("reveal") or reveal_line)
    return out


# Quarto's format: revealjs: keys that deckbuild has a key of its own for.
_FORMAT_KEYS = {
    "theme": "theme",
    "css": "css",
    "transition": "transition",
    "incremental": "incremental",
    "width": "width",
    "height": "height",
    "slide-level": "slide-level",
    "title-slide-attributes": "title-slide-attributes",
}


def _quarto_format(value: Any) -> list[tuple[str, Any]]:
    """The options in Quarto's ``format: revealjs`` (a name, or a map with a ``revealjs`` map)."""
    if isinstance(value, dict) and isinstance(value.get("revealjs"), dict):
        return [(str(k), v) for k, v in value["revealjs"].items()]
    return []


def _quarto_value(key: str, value: Any) -> Any:
    if key == "theme":
        names = value if isinstance(value, list) else [value]
        names = [n for n in names if isinstance(n, str) and not n.endswith(".scss")]
        value = names[0] if names else "default"
        return _QUARTO_THEMES.get(value, value)
    return value


def did_you_mean(key: str, candidates: Iterable[str]) -> str | None:
    """The closest of ``candidates`` (or the other keys deckbuild honours) to a mistyped ``key``."""
    pool = {*candidates, *REVEAL_OPTIONS, "format", "institute", "paginate"}
    close = difflib.get_close_matches(key, sorted(pool), n=1, cutoff=0.75)
    return close[0] if close else None


_TITLE_LINE = re.compile(r"^%(?:[ \t](.*))?$")


def with_title_block(source: Source) -> tuple[Source, bool]:
    """``source`` with pandoc's ``%`` title block taken into its front matter (YAML wins); and whether it had one."""
    values, lines, used = read_title_block(source.body, source.body_start)
    if not used:
        return source, False
    meta = {**values, **source.meta}
    meta_lines = {**lines, **source.meta_lines}
    return Source(source.path, meta, meta_lines, source.body[used:], source.body_start + used), True


def read_title_block(body: list[str], body_start: int) -> tuple[dict[str, Any], dict[str, int], int]:
    """Pandoc's ``% Title`` / ``% Author`` / ``% Date`` block at the top of the body.

    Returns the values, their lines and how many body lines the block takes (0 if there is none).
    Continuation lines start with a space; authors may be separated by ``;``.
    """
    fields: list[tuple[list[str], int]] = []
    used = 0
    for index, text in enumerate(body[:32]):
        match = _TITLE_LINE.match(text)
        if match and len(fields) < 3:
            fields.append(([match[1] or ""], body_start + index))
        elif fields and text[:1] in (" ", "\t") and text.strip():
            fields[-1][0].append(text.strip())
        else:
            break
        used = index + 1
    if not fields:
        return {}, {}, 0
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for name, (parts, line) in zip(("title", "author", "date"), fields, strict=False):
        text = " ".join(p.strip() for p in parts if p.strip())
        if not text:
            continue
        if name == "author":
            text = ", ".join(a.strip() for a in re.split(r";", text) if a.strip())
        values[name], lines[name] = text, line
    return values, lines, used


def theme_sheet(name: str, deck_path: Path, known: Collection[str]) -> str | None:
    """A theme given as a style sheet: ``theme: css/x.css`` (reveal-md), or a name with a CSS file next to the deck."""
    if name in known:
        return None
    if name.endswith(".css"):
        return name
    if (deck_path.parent / f"{name}.css").is_file():
        return f"{name}.css"
    return None
