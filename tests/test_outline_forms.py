"""Outlines as people write them: under a heading, numbered, tabbed, with lines that go on and notes."""

from __future__ import annotations

from pathlib import Path

import pytest

from deckbuild.errors import DeckError

from .test_outline import content, headings, notes, shape, split

DECKS = Path(__file__).parent / "decks"


def test_talk_file_with_heading_abstract_and_three_level_outline(tmp_path: Path) -> None:
    deck = split(tmp_path, (DECKS / "talk.md").read_text(encoding="utf-8"))
    assert deck.mode == "headings"
    assert deck.meta.title == "Growing a reading group"
    assert headings(deck) == [
        ["title"],
        ["We started a reading group in 2019 with four people and a shared folder. This talk is about what"],
        ["## Outline"],
        ["# Beginnings", "## Why a reading group", "## The first members"],
        ["# Keeping it going", "## Rituals", "## Growth"],
        ["## What we would do again"],
    ]
    title, abstract, agenda = (stack.slides[0] for stack in deck.stacks[:3])
    assert (title.kind, title.line) == ("title", 1)
    assert abstract.line == 3 and "It is for anyone" in content(abstract)
    assert content(agenda) == "## Outline\n\n- Beginnings\n- Keeping it going\n- What we would do again"
    assert [[s.line for s in stack.slides] for stack in deck.stacks[3:]] == [[10, 11, 14], [16, 17, 20], [23]]
    assert (
        content(deck.stacks[4].slides[1])
        == "## Rituals\n\n- A rota for choosing papers\n- Ten-minute summaries, then questions"
    )
    assert content(deck.stacks[5].slides[0]) == "## What we would do again\n\n- Keep it small\n- Write things down"
    assert deck.warnings == ()


def test_a_short_nested_list_on_a_slide_stays_a_list(tmp_path: Path) -> None:
    deck = split(tmp_path, "# Plan\n\n## Steps\n\n- Read\n  - the paper\n- Meet\n  - on Tuesdays\n")
    assert headings(deck) == [["# Plan", "## Steps"]]
    assert content(deck.stacks[0].slides[1]) == "## Steps\n\n- Read\n  - the paper\n- Meet\n  - on Tuesdays"


def test_a_tall_list_in_a_separator_deck_is_split_at_its_first_level(tmp_path: Path) -> None:
    topics = "".join(f"- Topic {t}\n" + "".join(f"  - point {t}.{p}\n" for p in range(4)) for t in range(4))
    deck = split(tmp_path, "## Intro\n\nhello\n\n---\n\n## Plan\n\n" + topics + "\n---\n\n## End\n")
    assert headings(deck) == [
        ["## Intro"],
        ["## Plan"],
        ["## Topic 0"],
        ["## Topic 1"],
        ["## Topic 2"],
        ["## Topic 3"],
        ["## End"],
    ]
    assert content(deck.stacks[3].slides[0]) == "## Topic 1\n\n- point 1.0\n- point 1.1\n- point 1.2\n- point 1.3"
    assert deck.warnings == ()


NUMBERED_FORMS = {
    "numbers": (
        "1. Intro\n"
        "   1. Why\n"
        "   2. How\n"
        "2. Lessons\n"
        "   1. Events\n"
        "      1) Consistency\n"
        "      2) Content mix\n"
        "   2. Audience\n"
        "      a. Diversity\n"
    ),
    "letters-and-romans": (
        "I. Intro\n"
        "   a. Why\n"
        "   b. How\n"
        "II. Lessons\n"
        "   i. Events\n"
        "      - Consistency\n"
        "      - Content mix\n"
        "   ii. Audience\n"
        "      - Diversity\n"
    ),
    "mixed-marks": (
        "* Intro\n"
        "  ◦ Why\n"
        "  ▪ How\n"
        "+ Lessons\n"
        "  – Events\n"
        "    • Consistency\n"
        "    - Content mix\n"
        "  – Audience\n"
        "    • Diversity\n"
    ),
    "tabs": (
        "- Intro\n"
        "\t- Why\n"
        "\t- How\n"
        "- Lessons\n"
        "\t- Events\n"
        "\t\t- Consistency\n"
        "\t\t- Content mix\n"
        "\t- Audience\n"
        "\t\t- Diversity\n"
    ),
    "three-spaces": (
        "Intro\n"
        "   - Why\n"
        "   - How\n"
        "Lessons\n"
        "   Events\n"
        "      - Consistency\n"
        "      - Content mix\n"
        "   Audience\n"
        "      - Diversity\n"
    ),
    "inconsistent": (
        "Intro\n"
        "   - Why\n"
        "  - How\n"
        "Lessons\n"
        "    Events\n"
        "         - Consistency\n"
        "        - Content mix\n"
        "   Audience\n"
        "       - Diversity\n"
    ),
}


@pytest.mark.parametrize("text", NUMBERED_FORMS.values(), ids=NUMBERED_FORMS.keys())
def test_numbered_mixed_tabbed_and_uneven_outlines(tmp_path: Path, text: str) -> None:
    deck = split(tmp_path, text)
    assert deck.mode == "outline"
    assert shape(deck) == [
        [("content", 1, "## Intro\n\n- Why\n- How")],
        [
            ("section", 4, "# Lessons"),
            ("content", 5, "## Events\n\n- Consistency\n- Content mix"),
            ("content", 8, "## Audience\n\n- Diversity"),
        ],
    ]


