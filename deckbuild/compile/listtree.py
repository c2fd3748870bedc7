"""Indented lines (a pasted outline, or a nested Markdown list) read into a tree of items.

How people really write them: any bullet mark (``-``, ``*``, ``+``, ``•``, ``◦``, ``▪``, ``–``) or
number (``1.``, ``1)``, ``a.``, ``iv.``) or none; tabs; two-, three- or four-space indents, or a mix
(a line goes to the nearest level already open; a jump of two levels is one level).  A line that is
no item and follows a bullet, deeper than it (or anywhere in a list where every item has a mark), goes
on that bullet: a sentence that goes on, a ``$$...$$`` formula, an image.  A ``Note:`` line belongs to
the item before it, with the deeper lines after it, and never swallows the items that follow.

This module only reads; which items become slides is decided in :mod:`outline`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

BULLET = re.compile(
    r"^(?:[-*+•‣◦▪▫·–]|\d{1,3}[.)]|[a-zA-Z][.)]|(?:i{1,3}|iv|vi{0,3}|ix|xi{0,3}|I{1,3}|IV|VI{0,3}|IX|XI{0,3})[.)])"
    r"(?:[ \t]+|$)"
)
NOTE = re.compile(r"^notes?:", re.IGNORECASE)


@dataclass
class Item:
    """One item: its text (first line and the lines that go on it), where it is, what is under it."""

    text: str
    line: int
    indent: int
    bulleted: bool
    more: list[str] = field(default_factory=list)  # continuation lines, as written (stripped)
    children: list[Item] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)  # (line, text) of its speaker notes

    @property
    def title(self) -> str:
        """The item as one line, for a heading."""
        return " ".join([self.text, *self.more]).strip()

    def depth(self) -> int:
        """Levels below and including this item."""
        return 1 + max((child.depth() for child in self.children), default=0)

    def all_notes(self) -> list[tuple[int, str]]:
        """This item's notes and those of every item below it, in file order."""
        found = list(self.notes)
        for child in self.children:
            found.extend(child.all_notes())
        return sorted(found)


def indent_of(text: str) -> int:
    """Columns of leading white space, a tab counting as four."""
    expanded = text.expandtabs(4)
    return len(expanded) - len(expanded.lstrip())


def read_items(lines: list[tuple[int, str]]) -> tuple[list[Item], list[tuple[int, str]]]:
    """The tree of items in ``lines`` (number, text), and notes written before any item."""
    roots: list[Item] = []
    stack: list[Item] = []
    loose_notes: list[tuple[int, str]] = []
    last: Item | None = None
    note: tuple[Item | None, int] | None = None  # the item a note is being written for, and its indent
    list_style = False
    for number, raw in lines:
        stripped = raw.strip()
        if not stripped:
            continue
        indent = indent_of(raw)
        marker = BULLET.match(stripped)
        if NOTE.match(stripped):
            text = stripped[NOTE.match(stripped).end() :].strip()  # type: ignore[union-attr]
            (last.notes if last is not None else loose_notes).append((number, text))
            note = (last, indent)
            continue
        if note is not None and not marker and indent > note[1]:
            owner = note[0]
            (owner.notes if owner is not None else loose_notes).append((number, stripped))
            continue
        note = None
        if last is None:
            list_style = bool(marker)
        if not marker and last is not None and last.bulleted and (indent > last.indent or list_style):
            last.more.append(stripped)
            continue
        item = Item(BULLET.sub("", stripped, count=1).strip(), number, indent, bool(marker))
        if stack and indent <= stack[-1].indent:
            # The nearest level already open wins; on a tie, the deeper one.
            k = min(range(len(stack)), key=lambda i: (abs(stack[i].indent - indent), -i))
            item.indent = stack[k].indent
            del stack[k:]
        (stack[-1].children if stack else roots).append(item)
        stack.append(item)
        last = item
    return roots, loose_notes


def bullets(items: list[Item], depth: int = 0) -> list[str]:
    """Items as a nested Markdown list (two spaces a level), continuation lines kept on their item."""
    out: list[str] = []
    pad = "  " * depth
    for item in items:
        out.append(f"{pad}- {item.text}")
        out.extend(f"{pad}  {more}" for more in item.more)
        out.extend(bullets(item.children, depth + 1))
    return out
