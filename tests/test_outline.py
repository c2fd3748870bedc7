"""Stage tests of slide splitting: parse_source -> read_meta -> split_deck, asserting the slide tree."""

from __future__ import annotations

from pathlib import Path

import pytest

from deckbuild.compile.config import read_meta
from deckbuild.compile.model import Deck, Slide
from deckbuild.compile.outline import split_deck
from deckbuild.compile.source import parse_source
from deckbuild.errors import DeckError

# The paper outline a deck was first made from, exactly as pasted (the line after "Shout-outs" holds
# four spaces, "Lessons learned ..." and the last line have trailing spaces).
SEED = (
    '"Building, growing and sustaining ML communities" - Martin Andrews\n'
    "https://nips.cc/Conferences/2018/Schedule?showEvent=10920\n"
    "~10am Sat, 15mins (allow 2-3mins for questions)\n"
    "\n"
    "Paper Outline:\n"
    "  What Libraries & Frameworks can do to widen their appeal\n"
    "    • Differentiation\n"
    "    • Example\n"
    "    • Ecosystem\n"
    "  Importance of in-person communities\n"
    "    • Social aspect\n"
    '    • Best practices and "know how"\n'
    "    • Discovering new MLOSS projects\n"
    "  How projects can facilitate community up-take\n"
    "    • Relevant examples\n"
    "    • Aspirational goals / road maps\n"
    "    • Shout-outs\n"
    "    \n"
    "  Lessons learned from a successful community \n"
    "    Holding events\n"
    "      • Consistency\n"
    "      • Content mix\n"
    "      • Entertainment value\n"
    "    Audience Mix\n"
    "      • Experience levels\n"
    "      • Diversity\n"
    "      • Willingness to participate\n"
    "    Speakers\n"
    "      • Deadlines create action\n"
    "      • Thematic events\n"
    "      • Social standing and résumé value  \n"
)


def split(tmp_path: Path, text: str, name: str = "talk.md") -> Deck:
    """Run the splitting stages on ``text`` as if it were the file ``tmp_path/name``."""
    path = tmp_path / name
    source = parse_source(path, text.encode("utf-8"))
    return split_deck(source, read_meta(source), path.stem)


def content(slide: Slide) -> str:
    """A slide's Markdown, its blocks joined."""
    return "\n".join(block.text for block in slide.blocks)


def notes(slide: Slide) -> str:
    return "\n".join(block.text.strip() for block in slide.notes)


def shape(deck: Deck) -> list[list[tuple[str, int, str]]]:
    """Each stack as a list of (kind, line, Markdown) for its slides."""
    return [[(slide.kind, slide.line, content(slide)) for slide in stack.slides] for stack in deck.stacks]


def headings(deck: Deck) -> list[list[str]]:
    """The first line of each slide (its heading), or the kind for slides without blocks."""
    return [
        [content(slide).strip().splitlines()[0] if slide.blocks else slide.kind for slide in stack.slides]
        for stack in deck.stacks
    ]


# --- separators -----------------------------------------------------------------------------------


def test_separator_deck_splits_horizontally_and_vertically_with_file_lines(tmp_path: Path) -> None:
    text = (
        "---\n"  # 1
        "title: Talk\n"  # 2
        "---\n"  # 3
        "# One\n"  # 4
        "text\n"  # 5
        "---\n"  # 6
        "# Two\n"  # 7
        "----\n"  # 8
        "## Two below\n"  # 9
        "more\n"  # 10
        "---\n"  # 11
        "# Three\n"  # 12
    )
    deck = split(tmp_path, text)
    assert deck.mode == "separators"
    assert shape(deck) == [
        [("content", 4, "# One\ntext")],
        [("content", 7, "# Two"), ("content", 9, "## Two below\nmore")],
        [("content", 12, "# Three")],
    ]
    assert deck.slide_count == 4
    assert all(slide.path == tmp_path / "talk.md" for stack in deck.stacks for slide in stack.slides)


def test_headings_stay_inside_separator_slides(tmp_path: Path) -> None:
    deck = split(tmp_path, "# A\n## A.1\ntext\n# A.2\n---\n# B\n")
    assert deck.mode == "separators"
    assert shape(deck) == [[("content", 1, "# A\n## A.1\ntext\n# A.2")], [("content", 6, "# B")]]