def test_a_jump_of_two_levels_is_one_level(tmp_path: Path) -> None:
    deck = split(tmp_path, "A\n        - b\n        - c\nD\n  - e\n")
    assert shape(deck) == [[("content", 1, "## A\n\n- b\n- c")], [("content", 4, "## D\n\n- e")]]


CONTINUED = """\
Motion
  - Newton's second law says that force is
    mass times acceleration:
    $$F = ma$$
  - Energy is conserved
Waves
  - A wave in a tank
    ![a wave](wave.png)
  - Sound
"""


def test_continuation_lines_stay_on_their_bullet(tmp_path: Path) -> None:
    deck = split(tmp_path, CONTINUED)
    assert deck.mode == "outline"
    assert shape(deck) == [
        [
            (
                "content",
                1,
                "## Motion\n\n- Newton's second law says that force is\n  mass times acceleration:\n"
                "  $$F = ma$$\n- Energy is conserved",
            )
        ],
        [("content", 6, "## Waves\n\n- A wave in a tank\n  ![a wave](wave.png)\n- Sound")],
    ]


def test_lazy_continuation_in_a_markdown_list_outline(tmp_path: Path) -> None:
    deck = split(tmp_path, "- Topic\n  - a point that\ngoes on here\n  - another\n- Next\n  - x\n")
    assert shape(deck) == [
        [("content", 1, "## Topic\n\n- a point that\n  goes on here\n- another")],
        [("content", 5, "## Next\n\n- x")],
    ]


NOTED = """\
Intro
  - Why
    Note: tell the story about the cat
  - How
Note: a note written at the margin
  that goes on
Lessons
  Events
    - Consistency
  Audience
    - Diversity
      Note: ask the room
"""


def test_notes_inside_an_outline_go_to_their_slide_and_swallow_nothing(tmp_path: Path) -> None:
    deck = split(tmp_path, NOTED)
    assert deck.mode == "outline"
    assert headings(deck) == [["## Intro"], ["# Lessons", "## Events", "## Audience"]]
    intro = deck.stacks[0].slides[0]
    assert content(intro) == "## Intro\n\n- Why\n- How"
    assert notes(intro) == "tell the story about the cat\n\na note written at the margin\nthat goes on"
    assert intro.notes[0].line == 3
    assert notes(deck.stacks[1].slides[2]) == "ask the room"
    assert [notes(s) for s in deck.stacks[1].slides[:2]] == ["", ""]


def test_notes_in_a_tall_list_under_a_heading(tmp_path: Path) -> None:
    items = "".join(f"- Part {t}\n" + "".join(f"  - step {t}.{p}\n" for p in range(4)) for t in range(3))
    text = "## Agenda\n\n" + items.replace("  - step 1.1\n", "  - step 1.1\n    Note: slow down here\n")
    deck = split(tmp_path, text)
    assert headings(deck) == [["## Agenda"], ["## Part 0"], ["## Part 1"], ["## Part 2"]]
    assert notes(deck.stacks[2].slides[0]) == "slow down here"
    assert "step 1.2" in content(deck.stacks[2].slides[0])
    assert "step 2.3" in content(deck.stacks[3].slides[0])


def _long_flat(n: int) -> str:
    return "## Everything\n\n" + "".join(f"- item {i}\n" for i in range(n))


def test_a_long_flat_list_warns_with_its_line(tmp_path: Path) -> None:
    deck = split(tmp_path, "# One\n\nhi\n\n# Two\n\n" + _long_flat(40)[3:])
    assert [(w.line, w.message) for w in deck.warnings] == [
        (5, "slide 2 holds a 40-item list; it will overflow (split it with '---', or shorten it)")
    ]


@pytest.mark.parametrize(("count", "warned"), [(9, False), (30, True)])
def test_only_lists_taller_than_the_page_warn(tmp_path: Path, count: int, warned: bool) -> None:
    deck = split(tmp_path, _long_flat(count))
    assert bool(deck.warnings) is warned


def test_a_bigger_slide_size_fits_more(tmp_path: Path) -> None:
    assert split(tmp_path, _long_flat(14)).warnings
    assert not split(tmp_path, "---\nheight: 1080\n---\n" + _long_flat(14)).warnings


def test_indented_text_read_as_one_slide_says_why(tmp_path: Path) -> None:
    deck = split(tmp_path, "A\n  • b\n  • c\n  | x | y |\nD\n  • e\n")
    assert deck.mode == "single"
    assert [(w.line, w.message.split(",")[0]) for w in deck.warnings] == [(4, "this looks like an outline")]


def test_strict_build_fails_on_an_overflowing_slide(tmp_path: Path) -> None:
    from deckbuild.build import build

    deck = tmp_path / "long.md"
    deck.write_text(_long_flat(40), encoding="utf-8")
    with pytest.raises(DeckError) as caught:
        build([deck], tmp_path / "site", strict=True)
    assert caught.value.line == 1 and "40-item list" in caught.value.message
    assert not (tmp_path / "site" / "long").exists()
    built = build([deck], tmp_path / "site")
    assert [w.line for w in built[0].deck.warnings] == [1]


def test_long_notes_after_a_short_list_stay_notes_and_split_nothing(tmp_path: Path) -> None:
    long = "words " * 60
    text = f"## Rules\n\n- Top level\n  - not in loops\n- From React\n  - not plain JS\n\nNotes:\n{long}\n{long}\n"
    deck = split(tmp_path, text)
    assert headings(deck) == [["## Rules"]]
    assert "words" in notes(deck.stacks[0].slides[0]) and "words" not in content(deck.stacks[0].slides[0])
    assert deck.warnings == ()
