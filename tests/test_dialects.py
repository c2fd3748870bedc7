"""Decks written for pandoc, Quarto, reveal-md, Marp and Jekyll: front matter, slide rules, warnings, CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from deckbuild.build import Separators, load_deck
from deckbuild.cli import main
from deckbuild.compile.config import read_meta
from deckbuild.compile.model import Deck
from deckbuild.compile.render import Look, reveal_config
from deckbuild.compile.source import parse_source
from deckbuild.compile.themes import Theme
from deckbuild.errors import DeckError


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path.resolve()


def deck(path: Path, text: str, **kwargs: object) -> Deck:
    path.write_text(text, encoding="utf-8")
    return load_deck(path, **kwargs)[0]  # type: ignore[arg-type]


def meta_of(text: str):  # type: ignore[no-untyped-def]
    return read_meta(parse_source(Path("talk.md"), text.encode()))


def build(*args: str) -> Result:
    return CliRunner().invoke(main, ["build", *args])


def shape(d: Deck) -> list[list[str]]:
    """Each stack's slides by their first line of content (the title slide as 'title')."""
    return [
        [
            "title" if s.kind == "title" else (s.blocks[0].text.strip().splitlines()[0] if s.blocks else f"[{s.attrs}]")
            for s in stack.slides
        ]
        for stack in d.stacks
    ]


# --- front matter -----------------------------------------------------------------------------------


QUARTO = """---
title: "Quarto talk"
author:
  - name: Ann
  - name: Bob
format:
  revealjs:
    slide-number: true
    transition: default
    theme: [dark, custom.scss]
    preview-links: auto
    incremental: true
    logo: logo.png
execute:
  echo: true
---
## A
"""


def test_quarto_format_map_is_honoured() -> None:
    meta = meta_of(QUARTO)
    assert meta.author == "Ann, Bob"
    assert meta.theme == "black"  # Quarto's 'dark'
    assert meta.transition == "convex"  # reveal.js 3's 'default'
    assert meta.incremental is True
    assert meta.reveal == {"slideNumber": True, "previewLinks": "auto"}
    assert meta.dialect == "pandoc"
    assert [str(w) for w in meta.warnings] == [
        "talk.md:6: warning: 'theme: custom.scss' is a Quarto Sass file and deckbuild ignores it",
        "talk.md:6: warning: 'format: revealjs: logo' is Quarto's and deckbuild ignores it",
        "talk.md:14: warning: 'execute' is Quarto's and deckbuild ignores it",
    ]


@pytest.mark.parametrize(
    ("key", "tool"),
    [
        ("favicon: x.ico", "reveal-md's"),
        ("listing-template: x.html", "reveal-md's"),
        ("preprocessor: p.js", "reveal-md's"),
        ("revealjs-url: https://x", "pandoc's"),
        ("bibliography: refs.bib", "Quarto's"),
        ("jupyter: python3", "Quarto's"),
        ("marp: true", "Marp's"),
        ("footer: hi", "Quarto's"),
        ("layout: post", "Jekyll's"),
        ("published: false", "Jekyll's"),
        ("permalink: /x/", "Jekyll's"),
    ],
)
def test_other_tools_keys_warn_once_at_their_line(key: str, tool: str) -> None:
    meta = meta_of(f"---\ntitle: T\n{key}\n---\n# A\n")
    name = key.split(":")[0]
    assert [str(w) for w in meta.warnings] == [f"talk.md:3: warning: '{name}' is {tool} and deckbuild ignores it"]


def test_tags_are_for_post_and_never_warned() -> None:
    """`deckbuild post` copies a deck's tags into the post it creates: a warning would fail `build --strict`."""
    assert meta_of("---\ntitle: T\ntags: [a, b]\n---\n# A\n").warnings == ()


