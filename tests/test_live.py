"""``serve --shots``: one warm Chromium keeps a deck's images up to date, byte for byte as ``shots`` writes them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckbuild.browser.live import LiveShots
from deckbuild.browser.session import run_sync
from deckbuild.browser.shots import ShotOptions, take_shots
from deckbuild.cli import main
from deckbuild.settings import find_settings

from .serving import Served

# Centred slides, a vertical stack, a coloured background and fragments: what reveal.js lays out
# again when slides change under it.
DECK = """\
---
title: Live
shots:
  sizes: [480x350]
---
# One
First version of one
---
# Two
----
# Two one
- first version
- of two one
---
<!-- .slide: data-background-color="#345678" -->
# Three
- a fragment <!-- .element: class="fragment" -->
- first version of three
"""
# Code, with line-number steps (fragments the highlight plugin makes); a script (run only on a load).
CODE = "\n---\n# Code\n```python [1|2]\nprint('first version')\nprint('two')\n```\n"
SCRIPT = CODE.replace("# Code", "# Code\n<script>window.deckScript = true;</script>")


# Two edits: the first changes slides 0 and 1/1 (and the code slide, 3), which leaves the page on 1/1;
# the second changes 1/1 alone, so the page takes new slides while it shows the one to capture.
EDITS = [
    (
        lambda text: (
            text.replace("First version of one", "Second, longer version of one")
            .replace("- first version\n", "- the second version\n")
            .replace("print('first version')", "print('second version')")
        ),
        {"talk_480x350.png", "talk_1-1_480x350.png", "talk_3_480x350.png"},
    ),
    (lambda text: text.replace("- of two one", "- of two one, edited again"), {"talk_1-1_480x350.png"}),
]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / "decks").mkdir()
    (tmp_path / "tmp").mkdir()
    monkeypatch.chdir(tmp_path)
    yield tmp_path


def _images(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.png"))}


@pytest.mark.browser
@pytest.mark.parametrize(
    ("extra", "swapped"), [("", True), (CODE, True), (SCRIPT, False)], ids=["slides", "code", "script-reloaded"]
)
def test_a_warm_page_gives_the_bytes_a_fresh_shots_run_gives(project: Path, extra: str, swapped: bool) -> None:
    deck = project / "decks" / "talk.md"
    deck.write_text(DECK + extra, encoding="utf-8")
    said: list[str] = []
    warned: list[str] = []

    async def scenario() -> list[tuple[set[str], bool]]:
        live = LiveShots(project / "tmp" / "shots-site", said.append, warned.append)
        runs = []
        try:
            await live.once([deck])
            assert len([line for line in said if line.startswith("shot:")]) == 4 + bool(extra)
            for edit, _ in EDITS:
                page = live._warm._kept["talk"].opened[0]
                await page.evaluate("window.__stillHere = true")
                deck.write_text(edit(deck.read_text(encoding="utf-8")), encoding="utf-8")
                before = len(said)
                await live.once([deck])
                now = live._warm._kept["talk"].opened[0]
                kept = now is page and bool(await now.evaluate("window.__stillHere === true"))
                runs.append(({Path(line.split()[1]).name for line in said[before:] if line.startswith("shot:")}, kept))
        finally:
            await live.close()
        return runs

    runs = run_sync(scenario)
    assert not warned
    for (shot, kept), (_, changed) in zip(runs, EDITS, strict=True):
        assert shot == (changed if extra else changed - {"talk_3_480x350.png"})  # the changed slides, only they
        assert kept is swapped  # new slides swapped into the page kept open, or (script) the deck opened again
    live_images = _images(project / "shots")
    options = ShotOptions(site=project / "tmp" / "cold-site", out=project / "cold", force=True, project=find_settings())
    take_shots([deck], options)
    cold = _images(project / "cold")
    assert set(cold) == set(live_images)
    for name, data in cold.items():
        assert live_images[name] == data, f"{name}: the warm page's capture differs from a fresh run's"


@pytest.mark.browser
def test_serve_with_shots_keeps_the_images_current(project: Path) -> None:
    deck = project / "decks" / "talk.md"
    deck.write_text(DECK, encoding="utf-8")
    served = Served(project, "--shots")  # (a TMPDIR as long as pytest's makes Chromium's socket path too long)
    try:
        served.wait_for(r"^shot: shots/talk_2_480x350\.png")
        before = (project / "shots" / "talk_480x350.png").read_bytes()
        deck.write_text(DECK.replace("First version of one", "Edited while serving"), encoding="utf-8")
        served.wait_for(r"^shot: shots/talk_480x350\.png", count=2)
        assert served.count(r"^shot: shots/talk_1-1_480x350\.png") == 1  # unchanged slides are not shot again
        assert (project / "shots" / "talk_480x350.png").read_bytes() != before
    finally:
        assert served.stop() == 0
    checked = CliRunner().invoke(main, ["shots", "--check"])
    assert checked.exit_code == 0, checked.output
    assert "up to date: 4 images" in checked.output


def test_serve_with_shots_and_no_browser_says_so_once_and_keeps_serving(project: Path) -> None:
    deck = project / "decks" / "talk.md"
    deck.write_text(DECK, encoding="utf-8")
    served = Served(project, "--shots", "--browser-path", str(project / "no-chromium"), tmp=project / "tmp")
    try:
        said = served.wait_for(r"images will not be updated: .*no browser at", err=True).string
        assert "playwright install chromium" in said
        deck.write_text(DECK.replace("First version of one", "Edited"), encoding="utf-8")
        served.wait_for(r"^built: /talk/", count=2)
        assert sum(1 for line in served.err if "will not be updated" in line) == 1
        assert not (project / "shots").exists()
    finally:
        assert served.stop() == 0


@pytest.mark.browser
def test_an_image_changed_under_the_same_name_is_shot_anew_not_from_the_kept_page(project: Path) -> None:
    """A kept page holds the old picture in its memory cache for the same URL (a new-user trial saw the
    old image kept and the manifest calling it current)."""
    from PIL import Image

    deck = project / "decks" / "talk.md"
    Image.new("RGB", (200, 150), (200, 30, 30)).save(project / "decks" / "pic.png")
    deck.write_text("---\ntitle: Pic\nshots:\n  sizes: [480x350]\n---\n# A picture\n![a picture](pic.png)\n", "utf-8")
    said: list[str] = []

    async def scenario() -> None:
        live = LiveShots(project / "tmp" / "shots-site", said.append, said.append)
        try:
            await live.once([deck])
            Image.new("RGB", (200, 150), (30, 30, 200)).save(project / "decks" / "pic.png")
            await live.once([deck])
        finally:
            await live.close()

    run_sync(scenario)
    shot = [line.split()[1] for line in said if line.startswith("shot:")]
    assert shot.count("shots/talk_1_480x350.png") == 2  # the picture's slide, taken again
    options = ShotOptions(site=project / "tmp" / "cold-site", out=project / "cold", force=True, project=find_settings())
    take_shots([deck], options)
    for name in ("talk_480x350.png", "talk_1_480x350.png"):
        assert (project / "shots" / name).read_bytes() == (project / "cold" / name).read_bytes(), name
