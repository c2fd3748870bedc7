"""capture.py's conversation with the browser, with Playwright stood in for by a recording fake.

The browser tests (test_capture.py and others) show that the pixels come out right; these show, in a
fraction of a second, that every deck is loaded, laid out, captured and closed with the arguments
capture.py means to give (sizes, scales, timeouts, the init script, the CDP capture), that pages are
shared as they should be, and what each failure is said as.  `make mutation` leans on them: a
mutant these kill needs no Chromium.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

import deckbuild.browser.capture as capture
from deckbuild.browser.capture import Capture, DeckJob, capture_decks, capture_in
from deckbuild.browser.session import run_sync
from deckbuild.errors import DeckError

MS = 1000


def _job(slug: str = "talk", size: tuple[int, int] = (320, 200), scale: float = 1.5, **more: Any) -> DeckJob:
    slides = more.pop("slides", ((0, 0), (1, 0)))
    return DeckJob(
        slug, f"file:///site/{slug}/index.html", *size, scale, more.pop("fragments", "final"), slides, **more
    )


class _Cdp:
    def __init__(self, page: _Page) -> None:
        self.page = page

    async def send(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        world = self.page.context.browser
        world.calls.append((self.page.name, method, params))
        if method == "Page.addScriptToEvaluateOnNewDocument":
            world.scripts += 1
            return {"identifier": f"script{world.scripts}"}
        if method == "Page.captureScreenshot":
            if world.capture_hangs:
                await asyncio.Event().wait()
            h, v = self.page.shown
            return {"data": base64.b64encode(f"{self.page.deck} {h}/{v}".encode()).decode()}
        return {}


class _Frame:
    def __init__(self, url: str) -> None:
        self.url = url


class _Page:
    """A page on which the deck loads and every slide the deck has shows."""

    def __init__(self, context: _Context, name: str) -> None:
        self.context, self.name = context, name
        self.handlers: dict[str, Callable[..., Any]] = {}
        self.url, self.deck, self.shown = "about:blank", "", (0, 0)
        self.main_frame = _Frame(self.url)

    def on(self, event: str, handler: Callable[..., Any]) -> None:
        self.handlers[event] = handler

    def _call(self, *call: Any) -> None:
        self.context.browser.calls.append((self.name, *call))

    async def goto(self, url: str, timeout: float) -> None:
        self._call("goto", url, timeout)
        self.url = self.main_frame.url = url
        self.deck = url.split("/")[-2]
        if self.context.browser.away_on_load:
            self.main_frame.url = self.context.browser.away_on_load
            self.handlers["framenavigated"](self.main_frame)
            await asyncio.Event().wait()  # the new page never has reveal.js

    async def add_style_tag(self, content: str) -> None:
        self._call("style", content)

    async def wait_for_function(self, expression: str, timeout: float) -> None:
        self._call("wait", expression, timeout)
        if self.context.browser.load_times_out:
            from playwright.async_api import TimeoutError as PlaywrightTimeout

            raise PlaywrightTimeout("Timeout exceeded")

    async def evaluate(self, script: str, arg: Any = None) -> Any:
        world = self.context.browser
        if script == capture._PREPARE:
            self._call("prepare", arg)
            if world.prepare_hangs:
                await asyncio.Event().wait()
            return None
        if script == capture._SHOW:
            self._call("show", arg)
            if world.show_hangs:
                await asyncio.Event().wait()
            h, v, _ = arg
            world.on_show(self, h, v)
            if (h, v) in world.missing:
                return "missing"
            self.shown = (h, v)
            return "ok"
        if "__deckbuildStage" in script:
            if world.stage_hangs:
                await asyncio.Event().wait()
            return "images"
        raise AssertionError(f"unexpected script {script[:40]}")


class _Context:
    def __init__(self, browser: _Browser, options: dict[str, Any]) -> None:
        self.browser, self.options = browser, options
        self.pages: list[_Page] = []
        self.timeout: float | None = None
        self.closed = False

    def set_default_timeout(self, ms: float) -> None:
        self.timeout = ms

    async def new_page(self) -> _Page:
        page = _Page(self, f"page{len(self.browser.pages())}")
        self.pages.append(page)
        return page

    async def new_cdp_session(self, page: _Page) -> _Cdp:
        return _Cdp(page)

    async def close(self) -> None:
        if self.browser.close_hangs:
            await asyncio.Event().wait()
        if self.browser.close_fails:
            raise RuntimeError("the browser has gone")
        self.closed = True


class _Browser:
    def __init__(self) -> None:
        self.contexts: list[_Context] = []
        self.calls: list[tuple[Any, ...]] = []
        self.scripts = 0
        self.missing: set[tuple[int, int]] = set()
        self.away_on_load = ""
        self.load_times_out = self.prepare_hangs = self.show_hangs = self.stage_hangs = False
        self.capture_hangs = self.close_hangs = self.close_fails = False
        self.on_show: Callable[[_Page, int, int], None] = lambda page, h, v: None

    async def new_context(self, **options: Any) -> _Context:
        context = _Context(self, options)
        self.contexts.append(context)
        return context

    def pages(self) -> list[_Page]:
        return [page for context in self.contexts for page in context.pages]

    def of(self, page: str, *kinds: str) -> list[tuple[Any, ...]]:
        return [call[1:] for call in self.calls if call[0] == page and (not kinds or call[1] in kinds)]


def _capture(
    browser: _Browser, jobs: list[DeckJob], pages: int = 1, timeout: float = 5.0, **more: Any
) -> list[Capture]:
    captures: list[Capture] = []

    async def run() -> None:
        # Bounded: a mutant that waits for ever fails here instead of holding the test run.
        await asyncio.wait_for(capture_in(browser, jobs, captures.append, pages=pages, timeout=timeout, **more), 10)  # type: ignore[arg-type]

    run_sync(run)
    return captures


def _error(run: Callable[[], Any]) -> str:
    with pytest.raises(DeckError) as caught:
        run()
    return str(caught.value)


# --- a run that goes well -------------------------------------------------------------------------------


def test_every_slide_is_captured_once_as_chromiums_png_at_the_scaled_size() -> None:
    browser = _Browser()
    captures = _capture(browser, [_job("one"), _job("two", slides=((0, 0), (2, 1)))])
    assert sorted((c.slug, c.h, c.v, c.png, c.size) for c in captures) == [
        ("one", 0, 0, b"one 0/0", (480, 300)),  # 320x200 at scale 1.5
        ("one", 1, 0, b"one 1/0", (480, 300)),
        ("two", 0, 0, b"two 0/0", (480, 300)),
        ("two", 2, 1, b"two 2/1", (480, 300)),
    ]


def test_each_deck_is_loaded_laid_out_and_captured_with_the_intended_arguments() -> None:
    browser = _Browser()
    _capture(browser, [_job(fragments="initial", fast_png=True)], timeout=7.0)
    ((context,),) = [browser.contexts]
    assert context.options == {"viewport": {"width": 320, "height": 200}, "device_scale_factor": 1.5}
    assert context.timeout == 7 * MS
    url = "file:///site/talk/index.html"
    calls = browser.of("page0")
    script = calls[1][1]["source"]
    assert calls[0] == ("Page.enable", None)  # before the script: else it does not run on new documents
    assert calls[1][0] == "Page.addScriptToEvaluateOnNewDocument" and list(calls[1][1]) == ["source"]
    assert script == f"({capture._BEFORE_REVEAL})({json.dumps([[[0, 0], [1, 0]], capture._CAPTURE_OPTIONS])})"
    assert calls[2:6] == [
        ("goto", url, 7 * MS),
        ("style", capture._NO_MOTION),
        ("wait", "window.Reveal && Reveal.isReady()", 7 * MS),
        ("prepare", capture._CAPTURE_OPTIONS),
    ]
    metrics = {"width": 320, "height": 200, "deviceScaleFactor": 1.5, "mobile": False}
    assert calls[6] == ("Emulation.setDeviceMetricsOverride", metrics)
    shot = {"format": "png", "captureBeyondViewport": False, "optimizeForSpeed": True}
    assert calls[7:] == [
        ("show", [0, 0, "initial"]),
        ("Page.captureScreenshot", shot),
        ("show", [1, 0, "initial"]),
        ("Page.captureScreenshot", shot),
    ]
    assert context.closed


def test_a_capture_written_as_it_is_gets_chromiums_small_png_and_strict_keeps_every_slide() -> None:
    browser = _Browser()
    _capture(browser, [_job(measure_all=True)])
    script = browser.of("page0", "Page.addScriptToEvaluateOnNewDocument")[0][1]["source"]
    assert script.endswith(f"({json.dumps([None, capture._CAPTURE_OPTIONS])})")  # no slide emptied
    shots = browser.of("page0", "Page.captureScreenshot")
    assert shots and all(params["optimizeForSpeed"] is False for _, params in shots)


def test_decks_of_one_size_share_a_page_that_loads_each_with_its_own_script() -> None:
    browser = _Browser()
    _capture(browser, [_job("one"), _job("two"), _job("big", size=(640, 400)), _job("three", size=(640, 400))])
    first, second = browser.contexts
    assert [len(c.pages) for c in browser.contexts] == [1, 1]
    assert first.closed and second.closed  # the first when the size changed, the second at the end
    assert [call[1] for call in browser.of("page0", "goto")] == [
        "file:///site/one/index.html",
        "file:///site/two/index.html",
    ]
    scripts = browser.of("page0", "Page.addScriptToEvaluateOnNewDocument", "Page.removeScriptToEvaluateOnNewDocument")
    assert [(method, params.get("identifier")) for method, params in scripts] == [
        ("Page.addScriptToEvaluateOnNewDocument", None),
        ("Page.removeScriptToEvaluateOnNewDocument", "script1"),  # the last deck's script goes first
        ("Page.addScriptToEvaluateOnNewDocument", None),
    ]
    assert second.options["viewport"] == {"width": 640, "height": 400}


def test_a_deck_shared_out_between_pages_opens_them_in_one_context() -> None:
    browser = _Browser()
    slides = tuple((h, 0) for h in range(60))
    captures = _capture(browser, [_job(slides=slides), _job("next")], pages=2)
    assert sorted((c.h, c.v) for c in captures if c.slug == "talk") == list(slides)
    assert [len(c.pages) for c in browser.contexts] == [2, 1]  # the next deck, of 2 slides, in one page
    assert all(browser.of(page.name, "Page.captureScreenshot") for page in browser.contexts[0].pages)
    assert browser.contexts[0].closed


def test_each_capture_carries_the_problems_seen_since_the_last() -> None:
    browser = _Browser()

    def show(page: _Page, h: int, v: int) -> None:
        if h == 1:  # a script error while the second slide is shown
            page.handlers["pageerror"](ValueError("boom"))

    browser.on_show = show
    captures = _capture(browser, [_job(slides=((0, 0), (1, 0), (2, 0)))])
    assert sorted((c.h, c.problems) for c in captures) == [(0, []), (1, ["script error: boom"]), (2, [])]


def test_measuring_is_asked_of_the_deck_page_with_the_deck_and_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    import deckbuild.browser.check

    asked: list[tuple[Any, ...]] = []

    async def measure_page(page: Any, slug: str, timeout: float, only: Any = None) -> list[dict[str, Any]]:
        asked.append((page.name, slug, timeout, only))
        return [{"measured": slug}]

    monkeypatch.setattr(deckbuild.browser.check, "measure_page", measure_page)
    handed: list[tuple[str, list[dict[str, Any]]]] = []
    browser = _Browser()
    _capture(browser, [_job(measure=True, measure_all=True)], timeout=6.0, measured=lambda *m: handed.append(m))
    assert asked == [("page0", "talk", 6.0, None)]
    assert handed == [("talk", [{"measured": "talk"}])]


# --- the browser opened for the run, and the captures handed over ------------------------------------------


def _measured_as(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, float]]:
    """``check.measure_page`` stood in for: what it was asked, as (deck, timeout)."""
    import deckbuild.browser.check

    asked: list[tuple[str, float]] = []

    async def measure_page(page: Any, slug: str, timeout: float, only: Any = None) -> list[dict[str, Any]]:
        asked.append((slug, timeout))
        return [{"measured": slug}]

    monkeypatch.setattr(deckbuild.browser.check, "measure_page", measure_page)
    return asked


def test_capture_decks_opens_a_browser_while_the_site_is_built_and_hands_every_capture_over(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked = _measured_as(monkeypatch)
    browser = _Browser()
    opened: list[tuple[Any, float]] = []

    @asynccontextmanager
    async def open_browser_while(explicit: Any, timeout: float, meanwhile: Any) -> AsyncIterator[tuple[Any, Any]]:
        opened.append((explicit, timeout))
        yield browser, meanwhile()

    monkeypatch.setattr(capture, "open_browser_while", open_browser_while)
    captures: list[Capture] = []
    capture_decks(lambda: [_job()], captures.append, pages=1, browser_path=Path("/opt/chrome"), timeout=5.0)
    handed: list[str] = []
    measured = _job("two", measure=True, measure_all=True)
    capture_decks([measured], captures.append, browser_path=None, timeout=90.0, measured=lambda s, m: handed.append(s))
    assert opened == [(Path("/opt/chrome"), 60.0), (None, 90.0)]  # at least a minute to start
    assert asked == [("two", 90.0)] and handed == ["two"]
    assert sorted((c.slug, c.h) for c in captures) == [("talk", 0), ("talk", 1), ("two", 0), ("two", 1)]
    assert [c.options["device_scale_factor"] for c in browser.contexts] == [1.5, 1.5]


def test_a_delivery_that_fails_stops_the_run_with_its_error() -> None:
    browser = _Browser()

    def deliver(shot: Capture) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        run_sync(lambda: capture_in(browser, [_job()], deliver, timeout=5.0))  # type: ignore[arg-type]
    assert browser.contexts[0].closed


def test_a_page_kept_open_by_serve_is_used_and_dropped_when_its_capture_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = _measured_as(monkeypatch)
    browser = _Browser()
    events: list[tuple[str, str]] = []

    class Warm:
        async def page(self, on: Any, job: DeckJob, timeout: float) -> tuple[Any, Any, Any]:
            events.append(("page", job.slug))
            assert on is browser and timeout in (5.0, 0.05)
            context = await browser.new_context()
            return await capture._open_page(context, job, timeout)

        async def drop(self, slug: str) -> None:
            events.append(("drop", slug))

    handed: list[str] = []
    strict = _job(measure=True, measure_all=True)
    captures = _capture(browser, [strict], warm=Warm(), measured=lambda slug, slides: handed.append(slug))
    assert len(captures) == 2 and events == [("page", "talk")]
    assert asked == [("talk", 5.0)] and handed == ["talk"]
    browser.show_hangs = True  # its slides bounded by the run's timeout too
    error = _error(lambda: _capture(browser, [_job("slow")], timeout=0.05, warm=Warm()))
    assert error.startswith("slide #/0/0 of slow did not finish rendering in 0.05 s")
    browser.show_hangs = False
    del events[1:]
    browser.missing = {(1, 0)}
    error = _error(lambda: _capture(browser, [_job("next")], warm=Warm()))
    assert error == "next has no slide #/1/0 (see the deck's slide numbers in its URL)"
    assert events[1:] == [("page", "next"), ("drop", "next")]


def test_a_context_that_will_not_close_holds_nothing_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(capture, "_CLOSE_TIMEOUT", 0.05)
    for hangs in (True, False):
        browser = _Browser()
        browser.close_hangs, browser.close_fails = hangs, not hangs
        captures = _capture(
            browser, [_job(), _job("big", size=(640, 400), slides=tuple((h, 0) for h in range(60)))], pages=2
        )
        assert len(captures) == 62
        assert not any(context.closed for context in browser.contexts)


# --- what goes wrong, and how it is said ---------------------------------------------------------------


def _fails(timeout: float, **trouble: Any) -> str:
    """What a run of one deck says when the fake browser has ``trouble`` (its flags, e.g. show_hangs=True)."""
    browser = _Browser()
    for flag, value in trouble.items():
        setattr(browser, flag, value)
    return _error(lambda: _capture(browser, [_job()], timeout=timeout))


def test_a_deck_that_does_not_load_in_time_says_so() -> None:
    assert _fails(5.0, load_times_out=True) == (
        "loading the deck talk did not finish in 5 s "
        "(a file or server the deck uses does not answer; fix the link, or raise --timeout)"
    )
    # Fonts that never load: bounded by the same timeout.
    assert _fails(0.05, prepare_hangs=True).startswith("loading the deck talk did not finish in 0.05 s")


def test_a_page_sent_away_while_the_deck_loads_is_said_at_once() -> None:
    assert _fails(5.0, away_on_load="https://example.org/elsewhere") == (
        "the deck talk left its page while loading (for https://example.org/elsewhere) (a script or refresh on "
        "one of its slides changes the page's location; remove it from the slide)"
    )


def test_a_slide_that_does_not_render_in_time_names_its_stage() -> None:
    assert _fails(0.05, show_hangs=True) == (
        "slide #/0/0 of talk did not finish rendering in 0.05 s (waiting for images) "
        "(check the slide's images and fonts, or raise --timeout)"
    )
    # Chromium's capture call is bounded too.
    assert _fails(0.05, capture_hangs=True).startswith(
        "slide #/0/0 of talk did not finish rendering in 0.05 s (waiting for images)"
    )


def test_a_page_too_stuck_to_say_its_stage_is_said_so() -> None:
    error = _fails(0.05, show_hangs=True, stage_hangs=True)  # the stage is asked for 2 s
    assert error.startswith("slide #/0/0 of talk did not finish rendering in 0.05 s (waiting for the page to respond)")


def test_a_slide_the_deck_does_not_have_is_named() -> None:
    browser = _Browser()
    browser.missing = {(1, 0)}
    assert _error(lambda: _capture(browser, [_job()])) == (
        "talk has no slide #/1/0 (see the deck's slide numbers in its URL)"
    )


def test_a_browser_error_once_the_page_has_left_the_deck_names_the_slide_and_where_it_went() -> None:
    from playwright.async_api import Error as PlaywrightError

    said = "(a script or link on that slide changes the page's location; remove it from the slide)"
    for seen_by in ("url", "event"):
        browser = _Browser()

        def leave(page: _Page, h: int, v: int, seen_by: str = seen_by) -> None:
            if h == 1:
                if seen_by == "url":  # the page is elsewhere, and no event said so yet
                    page.url = "https://example.org/by-url"
                else:  # the event came, the page's URL is still the deck's
                    page.main_frame.url = "https://example.org/by-event"
                    page.handlers["framenavigated"](page.main_frame)
                raise PlaywrightError("Execution context was destroyed")

        browser.on_show = leave
        error = _error(lambda browser=browser: _capture(browser, [_job()]))
        assert (
            error
            == f"slide #/1/0 of talk navigated the page away from the deck (to https://example.org/by-{seen_by}) {said}"
        )


def test_a_browser_error_on_the_deck_is_the_browsers_failure() -> None:
    from playwright.async_api import Error as PlaywrightError

    browser = _Browser()

    def fail(page: _Page, h: int, v: int) -> None:
        raise PlaywrightError("Target crashed")

    browser.on_show = fail
    assert _error(lambda: _capture(browser, [_job()])) == (
        "the browser failed while capturing talk: Target crashed "
        "(run again; if it repeats, try --jobs 1 or another browser with --browser-path)"
    )


def test_a_page_that_leaves_by_the_time_of_the_capture_is_named() -> None:
    browser = _Browser()
    browser.capture_hangs = True  # the capture is not answered: the page went away meanwhile

    def leave(page: _Page, h: int, v: int) -> None:
        page.url = "https://example.org/gone"

    browser.on_show = leave
    assert _error(lambda: _capture(browser, [_job()], timeout=0.05)).startswith(
        "slide #/0/0 of talk navigated the page away from the deck (to https://example.org/gone)"
    )
    browser = _Browser()

    def leave_after(page: _Page, h: int, v: int) -> None:  # shown and captured, then the page left
        page.main_frame.url = "https://example.org/after"
        page.handlers["framenavigated"](page.main_frame)

    browser.on_show = leave_after
    assert _error(lambda: _capture(browser, [_job()])).startswith(
        "slide #/0/0 of talk navigated the page away from the deck (to https://example.org/after)"
    )