def test_block_lines_count_from_the_file_not_the_body(tmp_path: Path) -> None:
    text = "---\ntitle: T\nauthor: A\n---\nfirst\n\nsecond para\n---\nthird\n"
    deck = split(tmp_path, text)
    first, second = (stack.slides[0] for stack in deck.stacks)
    assert [(b.line, b.text) for b in first.blocks] == [(5, "first\n\nsecond para")]
    assert [(b.line, b.text) for b in second.blocks] == [(9, "third")]


@pytest.mark.parametrize("fence", ["```", "~~~", "````"])
def test_separators_inside_a_closed_fence_are_code(tmp_path: Path, fence: str) -> None:
    text = f"# A\n{fence}python\n---\n----\nx = 1\n{fence}\n---\n# B\n"
    deck = split(tmp_path, text)
    assert deck.mode == "separators"
    assert shape(deck) == [
        [("content", 1, f"# A\n{fence}python\n---\n----\nx = 1\n{fence}")],
        [("content", 8, "# B")],
    ]


def test_separator_only_inside_a_fence_does_not_make_a_separator_deck(tmp_path: Path) -> None:
    deck = split(tmp_path, "# A\n```\n---\n```\n# B\n")
    assert deck.mode == "headings"
    assert shape(deck) == [[("content", 1, "# A\n```\n---\n```")], [("content", 5, "# B")]]


@pytest.mark.parametrize(
    ("opener", "closer"),
    [
        ("```", None),  # never closed
        ("````", "```"),  # a shorter run does not close a fence
        ("```", "~~~"),  # nor does the other fence character
    ],
    ids=["unclosed", "shorter-closer", "other-character"],
)
def test_a_fence_that_never_closes_does_not_hide_separators(tmp_path: Path, opener: str, closer: str | None) -> None:
    lines = ["# A", opener, "code", "---", "# B"]
    if closer:
        lines.insert(4, closer)
    deck = split(tmp_path, "\n".join(lines) + "\n")
    assert deck.mode == "separators"
    assert [len(stack.slides) for stack in deck.stacks] == [1, 1]
    assert content(deck.stacks[1].slides[0]).endswith("# B")
    assert "---" not in content(deck.stacks[0].slides[0])


def test_vertical_separator_inside_a_closed_fence_is_code(tmp_path: Path) -> None:
    deck = split(tmp_path, "# A\n---\n# B\n~~~\n----\n~~~\n----\n# C\n")
    assert shape(deck) == [
        [("content", 1, "# A")],
        [("content", 3, "# B\n~~~\n----\n~~~"), ("content", 8, "# C")],
    ]


def test_empty_slides_are_dropped(tmp_path: Path) -> None:
    deck = split(tmp_path, "---\n# A\n---\n\n   \n----\n---\n# B\n---\n")
    assert shape(deck) == [[("content", 2, "# A")], [("content", 8, "# B")]]


@pytest.mark.parametrize(
    ("text", "line"),
    [("---\n---\n", 1), ("---\n\n----\n\n", 1), ("---\ntitle: T\n---\n---\n\n---\n", 4)],
    ids=["separators-only", "blank-slides", "after-front-matter"],
)
def test_a_deck_of_empty_slides_is_an_error_at_the_body(tmp_path: Path, text: str, line: int) -> None:
    with pytest.raises(DeckError) as caught:
        split(tmp_path, text)
    assert caught.value.message == "the deck has no slides"
    assert caught.value.line == line
    assert caught.value.path == tmp_path / "talk.md"


@pytest.mark.parametrize(
    ("text", "line"),
    [("", 1), ("\n  \n\t\n", 1), ("---\ntitle: T\n---\n", 4)],
    ids=["empty-file", "whitespace", "front-matter-only"],
)
def test_a_deck_with_no_text_is_an_error(tmp_path: Path, text: str, line: int) -> None:
    with pytest.raises(DeckError) as caught:
        split(tmp_path, text)
    assert caught.value.message == "the deck has no slides"
    assert caught.value.line == line


# --- front-matter regular expressions -------------------------------------------------------------


def test_front_matter_regex_separators(tmp_path: Path) -> None:
    text = (
        "---\n"  # 1
        "separator: '<!--s-->'\n"  # 2
        "verticalSeparator: '<!--v-->'\n"  # 3
        "---\n"  # 4
        "# A\n"  # 5
        "---\n"  # 6  no longer a separator
        "text\n"  # 7
        "<!--s-->\n"  # 8
        "# B\n"  # 9
        "<!--v-->\n"  # 10
        "# B2\n"  # 11
    )
    deck = split(tmp_path, text)
    assert deck.mode == "separators"
    assert shape(deck) == [[("content", 5, "# A\n---\ntext")], [("content", 9, "# B"), ("content", 11, "# B2")]]


