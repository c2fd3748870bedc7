"""Jekyll posts as deck sources: the talk's outline in an HTML comment, deckbuild's settings under ``deck:``.

A post's front matter belongs to Jekyll and its theme (``layout``, ``tags``, ``tagline``, ...), so none
of its keys is an error; deckbuild reads ``title``, ``date`` and ``author`` from it, and everything
else from one ``deck:`` map, validated as a deck's front matter is, at its lines.  The deck's body is
the first HTML comment of several lines (``<!-- ... -->``, or the seed's ``<!-- ... !-->``); a post
with a ``deck:`` map and no such comment is a deck in its own right (its Liquid tags left out).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ..errors import DeckError
from ..paths import is_plain_name
from .source import Source, read_source

SLIDES_OPEN = "<!-- deckbuild:slides -->"
SLIDES_CLOSE = "<!-- /deckbuild:slides -->"
_FROM_POST = ("title", "date", "author")
_OPEN = re.compile(r"^\s*<!--(?P<rest>.*)$")
_CLOSE = re.compile(r"^(?P<text>.*?)!?-->\s*$")
_MARKER = re.compile(r"^\s*<!--\s*/?deckbuild:")
_LIQUID = re.compile(r"^\s*\{%.*%\}\s*$")


def deck_posts(folder: Path) -> list[Path]:
    """The posts in a Jekyll ``_posts/`` folder whose front matter has a ``deck:`` map (even an empty one).

    Other posts are the blog's own and are skipped, as are posts whose front matter cannot be read
    (Jekyll's business, not deckbuild's); a link out of the folder is never followed.
    """
    if not folder.is_dir() or folder.is_symlink():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".md", ".markdown") or path.is_symlink() or not path.is_file():
            continue
        try:
            meta = read_source(path).meta
        except DeckError:
            continue
        if "deck" in meta:
            found.append(path)
    return found


def is_post(source: Source) -> bool:
    """A Jekyll post: a file under ``_posts/``; or front matter with Jekyll's ``layout:`` and a deck in it.

    A deck file that only has a ``layout:`` key (and no outline comment or ``deck:`` map) stays a deck,
    for which ``layout`` is one of Jekyll's keys that deckbuild ignores, with a warning.
    """
    if "_posts" in source.path.absolute().parts:
        return True
    return "layout" in source.meta and ("deck" in source.meta or _outline_comment(source)[0] is not None)


def post_source(source: Source) -> tuple[Source, str | None]:
    """The deck a post holds, as a :class:`Source` of its own; and the ``deck: slug`` if one is given."""
    deck, lines = _deck_map(source)
    slug = deck.pop("slug", None)
    if slug is not None and not (isinstance(slug, str) and is_plain_name(slug)):
        raise DeckError(
            "'deck: slug' must be a plain folder name",
            path=source.path,
            line=lines.get("slug"),
            hint=f"got {slug!r}; write e.g. slug: ml-communities",
        )
    lines.pop("slug", None)
    meta = {key: source.meta[key] for key in _FROM_POST if key in source.meta}
    meta_lines = {key: source.meta_lines.get(key, 0) for key in meta}
    meta.update(deck)
    meta_lines.update(lines)
    body, start = _outline_comment(source)
    if body is None:
        if "deck" not in source.meta:
            raise DeckError(
                "this Jekyll post holds no deck",
                path=source.path,
                line=source.body_start,
                hint="put the talk's outline in an HTML comment (<!-- ... -->), or add a 'deck:' map to the "
                "front matter to make the post's text the deck",
            )
        body, start = _post_text(source), source.body_start
    return Source(source.path, meta, meta_lines, body, start), slug


def _deck_map(source: Source) -> tuple[dict[str, Any], dict[str, int]]:
    """The ``deck:`` map of the post's front matter and the line of each of its keys."""
    if "deck" not in source.meta or source.meta["deck"] is None:
        return {}, {}
    value = source.meta["deck"]
    line = source.meta_lines.get("deck", 1)
    if not isinstance(value, dict):
        raise DeckError(
            "'deck' must be a map of deck settings",
            path=source.path,
            line=line,
            hint="write 'deck:' and, indented below it, e.g. 'theme: black' and 'url: /talks/my-talk/'",
        )
    return {str(k): v for k, v in value.items()}, _nested_lines(source, line)


def _nested_lines(source: Source, deck_line: int) -> dict[str, int]:
    """The file line of each key in the ``deck:`` map (read_source keeps only the top level's)."""
    try:
        text = source.path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except (OSError, UnicodeDecodeError):
        return {}
    front = "\n".join(text.split("\n")[1 : source.body_start - 2])
    node = yaml.compose(front, Loader=yaml.SafeLoader)  # already parsed once: safe and valid
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "deck" and isinstance(value, yaml.MappingNode):
                for sub_key, _ in value.value:
                    lines[str(sub_key.value)] = 2 + sub_key.start_mark.line
    return lines or {}


def _outline_comment(source: Source) -> tuple[list[str] | None, int]:
    """The lines of the post's first HTML comment of several lines, and the file line of the first."""
    body = source.body
    for index, text in enumerate(body):
        opened = _OPEN.match(text)
        if not opened or _MARKER.match(text) or "-->" in opened["rest"]:
            continue
        for end in range(index + 1, len(body)):
            closed = _CLOSE.match(body[end])
            if closed and "<!--" not in body[end]:
                first = opened["rest"].strip()
                last = closed["text"]
                lines = ([first] if first else []) + body[index + 1 : end] + ([last] if last.strip() else [])
                start = source.body_start + index + (0 if first else 1)
                return lines, start
        return None, 0
    return None, 0


def _post_text(source: Source) -> list[str]:
    """The post's body as a deck: Liquid tag lines and deckbuild's slides section blanked (lines kept)."""
    out: list[str] = []
    in_slides = False
    for text in source.body:
        if text.strip() == SLIDES_OPEN:
            in_slides = True
        blank = in_slides or bool(_LIQUID.match(text))
        if text.strip() == SLIDES_CLOSE:
            in_slides = False
        out.append("" if blank else text)
    return out
