"""Whatever a deck file holds, reading and rendering it either works or raises DeckError, never anything else."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deckbuild.build import load_deck
from deckbuild.compile.assets import Assets, find_assets
from deckbuild.compile.model import Deck
from deckbuild.compile.render import Page, render_deck
from deckbuild.errors import DeckError

# DECKBUILD_HYPOTHESIS_EXAMPLES=5000 for a longer hunt; the default keeps this file at a few seconds.
SETTINGS = settings(
    max_examples=int(os.environ.get("DECKBUILD_HYPOTHESIS_EXAMPLES", "200")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


@pytest.fixture(scope="module")
def assets() -> Assets:
    return find_assets()


@pytest.fixture
def deck_path(tmp_path: Path) -> Path:
    """Where each example is written: a deck folder with one image in it and one beside it."""
    folder = tmp_path / "deck"
    folder.mkdir()
    (folder / "pic.png").write_bytes(PNG)
    (tmp_path / "up.png").write_bytes(PNG)
    return folder / "talk.md"


def compile_deck(path: Path, data: bytes, assets: Assets) -> tuple[Deck, Page] | None:
    """Write ``data`` to ``path`` and build it; None for a DeckError (after checking the error is well formed)."""
    path.write_bytes(data)
    try:
        deck, look = load_deck(path, assets=assets)
        page = render_deck(deck, look)
    except DeckError as exc:
        text = str(exc)
        assert exc.message and text, "a DeckError must say what is wrong"
        if exc.line is not None:
            assert exc.path is not None
            assert 1 <= exc.line <= data.count(b"\n") + data.count(b"\r") + 2, (exc.line, text)
        return None
    assert deck.stacks, "a deck that builds has slides"
    assert all(stack.slides for stack in deck.stacks)
    assert page.html.startswith("<!DOCTYPE html>")
    assert all(not f.is_absolute() and ".." not in f.parts for f in page.files)
    assert all((path.parent / f).is_file() for f in page.files)
    return deck, page


@SETTINGS
@given(text=st.text())
def test_any_text_builds_or_raises_deck_error(deck_path: Path, assets: Assets, text: str) -> None:
    compile_deck(deck_path, text.encode("utf-8"), assets)


@SETTINGS
@given(data=st.binary())
def test_any_bytes_build_or_raise_deck_error(deck_path: Path, assets: Assets, data: bytes) -> None:
    compile_deck(deck_path, data, assets)


FRONT_MATTER_LINES = [
    "title: Talk",
    "title: [unclosed",
    "author: Me",
    "date: 2018-12-08",
    "url: https://example.org/",
    "theme: black",
    "theme: white",
    "theme: nope",
    "highlight: github",
    "highlight: nope",
    "transition: fade",
    "transition: wobble",
    "width: 960",
    "width: -3",
    "height: big",
    "incremental: true",
    "title_slide: true",
    "title_slide: false",
    "separator: '<!--s-->'",
    "verticalSeparator: '<!--v-->'",
    "separator: '['",
    "notesSeparator: '^Speaker:'",
    "reveal:\n  controls: false",
    "revealOptions:\n  transition: zoom",
    "css: style.css",
    "colour: red",
    "shots:\n  sizes: [600x390]",
    "shots:\n  sizes: [1x1]",
    "slides:\n  theme: white",
    "scripts: [a.js]",
    "  indented: x",
    "\tbad: tab",
    "- item",
    "'unclosed",
    ": nothing",
]
BODY_LINES = [
    "",
    "   ",
    "---",
    "----",
    "# Heading",
    "## Sub heading",
    "### Deeper",
    "```",
    "```js [1|3-5]",
    "````",
    "~~~",
    "Note: say this",
    "Notes:",
    "Speaker: hidden",
    "::: notes",
    "::: incremental",
    "::: nonincremental",
    ":::",
    "<!--s-->",
    "<!--v-->",
    '<!-- .slide: data-background="#336" -->',
    '<!-- .slide: data-background-image="pic.png" -->',
    '<!-- .slide: data-background-image="bg.png" -->',
    '<!-- .element: class="fragment" -->',
    "- item",
    "  - nested item",
    "    • bullet",
    "\t• tab bullet",
    "\t\t• deeper tab bullet",
    "1. first",
    "- [ ] task",
    "![img](pic.png)",
    "![img](missing.png)",
    "![img](../up.png)",
    "![img](/abs.png)",
    "![web](https://example.org/x.png)",
    '<img src="pic.png">',
    "| a | b |",
    "|---|---|",
    "~~gone~~ ==marked== **bold** *em* `code`",
    "Paper Outline:",
    '"Title" - Author',
    "https://example.org/talk",
    "Topic",
    "  Sub topic",
]


@st.composite
def deck_texts(draw: st.DrawFn) -> str:
    """Deck-like text: optional front matter, then lines of deck syntax and the odd random line."""
    parts: list[str] = []
    if draw(st.booleans()):
        front = draw(st.lists(st.sampled_from(FRONT_MATTER_LINES), max_size=4))
        parts += ["---", *front, "---"]
    line = st.one_of(st.sampled_from(BODY_LINES), st.text(max_size=20))
    indent = st.sampled_from(["", "", "", "  ", "    ", "\t"])
    body = draw(st.lists(st.tuples(indent, line).map("".join), max_size=25))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(parts + body) + draw(st.sampled_from(["", newline]))


@SETTINGS
@given(text=deck_texts())
def test_deck_like_text_builds_or_raises_deck_error(deck_path: Path, assets: Assets, text: str) -> None:
    data = text.encode("utf-8")
    built = compile_deck(deck_path, data, assets)
    if built is not None:
        deck, page = built
        stacked = sum(len(stack.slides) > 1 for stack in deck.stacks)
        assert page.html.count("<section") == deck.slide_count + stacked


# Inputs found by hand or by the properties above.  Each must build or raise DeckError.
KNOWN = [
    pytest.param("| a | b |\n|---|---|\n| 1 | 2 |\n", id="table"),
    pytest.param("- [ ] todo\n- [x] done\n", id="task-list"),
    pytest.param("~~a~~ ==b==\n", id="strike-mark"),
    pytest.param("---\n---\n", id="separators-only"),
    pytest.param("---\ntitle: T\n", id="unclosed-front-matter"),
    pytest.param("---\n? [a]\n: b\n---\n# A\n", id="complex-yaml-key"),
    pytest.param("---\ntitle: !!python/object x\n---\n# A\n", id="yaml-python-tag"),
    pytest.param("---\nslides: 3\n---\n# A\n", id="mkslides-not-a-map"),
    pytest.param("---\nreveal:\n  a:\n    b: [1, {c: d}]\n---\n# A\n", id="nested-reveal-options"),
    pytest.param("---\nseparator: '^'\n---\na\nb\n", id="empty-match-separator"),
    pytest.param("![x](a b.png)\n![y](<c d.png>)\n", id="image-with-spaces"),
    pytest.param("![x](a%2Fb.png)\n", id="image-encoded-slash"),
    pytest.param(
        "![x](a%00.png)\n",
        id="image-nul",
    ),
    pytest.param(
        "![x](" + "a" * 300 + ".png)\n",
        id="image-long-name",
    ),
    pytest.param(
        "---\nseparator: '(?i)<!--s-->'\n---\na\n<!--S-->\nb\n",
        id="separator-inline-flags",
    ),
    pytest.param(
        "---\nseparator: '(?P<h>x)'\n---\na\nx\nb\n",
        id="separator-named-group",
    ),
    pytest.param(
        "---\nseparator: '<!--s-->'\n---\n",
        id="regex-separator-empty-body",
    ),
    pytest.param(
        "---\nreveal:\n  x: 2018-12-08\n---\n# A\n",
        id="reveal-option-date",
    ),
]


@pytest.mark.parametrize("text", KNOWN)
def test_known_inputs_build_or_raise_deck_error(deck_path: Path, assets: Assets, text: str) -> None:
    compile_deck(deck_path, text.encode("utf-8"), assets)
