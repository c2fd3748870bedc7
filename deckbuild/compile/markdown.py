"""The one mistune factory: Markdown to HTML, plus reveal.js's comment attributes.

mistune parses to tokens; before rendering we apply reveal.js's ``<!-- .element: ... -->``
comments to the element they follow (as reveal.js's markdown plugin does in the browser) and mark
list items as fragments for step-by-step lists.  The renderer records every local file the HTML
refers to, so the site writer can copy it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import mistune
from mistune.core import BlockState

from . import pandoc

_ELEMENT = re.compile(r"^<!--\s*\.element:\s*(.*?)\s*-->$", re.DOTALL)
_INLINE_ELEMENTS = {"image", "link", "strong", "emphasis", "codespan", "strikethrough", "mark"}
_SRC = re.compile(
    r"""\b(src|poster|data-src|data-background-image|data-background-video|data-background)\s*=\s*["']([^"']+)["']""",
    re.I,
)
_COLOUR = re.compile(
    r"^\s*(?:#|rgba?\(|hsla?\(|hwb\(|lab\(|lch\(|oklab\(|oklch\(|color\(|[a-z-]*gradient\(|var\()", re.I
)


def file_references(html: str) -> list[str]:
    """The URLs in ``html``'s src-like attributes; ``data-background`` only where it is no colour."""
    found = []
    for name, value in _SRC.findall(html):
        if name.lower() == "data-background" and (_COLOUR.match(value) or not ("/" in value or "." in value)):
            continue  # reveal.js also takes a colour, a gradient or a colour name there
        found.append(value)
    return found


MERMAID = '<pre class="mermaid">'  # how a diagram's source is handed to mermaid in the page
_CODE_INFO = re.compile(r"^(?P<lang>[^\s\[]*)\s*(?:\[(?P<lines>[^\]]*)\])?")


@dataclass(frozen=True)
class Rendered:
    """HTML of one piece of Markdown and the URLs it refers to, in order."""

    html: str
    urls: tuple[str, ...]


class _SlideRenderer(mistune.HTMLRenderer):
    """HTML renderer that writes extra attributes onto a token's opening tag."""

    def __init__(self, incremental: bool) -> None:
        super().__init__(escape=False)
        self.incremental = incremental
        self.urls: list[str] = []

    def __call__(self, tokens: Any, state: BlockState) -> str:
        # mistune parses inline text lazily; materialise the whole tree before moving attributes.
        tree = list(tokens)
        _apply_element_comments(tree, None)
        pandoc.apply_attributes(tree, None, self.incremental)
        return self.render_tokens(tree, state)

    def render_token(self, token: dict[str, Any], state: BlockState) -> str:
        html = super().render_token(token, state)
        extra = token.get("html_attrs")
        if extra:
            html = _add_attrs(html, extra)
        if (
            self.incremental
            and token["type"] in ("list_item", "task_list_item")
            and "fragment" not in (extra or "")
            and not token.get("static")
        ):
            html = _add_attrs(html, 'class="fragment"')
        if token["type"] in ("inline_html", "block_html"):
            self.urls.extend(file_references(token.get("raw", "")))
        return html

    def image(self, text: str, url: str, title: str | None = None) -> str:
        self.urls.append(url)
        return super().image(text, url, title)

    def block_code(self, code: str, info: str | None = None) -> str:
        info = (info or "").strip()
        if info == "{=html}":  # pandoc's raw HTML block
            self.urls.extend(file_references(code))
            return code
        if info.split(None, 1)[:1] == ["mermaid"]:  # drawn in the browser by mermaid
            return MERMAID + mistune.escape(code) + "</pre>\n"
        chunk = pandoc.CHUNK.match(info)
        if chunk:  # a Quarto / R Markdown chunk: shown, never run
            info, code = chunk["lang"], pandoc.chunk_code(code)
        match = _CODE_INFO.match(info)
        lang = match["lang"] if match else ""
        attrs = ' class="language-' + mistune.escape(lang) + '"' if lang else ' class="nohighlight"'
        if match and match["lines"] is not None:
            attrs += ' data-line-numbers="' + mistune.escape(match["lines"]) + '"'
        return "<pre><code" + attrs + " data-trim>" + mistune.escape(code) + "</code></pre>\n"


def _add_attrs(html: str, attrs: str) -> str:
    """Insert ``attrs`` into the first tag of ``html``, merging a class attribute."""
    match = re.match(r"\s*<([a-zA-Z][\w-]*)([^>]*?)(/?)>", html)
    if not match:
        return html
    existing = match[2].rstrip()
    new = attrs
    cls = re.search(r'\bclass\s*=\s*"([^"]*)"', attrs)
    old_cls = re.search(r'\bclass\s*=\s*"([^"]*)"', existing)
    if cls and old_cls:
        existing = existing.replace(old_cls[0], f'class="{old_cls[1]} {cls[1]}"')
        new = attrs.replace(cls[0], "").strip()
    close = " /" if match[3] else ""
    tag = f"<{match[1]}{existing}{' ' + new if new else ''}{close}>"
    return html[: match.start()] + tag + html[match.end() :]


def _apply_element_comments(tokens: list[dict[str, Any]], parent: dict[str, Any] | None) -> None:
    """Move each ``.element:`` comment's attributes onto the element before it, else its parent."""
    kept: list[dict[str, Any]] = []
    for token in tokens:
        raw = token.get("raw", "").strip() if token["type"] in ("inline_html", "block_html") else ""
        match = _ELEMENT.match(raw) if raw else None
        if match:
            target = _previous_element(kept, block=token["type"] == "block_html") or parent
            if target is not None:
                old = target.get("html_attrs")
                target["html_attrs"] = f"{old} {match[1]}" if old else match[1]
            continue
        if "children" in token:
            # A tight list item's text has no tag of its own: attributes go to the <li>.
            holder = parent if token["type"] == "block_text" and parent is not None else token
            _apply_element_comments(token["children"], holder)
        kept.append(token)
    tokens[:] = _strip_trailing_space(kept)


def _previous_element(kept: list[dict[str, Any]], block: bool) -> dict[str, Any] | None:
    for token in reversed(kept):
        if token["type"] == "text" and not token.get("raw", "").strip():
            continue
        if token["type"] in ("blank_line", "softbreak"):
            continue
        if block or token["type"] in _INLINE_ELEMENTS:
            return token  # type: ignore[no-any-return]
        return None
    return None


def _strip_trailing_space(tokens: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if tokens and tokens[-1]["type"] == "text" and tokens[-1].get("raw", "").endswith(" "):
        tokens[-1] = {**tokens[-1], "raw": tokens[-1]["raw"].rstrip(" ")}
    return tokens


def _markdown(incremental: bool) -> tuple[mistune.Markdown, _SlideRenderer]:
    renderer = _SlideRenderer(incremental)
    md = mistune.create_markdown(
        renderer=renderer,
        plugins=[
            "table",
            "strikethrough",
            "mark",
            "task_lists",
            pandoc.fenced_divs,
            pandoc.pauses,
            pandoc.spans,
            pandoc.math,
        ],
    )
    return md, renderer


_MARKDOWN = {flag: _markdown(flag) for flag in (False, True)}


def render_markdown(text: str, *, incremental: bool = False) -> Rendered:
    """Render one slide's Markdown to HTML."""
    md, renderer = _MARKDOWN[incremental]
    renderer.urls = []
    html, _state = md.parse(text)
    assert isinstance(html, str)
    return Rendered(html, tuple(renderer.urls))
