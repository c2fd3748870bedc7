"""Pandoc's attribute syntax, ``{#id .class key=value key="a value"}``, read and written as HTML.

Pandoc, Quarto and markdown-it-attrs (vscode-reveal) all write attributes this way: after a heading, an
image, a bracketed span, on a fenced div, or at the end of a paragraph or list item.  As pandoc's
HTML writer does, a key that is no HTML attribute gets ``data-`` in front of it, so
``background-color="red"`` on a slide's heading becomes reveal.js's ``data-background-color``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""\s*(?:
        \#(?P<id>[^\s{}#.="']+)
      | \.(?P<cls>[^\s{}#.="']+)
      | (?P<key>[A-Za-z_:][\w:.-]*)=(?:"(?P<dq>(?:[^"\\]|\\.)*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s{}"']+))
      | (?P<dash>-)
    )""",
    re.VERBOSE,
)
# At the end of a line of inline text: `Title {#id .class}` (markdown-it-attrs and pandoc headings).
TRAILING = re.compile(r"[ \t]*\{(?P<attrs>[^{}\n]*)\}[ \t]*$")
# At the start of inline text: what follows an image, `![x](a.png){width=50%}`.
LEADING = re.compile(r"^\{(?P<attrs>[^{}\n]*)\}")

# Attributes HTML itself has, kept as they are; any other key gets "data-" (pandoc's rule).
_HTML = frozenset(
    """
    id class style title lang dir hidden tabindex accesskey draggable spellcheck translate role width height src
    alt href target rel download type start reversed value name align colspan rowspan loading poster controls
    autoplay loop muted playsinline preload frameborder allow allowfullscreen sandbox
    """.split()  # noqa: SIM905
)


@dataclass(frozen=True)
class Attributes:
    """One ``{...}`` block: an id, classes and key-value pairs, in the order written."""

    id: str | None = None
    classes: tuple[str, ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()

    def get(self, key: str) -> str | None:
        return next((v for k, v in self.pairs if k == key), None)

    def without(self, *keys: str) -> Attributes:
        return Attributes(self.id, self.classes, tuple((k, v) for k, v in self.pairs if k not in keys))

    def html(self) -> str:
        """As HTML attributes (escaped), with ``data-`` before keys that HTML does not have."""
        parts = []
        if self.id:
            parts.append(f'id="{html.escape(self.id)}"')
        if self.classes:
            parts.append(f'class="{html.escape(" ".join(self.classes))}"')
        for key, value in self.pairs:
            name = key if key in _HTML or key.startswith(("data-", "aria-")) else "data-" + key
            parts.append(f'{html.escape(name)}="{html.escape(value)}"')
        return " ".join(parts)


def parse_attributes(text: str) -> Attributes | None:
    """Read the inside of a ``{...}`` block; None if it is not attribute syntax (then it is text)."""
    ident: str | None = None
    classes: list[str] = []
    pairs: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    if not text:
        return None
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            return None
        pos = match.end()
        if match["id"]:
            ident = match["id"]
        elif match["cls"]:
            classes.append(match["cls"])
        elif match["dash"]:
            classes.append("unnumbered")
        else:
            raw = match["dq"] if match["dq"] is not None else match["sq"] if match["sq"] is not None else match["bare"]
            value = re.sub(r"\\(.)", r"\1", raw) if match["dq"] is not None else raw
            if match["key"] == "class":
                classes.extend(value.split())
            elif match["key"] == "id":
                ident = value
            else:
                pairs.append((match["key"], value))
        if pos < len(text) and not text[pos].isspace():
            return None
    return Attributes(ident, tuple(classes), tuple(pairs))


def split_trailing(text: str) -> tuple[str, Attributes | None]:
    """``"Title {#id .c}"`` -> ``("Title", Attributes(...))``; text without attributes is returned as is."""
    match = TRAILING.search(text)
    attrs = parse_attributes(match["attrs"]) if match else None
    if match is None or attrs is None:
        return text, None
    return text[: match.start()], attrs


def image_attributes(attrs: Attributes) -> Attributes:
    """An image's attributes as HTML wants them: ``width=50%`` as a style, Quarto's ``fig-align``."""
    styles: list[str] = []
    pairs: list[tuple[str, str]] = []
    for key, value in attrs.pairs:
        if key in ("width", "height"):
            if re.fullmatch(r"\d+(?:px)?", value):
                pairs.append((key, value.removesuffix("px")))
            else:
                styles.append(f"{key}: {value}")
        elif key == "fig-align" and value in ("left", "center", "right"):
            margins = {"left": "margin-right: auto", "center": "margin: 0 auto", "right": "margin-left: auto"}
            styles += ["display: block", margins[value]]
        elif key == "style":
            styles.append(value.rstrip("; "))
        else:
            pairs.append((key, value))
    if styles:
        pairs.append(("style", "; ".join(styles)))
    return Attributes(attrs.id, attrs.classes, tuple(pairs))
