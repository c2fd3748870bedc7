"""Split a deck's body into slides: the only owner of the slide-splitting rules.

Three ways to write a deck, chosen from the text (see docs/syntax.md):

* separators: any ``---`` / ``----`` line (or the front matter's ``separator`` regexes) splits it,
  as reveal-md does; headings then stay inside their slides;
* headings: otherwise ``#`` starts a horizontal slide and ``##`` a vertical one (the two highest
  heading levels used, so a deck of ``##`` and ``###`` works the same);
* single: a body with none of these is one slide;
* outline: a text made only of indented lines (a nested list, or the plain indented text of a paper
  outline) becomes a slide per topic and a vertical stack per topic with sub-topics.

Everything is code-fence aware: a separator, heading or note marker inside a closed fence is text.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DeckError, DeckWarning
from .attributes import Attributes, split_trailing
from .config import DeckMeta
from .listtree import BULLET, NOTE, Item, bullets, indent_of, read_items
from .model import Block, Deck, Slide, Stack
from .source import Source

_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HSEP = re.compile(r"^---[ \t]*$", re.MULTILINE)
_VSEP = re.compile(r"^----[ \t]*$", re.MULTILINE)
_HEADING = re.compile(r"^(#{1,6})[ \t]+\S")
_NOTES = re.compile(r"^[ \t]*notes?:", re.IGNORECASE)
_DIV_OPEN = re.compile(r"^:{3,}[ \t]*\{?[ \t]*\.?(notes|incremental|nonincremental)[ \t]*\}?[ \t]*$")
_DIV_CLOSE = re.compile(r"^:{3,}[ \t]*$")
_SLIDE_ATTRS = re.compile(r"<!--\s*\.slide:\s*(.*?)\s*-->")
_RULE = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:_[ \t]*){3,}|(?:\*[ \t]*){3,})$")
_PANDOC_BODY = re.compile(r"^(?: {0,3}\.[ \t]\.[ \t]\.[ \t]*| {0,3}:{3,}[ \t]*\{.*)$")
_NOT_A_SEPARATOR = re.compile(r"^[ \t]*(?:-{2,}|={3,}|\*{3,}|_{3,}|\^{3,})[ \t]*$")
_CHUNK_OPEN = re.compile(r"^ {0,3}(?:`{3,}|~{3,})[ \t]*\{(?P<lang>[A-Za-z][\w+-]*)[^}]*\}[ \t]*$")
_BLOCKY = re.compile(r"^\s*(?:<|\||>|```|~~~|:::)")


@dataclass(frozen=True)
class _Line:
    number: int
    text: str


def split_deck(source: Source, meta: DeckMeta, slug: str) -> Deck:
    """Split ``source``'s body into a :class:`Deck` of stacks and slides."""
    lines = [_Line(source.body_start + i, text) for i, text in enumerate(source.body)]
    fenced = _fenced_lines(lines)
    # Pandoc and Quarto decks: headings and `---` rules both start slides (pandoc's slide rules).
    pandoc = meta.dialect == "pandoc" or any(_PANDOC_BODY.match(ln.text) for ln in lines if ln.number not in fenced)
    has_headings = any(_HEADING.match(ln.text) for ln in lines if ln.number not in fenced)
    mode: str
    if meta.separator or meta.vertical_separator:
        mode, chunks = "separators", _split_regex(lines, fenced, meta)
    elif pandoc and (has_headings or meta.slide_level is not None):
        mode, chunks = "headings", _split_headings(lines, fenced, meta.slide_level, rules=True)
    elif any(_HSEP.match(ln.text) or _VSEP.match(ln.text) for ln in lines if ln.number not in fenced):
        mode, chunks = "separators", _split_lines(lines, fenced)
    elif _looks_like_outline(lines, fenced):
        return _outline_deck(source, meta, slug, lines)
    elif has_headings:
        meta, lines = _document_title(meta, lines, fenced)
        mode, chunks = "headings", _split_headings(lines, fenced, meta.slide_level, rules=False)
    else:
        mode, chunks = "single", [[lines] if _has_content(lines) else []]
    warnings = [*meta.warnings, *_chunk_warnings(source.path, lines, fenced)]
    if mode == "single":
        warnings.extend(_outline_read_otherwise(source.path, lines, fenced))
    stacks = []
    for stack in chunks:
        slides: list[Slide] = []
        for chunk in stack:
            split = _split_tall_list(source.path, chunk, fenced, meta)
            kept = split[0] if split else chunk
            slides.append(_make_slide(source.path, kept, fenced, meta, mode == "headings", warnings))
            if split:  # the list's topics follow as stacks of their own
                stacks.append(Stack(tuple(slides)))
                stacks.extend(split[1])
                slides = []
        stacks.append(Stack(tuple(slides)))
    stacks = [s for s in stacks if s.slides]
    title_slide = meta.title_slide if meta.title_slide is not None else (mode == "headings" or pandoc)
    if title_slide and meta.title:
        stacks.insert(0, Stack((_title_slide(source.path, meta),)))
    if not stacks:
        raise DeckError(
            "the deck has no slides",
            path=source.path,
            line=source.body_start,
            hint="write some Markdown after the front matter",
        )
    deck = Deck(source.path, slug, meta, tuple(stacks), mode, tuple(warnings))
    return dataclasses.replace(deck, warnings=(*deck.warnings, *_tall_warnings(deck)))


