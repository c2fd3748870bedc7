"""Built HTML equals the reviewed golden files (``make golden`` regenerates them)."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from .golden import DECKS, built_html, expected_path


@pytest.mark.parametrize("deck", DECKS, ids=[d.stem for d in DECKS])
def test_html_matches_golden(deck: Path, tmp_path: Path) -> None:
    expected = expected_path(deck).read_text(encoding="utf-8")
    actual = built_html(deck, tmp_path / "site")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), "golden", "built"))
        pytest.fail(f"{deck.name} no longer builds to its golden HTML (run `make golden` if intended):\n{diff}")


def test_golden_html_is_valid_html5() -> None:
    html5lib = pytest.importorskip("html5lib")
    for deck in DECKS:
        parser = html5lib.HTMLParser(strict=True)
        parser.parse(expected_path(deck).read_text(encoding="utf-8"))
        assert not parser.errors, (deck.name, parser.errors[:3])