def test_regex_separator_inside_a_fence_is_code(tmp_path: Path) -> None:
    text = "---\nseparator: '<!--s-->'\n---\n# A\n```html\n<!--s-->\n```\n<!--s-->\n# B\n"
    deck = split(tmp_path, text)
    assert shape(deck) == [[("content", 4, "# A\n```html\n<!--s-->\n```")], [("content", 9, "# B")]]


def test_reveal_md_default_separators_written_out(tmp_path: Path) -> None:
    text = (
        "---\n"
        "separator: '^(\\r\\n?|\\n)---(\\r\\n?|\\n)$'\n"
        "verticalSeparator: '^(\\r\\n?|\\n)----(\\r\\n?|\\n)$'\n"
        "---\n"
        "# A\n\n---\n\n# B\n\n----\n\n# B2\n"
    )
    deck = split(tmp_path, text)
    assert headings(deck) == [["# A"], ["# B", "# B2"]]


def test_only_a_vertical_regex_keeps_the_horizontal_default(tmp_path: Path) -> None:
    text = "---\nverticalSeparator: '<!--v-->'\n---\n# A\n---\n# B\n<!--v-->\n# B2\n"
    deck = split(tmp_path, text)
    assert headings(deck) == [["# A"], ["# B", "# B2"]]


# --- headings and single ----------------------------------------------------------------------------


def test_heading_deck_with_vertical_slides_and_intro(tmp_path: Path) -> None:
    text = "Intro text\n\n# A\ntext a\n## A.1\n### deeper stays\n## A.2\n# B\n```\n# not a heading\n```\n"
    deck = split(tmp_path, text)
    assert deck.mode == "headings"
    assert shape(deck) == [
        [("content", 1, "Intro text\n")],
        [("content", 3, "# A\ntext a"), ("content", 5, "## A.1\n### deeper stays"), ("content", 7, "## A.2")],
        [("content", 8, "# B\n```\n# not a heading\n```")],
    ]


def test_heading_levels_are_relative_to_the_highest_used(tmp_path: Path) -> None:
    deck = split(tmp_path, "## A\n### A.1\n#### kept inside\n## B\n")
    assert deck.mode == "headings"
    assert shape(deck) == [
        [("content", 1, "## A"), ("content", 2, "### A.1\n#### kept inside")],
        [("content", 4, "## B")],
    ]


def test_text_without_headings_or_separators_is_one_slide(tmp_path: Path) -> None:
    deck = split(tmp_path, "Hello\n\n- a\n- b\n\n```\n---\n```\n")
    assert deck.mode == "single"
    assert shape(deck) == [[("content", 1, "Hello\n\n- a\n- b\n\n```\n---\n```")]]


# --- title slide ----------------------------------------------------------------------------------

HEADINGS = "# A\n# B\n"
SEPARATORS = "# A\n---\n# B\n"
SINGLE = "Just one slide\n"
OUTLINE = "Topic\n  • point\n  • other\nTopic two\n  • point\n"


@pytest.mark.parametrize(
    ("front", "body", "expected"),
    [
        ("title: Talk\n", HEADINGS, True),
        ("title: Talk\n", OUTLINE, True),
        ("title: Talk\n", SEPARATORS, False),
        ("title: Talk\n", SINGLE, False),
        ("title: Talk\ntitle_slide: false\n", HEADINGS, False),
        ("title: Talk\ntitle_slide: false\n", OUTLINE, False),
        ("title: Talk\ntitle_slide: true\n", SEPARATORS, True),
        ("title: Talk\ntitle_slide: true\n", SINGLE, True),
        ("author: Me\n", HEADINGS, False),
        ("author: Me\ntitle_slide: true\n", SEPARATORS, False),
    ],
    ids=[
        "headings",
        "outline",
        "separators",
        "single",
        "headings-off",
        "outline-off",
        "separators-on",
        "single-on",
        "no-title",
        "no-title-on",
    ],
)
def test_title_slide_rule(tmp_path: Path, front: str, body: str, expected: bool) -> None:
    deck = split(tmp_path, f"---\n{front}---\n{body}")
    first = deck.stacks[0].slides[0]
    titles = [slide for stack in deck.stacks for slide in stack.slides if slide.kind == "title"]
    if expected:
        assert first.kind == "title"
        assert len(deck.stacks[0].slides) == 1
        assert first.blocks == ()
        assert first.line == deck.meta.line_of("title")
        assert len(titles) == 1
    else:
        assert titles == []