def _document_title(meta: DeckMeta, lines: list[_Line], fenced: set[int]) -> tuple[DeckMeta, list[_Line]]:
    """A lone top heading on a deck's first line, with text under it, is its title (a talk file's form).

    It becomes the title slide (unless front matter has a title), the text under it a slide of its
    own, and the next heading level starts the horizontal slides.
    """
    if meta.title is not None or meta.title_slide is False or meta.slide_level is not None:
        return meta, lines
    found = [(ln, len(m[1])) for ln in lines if ln.number not in fenced and (m := _HEADING.match(ln.text))]
    top = min(level for _, level in found)
    tops = [ln for ln, level in found if level == top]
    first = next(ln for ln in lines if ln.text.strip())
    if len(tops) != 1 or tops[0] is not first or len(found) < 2:
        return meta, lines
    under = lines[lines.index(first) + 1 : lines.index(found[1][0])]
    if not _has_content(under):
        return meta, lines  # a section heading over its slides, as pandoc reads it
    text, written = split_trailing(first.text)
    if written is not None:
        return meta, lines  # attributes for a slide of its own: keep it one
    title = text.lstrip("#").strip()
    meta = dataclasses.replace(meta, title=title, lines={**meta.lines, "title": first.number})
    return meta, [ln for ln in lines if ln is not first]


def _title_slide(path: Path, meta: DeckMeta) -> Slide:
    """The title slide, with pandoc's ``title-slide-attributes`` on its section."""
    pairs = tuple((str(k), str(v)) for k, v in meta.title_slide_attributes.items() if k not in ("class", "id"))
    attrs = Attributes(pairs=pairs).html()
    line = meta.line_of("title_slide_attributes") if attrs else None
    return Slide(path, meta.line_of("title") or 1, (), attrs=attrs, kind="title", attrs_line=line)


def _chunk_warnings(path: Path, lines: list[_Line], fenced: set[int]) -> list[DeckWarning]:
    """One warning for a deck's Quarto / R Markdown code chunks: deckbuild shows them, never runs them."""
    chunks = [(ln.number, m["lang"]) for ln in lines if ln.number in fenced and (m := _CHUNK_OPEN.match(ln.text))]
    if not chunks:
        return []
    langs = ", ".join(dict.fromkeys("{" + lang + "}" for _, lang in chunks))
    count = f"{len(chunks)} code chunks" if len(chunks) > 1 else "a code chunk"
    return [DeckWarning(f"{count} ({langs}) shown as code: deckbuild does not run code", path, chunks[0][0])]


