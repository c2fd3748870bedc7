"""Pandoc's and Quarto's slide Markdown as mistune plugins, and the attribute pass over the token tree.

* ``::: {.class #id key=value}`` ... ``:::`` fenced divs (nested by counting fences), with pandoc's
  columns: ``::: {.columns}`` holding ``::: {.column width="40%"}`` side by side;
* ``[text]{.fragment .fade-up}`` bracketed spans;
* ``. . .`` pauses: what follows a pause, up to the next one, is one fragment;
* attributes after a heading, an image, a link, or at the end of a paragraph or list item (pandoc and
  markdown-it-attrs), applied to that element; ``{.r-stretch}`` images are lifted out of their
  paragraph, as reveal.js stretches only a slide's direct children;
* a list alone in a block quote (``> - item``) is shown item by item (pandoc's rule; in an
  ``incremental: true`` deck it is the one list that is not).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .attributes import LEADING, Attributes, image_attributes, parse_attributes, split_trailing

if TYPE_CHECKING:
    from mistune import BaseRenderer, BlockParser, BlockState, InlineParser, InlineState, Markdown

_DIV_OPEN = r"^ {0,3}(?P<div_fence>:{3,})[ \t]*(?P<div_info>\{[^\n]*\}|[A-Za-z][\w-]*)[ \t]*:*[ \t]*$"
_DIV_OPEN_RE = re.compile(_DIV_OPEN)
_DIV_CLOSE_RE = re.compile(r"^ {0,3}:{3,}[ \t]*$")
_CODE_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_PAUSE = r"^ {0,3}\.[ \t]\.[ \t]\.[ \t]*$"
_SPAN = (
    r"\[(?P<span_text>(?:[^\[\]\\]|\\.|\[(?:[^\[\]\\]|\\.)*\])*)\]"
    r"\{(?P<span_attrs>[^{}\n]*)\}"
)


def div_attributes(info: str) -> Attributes | None:
    """A fenced div's attributes: ``{.columns}`` or a bare class name (``::: notes``)."""
    if info.startswith("{"):
        return parse_attributes(info[1:-1]) if info.endswith("}") else None
    return Attributes(classes=(info,))


# --- fenced divs --------------------------------------------------------------------------------


def _parse_fenced_div(block: BlockParser, m: re.Match[str], state: BlockState) -> int | None:
    attrs = div_attributes(m["div_info"])
    if attrs is None or state.depth() >= block.max_nested_level - 1:
        return None
    src = state.src
    start = min(m.end() + 1, len(src))
    end_text = end_pos = len(src)  # an unclosed div runs to the end of the slide, as in pandoc
    depth, fence, pos = 1, "", start
    while pos < len(src):
        newline = src.find("\n", pos)
        line_end = len(src) if newline < 0 else newline
        line = src[pos:line_end]
        opened = _CODE_FENCE.match(line)
        if fence:
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = ""
        elif opened:
            fence = opened[1]
        elif _DIV_CLOSE_RE.match(line):
            depth -= 1
            if depth == 0:
                end_text, end_pos = pos, line_end + 1
                break
        elif (inner := _DIV_OPEN_RE.match(line)) and div_attributes(inner["div_info"]) is not None:
            depth += 1
        pos = line_end + 1
    child = state.child_state(src[start:end_text])
    block.parse(child)
    state.append_token({"type": "fenced_div", "attrs": {"attributes": attrs}, "children": child.tokens})
    return min(end_pos, state.cursor_max)


def _render_fenced_div(renderer: BaseRenderer, text: str, attributes: Attributes) -> str:
    classes = attributes.classes
    if "notes" in classes:
        return '<aside class="notes">\n' + text + "</aside>\n"
    style = []
    if "columns" in classes:
        style.append("display: flex; gap: min(4vw, 1.5em)")  # pandoc's own style for columns
    if "column" in classes:
        width = attributes.get("width")
        style.append(f"width: {width}" if width else "flex: 1")
        attributes = attributes.without("width")
    given = attributes.get("style")
    if style:
        attributes = Attributes(
            attributes.id,
            classes,
            (*attributes.without("style").pairs, ("style", "; ".join([*style, *([given] if given else [])]))),
        )
    return f"<div {attributes.html()}>\n{text}</div>\n"


def fenced_divs(md: Markdown) -> None:
    """mistune plugin: pandoc's ``:::`` fenced divs."""
    md.block.register("fenced_div", _DIV_OPEN, _parse_fenced_div, before="list")
    md.renderer.register("fenced_div", _render_fenced_div)  # type: ignore[union-attr]


# --- pauses -------------------------------------------------------------------------------------


def _parse_pause(block: BlockParser, m: re.Match[str], state: BlockState) -> int:
    state.append_token({"type": "pause"})
    return m.end() + 1


