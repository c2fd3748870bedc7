"""Front matter: the deck's settings, validated, with the line each came from.

The accepted keys are deckbuild's own plus the ones reveal-md and MkSlides decks use, so those decks
build unchanged.  Every problem is reported at the key's line.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import DeckError, DeckWarning
from .dialects import OLD_TRANSITIONS, did_you_mean, translate_keys
from .source import Source

TRANSITIONS = ("none", "fade", "slide", "convex", "concave", "zoom")
FRAGMENT_MODES = ("final", "initial")
FIT_MODES = ("pad", "crop")
PDF_FRAGMENTS = ("final", "separate")
PDF_NOTES = ("none", "inline", "page")


@dataclass(frozen=True)
class ShotSettings:
    """What ``deckbuild shots`` captures of a deck when no flags say otherwise."""

    slides: str | None = None
    sizes: tuple[tuple[int, int], ...] = ()
    scale: float | None = None
    fragments: str | None = None
    fit: str | None = None
    out: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class PdfSettings:
    """What ``deckbuild pdf`` prints of a deck when no flags say otherwise."""

    out: str | None = None
    fragments: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class DeckMeta:
    """A deck's validated front matter."""

    title: str | None = None
    subtitle: str | None = None
    author: str | None = None
    date: str | None = None
    event: str | None = None
    url: str | None = None
    theme: str | None = None
    highlight: str | None = None
    transition: str | None = None
    width: int | None = None
    height: int | None = None
    reveal: dict[str, Any] = field(default_factory=dict)
    incremental: bool = False
    title_slide: bool | None = None
    separator: str | None = None
    vertical_separator: str | None = None
    notes_separator: str | None = None
    css: tuple[str, ...] = ()
    shots: ShotSettings = ShotSettings()
    pdf: PdfSettings = PdfSettings()
    lang: str | None = None
    slide_level: int | None = None
    title_slide_attributes: dict[str, Any] = field(default_factory=dict)
    dialect: str | None = None  # "pandoc" for pandoc and Quarto decks (their slide rules apply)
    lines: dict[str, int] = field(default_factory=dict)
    warnings: tuple[DeckWarning, ...] = ()

    def line_of(self, key: str) -> int | None:
        """The front-matter line of ``key``, if it was set there."""
        return self.lines.get(key)


def _text(value: Any) -> str:
    if isinstance(value, (str, int, float, datetime.date)) and not isinstance(value, bool):
        return str(value)
    raise ValueError("must be text")


def _names(value: Any) -> str:
    """One name, or pandoc's and Quarto's list of authors (names, or maps with a ``name``)."""
    if isinstance(value, list):
        names = [item.get("name") if isinstance(item, dict) else item for item in value]
        return ", ".join(_text(name) for name in names)
    return _text(value)


def _transition(value: Any) -> str:
    return _choice(TRANSITIONS)(OLD_TRANSITIONS.get(value, value) if isinstance(value, str) else value)


