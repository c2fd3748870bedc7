"""A pip-installed deckbuild (no checkout's node_modules) gets the pinned reveal.js with `deckbuild setup`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckbuild.cli import main
from deckbuild.compile import assets

from .conftest import SEED


@pytest.mark.skipif(shutil.which("npm") is None, reason="needs npm")
def test_setup_installs_the_pinned_packages_into_the_user_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("DECKBUILD_NODE_MODULES", raising=False)
    monkeypatch.setattr(assets, "_CHECKOUT", tmp_path / "not-a-checkout")  # as in a wheel: no node_modules beside it
    monkeypatch.setattr(assets, "npm_manifest_dir", lambda: Path(__file__).resolve().parent.parent)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    before = runner.invoke(main, ["build", str(SEED), "-o", "site"])
    assert before.exit_code == 1
    assert before.output.strip() == (
        "reveal.js 6.0.2 is not installed "
        "(run 'npm ci' in the deckbuild checkout, or 'deckbuild setup' for a pip install)"
    )
    setup = runner.invoke(main, ["setup"])
    assert setup.exit_code == 0, setup.output
    installed = json.loads((assets.cache_dir() / "node_modules/reveal.js/package.json").read_text())
    assert installed["version"] == assets.pinned_reveal_version()
    after = runner.invoke(main, ["build", str(SEED), "-o", "site"])
    assert after.exit_code == 0, after.output
    assert (tmp_path / "site/deckbuild-assets/reveal.js/reveal.js").read_bytes() == (
        assets.cache_dir() / "node_modules/reveal.js/dist/reveal.js"
    ).read_bytes()
