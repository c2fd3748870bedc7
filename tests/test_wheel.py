"""A wheel of deckbuild, installed with pip alone: no Node.js, no npm, no cache, the same bytes as a checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckbuild.cli import main

from .conftest import ROOT

DECK = """\
---
title: Everything a deck loads
theme: mine
---
## Code

```python
def add(a, b):
    return a + b
```

## Math

Energy: $E = mc^2$

$$\\frac{a + b}{2} \\geq \\sqrt{ab}$$

## Flow

```mermaid
graph LR
  A[Read] --> B[Write]
```
"""
THEME = 'extends: moon\nfonts:\n  - "inter:400,700"\n'


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from this checkout, the way `pip install path/to/deckbuild` builds it."""
    out = tmp_path_factory.mktemp("wheels")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", out, ROOT],
        check=True,
        capture_output=True,
    )
    [built] = out.glob("deckbuild-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel installed into a folder of its own (its dependencies are the test venv's)."""
    target = tmp_path_factory.mktemp("installed")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", target, wheel],
        check=True,
        capture_output=True,
    )
    return target


def _project(folder: Path) -> Path:
    (folder / "decks").mkdir(parents=True)
    (folder / "decks" / "talk.md").write_text(DECK, encoding="utf-8")
    (folder / "themes" / "mine").mkdir(parents=True)
    (folder / "themes" / "mine" / "theme.yml").write_text(THEME, encoding="utf-8")
    (folder / "themes" / "mine" / "theme.css").write_text(".reveal h2 { color: rgb(250, 200, 0); }\n")
    (folder / "deckbuild.toml").write_text("", encoding="utf-8")
    return folder


def test_the_wheel_carries_the_assets_and_their_licences_and_stays_small(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assets = "deckbuild/_assets/node_modules/"
    for package in ("reveal.js", "highlight.js", "katex", "mermaid", "@fontsource/inter"):
        assert f"{assets}{package}/LICENSE" in names, package
        assert f"{assets}{package}/package.json" in names, package
    assert f"{assets}reveal.js/dist/plugin/highlight.js" in names
    assert f"{assets}katex/dist/katex.min.js" in names
    assert not any(name.endswith(".woff") for name in names)  # woff2 only: what the sites load
    assert not any("/node_modules/cytoscape" in name for name in names)  # mermaid's sources stay out
    assert wheel.stat().st_size < 15_000_000


@pytest.mark.browser
def test_a_wheel_without_node_or_a_cache_builds_shoots_prints_and_checks_as_a_checkout(
    installed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blog = _project(tmp_path / "blog")
    home = tmp_path / "home"
    (tmp_path / "bin").mkdir()
    home.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DECKBUILD_NODE", "XDG_", "NODE", "npm_"))
    }
    env.update(PYTHONPATH=str(installed), PATH=str(tmp_path / "bin"), HOME=str(home))  # no node, no npm on PATH

    def deckbuild(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "deckbuild", *args], cwd=blog, env=env, capture_output=True, text=True
        )

    where = subprocess.run(
        [sys.executable, "-c", "import deckbuild; print(deckbuild.__file__)"],
        cwd=blog,
        env=env,
        capture_output=True,
        text=True,
    )
    assert where.stdout.startswith(str(installed)), where.stdout  # the wheel, not the checkout
    version = deckbuild("--version")
    assert version.stdout == f"deckbuild 0.1.0, reveal.js 6.0.2 ({installed / 'deckbuild/_assets/node_modules'})\n"
    for command in (["build"], ["shots"], ["pdf"], ["check"]):
        done = deckbuild(*command)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
    assert (blog / "shots" / "talk_960x700.png").is_file()
    assert (blog / "pdf" / "talk.pdf").is_file()
    assert "katex-html" in (blog / "site" / "talk" / "index.html").read_text(encoding="utf-8")
    assert not (home / ".cache" / "deckbuild").exists()

    # The same project built by the checkout: the same bytes, file for file.
    checkout = _project(tmp_path / "checkout")
    monkeypatch.chdir(checkout)
    assert CliRunner().invoke(main, ["build"]).exit_code == 0
    ours = {p.relative_to(blog / "site"): p.read_bytes() for p in (blog / "site").rglob("*") if p.is_file()}
    theirs = {p.relative_to(checkout / "site"): p.read_bytes() for p in (checkout / "site").rglob("*") if p.is_file()}
    assert ours.keys() == theirs.keys()
    assert [name for name in ours if ours[name] != theirs[name]] == []


def test_a_wheel_installed_outside_the_checkout_has_deckbuilds_themes(installed: Path, tmp_path: Path) -> None:
    blog = tmp_path / "blog"
    (blog / "decks").mkdir(parents=True)
    (blog / "decks" / "talk.md").write_text("---\ntitle: T\ntheme: meetup-dark\n---\n# A\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(installed)}
    env.pop("DECKBUILD_NODE_MODULES", None)

    def deckbuild(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "deckbuild", *args], cwd=blog, env=env, capture_output=True, text=True
        )

    listing = deckbuild("themes")
    assert "meetup-dark       deckbuild" in listing.stdout, listing.stdout + listing.stderr
    built = deckbuild("build")
    assert built.returncode == 0, built.stderr
    assert (blog / "site" / "deckbuild-assets" / "themes" / "meetup-dark" / "theme.css").is_file()
