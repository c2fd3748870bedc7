"""The exit codes the README promises: 0 done, 1 bad input, 2 usage, 3 a bug, 130 interrupted."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import deckbuild.build
from deckbuild.cli import main


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "talk.md").write_text("# A\n", encoding="utf-8")
    return tmp_path


def test_a_usage_error_is_clicks_2_and_says_the_option(here: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--no-such-flag"])
    assert result.exit_code == 2
    assert "Error: No such option '--no-such-flag'" in result.stderr


def test_bad_input_is_1(here: Path) -> None:
    (here / "talk.md").write_text("---\ntheme: blak\n---\n# A\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "talk.md", "-o", "site"])
    assert result.exit_code == 1
    assert result.stderr.startswith("talk.md:2: unknown theme 'blak'")


def test_ctrl_c_exits_130_with_one_line_and_no_traceback(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(deckbuild.build, "write_site", interrupted)
    result = CliRunner().invoke(main, ["build", "talk.md", "-o", "site"])
    assert result.exit_code == 130
    assert result.stderr == "interrupted\n"
    assert not (here / "site").exists()


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_h_is_help_for_the_group_and_every_command(flag: str) -> None:
    for args in ([flag], ["build", flag], ["shots", flag], ["post", flag]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, (args, result.output)
        assert result.output.startswith("Usage: "), args
