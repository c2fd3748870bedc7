"""Slides that go wrong in the browser are named, and runs in parallel keep each other's work."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from deckbuild.browser.shots import MANIFEST, manifest_name
from deckbuild.cli import main

pytestmark = pytest.mark.browser


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path.resolve()


@pytest.fixture
def silent_server() -> Iterator[str]:
    """An HTTP server on 127.0.0.1 that accepts connections and never answers; it stops itself."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        for _ in range(300):  # at most a minute, whatever the test does
            if stop.is_set():
                break
            try:
                connection, _ = server.accept()
                held.append(connection)
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(5)
        for connection in held:
            connection.close()
        server.close()


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_a_slide_that_navigates_away_is_named(here: Path) -> None:
    (here / "talk.md").write_text(
        "# One\n\ntext\n\n# Two\n\ntext\n\n# Away\n\n"
        "<script>document.addEventListener('DOMContentLoaded', () => Reveal.on('slidechanged', e => {\n"
        "  if (e.indexh === 2) location.href = 'elsewhere.html'; }));</script>\n\ngone\n",
        encoding="utf-8",
    )
    result = run("shots", "talk.md", "--timeout", "20")
    assert result.exit_code == 1, result.output
    assert "slide #/2/0 of talk navigated the page away from the deck (to file://" in result.stderr, result.stderr
    assert "elsewhere.html) (a script or link on that slide changes the page's location; remove it from the slide)" in (
        result.stderr
    )
    assert "Traceback" not in result.output
    assert not (here / "shots" / "talk_2_960x700.png").exists()


@pytest.mark.parametrize(
    "how", ["location.href = 'elsewhere.html'", "setTimeout(() => location.replace('about:blank'))"]
)
def test_a_slide_that_sends_the_page_away_while_the_deck_loads_is_said_at_once(here: Path, how: str) -> None:
    # Not a load that "did not finish" after the timeout, pointing at the deck's links.
    (here / "talk.md").write_text(f"# One\n\ntext\n\n# Away\n\n<script>{how};</script>\n", encoding="utf-8")
    result = run("shots", "talk.md", "--timeout", "10")
    assert result.exit_code == 1, result.output
    to = "about:blank" if "about:" in how else (here / "site" / "talk" / "elsewhere.html").resolve().as_uri()
    assert result.stderr == (
        f"the deck talk left its page while loading (for {to}) (a script or refresh on one of its slides "
        "changes the page's location; remove it from the slide)\n"
    )
    assert not (here / "shots").exists()


def test_a_request_that_never_answers_fails_after_the_timeout_naming_it(here: Path, silent_server: str) -> None:
    (here / "talk.md").write_text(f"# One\n\n![hangs]({silent_server}/logo.png)\n", encoding="utf-8")
    result = run("shots", "talk.md", "--timeout", "2")
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(
        f"loading the deck talk did not finish in 2 s; still waiting for {silent_server}/logo.png"
    ), result.stderr
    assert not list(here.glob("shots/*.png"))


def test_a_slide_that_does_not_finish_names_itself_and_what_it_waits_for(here: Path, silent_server: str) -> None:
    # A lazy image on a later slide does not hold up loading the deck, only the capture of its slide.
    (here / "talk.md").write_text(
        f'# One\n\ntext\n\n# Two\n\n<img src="{silent_server}/slow.png" loading="lazy" alt="slow">\n',
        encoding="utf-8",
    )
    result = run("shots", "talk.md", "--slides", "1", "--timeout", "2")
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(
        f"slide #/1/0 of talk did not finish rendering in 2 s (waiting for images); "
        f"still waiting for {silent_server}/slow.png"
    ), result.stderr


def test_force_rewrites_a_broken_manifest(here: Path) -> None:
    (here / "talk.md").write_text("# One\n", encoding="utf-8")
    (here / "shots").mkdir()
    (here / "shots" / MANIFEST).write_text("{broken", encoding="utf-8")
    result = run("shots", "talk.md", "--force")
    assert result.exit_code == 0, result.output
    assert not (here / "shots" / MANIFEST).exists()  # replaced by the deck's own manifest
    images = json.loads((here / "shots" / manifest_name("talk")).read_text())["images"]
    assert list(images) == ["talk_960x700.png"]


def test_two_runs_at_once_into_one_folder_keep_both_decks(here: Path) -> None:
    for name in ("a", "b"):
        (here / f"{name}.md").write_text(f"# Deck {name}\n\ntext\n\n# Two\n", encoding="utf-8")
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "deckbuild", "shots", f"{name}.md", "--jobs", "1"],
            cwd=here,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    for process in runs:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    images = {
        name: entry
        for deck in ("a", "b")
        for name, entry in json.loads((here / "shots" / manifest_name(deck)).read_text())["images"].items()
    }
    assert sorted(images) == ["a_1_960x700.png", "a_960x700.png", "b_1_960x700.png", "b_960x700.png"]
    assert all((here / "shots" / name).is_file() for name in images)
