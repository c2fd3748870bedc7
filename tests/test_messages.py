"""What deckbuild prints about names it did not choose: escaped, and clashes said before anything is written."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckbuild.cli import main


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _build(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["build", *args])
    return result.exit_code, result.stdout, result.stderr


def test_control_and_bidi_characters_in_a_file_name_are_escaped_in_an_error(here: Path) -> None:
    name = "ev\x1b[2Jil\u202e\nok: fine.md"
    (here / name).write_text("---\ntheme: blak\n---\n# A\n", encoding="utf-8")
    code, _, err = _build(name, "-o", "site")
    assert code == 1
    assert err.startswith("ev\\x1b[2Jil\\u202e\\x0aok: fine.md:2: unknown theme 'blak'"), err
    assert err.count("\n") == 1  # the newline in the name forges no second line


def test_a_bidi_character_in_a_deck_name_is_escaped_in_the_built_line(here: Path) -> None:
    (here / "ok\u2066.md").write_text("# A\n", encoding="utf-8")
    code, out, _ = _build("ok\u2066.md", "-o", "site")
    assert (code, out) == (0, "built: site/ok\\u2066/index.html (1 slide)\n")


def test_a_warning_names_its_file_escaped(here: Path) -> None:
    (here / "a\x07.md").write_text("---\nreveal:\n  controls: true\nrevealOptions:\n  controls: false\n---\n# A\n")
    code, _, err = _build("a\x07.md", "-o", "site")
    assert code == 0
    assert err.startswith("a\\x07.md:4: warning: "), err


@pytest.mark.parametrize(
    ("first", "second", "differs"),
    [
        ("Talk", "talk", "only in case"),
        (unicodedata.normalize("NFC", "café"), unicodedata.normalize("NFD", "café"), "only in its Unicode form"),
    ],
    ids=["case", "nfc-nfd"],
)
def test_deck_names_that_are_one_folder_on_macos_are_refused(here: Path, first: str, second: str, differs: str) -> None:
    (here / f"{first}.md").write_text("# A\n", encoding="utf-8")
    (here / f"{second}.md").write_text("# B\n", encoding="utf-8")
    code, _, err = _build(f"{first}.md", f"{second}.md", "-o", "site")
    assert code == 1
    assert err == (
        f"{second}.md: two decks would be written to {second}/ (the other is {first}.md: a name that differs "
        f"{differs}, which is the same folder on macOS and Windows) (rename one of the files)\n"
    )
    assert not (here / "site").exists()


def test_reveal_and_reveal_options_both_given_warn_and_fail_under_strict(here: Path) -> None:
    (here / "t.md").write_text(
        "---\nrevealOptions:\n  controls: true\nreveal:\n  controls: false\n---\n# A\n", encoding="utf-8"
    )
    warning = (
        "t.md:4: warning: 'reveal' and 'revealOptions' (line 2) set the same thing; 'reveal' is used (keep one of them)"
    )
    code, _, err = _build("t.md", "-o", "site")
    assert (code, err) == (0, warning + "\n")
    code, _, err = _build("t.md", "-o", "strict", "--strict")
    assert code == 1 and "t.md:4: 'reveal' and 'revealOptions' (line 2) set the same thing" in err
    assert not (here / "strict").exists()


def test_one_alias_alone_gives_no_warning(here: Path) -> None:
    (here / "t.md").write_text("---\nrevealOptions:\n  controls: true\n---\n# A\n", encoding="utf-8")
    assert _build("t.md", "-o", "site")[::2] == (0, "")


def test_a_terminal_sequence_from_front_matter_is_escaped_in_the_message(here: Path) -> None:
    (here / "t.md").write_text('---\ntheme: "bl\\e[2J\\u202eak"\n---\n# A\n', encoding="utf-8")
    code, _, err = _build("t.md", "-o", "site")
    assert code == 1
    assert err.startswith("t.md:2: unknown theme 'bl\\x1b[2J\\u202eak'"), err
    assert "\x1b" not in err and "\u202e" not in err