def _fenced_lines(lines: list[_Line]) -> set[int]:
    """Line numbers inside closed code fences (an opener that never closes fences nothing)."""
    fenced: set[int] = set()
    i = 0
    while i < len(lines):
        match = _FENCE_OPEN.match(lines[i].text)
        if not match:
            i += 1
            continue
        marker = match[1]
        closer = re.compile(r"^ {0,3}" + re.escape(marker[0]) + "{" + str(len(marker)) + r",}[ \t]*$")
        for j in range(i + 1, len(lines)):
            if closer.match(lines[j].text):
                fenced.update(ln.number for ln in lines[i : j + 1])
                i = j + 1
                break
        else:
            i += 1
    return fenced


# --- separators ---------------------------------------------------------------------------------

_Chunk = list[_Line]


def _split_lines(lines: list[_Line], fenced: set[int]) -> list[list[_Chunk]]:
    stacks: list[list[_Chunk]] = [[[]]]
    for ln in lines:
        if ln.number not in fenced and _VSEP.match(ln.text):
            stacks[-1].append([])
        elif ln.number not in fenced and _HSEP.match(ln.text):
            stacks.append([[]])
        else:
            stacks[-1][-1].append(ln)
    return [[c for c in stack if _has_content(c)] for stack in stacks]


def _split_regex(lines: list[_Line], fenced: set[int], meta: DeckMeta) -> list[list[_Chunk]]:
    """Split with reveal-md's front-matter regexes, applied to the whole text as reveal.js does.

    A separator the front matter leaves out keeps its default (``---`` or ``----`` lines).  Each
    regex is run on its own; where matches overlap, the earlier and then the longer one wins.
    """
    text = "\n".join(ln.text for ln in lines)
    starts, offset = [], 0
    for ln in lines:
        starts.append(offset)
        offset += len(ln.text) + 1
    found = []
    for kind, regex in (("v", meta.vertical_separator or _VSEP.pattern), ("h", meta.separator or _HSEP.pattern)):
        for match in re.finditer(regex, text, re.MULTILINE):
            if match.end() > match.start():
                found.append((match.start(), -(match.end() - match.start()), kind, match.end()))
    stacks: list[list[_Chunk]] = [[[]]]
    pos = 0

    def add_text(begin: int, end: int) -> None:
        for ln, start in zip(lines, starts, strict=True):
            piece_start, piece_end = max(begin, start), min(end, start + len(ln.text))
            if piece_start < piece_end or (ln.text == "" and begin <= start < end):
                stacks[-1][-1].append(_Line(ln.number, text[piece_start:piece_end]))

    for begin, _, kind, end in sorted(found):
        if begin < pos or lines[0].number + text.count("\n", 0, begin) in fenced:
            continue
        add_text(pos, begin)
        pos = end
        if kind == "v":
            stacks[-1].append([])
        else:
            stacks.append([[]])
    add_text(pos, len(text))
    return [[c for c in stack if _has_content(c)] for stack in stacks]


def _has_content(chunk: _Chunk) -> bool:
    return any(ln.text.strip() for ln in chunk)


# --- headings -----------------------------------------------------------------------------------


