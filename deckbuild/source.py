"""Read a deck file: decode it, split off YAML front matter, and keep line numbers."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import DeckError

_FENCE = re.compile(r"^---\s*$")
_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:")


@dataclass(frozen=True)
class Source:
    """A deck file's text, split into front matter and body.

    ``body_start`` is the 1-based line number of the body's first line in the file.
    ``meta_lines`` maps each top-level front-matter key to its line.
    """

    path: Path
    meta: dict[str, Any]
    meta_lines: dict[str, int]
    body: list[str]
    body_start: int


def read_source(path: Path) -> Source:
    """Read and decode ``path`` and split its front matter off."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DeckError("no such deck file", path=path, hint="check the path") from None
    except IsADirectoryError:
        raise DeckError("is a folder, not a deck file", path=path, hint="name a .md file") from None
    except OSError as exc:
        raise DeckError(f"cannot read deck: {exc.strerror}", path=path) from None
    return parse_source(path, data)


def parse_source(path: Path, data: bytes) -> Source:
    """Split ``data`` (the bytes of ``path``) into front matter and body."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DeckError(
            "file is not UTF-8 text", path=path, line=line, hint="save it as UTF-8 in your editor"
        ) from None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines or not _FENCE.match(lines[0]):
        return Source(path, {}, {}, lines, 1)
    for end in range(1, len(lines)):
        if _FENCE.match(lines[end]) or lines[end].rstrip() == "...":
            break
    else:
        end = 0
    if end == 0 or not any(_KEY.match(line) for line in lines[1:end]):
        # A '---' first line with no closing fence, or no 'key:' line before it, is a slide separator.
        return Source(path, {}, {}, lines, 1)
    meta, meta_lines = parse_yaml(path, "\n".join(lines[1:end]), first_line=2)
    return Source(path, meta, meta_lines, lines[end + 1 :], end + 2)


def parse_yaml(
    path: Path, text: str, first_line: int = 1, what: str = "front matter"
) -> tuple[dict[str, Any], dict[str, int]]:
    """Parse a YAML map; return it and the line of each top-level key (errors at their line)."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        value = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark else first_line
        raise DeckError(
            f"invalid YAML in {what}: {exc.problem or exc}",
            path=path,
            line=line,
            hint="check indentation and quote values that contain ':'",
        ) from None
    except yaml.YAMLError as exc:
        raise DeckError(f"invalid YAML in {what}: {exc}", path=path, line=first_line) from None
    if value is None:
        return {}, {}
    if not isinstance(value, dict) or not isinstance(node, yaml.MappingNode):
        raise DeckError(
            f"{what} must be a map of keys to values",
            path=path,
            line=first_line,
            hint="write 'title: My talk' lines between the two '---' lines",
        )
    lines = {
        str(key.value): first_line + key.start_mark.line for key, _ in node.value if isinstance(key, yaml.ScalarNode)
    }
    return {str(k): v for k, v in value.items()}, lines
