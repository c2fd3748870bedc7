"""The deck model: what the splitter produces and the renderer consumes. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import DeckWarning
from .config import DeckMeta


@dataclass(frozen=True)
class Block:
    """A run of a slide's Markdown, with the file line it starts on.

    ``incremental`` is True inside ``::: incremental``, False inside ``::: nonincremental``, and
    None where the deck's default applies.
    """

    text: str
    line: int
    incremental: bool | None = None


@dataclass(frozen=True)
class Slide:
    """One reveal.js ``<section>``: its content, speaker notes and section attributes."""

    path: Path
    line: int
    blocks: tuple[Block, ...]
    notes: tuple[Block, ...] = ()
    attrs: str = ""
    kind: str = "content"  # "content", "title" (made from front matter) or "section"
    attrs_line: int | None = None  # where the first ``.slide:`` comment is


@dataclass(frozen=True)
class Stack:
    """A horizontal position: one slide, or several stacked vertically."""

    slides: tuple[Slide, ...]


@dataclass(frozen=True)
class Deck:
    """A whole deck: where it came from, its settings and its slides."""

    path: Path
    slug: str
    meta: DeckMeta
    stacks: tuple[Stack, ...]
    mode: str  # how it was split: "separators", "headings" or "outline"
    warnings: tuple[DeckWarning, ...] = ()  # what the author should know; the build goes on

    @property
    def slide_count(self) -> int:
        return sum(len(stack.slides) for stack in self.stacks)