def _split_headings(lines: list[_Line], fenced: set[int], slide_level: int | None, rules: bool) -> list[list[_Chunk]]:
    """Headings start slides; with ``rules`` (pandoc decks) a ``---`` rule starts one too.

    Without a slide level, the highest heading level used starts a horizontal slide and the next a
    vertical one.  With pandoc's ``slide-level: N``, as pandoc's reveal.js writer does, the highest
    heading level used starts a horizontal slide, every other level down to N a vertical slide under
    it, and deeper headings stay in their slide; level 0 leaves only rules.
    """
    levels = [len(m[1]) for ln in lines if ln.number not in fenced and (m := _HEADING.match(ln.text))]
    top = min(levels, default=1)
    if slide_level is None:
        roles = {top: "h", top + 1: "v"}
    else:  # pandoc nests two levels: the highest heading used, and every other one down to N below it
        roles = {level: "h" if level == top else "v" for level in range(top, slide_level + 1)}
    nested = any(roles.get(level) == "v" for level in levels)
    stacks: list[list[_Chunk]] = [[[]]]
    in_section = False  # the current stack was started by a heading that can have slides below it
    for ln in lines:
        match = _HEADING.match(ln.text) if ln.number not in fenced else None
        role = roles.get(len(match[1])) if match else None
        if role == "h":
            stacks.append([[ln]])
            in_section = nested
        elif role == "v":
            stacks[-1].append([ln])
        elif rules and ln.number not in fenced and _RULE.match(ln.text):
            if in_section:
                stacks[-1].append([])
            else:
                stacks.append([[]])
        else:
            stacks[-1][-1].append(ln)
    return [[c for c in stack if _has_content(c)] for stack in stacks]


# --- one slide's content ------------------------------------------------------------------------


def _make_slide(
    path: Path, chunk: _Chunk, fenced: set[int], meta: DeckMeta, heading_attrs: bool, warnings: list[DeckWarning]
) -> Slide:
    """Sort a slide's lines into content blocks, speaker notes and section attributes.

    With ``heading_attrs`` (slides split at headings), the attributes written after the slide's own
    heading, ``## Title {#id .class background-color="red"}``, go on its ``<section>`` as pandoc does.
    """
    notes_re = re.compile(meta.notes_separator, re.IGNORECASE | re.MULTILINE) if meta.notes_separator else _NOTES
    attrs: list[str] = []
    blocks: list[Block] = []
    notes: list[Block] = []
    current: list[_Line] = []
    kind: bool | None = None  # incremental state of `current`
    target = blocks
    in_div: str | None = None
    in_note = False  # after a 'Note:' line, the rest of the slide is notes
    attrs_line: int | None = None
    warned = False
    first = next((ln for ln in chunk if ln.text.strip()), None)
    if heading_attrs and first is not None and first.number not in fenced and _HEADING.match(first.text):
        text, written = split_trailing(first.text)
        if written is not None:
            attrs.append(written.html())
            attrs_line = first.number
            title = text.lstrip("#").strip()
            chunk = [ln if ln is not first else _Line(ln.number, text if title else "") for ln in chunk]

    def flush() -> None:
        nonlocal current
        if any(ln.text.strip() for ln in current):
            target.append(Block("\n".join(ln.text for ln in current), current[0].number, kind))
        current = []

    for ln in chunk:
        text = ln.text
        if ln.number not in fenced:
            found = _SLIDE_ATTRS.findall(text)
            if found:
                attrs_line = attrs_line or ln.number
                attrs.extend(found)
                text = _SLIDE_ATTRS.sub("", text)
                if not text.strip():
                    continue
            opened = _DIV_OPEN.match(text)
            if opened and in_div is None:
                flush()
                in_div = opened[1].lower()
                if in_div == "notes":
                    target = notes
                else:
                    kind = in_div == "incremental"
                continue
            if in_div is not None and _DIV_CLOSE.match(text):
                flush()
                if in_div == "notes" and not in_note:
                    target = blocks
                in_div, kind = None, None
                continue
            if in_note and not warned and _NOT_A_SEPARATOR.match(text):
                warned = True
                warnings.append(
                    DeckWarning(
                        f"'{text.strip()}' after 'Note:' is part of the speaker notes; if it separates slides, "
                        f"build with --vertical-separator '^{re.escape(text.strip())}$'",
                        path,
                        ln.number,
                    )
                )
            note = notes_re.match(text)
            if note and target is blocks and in_div is None:
                flush()
                target, in_note = notes, True
                text = text[note.end() :]
                if not text.strip():
                    continue
        current.append(_Line(ln.number, text))
    flush()
    line = next((ln.number for ln in chunk if ln.text.strip()), chunk[0].number if chunk else 1)
    return Slide(path, line, tuple(blocks), tuple(notes), " ".join(attrs), attrs_line=attrs_line)