def test_title_slide_is_at_the_title_key_line(tmp_path: Path) -> None:
    deck = split(tmp_path, "---\nauthor: Me\nevent: Conf\ntitle: Talk\n---\n# A\n")
    assert shape(deck)[0] == [("title", 4, "")]
    assert shape(deck)[1] == [("content", 6, "# A")]


# --- notes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("marker", ["Note:", "Notes:", "NOTE:", "notes:", "  Note:"])
def test_note_line_starts_speaker_notes_to_the_end_of_the_slide(tmp_path: Path, marker: str) -> None:
    text = f"# A\nshown\n{marker} say this\nand this\n# B\nalso shown\n"
    deck = split(tmp_path, text)
    a, b = (stack.slides[0] for stack in deck.stacks)
    assert content(a) == "# A\nshown"
    assert notes(a) == "say this\nand this"
    assert [block.line for block in a.notes] == [3]
    assert content(b) == "# B\nalso shown"
    assert b.notes == ()


def test_note_marker_alone_on_its_line(tmp_path: Path) -> None:
    deck = split(tmp_path, "# A\nshown\nNote:\nfirst note line\n---\n# B\n")
    a = deck.stacks[0].slides[0]
    assert content(a) == "# A\nshown"
    assert [(block.line, block.text) for block in a.notes] == [(4, "first note line")]


@pytest.mark.parametrize("opener", ["::: notes", ":::: notes", "::: {.notes}", "::: .notes"])
def test_fenced_notes_div(tmp_path: Path, opener: str) -> None:
    text = f"# A\nbefore\n{opener}\nSay this,\nnot that.\n:::\nafter\n"
    deck = split(tmp_path, text)
    (slide,) = deck.stacks[0].slides
    assert [(b.line, b.text) for b in slide.blocks] == [(1, "# A\nbefore"), (7, "after")]
    assert [(b.line, b.text) for b in slide.notes] == [(4, "Say this,\nnot that.")]


def test_note_marker_inside_a_code_fence_is_code(tmp_path: Path) -> None:
    deck = split(tmp_path, "# A\n```\nNote: this is code\n```\nNote: real note\n")
    (slide,) = deck.stacks[0].slides
    assert content(slide) == "# A\n```\nNote: this is code\n```"
    assert notes(slide) == "real note"


def test_notes_separator_from_front_matter(tmp_path: Path) -> None:
    text = "---\nnotesSeparator: '^Speaker:'\n---\n# A\nshown\nSpeaker: hidden\n---\n# B\nNote: shown too\n"
    deck = split(tmp_path, text)
    a, b = (stack.slides[0] for stack in deck.stacks)
    assert content(a) == "# A\nshown"
    assert notes(a) == "hidden"
    assert content(b) == "# B\nNote: shown too"
    assert b.notes == ()


# --- slide attributes and incremental blocks ---------------------------------------------------------


def test_slide_attribute_comments_set_section_attributes(tmp_path: Path) -> None:
    text = (
        "# A\n"
        '<!-- .slide: data-background="#336" -->\n'
        "text\n"
        "---\n"
        '# B <!-- .slide: class="centered" -->\n'
        'more <!-- .slide: data-transition="zoom" -->\n'
        "---\n"
        "# C\n"
        "```html\n"
        '<!-- .slide: class="code" -->\n'
        "```\n"
    )
    deck = split(tmp_path, text)
    a, b, c = (stack.slides[0] for stack in deck.stacks)
    assert a.attrs == 'data-background="#336"'
    assert content(a) == "# A\ntext"
    assert b.attrs == 'class="centered" data-transition="zoom"'
    assert ".slide:" not in content(b)
    assert c.attrs == ""
    assert '<!-- .slide: class="code" -->' in content(c)


def test_slide_attributes_stay_with_their_vertical_slide(tmp_path: Path) -> None:
    deck = split(tmp_path, '# A\n## A.1\n<!-- .slide: id="one" -->\n## A.2\n')
    assert [slide.attrs for slide in deck.stacks[0].slides] == ["", 'id="one"', ""]