def test_reveal_options_anywhere_go_to_reveal() -> None:
    meta = meta_of(
        "---\ncontrols: false\nparallaxBackgroundSize: 2100px 900px\npaginate: true\n"
        "reveal:\n  controls: true\n---\n# A\n"
    )
    # the deck's own reveal: map wins over the same option given elsewhere
    assert meta.reveal == {"controls": True, "parallaxBackgroundSize": "2100px 900px", "slideNumber": True}
    assert meta.warnings == ()


def test_pandoc_keys() -> None:
    meta = meta_of(
        "---\nlang: de\nslide-level: 3\ninstitute: Uni\ntitle-slide-attributes:\n"
        "  data-background-color: '#123'\n---\n# A\n"
    )
    assert (meta.lang, meta.slide_level, meta.event) == ("de", 3, "Uni")
    assert meta.title_slide_attributes == {"data-background-color": "#123"}
    assert meta.dialect == "pandoc"


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("thme: black", "unknown front-matter key 'thme' (did you mean 'theme'?)"),
        ("sliedNumber: true", "unknown front-matter key 'sliedNumber' (did you mean 'slideNumber'?)"),
        ("slide-levl: 2", "unknown front-matter key 'slide-levl' (did you mean 'slide-level'?)"),
    ],
)
def test_unknown_key_is_an_error_with_a_did_you_mean(key: str, message: str) -> None:
    with pytest.raises(DeckError) as caught:
        meta_of(f"---\ntitle: T\n{key}\n---\n# A\n")
    assert str(caught.value) == f"talk.md:3: {message}"


def test_values_other_tools_accept() -> None:
    meta = meta_of('---\ntheme : "white"\ntransition: default\n---\n# A\n')
    assert (meta.theme, meta.transition) == ("white", "convex")


def test_lang_reaches_the_page(here: Path) -> None:
    (here / "talk.md").write_text("---\nlang: de\n---\n# A\n", encoding="utf-8")
    assert build("talk.md", "-o", "site").exit_code == 0
    assert '<html lang="de">' in (here / "site" / "talk" / "index.html").read_text()


def test_reveal_option_reaches_reveal_initialize() -> None:
    meta = meta_of("---\nformat:\n  revealjs:\n    slide-number: c/t\n    controls-layout: edges\n---\n# A\n")
    look = Look(Theme("black", Path("black.css")), "monokai")
    config = reveal_config(Deck(Path("talk.md"), "talk", meta, (), "headings"), look)
    assert config["slideNumber"] == "c/t" and config["controlsLayout"] == "edges"


# --- theme as a style sheet -------------------------------------------------------------------------


@pytest.mark.parametrize(("theme", "sheet"), [("css/x.css", "css/x.css"), ("mine", "mine.css")])
def test_theme_given_as_a_style_sheet(here: Path, theme: str, sheet: str) -> None:
    (here / "css").mkdir()
    (here / sheet).write_text(".reveal { color: red }", encoding="utf-8")
    d = deck(here / "talk.md", f"---\ntheme: {theme}\n---\n# A\n")
    assert d.meta.css == (sheet,) and d.meta.theme is None
    assert build("talk.md", "-o", "site").exit_code == 0
    page = (here / "site" / "talk" / "index.html").read_text()
    assert f'<link rel="stylesheet" href="{sheet}">' in page
    assert (here / "site" / "talk" / sheet).read_text() == ".reveal { color: red }"


def test_unknown_theme_without_a_file_is_still_an_error(here: Path) -> None:
    result = build_text(here, "---\ntheme: nosuch\n---\n# A\n")
    assert result.exit_code == 1 and "talk.md:2: unknown theme 'nosuch'" in result.stderr


def test_missing_css_theme_file_is_an_error_at_the_theme_line(here: Path) -> None:
    result = build_text(here, "---\ntitle: T\ntheme: css/none.css\n---\n# A\n")
    assert result.exit_code == 1
    assert result.stderr.startswith("talk.md:3: missing file 'css/none.css'")