def _level(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 6:
        return value
    raise ValueError("must be a heading level from 0 to 6")


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError("must be true or false")


def _pixels(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 64 <= value <= 8192:
        return value
    raise ValueError("must be a whole number of pixels from 64 to 8192")


def _mapping(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    raise ValueError("must be a map of option: value lines")


def reveal_options(value: Any) -> dict[str, Any]:
    """A map of reveal.js options; its slide size in the same range as ``width``/``height``."""
    options = _mapping(value)
    if "dependencies" in options:  # scripts that reveal.js would load: from anywhere, run in the page
        raise ValueError("dependencies: deckbuild loads no scripts named in front matter")
    for key in ("width", "height"):
        if key in options:
            try:
                _pixels(options[key])
            except ValueError as exc:
                raise ValueError(f"{key} {exc}") from None
    return options


def link_url(value: Any) -> str:
    """A link for the page: http(s), mailto or relative; never javascript: or data:."""
    text = _text(value).strip()
    scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", text)
    if scheme and scheme[1].lower() not in ("http", "https", "mailto"):
        raise ValueError(f"must be an http, https, mailto or relative link, not '{scheme[1]}:'")
    if any(ord(c) < 32 for c in text):
        raise ValueError("must not contain control characters")
    return text


def _attributes(value: Any) -> dict[str, Any]:
    """HTML attribute names to text values (pandoc's ``title-slide-attributes``)."""
    attributes = _mapping(value)
    for key, item in attributes.items():
        if not re.fullmatch(r"[A-Za-z_:][\w:.-]*", key):
            raise ValueError(f"has '{key}', which is no attribute name")
        if isinstance(item, (dict, list)) or item is None:
            raise ValueError(f"'{key}' must be text")
        scheme = re.match(r"^\s*([A-Za-z][A-Za-z0-9+.-]*):", str(item))
        if key.lower() in _URL_ATTRIBUTES and scheme and scheme[1].lower() not in ("http", "https", "data"):
            # a file: or javascript: URL would show a file of the machine, or run, in every screenshot
            raise ValueError(f"'{key}' must be an http, https or relative URL, not '{scheme[1]}:'")
    return attributes


_URL_ATTRIBUTES = frozenset(
    {
        "src",
        "href",
        "data-src",
        "data-background",
        "data-background-image",
        "data-background-video",
        "data-background-iframe",
        "data-preview-link",
        "data-preview-image",
        "data-preview-video",
    }
)


def _choice(choices: tuple[str, ...]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if isinstance(value, str) and value in choices:
            return value
        raise ValueError("must be one of " + ", ".join(choices))

    return check


def _regex(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("must be a regular expression as text")
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"is not a valid regular expression ({exc})") from None
    return value


def check_regex(name: str, value: str) -> str:
    """A separator given on the command line, checked as the front matter's are."""
    try:
        return _regex(value)
    except ValueError as exc:
        raise DeckError(f"{name} {exc}", hint=f"got {value!r}") from None


def _paths(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ValueError("must be a path or a list of paths")


# key in front matter -> (field name, converter).  Aliases map onto the same field.
_KEYS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "title": ("title", _text),
    "subtitle": ("subtitle", _text),
    "author": ("author", _names),
    "date": ("date", _text),
    "event": ("event", _text),
    "url": ("url", link_url),
    "theme": ("theme", _text),
    "highlight": ("highlight", _text),
    "highlightTheme": ("highlight", _text),
    "highlight_theme": ("highlight", _text),
    "transition": ("transition", _transition),
    "width": ("width", _pixels),
    "height": ("height", _pixels),
    "reveal": ("reveal", reveal_options),
    "revealOptions": ("reveal", reveal_options),
    "revealjs": ("reveal", reveal_options),
    "incremental": ("incremental", _flag),
    "title_slide": ("title_slide", _flag),
    "separator": ("separator", _regex),
    "verticalSeparator": ("vertical_separator", _regex),
    "separator_vertical": ("vertical_separator", _regex),
    "notesSeparator": ("notes_separator", _regex),
    "separator_notes": ("notes_separator", _regex),
    "data-separator-notes": ("notes_separator", _regex),
    "css": ("css", _paths),
    "lang": ("lang", _text),
    "slide-level": ("slide_level", _level),
    "title-slide-attributes": ("title_slide_attributes", _attributes),
}


def read_meta(source: Source) -> DeckMeta:
    """Validate ``source``'s front matter into a :class:`DeckMeta`."""
    values: dict[str, Any] = {}
    lines = dict(source.meta_lines)
    items = list(source.meta.items())
    # MkSlides nests its settings under 'slides:'; lift them to the top level.
    if isinstance(source.meta.get("slides"), dict):
        line = lines.get("slides")
        items = [kv for kv in items if kv[0] != "slides"] + list(source.meta["slides"].items())
        for key in source.meta["slides"]:
            lines.setdefault(str(key), line or 0)
    # Other tools' keys become deckbuild's, or a warning each (dialects.py).
    translated = translate_keys(source.path, items, lines, known={*_KEYS, "shots"})
    lines = translated.lines
    warnings = list(translated.warnings)
    given: dict[str, str] = {}  # field -> the key that set it, for aliases given twice
    at = dict(lines)  # each key's own line (``lines`` gains the fields' lines as they are set)
    for key, value in translated.items:
        line = at.get(key)
        if key == "shots":
            values["shots"] = _shots(source, value, line)
            continue
        if key == "pdf":
            values["pdf"] = _pdf(source, value, line)
            continue
        if key not in _KEYS:
            raise DeckError(
                f"unknown front-matter key '{key}'",
                path=source.path,
                line=line,
                hint=f"did you mean '{close}'?"
                if (close := did_you_mean(key, {*_KEYS, "shots", "pdf"}))
                else "known keys: " + ", ".join(sorted({*_KEYS, "shots", "pdf"})),
            )
        name, convert = _KEYS[key]
        if name in given:
            first = given[name]
            warnings.append(
                DeckWarning(
                    f"'{key}' and '{first}' (line {at.get(first) or '?'}) set the same thing; '{key}' is used"
                    f" (keep one of them)",
                    source.path,
                    line,
                )
            )
        given[name] = key
        try:
            values[name] = convert(value)
        except ValueError as exc:
            raise DeckError(f"'{key}' {exc}", path=source.path, line=line, hint=f"got {value!r}") from None
        lines[name] = line or 0
    return DeckMeta(**values, dialect=translated.dialect, lines=lines, warnings=tuple(warnings))


def parse_size(text: str) -> tuple[int, int]:
    """Parse a ``WxH`` size such as ``600x390``; raise ValueError with the reason."""
    match = re.fullmatch(r"\s*(\d{1,5})\s*[xX×]\s*(\d{1,5})\s*", text)
    if not match:
        raise ValueError(f"'{text}' is not a size like 600x390")
    width, height = int(match[1]), int(match[2])
    if not (16 <= width <= 8192 and 16 <= height <= 8192):
        raise ValueError(f"'{text}' is out of range (16 to 8192 pixels a side)")
    return width, height


def _shots(source: Source, value: Any, line: int | None) -> ShotSettings:
    def fail(message: str) -> DeckError:
        return DeckError(f"'shots' {message}", path=source.path, line=line, hint="see docs/screenshots.md")

    if not isinstance(value, dict):
        raise fail("must be a map with slides, sizes, scale, fragments, fit, out, name")
    out: dict[str, Any] = {}
    for key, item in value.items():
        try:
            if key == "slides":
                out["slides"] = _text(item)
            elif key in ("sizes", "size"):
                raw = item if isinstance(item, list) else [item]
                out["sizes"] = tuple(parse_size(str(s)) for s in raw)
            elif key == "scale":
                if isinstance(item, bool) or not isinstance(item, (int, float)) or not 0.25 <= item <= 4:
                    raise ValueError("must be a number from 0.25 to 4")
                out["scale"] = float(item)
            elif key == "fragments":
                out["fragments"] = _choice(FRAGMENT_MODES)(item)
            elif key == "fit":
                out["fit"] = _choice(FIT_MODES)(item)
            elif key in ("out", "name"):
                out[key] = _text(item)
            else:
                raise ValueError(f"has an unknown key '{key}' (known: slides, sizes, scale, fragments, fit, out, name)")
        except ValueError as exc:
            raise fail(f"{key}: {exc}") from None
    return ShotSettings(**out)


def _pdf(source: Source, value: Any, line: int | None) -> PdfSettings:
    def fail(message: str) -> DeckError:
        return DeckError(f"'pdf' {message}", path=source.path, line=line, hint="see docs/pdf.md")

    if not isinstance(value, dict):
        raise fail("must be a map with out, fragments, notes")
    out: dict[str, Any] = {}
    for key, item in value.items():
        try:
            if key == "out":
                out["out"] = _text(item)
            elif key == "fragments":
                out["fragments"] = _choice(PDF_FRAGMENTS)(item)
            elif key == "notes":
                out["notes"] = _choice(PDF_NOTES)("none" if item is False else "inline" if item is True else item)
            else:
                raise ValueError(f"has an unknown key '{key}' (known: out, fragments, notes)")
        except ValueError as exc:
            raise fail(f"{key}: {exc}") from None
    return PdfSettings(**out)