def test_incremental_and_nonincremental_divs(tmp_path: Path) -> None:
    text = (
        "# A\n"  # 1
        "::: incremental\n"  # 2
        "- one\n"  # 3
        "- two\n"  # 4
        ":::\n"  # 5
        "- plain\n"  # 6
        "::: nonincremental\n"  # 7
        "- never\n"  # 8
        ":::\n"  # 9
    )
    deck = split(tmp_path, text)
    (slide,) = deck.stacks[0].slides
    assert [(b.line, b.text, b.incremental) for b in slide.blocks] == [
        (1, "# A", None),
        (3, "- one\n- two", True),
        (6, "- plain", None),
        (8, "- never", False),
    ]
    assert ":::" not in content(slide)


# --- outlines -------------------------------------------------------------------------------------


def test_seed_outline(tmp_path: Path) -> None:
    deck = split(tmp_path, SEED, name="2018-12-08_NeurIPS_MLOSS.txt")
    assert deck.mode == "outline"
    assert deck.slug == "2018-12-08_NeurIPS_MLOSS"
    assert deck.meta.title == "Building, growing and sustaining ML communities"
    assert deck.meta.author == "Martin Andrews"
    assert deck.meta.url == "https://nips.cc/Conferences/2018/Schedule?showEvent=10920"
    assert deck.meta.subtitle == "~10am Sat, 15mins (allow 2-3mins for questions)"
    assert len(deck.stacks) == 5
    assert [len(stack.slides) for stack in deck.stacks] == [1, 1, 1, 1, 4]
    assert shape(deck) == [
        [("title", 1, "")],
        [
            (
                "content",
                6,
                "## What Libraries & Frameworks can do to widen their appeal\n\n"
                "- Differentiation\n- Example\n- Ecosystem",
            )
        ],
        [
            (
                "content",
                10,
                "## Importance of in-person communities\n\n"
                '- Social aspect\n- Best practices and "know how"\n- Discovering new MLOSS projects',
            )
        ],
        [
            (
                "content",
                14,
                "## How projects can facilitate community up-take\n\n"
                "- Relevant examples\n- Aspirational goals / road maps\n- Shout-outs",
            )
        ],
        [
            ("section", 19, "# Lessons learned from a successful community"),
            ("content", 20, "## Holding events\n\n- Consistency\n- Content mix\n- Entertainment value"),
            ("content", 24, "## Audience Mix\n\n- Experience levels\n- Diversity\n- Willingness to participate"),
            (
                "content",
                28,
                "## Speakers\n\n- Deadlines create action\n- Thematic events\n- Social standing and résumé value",
            ),
        ],
    ]
    everything = "\n".join(content(slide) for stack in deck.stacks for slide in stack.slides)
    assert "Paper Outline" not in everything
    assert "•" not in everything