def build_text(here: Path, text: str, *flags: str) -> Result:
    (here / "talk.md").write_text(text, encoding="utf-8")
    return build("talk.md", "-o", "site", *flags)


# --- pandoc's slide rules ---------------------------------------------------------------------------

PANDOC = """% Habits
% Ann Author; Bob Builder
% 2024-05-01

# Part one

## Colour {#red .center background-color="#336" transition=zoom}

Text

## {background-image="bg.png"}

---

Rule slide

# Part two

## Last
"""


def test_pandoc_title_block_and_slide_rules(here: Path) -> None:
    (here / "bg.png").write_bytes(b"x")
    d = deck(here / "talk.md", PANDOC)
    assert (d.meta.title, d.meta.author, d.meta.date) == ("Habits", "Ann Author, Bob Builder", "2024-05-01")
    assert d.meta.line_of("author") == 2
    assert shape(d) == [
        ["title"],
        ["# Part one", "## Colour", '[data-background-image="bg.png"]', "Rule slide"],
        ["# Part two", "## Last"],
    ]
    colour = d.stacks[1].slides[1]
    assert colour.attrs == 'id="red" class="center" data-background-color="#336" data-transition="zoom"'
    assert colour.attrs_line == 7
    assert colour.blocks[0].text.startswith("## Colour\n")  # the braces are gone


def test_rules_split_slides_only_in_pandoc_decks(here: Path) -> None:
    # the same body without pandoc's marks is a reveal-md deck: '---' separates, headings stay inside
    d = deck(here / "talk.md", "# A\n\ntext\n\n---\n\n## B\n\n## C\n")
    assert d.mode == "separators" and shape(d) == [["# A"], ["## B"]]
    d = deck(here / "talk.md", "---\nslide-level: 2\n---\n# A\n\ntext\n\n---\n\n## B\n\n## C\n")
    assert d.mode == "headings" and shape(d) == [["# A", "## B", "## C"]]


def test_pandoc_body_marks_make_a_pandoc_deck(here: Path) -> None:
    d = deck(here / "talk.md", "## A\n\none\n\n. . .\n\ntwo\n\n---\n\nthree\n\n## B\n")
    assert d.mode == "headings"
    assert [len(stack.slides) for stack in d.stacks] == [1, 1, 1]


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        (1, [["# A\n\n## a1\n\n### x"], ["# B\n\n## b1"]]),
        (2, [["# A", "## a1\n\n### x"], ["# B", "## b1"]]),
        (3, [["# A", "## a1", "### x"], ["# B", "## b1"]]),
        (0, [["# A\n\n## a1\n\n### x\n\n# B\n\n## b1"]]),
    ],
)
def test_slide_level(here: Path, level: int, expected: list[list[str]]) -> None:
    d = deck(here / "talk.md", f"---\nslide-level: {level}\n---\n# A\n\n## a1\n\n### x\n\n# B\n\n## b1\n")
    assert [[b.blocks[0].text.strip() for b in stack.slides] for stack in d.stacks] == expected


def test_title_slide_attributes(here: Path) -> None:
    d = deck(
        here / "talk.md",
        "---\ntitle: T\ntitle-slide-attributes:\n  data-background-color: '#123'\n"
        "  background-size: contain\n---\n## A\n",
    )
    title = d.stacks[0].slides[0]
    assert title.kind == "title"
    assert title.attrs == 'data-background-color="#123" data-background-size="contain"'


@pytest.mark.parametrize(
    ("entry", "why"),
    [
        ("'a onclick': x", "has 'a onclick', which is no attribute name"),
        ("data-x: [1, 2]", "'data-x' must be text"),
        (
            "data-background-iframe: 'file:///etc/passwd'",
            "'data-background-iframe' must be an http, https or relative URL, not 'file:'",
        ),
        (
            "data-background-image: ' JavaScript:x'",
            "'data-background-image' must be an http, https or relative URL, not 'JavaScript:'",
        ),
    ],
)
def test_title_slide_attributes_are_attributes(entry: str, why: str) -> None:
    with pytest.raises(DeckError) as caught:
        meta_of(f"---\ntitle: T\ntitle-slide-attributes:\n  {entry}\n---\n# A\n")
    assert str(caught.value).startswith(f"talk.md:3: 'title-slide-attributes' {why} (got ")