# --- outlines -----------------------------------------------------------------------------------


def _looks_like_outline(lines: list[_Line], fenced: set[int]) -> bool:
    """True for a body made only of short indented lines with at least two levels of nesting."""
    return not fenced and _outline_blocker(lines, fenced) is None and _outline_shaped(lines)


def _outline_shaped(lines: list[_Line]) -> bool:
    items = [ln for ln in lines if ln.text.strip() and not NOTE.match(ln.text.strip())]
    if not items or any(_HEADING.match(ln.text) for ln in items):
        return False
    depths = len({indent_of(ln.text) for ln in items})
    has_bullets = any(BULLET.match(ln.text.strip()) for ln in items)
    return depths >= 3 or (depths >= 2 and has_bullets)


def _outline_blocker(lines: list[_Line], fenced: set[int]) -> _Line | None:
    """The first line (code, a table, HTML, a quote, a div) that stops indented text being an outline."""
    return next((ln for ln in lines if ln.number in fenced or _BLOCKY.match(ln.text)), None)


def _outline_read_otherwise(path: Path, lines: list[_Line], fenced: set[int]) -> list[DeckWarning]:
    """A warning when indented text would be an outline but for one block in it."""
    blocker = _outline_blocker(lines, fenced)
    rest = [ln for ln in lines if ln.number not in fenced and not _BLOCKY.match(ln.text)]
    if blocker is None or not _outline_shaped(rest):
        return []
    return [
        DeckWarning(
            "this looks like an outline, but the code, table, quote or HTML here makes the whole text one slide; "
            "indent the block under its item, or separate slides with '---' lines",
            path,
            blocker.number,
        )
    ]


def _outline_deck(source: Source, meta: DeckMeta, slug: str, lines: list[_Line]) -> Deck:
    roots, loose = read_items([(ln.number, ln.text) for ln in lines])
    # Leaves before the first topic are the talk's own particulars: title, author, link, time.
    preamble: list[Item] = []
    while roots and not roots[0].children and any(r.children for r in roots):
        preamble.append(roots.pop(0))
    # A lone topic holding every other one is a label ("Paper Outline:"), not a slide.
    while len(roots) == 1 and any(child.children for child in roots[0].children):
        label = roots.pop()
        if not label.title.endswith(":"):
            preamble.insert(0, label)
        loose.extend(label.notes)
        roots = label.children
    meta = _meta_from_preamble(meta, preamble)
    loose.extend(note for item in preamble for note in item.all_notes())
    path = source.path
    stacks: list[Stack] = []
    if meta.title and meta.title_slide is not False:
        stacks.append(Stack((_title_slide(path, meta),)))
    for root in roots:
        stacks.extend(_topic_stacks(path, root))
    if loose and stacks:
        first = stacks[0].slides[0]
        first = dataclasses.replace(first, notes=(*_note_blocks(loose), *first.notes))
        stacks[0] = Stack((first, *stacks[0].slides[1:]))
    deck = Deck(path, slug, meta, tuple(stacks), "outline", meta.warnings)
    return dataclasses.replace(deck, warnings=(*deck.warnings, *_tall_warnings(deck)))


def _topic_stacks(path: Path, item: Item) -> list[Stack]:
    """A topic with leaf items is a slide; one with deeper items, a section slide and a slide per sub-topic."""
    if any(child.children for child in item.children):
        section = Slide(
            path, item.line, (Block(f"# {item.title}", item.line),), _note_blocks(item.notes), kind="section"
        )
        return [Stack((section, *(_topic_slide(path, child) for child in item.children)))]
    return [Stack((_topic_slide(path, item),))]


def _topic_slide(path: Path, item: Item) -> Slide:
    text = "\n".join([f"## {item.title}", "", *bullets(item.children)]).rstrip()
    return Slide(path, item.line, (Block(text, item.line),), _note_blocks(item.all_notes()))


