"""``deckbuild serve`` as a user runs it: a subprocess on a free port, real Chromium pages reloading."""

from __future__ import annotations

import http.client
import io
import os
import signal
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from PIL import Image

from deckbuild.build import build
from deckbuild.cli import main

from .serving import WAIT, Served

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

DECK = """\
---
title: Fixture
---
# Zero
---
# One
---
# Two
---
# Three
---
# Four
----
# Four one
Said: original text
- first <!-- .element: class="fragment" -->
- second <!-- .element: class="fragment" -->
----
# Four two
Note: speaker notes, first version
"""

READY = "window.Reveal && Reveal.isReady()"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder with decks/talk.md and a private TMPDIR for the server."""
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "talk.md").write_text(DECK, encoding="utf-8")
    (tmp_path / "tmp").mkdir()
    return tmp_path


@pytest.fixture
def serve(project: Path) -> Iterator[Callable[..., Served]]:
    started: list[Served] = []

    def start(*args: str) -> Served:
        served = Served(project, *args, tmp=project / "tmp")
        started.append(served)
        return served

    yield start
    for served in started:
        served.kill()


def _open(browser: Browser, url: str) -> tuple[Page, list[str]]:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    page.wait_for_function(READY)
    return page, errors


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _shows(page: Page, text: str) -> None:
    """Wait until the slide on screen (after any reload) contains ``text``."""
    page.wait_for_function(f"{READY} && Reveal.getCurrentSlide().textContent.includes({text!r})", timeout=WAIT * 1000)


def _indices(page: Page) -> list[Any]:
    return list(page.evaluate("[Reveal.getIndices().h, Reveal.getIndices().v, Reveal.getIndices().f]"))


@pytest.mark.browser
def test_edit_reloads_on_the_same_slide_and_fragment(browser: Browser, project: Path, serve: Any) -> None:
    served = serve()
    page, errors = _open(browser, served.url + "talk/#/4/1")
    page.evaluate("Reveal.slide(4, 1, 0)")  # first fragment shown
    assert _indices(page) == [4, 1, 0]
    page.evaluate("window.samePage = true")
    _edit(project / "decks" / "talk.md", "original text", "edited text")
    _shows(page, "edited text")
    assert page.evaluate("window.samePage") is True  # only the slides changed: swapped in, no reload
    assert _indices(page) == [4, 1, 0]
    assert page.evaluate("Reveal.getTotalSlides()") == 7
    assert errors == []


@pytest.mark.browser
def test_editing_code_swaps_the_slides_in_highlighted_with_their_line_steps(
    browser: Browser, project: Path, serve: Any
) -> None:
    code = project / "decks" / "code.md"
    code.write_text("# Zero\n---\n# Code\n```python [1|2]\nname = 'first'\ncount = 2\n```\n", encoding="utf-8")
    served = serve()
    page, errors = _open(browser, served.url + "code/#/1")
    page.evaluate("window.samePage = true")
    _edit(code, "name = 'first'", "name = 'second'")
    _shows(page, "second")
    assert page.evaluate("window.samePage") is True  # swapped in, no reload
    strings = page.evaluate("[...Reveal.getCurrentSlide().querySelectorAll('.hljs-string')].map(s => s.textContent)")
    assert "'second'" in strings  # highlighted as a load would
    assert page.evaluate("Reveal.getCurrentSlide().querySelectorAll('code.fragment').length") == 1  # step 2 of [1|2]
    assert errors == []


@pytest.mark.browser
def test_a_change_around_the_slides_reloads_the_page_on_the_same_slide(
    browser: Browser, project: Path, serve: Any
) -> None:
    served = serve()
    page, errors = _open(browser, served.url + "talk/#/4/1")
    page.evaluate("Reveal.slide(4, 1, 1)")  # both fragments shown
    page.evaluate("window.samePage = true")
    _edit(project / "decks" / "talk.md", "title: Fixture", "title: Fixture\ntheme: white")
    page.wait_for_function(
        f"{READY} && getComputedStyle(document.querySelector('.reveal-viewport')).backgroundColor"
        " === 'rgb(255, 255, 255)'",
        timeout=WAIT * 1000,
    )
    assert page.evaluate("window.samePage") is None  # a new page
    assert _indices(page) == [4, 1, 1]
    assert errors == []


@pytest.mark.browser
def test_a_removed_slide_falls_back_to_the_nearest(browser: Browser, project: Path, serve: Any) -> None:
    served = serve()
    page, _ = _open(browser, served.url + "talk/#/4/2")
    _edit(project / "decks" / "talk.md", "----\n# Four two\nNote: speaker notes, first version\n", "")
    _shows(page, "Four one")
    assert _indices(page)[:2] == [4, 1]


@pytest.mark.browser
def test_bad_edit_shows_the_error_over_the_old_slides_and_a_fix_clears_it(
    browser: Browser, project: Path, serve: Any
) -> None:
    served = serve()
    page, _ = _open(browser, served.url + "talk/#/4/1")
    deck = project / "decks" / "talk.md"
    _edit(deck, "title: Fixture", "title: Fixture\ntheme: blak")
    message = served.wait_for(r"^decks/talk\.md:3: unknown theme 'blak'", err=True).string
    page.wait_for_selector("#deckbuild-serve-error", state="visible", timeout=WAIT * 1000)
    assert page.inner_text("#deckbuild-serve-error") == message
    assert page.evaluate("Reveal.getTotalSlides()") == 7  # the last good deck stays
    assert _indices(page)[:2] == [4, 1]
    assert "original text" in page.evaluate("Reveal.getCurrentSlide().textContent")
    red, green, blue = _pixel(page, 5, 5)
    assert red > 120 and green < 60 and blue < 60  # the red bar is drawn over the black theme

    _edit(deck, "theme: blak\n", "")
    _edit(deck, "original text", "fixed text")
    _shows(page, "fixed text")
    assert page.query_selector("#deckbuild-serve-error") is None
    assert _indices(page)[:2] == [4, 1]
    assert served.process.poll() is None


def _pixel(page: Page, x: int, y: int) -> tuple[int, int, int]:
    with Image.open(io.BytesIO(page.screenshot(clip={"x": x, "y": y, "width": 1, "height": 1}))) as image:
        red, green, blue = image.convert("RGB").getpixel((0, 0))  # type: ignore[misc]
        return red, green, blue


@pytest.mark.browser
def test_a_deck_broken_from_the_start_is_listed_and_shows_once_fixed(
    browser: Browser, project: Path, serve: Any
) -> None:
    (project / "decks" / "broken.md").write_text("---\ntheme: [x\n---\n# Hi\n", encoding="utf-8")
    served = serve()
    message = served.wait_for(r"^decks/broken\.md:\d+: ", err=True).string
    page = browser.new_page()
    page.goto(served.url)
    assert page.inner_text("tr[data-slug=broken] .error") == message
    deck_page = browser.new_page()
    deck_page.goto(served.url + "broken/")
    deck_page.wait_for_selector("#deckbuild-serve-error", timeout=WAIT * 1000)
    assert deck_page.inner_text("#deckbuild-serve-error") == message
    (project / "decks" / "broken.md").write_text("# Hi, fixed\n", encoding="utf-8")
    _shows(deck_page, "Hi, fixed")


@pytest.mark.browser
def test_a_new_deck_appears_in_the_index_and_deleting_the_open_deck_shows_an_overlay(
    browser: Browser, project: Path, serve: Any
) -> None:
    served = serve()
    index = browser.new_page()
    index.goto(served.url)
    assert index.eval_on_selector_all("tr.deck", "rows => rows.map(r => r.dataset.slug)") == ["talk"]
    (project / "decks" / "added.md").write_text("---\ntitle: Added later\n---\n# Hello\n", encoding="utf-8")
    index.wait_for_selector("tr[data-slug=added] a", timeout=WAIT * 1000)
    assert index.inner_text("tr[data-slug=added] a") == "Added later"

    page, errors = _open(browser, served.url + "talk/#/4/1")
    (project / "decks" / "talk.md").unlink()
    page.wait_for_selector("#deckbuild-serve-error", timeout=WAIT * 1000)
    assert page.inner_text("#deckbuild-serve-error") == "decks/talk.md: this deck was deleted or renamed"
    assert page.evaluate("Reveal.getTotalSlides()") == 7
    index.wait_for_function("!document.querySelector('tr[data-slug=talk]')", timeout=WAIT * 1000)
    assert served.process.poll() is None
    assert errors == []


@pytest.mark.browser
def test_a_renamed_deck_is_followed_on_the_same_slide(browser: Browser, project: Path, serve: Any) -> None:
    served = serve()
    page, _ = _open(browser, served.url + "talk/#/4/1")
    (project / "decks" / "talk.md").rename(project / "decks" / "renamed.md")
    page.wait_for_url("**/renamed/**", timeout=WAIT * 1000)
    _shows(page, "original text")
    assert _indices(page)[:2] == [4, 1]
    # Said as what serve does about it: the user's file was not deleted by deckbuild.
    assert served.wait_for(r"no longer served: decks/talk\.md \(deleted or renamed\)")
    assert served.count(r"^removed: ") == 0


@pytest.mark.browser
def test_two_saves_within_50_ms_rebuild_once(browser: Browser, project: Path, serve: Any) -> None:
    served = serve()
    page, _ = _open(browser, served.url + "talk/#/4/1")
    deck = project / "decks" / "talk.md"
    text = deck.read_text(encoding="utf-8")
    judged = 0
    for attempt in range(3):
        builds = served.count(r"^built: /talk/")
        started = time.perf_counter()
        deck.write_text(text.replace("Said:", f"Said {attempt} first:"), encoding="utf-8")  # an editor's write...
        time.sleep(0.02)  # the stimulus: the second save 20 ms later, not a wait for anything
        temporary = deck.with_name(".talk.md.tmp")  # ...then again through a temporary file, renamed over it
        temporary.write_text(text.replace("Said:", f"Said {attempt} second:"), encoding="utf-8")
        os.replace(temporary, deck)
        gap = time.perf_counter() - started
        _shows(page, f"Said {attempt} second:")
        deck.write_text(text.replace("Said:", f"Said {attempt} third:"), encoding="utf-8")  # a later save, to know
        _shows(page, f"Said {attempt} third:")  # that no other rebuild is on its way
        if gap >= 0.05:  # a loaded machine stretched the stimulus: this attempt says nothing
            continue
        judged += 1
        assert served.count(r"^built: /talk/") == builds + 2
    assert judged > 0


@pytest.mark.browser
def test_speaker_view_works_and_reloads(browser: Browser, project: Path, serve: Any) -> None:
    served = serve()
    context = browser.new_context()
    page = context.new_page()
    page.goto(served.url + "talk/#/4/2")
    page.wait_for_function(READY)
    with context.expect_page() as opened:
        page.keyboard.press("s")
    speaker = opened.value
    notes = ".speaker-controls-notes .value"
    speaker.wait_for_function(
        f"document.querySelector({notes!r}) && document.querySelector({notes!r}).textContent.includes('first version')",
        timeout=WAIT * 1000,
    )
    _edit(project / "decks" / "talk.md", "first version", "second version")
    speaker.wait_for_function(
        f"document.querySelector({notes!r}).textContent.includes('second version')", timeout=WAIT * 1000
    )
    _shows(page, "Four two")
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_it_cleanly(browser: Browser, project: Path, serve: Any, sig: int) -> None:
    served = serve()
    assert any((project / "tmp").iterdir())  # the private build folder
    page, _ = _open(browser, served.url + "talk/")  # an open page holds a websocket
    page.wait_for_function("performance.getEntriesByType('resource').some(r => r.name.includes('client.js'))")
    started = time.perf_counter()
    assert served.stop(sig) == 0
    took = time.perf_counter() - started
    assert took < 5, took  # the issue asks for a second; this bound only catches a hang on an open page
    assert list((project / "tmp").iterdir()) == []
    assert not any("Traceback" in line or "Aborted" in line for line in served.err), served.err
    assert served.out[-1] == "stopped"


def _raw_get(url: str, path: str) -> int:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=WAIT)
    connection.putrequest("GET", path, skip_host=False, skip_accept_encoding=True)
    connection.endheaders()
    status = connection.getresponse().status
    connection.close()
    return status


def test_serves_nothing_outside_the_built_site(project: Path, serve: Any, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the web", encoding="utf-8")
    served = serve()
    (served.site / "talk" / "leak.txt").symlink_to(secret)
    (served.site / "out").symlink_to(tmp_path)
    assert _raw_get(served.url, "/talk/index.html") == 200  # the server answers
    assert _raw_get(served.url, "/deckbuild-assets/reveal.js/reveal.js") == 200
    for path in (
        "/../../etc/passwd",
        "/talk/../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fetc%2fpasswd",
        "/talk/leak.txt",
        "/out/secret.txt",
    ):
        assert _raw_get(served.url, path) == 404, path


def test_served_pages_add_the_script_but_built_files_stay_byte_identical(
    project: Path, serve: Any, tmp_path: Path
) -> None:
    served = serve()
    expected = build([project / "decks" / "talk.md"], tmp_path / "site")[0].folder / "index.html"
    on_disk = (served.site / "talk" / "index.html").read_bytes()
    assert on_disk == expected.read_bytes()
    assert b"deckbuild-serve" not in on_disk
    parts = urlsplit(served.url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=WAIT)
    connection.request("GET", "/talk/")
    response = connection.getresponse()
    served_html = response.read().decode("utf-8")
    tag = served_html[served_html.index('<script src="/.deckbuild-serve/') : served_html.index("</body>")]
    assert served_html.replace(tag, "") == expected.read_text(encoding="utf-8")
    assert response.getheader("Cache-Control") == "no-store"


def test_other_hosts_get_a_warning(project: Path) -> None:
    served = Served(project, "--host", "0.0.0.0", tmp=project / "tmp")
    try:
        served.wait_for(r"^warning: serving on 0\.0\.0\.0: anyone who can reach this machine", err=True)
        assert served.url.startswith("http://0.0.0.0:")
    finally:
        assert served.stop() == 0


def test_local_host_has_no_warning(project: Path, serve: Any) -> None:
    served = serve()
    assert served.url.startswith("http://127.0.0.1:")
    assert served.stop() == 0
    assert not any("warning" in line for line in served.err)


def test_a_port_in_use_is_a_clear_error(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen(1)
    port = holder.getsockname()[1]
    monkeypatch.chdir(project)
    try:
        result = CliRunner().invoke(main, ["serve", "--port", str(port)])
    finally:
        holder.close()
    assert result.exit_code == 1
    assert result.output == (
        f"port {port} is already in use (choose another with --port, or --port 0 for any free port)\n"
    )


def test_no_decks_folder_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["serve", "--port", "0"])
    assert result.exit_code == 1
    assert "no decks/ folder here" in result.output


def _png(path: Path, width: int) -> None:
    Image.new("RGB", (width, 10), (200, 30, 30)).save(path)


@pytest.mark.browser
def test_saving_an_image_or_a_theme_file_reloads_the_decks_that_use_them(
    browser: Browser, project: Path, serve: Any
) -> None:
    theme = project / "themes" / "mine"
    theme.mkdir(parents=True)
    (theme / "theme.yml").write_text("extends: black\n", encoding="utf-8")
    (theme / "theme.css").write_text(".reveal h1 { color: rgb(1, 2, 3); }\n", encoding="utf-8")
    (project / "decks" / "img").mkdir()
    _png(project / "decks" / "img" / "dot.png", 10)
    (project / "decks" / "pic.md").write_text("---\ntheme: mine\n---\n# Picture\n\n![dot](img/dot.png)\n", "utf-8")
    served = serve("decks")
    page, errors = _open(browser, served.url + "pic/")
    page.wait_for_function("document.querySelector('img').naturalWidth === 10")
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).color") == "rgb(1, 2, 3)"

    _png(project / "decks" / "img" / "dot.png", 20)
    page.wait_for_function(f"{READY} && document.querySelector('img').naturalWidth === 20", timeout=WAIT * 1000)
    (theme / "theme.css").write_text(".reveal h1 { color: rgb(4, 5, 6); }\n", encoding="utf-8")
    page.wait_for_function(
        f"{READY} && getComputedStyle(document.querySelector('h1')).color === 'rgb(4, 5, 6)'", timeout=WAIT * 1000
    )
    assert served.count(r"^built: /talk/") == 1  # the other deck, which uses neither, was left alone
    assert errors == []


@pytest.mark.browser
def test_serving_one_deck(browser: Browser, project: Path, serve: Any) -> None:
    (project / "decks" / "other.md").write_text("# Other\n", encoding="utf-8")
    served = serve("decks/talk.md")
    assert served.url.startswith("http://127.0.0.1:")
    index = browser.new_page()
    index.goto(served.url)
    assert index.eval_on_selector_all("tr.deck", "rows => rows.map(r => r.dataset.slug)") == ["talk"]
    page, _ = _open(browser, served.url + "talk/#/4/1")
    _edit(project / "decks" / "talk.md", "original text", "edited text")
    _shows(page, "edited text")
