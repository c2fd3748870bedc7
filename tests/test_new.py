"""``deckbuild new NAME``: a deck to start from that builds as it is, never written over a file."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckbuild.build import build
from deckbuild.cli import main


def test_new_writes_a_deck_that_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["new", "2025-06-01_pycon"])
    assert result.exit_code == 0, result.output
    assert result.output == "wrote: decks/2025-06-01_pycon.md\n"
    path = tmp_path / "decks" / "2025-06-01_pycon.md"
    text = path.read_text(encoding="utf-8")
    assert f"\ndate: {datetime.date.today().isoformat()}\n" in text
    assert "\ntheme: black\n" in text and "\nauthor: " in text
    [built] = build([path], tmp_path / "site")
    assert (built.folder / "index.html").is_file()
    assert built.deck.meta.title == "Pycon"
    # a title slide, one section, and one vertical stack of a section slide and two slides
    assert [len(stack.slides) for stack in built.deck.stacks] == [1, 1, 3]
    assert list(tmp_path.joinpath("decks").iterdir()) == [path]  # no temporary file left behind


def test_new_refuses_to_overwrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["new", "talk"]).exit_code == 0
    path = tmp_path / "decks" / "talk.md"
    path.write_text("my own work\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["new", "talk"])
    assert result.exit_code == 1
    assert result.output == "decks/talk.md: exists\n"
    assert path.read_text(encoding="utf-8") == "my own work\n"
    assert [p.name for p in tmp_path.joinpath("decks").iterdir()] == ["talk.md"]


@pytest.mark.parametrize("name", ["../escape", "a/b", ".hidden", "_deckbuild", "deckbuild-assets", ""])
def test_new_refuses_names_that_are_not_a_file_in_decks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["new", name])
    assert result.exit_code == 1
    assert "cannot be a deck's name" in result.output
    assert not (tmp_path / "escape.md").exists()
    assert not any(tmp_path.rglob("*.md"))