def _note_blocks(notes: list[tuple[int, str]]) -> tuple[Block, ...]:
    """Notes as one block; lines that were apart in the file stay separate paragraphs."""
    if not notes:
        return ()
    parts = [notes[0][1]]
    for (before, _), (number, text) in itertools.pairwise(notes):
        parts.append(("\n" if number == before + 1 else "\n\n") + text)
    return (Block("".join(parts), notes[0][0]),)


_BYLINE = re.compile(r'^["“](?P<title>.+?)["”]\s*[-–—]\s*(?P<author>.+)$')


def _meta_from_preamble(meta: DeckMeta, preamble: list[Item]) -> DeckMeta:
    """Fill title, author and url from an outline's leading lines where front matter did not."""
    changes: dict[str, Any] = {}
    extra: list[str] = []
    for item in preamble:
        text = item.title
        byline = _BYLINE.match(text)
        if re.match(r"^https?://\S+$", text) and "url" not in changes:
            changes["url"] = text
        elif byline and "title" not in changes:
            changes["title"], changes["author"] = byline["title"], byline["author"]
        elif "title" not in changes:
            changes["title"] = text.rstrip(":")
        else:
            extra.append(text)
    if extra:
        changes["subtitle"] = " · ".join(extra)
    kept = {k: v for k, v in changes.items() if getattr(meta, k) is None}
    return dataclasses.replace(meta, **kept) if kept else meta


# --- lists too tall for a slide -----------------------------------------------------------------

# A rough measure of a slide in lines of body text, for reveal.js's 960 x 700 slide at its themes'
# usual 40-42 px text: about 11 lines under a heading fit, 50 characters to a line (a wide character,
# as in Chinese or Japanese, counts as two).  `deckbuild
# check` measures the real thing in the browser; this only has to decide before there is a page.
_PAGE_LINES = 11.5
_LINE_CHARS = 50
_COMMENT = re.compile(r"^<!--.*-->$")
_HIDDEN = re.compile(r"<[^>]*>|\]\([^)]*\)")
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+•‣◦▪–]|\d{1,3}[.)])[ \t]+\S")
_TOP_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+•‣◦▪–]|\d{1,3}[.)])[ \t]+\S")


@dataclass(frozen=True)
class _Page:
    """How much fits on one slide of this deck, in body lines and characters to a line."""

    lines: float
    chars: int

    @classmethod
    def of(cls, meta: DeckMeta) -> _Page:
        width, height = meta.width or 960, meta.height or 700
        return cls(_PAGE_LINES * height / 700, max(20, round(_LINE_CHARS * width / 960)))