def test_seed_outline_with_tabs_and_crlf_gives_the_same_deck(tmp_path: Path) -> None:
    tabbed = "".join(
        "\t" * ((len(line) - len(line.lstrip(" "))) // 2) + line.lstrip(" ") for line in SEED.splitlines(True)
    )
    assert "\t\t\t• Social standing" in tabbed
    assert shape(split(tmp_path, tabbed.replace("\n", "\r\n"))) == shape(split(tmp_path, SEED))


def test_seed_outline_as_a_markdown_list_gives_the_same_deck(tmp_path: Path) -> None:
    markdown = SEED.replace("• ", "- ")
    for topic in ("What Libraries", "Importance", "How projects", "Lessons", "Holding", "Audience", "Speakers"):
        markdown = markdown.replace(f"  {topic}", f"  - {topic}", 1)
    assert "    - Holding events" in markdown
    assert shape(split(tmp_path, markdown)) == shape(split(tmp_path, SEED))


MD_LIST = """\
- Intro
  - Why
  - How
- Lessons
  - Events
    - Consistency
    - Content mix
  - Audience
    - Diversity
"""
PLAIN = """\
Intro
  • Why
  • How
Lessons
  Events
    • Consistency
    • Content mix
  Audience
    • Diversity
"""
TABS = "Intro\n\t• Why\n\t• How\nLessons\n\tEvents\n\t\t• Consistency\n\t\t• Content mix\n\tAudience\n\t\t• Diversity\n"
NUMBERED = """\
1. Intro
   1. Why
   2. How
2. Lessons
   1. Events
      * Consistency
      + Content mix
   2. Audience
      * Diversity
"""


@pytest.mark.parametrize("text", [MD_LIST, PLAIN, TABS, NUMBERED], ids=["markdown-list", "plain", "tabs", "numbered"])
def test_outline_forms_give_the_same_structure(tmp_path: Path, text: str) -> None:
    deck = split(tmp_path, text)
    assert deck.mode == "outline"
    assert deck.meta.title is None
    assert shape(deck) == [
        [("content", 1, "## Intro\n\n- Why\n- How")],
        [
            ("section", 4, "# Lessons"),
            ("content", 5, "## Events\n\n- Consistency\n- Content mix"),
            ("content", 8, "## Audience\n\n- Diversity"),
        ],
    ]


def test_outline_deeper_levels_become_nested_bullets(tmp_path: Path) -> None:
    text = "A\n  B\n    • c\n      • d\n        • e\n    • f\nG\n  • h\n"
    deck = split(tmp_path, text)
    assert shape(deck) == [
        [("section", 1, "# A"), ("content", 2, "## B\n\n- c\n  - d\n    - e\n- f")],
        [("content", 7, "## G\n\n- h")],
    ]


def test_outline_lines_count_from_the_file(tmp_path: Path) -> None:
    text = "---\ntheme: white\n---\nA\n  • b\nC\n  D\n    • e\n"
    deck = split(tmp_path, text)
    assert [[(s.kind, s.line) for s in stack.slides] for stack in deck.stacks] == [
        [("content", 4)],
        [("section", 6), ("content", 7)],
    ]
    assert [block.line for stack in deck.stacks for s in stack.slides for block in s.blocks] == [4, 6, 7]


def test_outline_label_ending_in_colon_is_left_out(tmp_path: Path) -> None:
    deck = split(tmp_path, "Outline:\n  A\n    • b\n  C\n    D\n      • e\n")
    assert deck.meta.title is None
    assert headings(deck) == [["## A"], ["# C", "## D"]]


def test_outline_preamble_describes_the_talk(tmp_path: Path) -> None:
    text = (
        "“Curly quoted title” – Jane Doe\n"
        "https://example.org/talk\n"
        "Conference room 4\n"
        "15 minutes\n"
        "Topic\n"
        "  • point\n"
        "  • more\n"
    )
    deck = split(tmp_path, text)
    assert deck.meta.title == "Curly quoted title"
    assert deck.meta.author == "Jane Doe"
    assert deck.meta.url == "https://example.org/talk"
    assert deck.meta.subtitle == "Conference room 4 · 15 minutes"
    assert shape(deck) == [[("title", 1, "")], [("content", 5, "## Topic\n\n- point\n- more")]]


def test_outline_preamble_title_without_author(tmp_path: Path) -> None:
    deck = split(tmp_path, "My talk:\nTopic\n  • point\n  • more\n")
    assert deck.meta.title == "My talk"
    assert deck.meta.author is None
    assert [slide.kind for stack in deck.stacks for slide in stack.slides] == ["title", "content"]


def test_front_matter_wins_over_the_outline_preamble(tmp_path: Path) -> None:
    text = (
        "---\ntitle: From front matter\nurl: https://fm.example/\n---\n"
        '"Pasted title" - Pasted Author\nhttps://x.example/\nA\n  • b\n  • c\n'
    )
    deck = split(tmp_path, text)
    assert deck.meta.title == "From front matter"
    assert deck.meta.url == "https://fm.example/"
    assert deck.meta.author == "Pasted Author"
    assert shape(deck) == [[("title", 2, "")], [("content", 7, "## A\n\n- b\n- c")]]


def test_outline_with_title_slide_false_has_no_title_slide(tmp_path: Path) -> None:
    deck = split(tmp_path, '---\ntitle_slide: false\n---\n"T" - Author\nA\n  • b\n  • c\n')
    assert deck.meta.title == "T"
    assert shape(deck) == [[("content", 5, "## A\n\n- b\n- c")]]


def test_outline_bullet_text_keeps_its_markdown(tmp_path: Path) -> None:
    deck = split(tmp_path, "A **bold** topic\n  - `code` and [a link](https://example.org)\n  - *em*\n")
    assert shape(deck) == [
        [("content", 1, "## A **bold** topic\n\n- `code` and [a link](https://example.org)\n- *em*")]
    ]


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("# Heading\n  A\n    • b\n", "headings"),
        ("A\n  • b\n```\ncode\n```\n", "single"),
        ("A\n  | x | y |\n  • b\n", "single"),
        ("A\n  <b>html</b>\n  • b\n", "single"),
        ("A\n  b\n  c\n", "single"),
    ],
    ids=["heading", "code", "table", "html", "one-level"],
)
def test_not_an_outline(tmp_path: Path, text: str, mode: str) -> None:
    deck = split(tmp_path, text)
    assert deck.mode == mode
