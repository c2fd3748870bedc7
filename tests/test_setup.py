"""`deckbuild setup` checks an install: the assets decks load and the Chromium screenshots use."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import deckbuild.compile.assets as assets
from deckbuild.browser.session import find_browser
from deckbuild.cli import main
from deckbuild.errors import display_path


def test_setup_says_where_the_assets_and_the_browser_are() -> None:
    result = CliRunner().invoke(main, ["setup"])
    assert result.exit_code == 0, result.output
    found = assets.find_assets()
    assert result.stdout.splitlines() == [
        f"assets: reveal.js {found.reveal_version} ({display_path(found.node_modules)})",
        f"browser: {display_path(find_browser())}",
    ]


def test_setup_without_assets_says_the_one_thing_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(assets, "_candidates", lambda: [tmp_path / "node_modules"])
    result = CliRunner().invoke(main, ["setup"])
    assert result.exit_code == 1
    assert result.stderr == f"reveal.js 6.0.2 is not installed (run 'npm ci' in {assets._CHECKOUT})\n"


def test_version_names_the_assets_found_or_says_there_are_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = CliRunner().invoke(main, ["--version"])
    assert found.stdout == f"deckbuild 0.1.0, reveal.js 6.0.2 ({assets.find_assets().node_modules})\n"
    monkeypatch.setattr(assets, "_candidates", lambda: [tmp_path / "node_modules"])
    missing = CliRunner().invoke(main, ["--version"])
    assert missing.exit_code == 0
    assert missing.stdout == f"deckbuild 0.1.0, no reveal.js (run 'npm ci' in {assets._CHECKOUT})\n"