def _measure(text: str, page: _Page) -> tuple[float, int]:
    """A slide's Markdown as (its height in body lines, its list items), estimated."""
    height, items, paragraph = 0.0, 0, 0
    fence: str | None = None

    def rows(chars: int, width: int) -> int:
        return max(1, math.ceil(chars / max(12, width)))

    for raw in [*text.split("\n"), ""]:
        stripped = raw.strip()
        if _COMMENT.match(stripped):
            continue
        opened = _FENCE_OPEN.match(raw)
        if fence is not None or opened:
            if opened and fence is None:
                fence = opened[1][0]
                height += 5.0 if "mermaid" in raw else 0.6  # a diagram is drawn as big as it fits
            elif opened and fence is not None and stripped.startswith(fence * 3):
                fence = None
            else:
                height += 0.6  # code is set smaller
            continue
        if not stripped:
            if paragraph:
                height += rows(paragraph, page.chars) + 0.5
            paragraph = 0
            continue
        heading = _HEADING.match(stripped)
        if heading:
            scale = {1: 2.5, 2: 1.6, 3: 1.3}.get(len(heading[1]), 1.1)
            height += rows(_width(stripped), round(page.chars / scale)) * scale + 0.3
        elif stripped.startswith("!["):
            height += 6.0
        elif stripped.startswith("|"):
            height += 0.0 if set(stripped) <= set("|-: ") else 1.0
        elif stripped.startswith("$$"):
            height += 2.0
        elif _LIST_ITEM.match(raw):
            items += 1
            height += rows(_width(stripped), page.chars - 3 * (indent_of(raw) // 2))
        else:
            paragraph += _width(stripped) + 1
    return height, items


def _width(text: str) -> int:
    """Characters shown, a wide one (CJK, emoji) counting as two; tags and link targets left out."""
    shown = _HIDDEN.sub("", text)
    if shown.isascii():  # no wide characters: most text, a thousand times faster to count
        return len(shown)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in shown)


def _too_tall(text: str, page: _Page) -> bool:
    return _measure(text, page)[0] > page.lines


def _split_tall_list(path: Path, chunk: _Chunk, fenced: set[int], meta: DeckMeta) -> tuple[_Chunk, list[Stack]] | None:
    """A slide ending in a nested list too tall for it, split at the list's first level.

    Returns the slide as it stays (its text, then the list's first-level items as an agenda) and the
    stacks made from the items that have items below them, as a pure outline's topics are; None
    when the slide fits or holds no such list.
    """
    start = None
    for i, ln in enumerate(chunk):
        if ln.number in fenced:
            continue
        if NOTE.match(ln.text.strip()) or _NOTES.match(ln.text):
            return None  # the rest of the slide is speaker notes
        if _TOP_LIST_ITEM.match(ln.text):
            start = i
            break
    if start is None:
        return None
    region = chunk[start:]
    notes: _Chunk = []
    for i, ln in enumerate(region):  # the slide's notes after the list stay notes, and are not measured
        at_margin = indent_of(ln.text) == 0
        if ln.number not in fenced and at_margin and (NOTE.match(ln.text.strip()) or _NOTES.match(ln.text)):
            region, notes = region[:i], region[i:]
            break
    after_blank = False
    for ln in region:
        if ln.number in fenced or _HEADING.match(ln.text) or _BLOCKY.match(ln.text):
            return None
        stripped = ln.text.strip()
        paragraph = stripped and indent_of(ln.text) == 0 and not _LIST_ITEM.match(ln.text)
        if after_blank and paragraph and not NOTE.match(stripped):
            return None  # a paragraph after the list: not a list to the end of the slide
        after_blank = not stripped
    if not _too_tall("\n".join(ln.text for ln in [*chunk[:start], *region]), _Page.of(meta)):
        return None
    roots, _ = read_items([(ln.number, ln.text) for ln in region])
    if not any(root.children for root in roots):
        return None  # a long flat list: nothing to split at; it gets a warning
    agenda = [*chunk[:start]]
    while agenda and not agenda[-1].text.strip():
        agenda.pop()
    agenda.append(_Line(region[0].number, ""))
    for root in roots:
        agenda.append(_Line(root.line, f"- {root.title}"))
    leaf_notes = [note for root in roots if not root.children for note in root.notes]
    agenda.extend(_Line(number, f"Note: {text}") for number, text in leaf_notes)
    agenda.extend(notes)
    stacks = [stack for root in roots if root.children for stack in _topic_stacks(path, root)]
    return agenda, stacks


def _tall_warnings(deck: Deck) -> list[DeckWarning]:
    """A warning for each slide that will still be taller than the page."""
    page = _Page.of(deck.meta)
    found = []
    slides = [slide for stack in deck.stacks for slide in stack.slides]
    for number, slide in enumerate(slides, start=1):
        height, items = _measure("\n\n".join(block.text for block in slide.blocks), page)
        if height <= page.lines:
            continue
        what = f"holds a {items}-item list" if items > page.lines / 2 else f"is about {round(height)} lines tall"
        found.append(
            DeckWarning(
                f"slide {number} {what}; it will overflow (split it with '---', or shorten it)", slide.path, slide.line
            )
        )
    return found