def _group_pauses(tokens: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Wrap what follows each pause, up to the next, in one fragment (in divs too)."""
    out: list[dict[str, Any]] = []
    group: list[dict[str, Any]] | None = None
    for token in tokens:
        if token["type"] == "fenced_div":
            token["children"] = _group_pauses(token["children"])
        if token["type"] == "pause":
            group = []
            out.append({"type": "pause_fragment", "children": group})
        elif group is not None:
            group.append(token)
        else:
            out.append(token)
    return out


def _pauses_hook(md: Markdown, state: BlockState) -> None:
    state.tokens = _group_pauses(state.tokens)


def pauses(md: Markdown) -> None:
    """mistune plugin: pandoc's ``. . .`` pause lines."""
    md.block.register("pause", _PAUSE, _parse_pause, before="list")
    md.before_render_hooks.append(_pauses_hook)
    md.renderer.register("pause_fragment", lambda _, text: '<div class="fragment">\n' + text + "</div>\n")  # type: ignore[union-attr]


# --- bracketed spans ----------------------------------------------------------------------------


def _parse_span(inline: InlineParser, m: re.Match[str], state: InlineState) -> int | None:
    attrs = parse_attributes(m["span_attrs"])
    if attrs is None or state.depth >= inline.max_nested_level:
        return None
    child = state.copy()
    child.src = m["span_text"]
    state.append_token({"type": "bracketed_span", "attrs": {"attributes": attrs}, "children": inline.render(child)})
    return m.end()


def spans(md: Markdown) -> None:
    """mistune plugin: pandoc's ``[text]{.class key=value}`` spans."""
    md.inline.register("bracketed_span", _SPAN, _parse_span, before="link", start_chars="[")
    md.renderer.register(  # type: ignore[union-attr]
        "bracketed_span", lambda _, text, attributes: f"<span {attributes.html()}>{text}</span>"
    )


# --- math -----------------------------------------------------------------------------------------

# pandoc's tex_math_dollars: `$$...$$` is display math; `$...$` is inline when the opening `$` has no
# space after it, the closing one no space before it and no digit after it (so "$5 and $10" is text).
# Also `\(...\)` and `\[...\]` (pandoc's tex_math_single_backslash).
_MATH = (
    r"\$\$(?P<math_display>(?:[^$\\]|\\[\s\S])+?)\$\$"
    r"|\$(?![\s$])(?P<math_inline>(?:[^$\\\n]|\\.)*?[^\s\\])\$(?!\d)"
    r"|\\\((?P<math_paren>[\s\S]+?)\\\)"
    r"|\\\[(?P<math_bracket>[\s\S]+?)\\\]"
)


def _parse_math(inline: InlineParser, m: re.Match[str], state: InlineState) -> int:
    display = m["math_display"] is not None or m["math_bracket"] is not None
    tex = m["math_display"] or m["math_bracket"] or m["math_inline"] or m["math_paren"] or ""
    state.append_token({"type": "math", "raw": tex.strip(), "attrs": {"display": display}})
    return m.end()


def _render_math(_: Any, text: str, display: bool) -> str:
    """pandoc's HTML for math: the TeX in a ``math`` span, typeset later by :mod:`katex`."""
    tex = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (
        f'<span class="math display">\\[{tex}\\]</span>' if display else f'<span class="math inline">\\({tex}\\)</span>'
    )


def math(md: Markdown) -> None:
    """mistune plugin: ``$...$``, ``$$...$$``, ``\\(...\\)`` and ``\\[...\\]`` math, as pandoc reads it."""
    md.inline.register("math", _MATH, _parse_math, before="escape", start_chars=["$", "\\"])
    md.renderer.register("math", _render_math)  # type: ignore[union-attr]


# --- attributes on the token tree ---------------------------------------------------------------


def add_html_attrs(token: dict[str, Any], attrs: str) -> None:
    """Give ``token`` more HTML attributes (the renderer writes them onto its opening tag)."""
    if attrs:
        old = token.get("html_attrs")
        token["html_attrs"] = f"{old} {attrs}" if old else attrs


def apply_attributes(tokens: list[dict[str, Any]], parent: dict[str, Any] | None, incremental: bool) -> None:
    """Apply written attributes to their elements, in place (see the module's docstring)."""
    out = []
    for token in tokens:
        kind = token["type"]
        listed = [t for t in token.get("children", ()) if t["type"] != "blank_line"] if kind == "block_quote" else []
        if len(listed) == 1 and listed[0]["type"] == "list":
            token = listed[0]  # pandoc: a list alone in a block quote toggles step by step
            for item in token["children"]:
                if incremental:
                    item["static"] = True
                else:
                    add_html_attrs(item, 'class="fragment"')
            kind = "list"
        children = token.get("children")
        if isinstance(children, list):
            _inline_attributes(children)
            apply_attributes(children, token, incremental)
            if kind in ("paragraph", "heading", "block_text") and children and children[-1]["type"] == "text":
                text, attrs = split_trailing(children[-1]["raw"])
                if attrs is not None:
                    children[-1] = {**children[-1], "raw": text.rstrip()}
                    holder = parent if kind == "block_text" and parent is not None else token
                    add_html_attrs(holder, attrs.html())
            shown = [t for t in children if t["type"] != "text" or t["raw"].strip()]
            if kind == "paragraph" and len(shown) == 1 and shown[0]["type"] == "image":
                classes = re.search(r'\bclass="([^"]*)"', shown[0].get("html_attrs", ""))
                if classes and "r-stretch" in classes[1].split():
                    token = shown[0]  # reveal.js stretches only a slide's direct children
        out.append(token)
    tokens[:] = out


def _inline_attributes(children: list[dict[str, Any]]) -> None:
    """``![x](a.png){width=50% .r-stretch}``, ``[a](b){.c}``: braces right after an image or link."""
    for index, token in enumerate(children[:-1]):
        after = children[index + 1]
        if token["type"] not in ("image", "link") or after["type"] != "text":
            continue
        match = LEADING.match(after["raw"])
        attrs = parse_attributes(match["attrs"]) if match else None
        if match and attrs is not None:
            children[index + 1] = {**after, "raw": after["raw"][match.end() :]}
            add_html_attrs(token, (image_attributes(attrs) if token["type"] == "image" else attrs).html())


# --- Quarto's code chunks -----------------------------------------------------------------------

CHUNK = re.compile(r"^\{(?P<lang>[A-Za-z][\w+-]*)(?:[ \t,][^}]*)?\}$")


def chunk_code(code: str) -> str:
    """A Quarto or R Markdown chunk's code without its ``#|`` option lines."""
    return "".join(line for line in code.splitlines(keepends=True) if not line.lstrip().startswith("#|"))