def test_heading_attributes_stay_on_the_heading_in_a_separator_deck(here: Path) -> None:
    d = deck(here / "talk.md", "## A {.r-fit-text}\n\n---\n\n## B\n")
    assert d.stacks[0].slides[0].attrs == ""
    assert d.stacks[0].slides[0].blocks[0].text.strip() == "## A {.r-fit-text}"


def test_qmd_files_are_decks_read_as_pandoc(here: Path) -> None:
    (here / "decks").mkdir()
    (here / "decks" / "talk.qmd").write_text("---\ntitle: T\n---\n## A\n\n---\n\nB\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "-o", "site"])
    assert result.exit_code == 0, result.output
    assert "built: site/talk/index.html (3 slides)" in result.stdout


# --- warnings from the body -------------------------------------------------------------------------


def test_quarto_chunks_get_one_note(here: Path) -> None:
    result = build_text(here, "## A\n\n```{python}\n#| echo: true\n1\n```\n\n```{r}\n2\n```\n")
    assert result.exit_code == 0
    assert result.stderr == (
        "talk.md:3: warning: 2 code chunks ({python}, {r}) shown as code: deckbuild does not run code\n"
    )


def test_note_followed_by_an_unused_separator_warns(here: Path) -> None:
    result = build_text(here, "# A\n\nNote: say it\n\n--\n\n# B\n")
    assert result.stderr == (
        "talk.md:5: warning: '--' after 'Note:' is part of the speaker notes; "
        "if it separates slides, build with --vertical-separator '^\\-\\-$'\n"
    )
    result = build_text(here, "# A\n\nNote: say it\n\n--\n\n# B\n", "--vertical-separator", "^--$")
    assert result.stderr == ""
    assert "(2 slides)" in result.stdout


# --- the CLI: warnings, --strict, separator flags ---------------------------------------------------


def test_warnings_go_to_stderr_and_the_build_goes_on(here: Path) -> None:
    result = build_text(here, "---\ntitle: T\nfavicon: x.ico\n---\n# A\n")
    assert result.exit_code == 0
    assert result.stderr == "talk.md:3: warning: 'favicon' is reveal-md's and deckbuild ignores it\n"
    assert result.stdout.startswith("built: ")


def test_strict_turns_warnings_into_an_error_and_writes_nothing(here: Path) -> None:
    result = build_text(here, "---\ntitle: T\nfavicon: x.ico\nlayout: post\n---\n# A\n", "--strict")
    assert result.exit_code == 1
    assert result.stderr == (
        "talk.md:3: 'favicon' is reveal-md's and deckbuild ignores it "
        "(--strict makes warnings errors; 1 more warning)\n"
    )
    assert not (here / "site").exists()


def test_separator_flags_split_as_the_host_page_does(here: Path) -> None:
    text = "# A\n\n\n\n# B\n\n\nb1\n\n\nb2\n\nNote: hi\n"
    flags = ["--separator", r"^\n\n\n", "--vertical-separator", r"^\n\n", "--notes-separator", "^Note:"]
    d = deck(here / "talk.md", text, separators=Separators(*flags[1::2]))
    assert [len(s.slides) for s in d.stacks] == [1, 3]
    assert d.stacks[1].slides[2].notes[0].text.strip() == "hi"
    result = build_text(here, text, *flags)
    assert result.exit_code == 0 and "(4 slides)" in result.stdout


def test_bad_separator_flag_is_an_error() -> None:
    result = build("talk.md", "--separator", "(")
    assert result.exit_code == 1
    assert result.stderr.startswith("--separator is not a valid regular expression")
