"""Read a deck file: decode it, split off YAML front matter, and keep line numbers."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import DeckError

MAX_DECK_BYTES = 16 * 2**20
MAX_YAML_CHARS = 64 * 1024  # front matter and theme settings: plenty for settings, too small for a bomb
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
        if path.exists() and not path.is_dir() and not path.is_file():
            raise DeckError("is not a regular file (a device, a pipe or a socket)", path=path, hint="name a .md file")
        with open(path, "rb") as handle:
            data = handle.read(MAX_DECK_BYTES + 1)
    except FileNotFoundError:
        raise DeckError("no such deck file", path=path, hint="check the path") from None
    except IsADirectoryError:
        raise DeckError("is a folder, not a deck file", path=path, hint="name a .md file") from None
    except OSError as exc:
        raise DeckError(f"cannot read deck: {exc.strerror}", path=path) from None
    if len(data) > MAX_DECK_BYTES:
        raise DeckError(
            f"deck file is larger than {MAX_DECK_BYTES // 2**20} MiB", path=path, hint="split it into several decks"
        )
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
    """Parse a YAML map; return it and the line of each top-level key (errors at their line).

    The text is input from strangers: anchors and aliases (the way to a "billion laughs" bomb) and
    duplicate keys are refused, and its size is capped.
    """
    if len(text) > MAX_YAML_CHARS:
        raise DeckError(
            f"{what} is longer than {MAX_YAML_CHARS // 1024} KiB",
            path=path,
            line=first_line,
            hint="keep settings short; put content in the body",
        )
    if text.count("[") + text.count("{") > 1000:  # PyYAML's parser is quadratic in nesting
        raise DeckError(
            f"{what} has more than 1000 '[' and '{{'", path=path, line=first_line, hint="simplify the values"
        )
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise DeckError(
                    f"YAML anchors and aliases ('&' and '*') are not allowed in {what}",
                    path=path,
                    line=first_line + (event.start_mark.line if event.start_mark else 0),
                    hint="write the value out in full",
                )
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        _refuse_duplicates(node, path, first_line, what)
        value = yaml.safe_load(text)
        _refuse_surrogates(value)
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(exc, path, first_line, what) from None
    except yaml.YAMLError as exc:
        raise DeckError(f"invalid YAML in {what}: {exc}", path=path, line=first_line) from None
    except (RecursionError, ValueError, OverflowError) as exc:
        problem = "nested too deeply" if isinstance(exc, RecursionError) else str(exc).split("\n")[0]
        raise DeckError(
            f"{what} cannot be read: {problem}", path=path, line=first_line, hint="simplify the values"
        ) from None
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


def _yaml_error(exc: yaml.MarkedYAMLError, path: Path, first_line: int, what: str) -> DeckError:
    """PyYAML's error at the line to fix: a '[', '{' or quote left open is named on its own line, not on the
    later line where the parser gave up."""
    mark = exc.problem_mark or exc.context_mark
    line = first_line + mark.line if mark else first_line
    opened, problem = exc.context or "", exc.problem or str(exc)
    at_end = "end of stream" in problem or "<stream end>" in problem
    if exc.context_mark and exc.problem_mark and (exc.context_mark.line < exc.problem_mark.line or at_end):
        kind, close = (
            ("quote", "quote")
            if "quoted" in opened
            else ("'['", "]")
            if "flow sequence" in opened
            else ("'{'", "}")
            if "flow mapping" in opened
            else _innermost_open(exc.problem_mark.buffer or "", exc.problem_mark.index)
        )
        if "quoted" in opened or "flow" in opened:
            return DeckError(
                f"invalid YAML in {what}: the {kind} on this line is not closed "
                + (f"by the end of the {what}" if at_end else f"({problem} on line {line})"),
                path=path,
                line=min(first_line + exc.context_mark.line, line),
                hint=f"add the closing {close}",
            )
    return DeckError(
        f"invalid YAML in {what}: {problem}",
        path=path,
        line=line,
        hint="check indentation and quote values that contain ':'",
    )


def _innermost_open(text: str, end: int) -> tuple[str, str]:
    """Which bracket is still open at ``end`` of YAML ``text``: PyYAML says only "a flow node"."""
    stack: list[str] = []
    quote = ""
    for char in text[:end]:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[{":
            stack.append(char)
        elif char in "]}" and stack:
            stack.pop()
    if stack and stack[-1] == "{":
        return "'{'", "}"
    return ("'['", "]") if stack else ("'[' or '{'", "] or }")


def _refuse_duplicates(node: yaml.Node | None, path: Path, first_line: int, what: str) -> None:
    """A key given twice in one map is an error at its second line (YAML would keep the last)."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    raise DeckError(
                        f"'{key.value}' is given twice in {what}",
                        path=path,
                        line=first_line + key.start_mark.line,
                        hint="keep one of them",
                    )
                seen.add(key.value)
            _refuse_duplicates(value, path, first_line, what)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _refuse_duplicates(item, path, first_line, what)


def _refuse_surrogates(value: Any) -> None:
    """Text that cannot be written as UTF-8 (a lone surrogate such as "\\ud800") is refused."""
    if isinstance(value, str):
        value.encode("utf-8")  # raises UnicodeEncodeError, a ValueError
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_surrogates(key)
            _refuse_surrogates(item)
    elif isinstance(value, list):
        for item in value:
            _refuse_surrogates(item)
