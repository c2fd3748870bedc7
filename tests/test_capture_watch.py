"""capture.py's bookkeeping without a browser: what a timeout says is pending, when a page left the deck,
and what a crash or a failing browser is reported as (the page and browser stood in for by fakes)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, cast

import pytest

import deckbuild.browser.capture
from deckbuild.browser.capture import Capture, DeckJob, _capture_with, _off_deck, _Watch, _worker
from deckbuild.browser.session import run_sync
from deckbuild.errors import DeckError

JOB = DeckJob("talk", "file:///site/talk/index.html", 320, 200, 1.5, "final", ((0, 0), (1, 0)))


class _Page:
    """Just enough of a Playwright page for _Watch to subscribe to."""

    def __init__(self) -> None:
        self.handlers: dict[str, Any] = {}

    def on(self, event: str, handler: Any) -> None:
        self.handlers[event] = handler


class _Request:
    def __init__(self, url: str) -> None:
        self.url = url

    def is_navigation_request(self) -> bool:
        return False


def _watch(*urls: str) -> tuple[_Watch, _Page, list[_Request]]:
    page = _Page()
    watch = _Watch(page)  # type: ignore[arg-type]
    requests = [_Request(url) for url in urls]
    for request in requests:
        page.handlers["request"](request)
    return watch, page, requests


def test_nothing_pending_says_nothing() -> None:
    assert _watch()[0].waiting_for() == ""


def test_up_to_three_pending_urls_are_named_once_each() -> None:
    watch, _, _ = _watch("a.png", "b.png", "a.png", "c.png")
    assert watch.waiting_for() == "; still waiting for a.png, b.png, c.png"


def test_more_than_three_are_counted() -> None:
    watch, _, _ = _watch("a", "b", "c", "d", "e")
    assert watch.waiting_for() == "; still waiting for a, b, c and 2 more"
    assert _watch("a", "b", "c", "d")[0].waiting_for() == "; still waiting for a, b, c and 1 more"


def test_finished_and_failed_requests_are_no_longer_pending() -> None:
    watch, page, (done, failed, waiting) = _watch("done.png", "failed.png", "waiting.png")
    page.handlers["requestfinished"](done)
    page.handlers["requestfailed"](failed)
    page.handlers["requestfailed"](_Request("never-seen.png"))  # a request it did not see start
    page.handlers["requestfinished"](_Request("never-seen-either.png"))
    assert watch.waiting_for() == "; still waiting for waiting.png"
    assert watch.problems == ["request failed: failed.png", "request failed: never-seen.png"]


class _Message:
    def __init__(self, kind: str, text: str) -> None:
        self.type, self.text = kind, text


class _Response:
    def __init__(self, status: int, url: str) -> None:
        self.status, self.url = status, url


def test_console_errors_script_errors_and_http_errors_are_problems_and_nothing_else() -> None:
    watch, page, _ = _watch()
    page.handlers["console"](_Message("warning", "deprecated"))
    page.handlers["console"](_Message("log", "hello"))
    page.handlers["console"](_Message("error", "boom"))
    page.handlers["pageerror"](ValueError("x is undefined"))
    page.handlers["response"](_Response(200, "ok.png"))
    page.handlers["response"](_Response(399, "moved.png"))
    page.handlers["response"](_Response(400, "bad.png"))
    page.handlers["response"](_Response(404, "gone.png"))
    assert watch.problems == [
        "console error: boom",
        "script error: x is undefined",
        "HTTP 400: bad.png",
        "HTTP 404: gone.png",
    ]


def test_a_crash_is_seen() -> None:
    watch, page, _ = _watch()
    assert watch.crashed is False
    page.handlers["crash"](page)
    assert watch.crashed is True


class _Frame:
    def __init__(self, url: str) -> None:
        self.url = url


class _Navigation(_Request):
    def __init__(self, url: str, frame: _Frame) -> None:
        super().__init__(url)
        self.frame = frame

    def is_navigation_request(self) -> bool:
        return True


def test_only_the_main_frame_leaving_after_the_deck_loaded_counts_and_the_first_place_is_kept() -> None:
    watch, page, _ = _watch()
    main, inner = _Frame("file:///site/talk/index.html"), _Frame("https://example.org/embed")
    page.main_frame = main  # type: ignore[attr-defined]
    page.handlers["framenavigated"](main)  # loading the deck itself
    page.handlers["request"](_Navigation("file:///site/talk/index.html", main))
    assert watch.left is None
    watch.loaded = True
    page.handlers["framenavigated"](inner)  # an iframe on a slide may navigate
    page.handlers["request"](_Navigation("https://example.org/next", inner))
    assert watch.left is None
    page.handlers["request"](_Navigation("https://example.org/first", main))
    page.handlers["request"](_Navigation("https://example.org/then", main))
    page.handlers["framenavigated"](_Frame("https://example.org/second"))
    main.url = "https://example.org/second"
    page.handlers["framenavigated"](main)
    assert watch.left == "https://example.org/first"


def test_a_main_frame_navigation_seen_only_as_a_frame_event_counts() -> None:
    watch, page, _ = _watch()
    main = _Frame("https://example.org/away")
    page.main_frame = main  # type: ignore[attr-defined]
    watch.loaded = True
    page.handlers["framenavigated"](main)
    assert watch.left == "https://example.org/away"


def test_a_page_is_off_the_deck_only_when_more_than_its_hash_changed() -> None:
    deck = "file:///site/talk/index.html"
    assert not _off_deck(deck + "#/3/1", deck)
    assert not _off_deck(deck + "#/3", deck + "#/")
    assert _off_deck("file:///site/other/index.html#/3", deck)
    assert _off_deck("https://example.org/", deck + "#/2")


class _ShowingPage(_Page):
    """A page on which every slide shows: ``evaluate`` answers 'ok', and ``on_show`` runs first."""

    def __init__(self, on_show: Callable[[], None] = lambda: None) -> None:
        super().__init__()
        self.url = JOB.url + "#/0"
        self.on_show = on_show

    async def evaluate(self, script: str, args: Any = None) -> str:
        self.on_show()
        return "ok"


class _Cdp:
    async def send(self, method: str, params: dict[str, Any]) -> dict[str, str]:
        assert method == "Page.captureScreenshot"
        return {"data": "UE5H"}  # base64 of b"PNG"


def _run_worker(page: _ShowingPage, watch: _Watch) -> list[Capture]:
    queue: asyncio.Queue[tuple[int, int]] = asyncio.Queue()
    for slide in JOB.slides:
        queue.put_nowait(slide)
    captures: list[Capture] = []
    run_sync(lambda: _worker(page, watch, _Cdp(), JOB, queue, captures.append, 5.0))  # type: ignore[arg-type]
    return captures


def test_each_capture_carries_its_own_problems_and_the_scaled_size() -> None:
    page = _ShowingPage()
    watch = _Watch(page)  # type: ignore[arg-type]
    shown: list[int] = []

    def show() -> None:
        shown.append(len(shown))
        watch.problems.append(f"console error: show {len(shown)}")

    page.on_show = show
    first, second = _run_worker(page, watch)
    assert (first.h, first.v, first.png, first.size) == (0, 0, b"PNG", (480, 300))  # 320x200 at scale 1.5
    assert (second.h, second.v) == (1, 0)
    assert first.problems == ["console error: show 1"]
    assert second.problems == ["console error: show 2"]  # the first slide's problem is not repeated


def test_a_crash_is_named_with_the_deck_and_slide() -> None:
    page = _ShowingPage()
    watch = _Watch(page)  # type: ignore[arg-type]
    page.on_show = lambda: setattr(watch, "crashed", True)
    with pytest.raises(DeckError) as caught:
        _run_worker(page, watch)
    assert str(caught.value) == "the browser crashed while capturing talk #/0/0 (run again)"


@pytest.mark.parametrize(
    ("error", "said"), [("Target page closed\n=== logs ===\nmore", "Target page closed"), ("  ", "unknown error")]
)
def test_a_browser_failure_is_a_deck_error_with_its_first_line(
    monkeypatch: pytest.MonkeyPatch, error: str, said: str
) -> None:
    from playwright.async_api import Error as PlaywrightError

    async def fails(*args: Any) -> None:
        raise PlaywrightError(error)

    monkeypatch.setattr(deckbuild.browser.capture, "_capture_deck", fails)
    with pytest.raises(DeckError) as caught:
        run_sync(lambda: _capture_with(cast(Any, None), [JOB], lambda capture: None, 1, 5.0, None))
    assert str(caught.value) == (
        f"the browser failed while capturing talk: {said} "
        "(run again; if it repeats, try --jobs 1 or another browser with --browser-path)"
    )


def test_a_capture_the_browser_never_answers_while_the_page_leaves_is_bounded() -> None:
    """A capture sent while the page navigates away can go unanswered for ever (a CI run hung there)."""

    class _SilentCdp:
        async def send(self, method: str, params: dict[str, Any]) -> None:
            await asyncio.Event().wait()  # never set: no answer

    page = _ShowingPage()
    watch = _Watch(page)  # type: ignore[arg-type]
    page.on_show = lambda: setattr(page, "url", "file:///site/elsewhere.html")
    queue: asyncio.Queue[tuple[int, int]] = asyncio.Queue()
    queue.put_nowait((0, 0))
    with pytest.raises(DeckError) as caught:
        # The outer bound only turns a hang into a failure: unbounded, this would wait for ever.
        worker = _worker(page, watch, _SilentCdp(), JOB, queue, lambda capture: None, 0.05)  # type: ignore[arg-type]
        run_sync(lambda: asyncio.wait_for(worker, 10))
    assert str(caught.value).startswith(
        "slide #/0/0 of talk navigated the page away from the deck (to file:///site/elsewhere.html)"
    )


class _Context:
    def __init__(self) -> None:
        self.closed = False

    def set_default_timeout(self, ms: float) -> None:
        self.timeout = ms

    async def close(self) -> None:
        self.closed = True


class _Browser:
    def __init__(self) -> None:
        self.contexts: list[tuple[_Context, dict[str, Any]]] = []

    async def new_context(self, **options: Any) -> _Context:
        context = _Context()
        self.contexts.append((context, options))
        return context


@pytest.mark.parametrize(
    ("slides", "pages", "opened"), [(10, 2, 1), (45, 2, 1), (45, 4, 1), (60, 2, 2), (60, 4, 2), (95, 4, 3), (95, 2, 2)]
)
def test_one_page_more_per_thirty_slides_up_to_jobs_each_slide_captured_once(
    monkeypatch: pytest.MonkeyPatch, slides: int, pages: int, opened: int
) -> None:
    job = DeckJob("talk", JOB.url, 320, 200, 2.0, "final", tuple((h, 0) for h in range(slides)))
    page_count: list[int] = []
    captured: list[tuple[int, int]] = []

    async def open_page(context: Any, job: DeckJob, timeout: float) -> tuple[Any, Any, Any]:
        page_count.append(1)
        return object(), None, None

    async def worker(page: Any, watch: Any, cdp: Any, job: DeckJob, queue: Any, deliver: Any, timeout: float) -> None:
        while not queue.empty():
            captured.append(queue.get_nowait())
            await asyncio.sleep(0)

    monkeypatch.setattr(deckbuild.browser.capture, "_open_page", open_page)
    monkeypatch.setattr(deckbuild.browser.capture, "_worker", worker)
    browser = _Browser()
    run_sync(lambda: deckbuild.browser.capture._capture_deck(browser, job, lambda c: None, pages, 4.0, None))  # type: ignore[arg-type]
    assert len(page_count) == opened
    assert sorted(captured) == list(job.slides)
    ((context, options),) = browser.contexts
    assert options == {"viewport": {"width": 320, "height": 200}, "device_scale_factor": 2.0}
    assert context.timeout == 4000 and context.closed


@pytest.mark.parametrize(
    ("measure", "measure_all", "lacks", "given", "expected"),
    [
        (False, False, True, False, "not measured"),  # the gallery: none asked or given, even with tofu possible
        (False, False, True, True, "not measured"),
        (True, False, False, True, "not measured"),  # nothing that could lack a glyph: no per-slide measuring
        (True, False, True, True, ((0, 0), (1, 0))),  # only the captured slides
        (True, True, False, True, None),  # --strict: every slide (only=None), whatever the page looks like
    ],
)
def test_slides_are_measured_only_when_asked_and_worth_it(
    monkeypatch: pytest.MonkeyPatch, measure: bool, measure_all: bool, lacks: bool, given: bool, expected: Any
) -> None:
    import deckbuild.browser.check

    job = DeckJob("talk", JOB.url, 320, 200, 1.0, "final", ((0, 0), (1, 0)), measure, measure_all)
    asked: list[Any] = []
    handed: list[tuple[str, list[dict[str, Any]]]] = []

    async def open_page(context: Any, job: DeckJob, timeout: float) -> tuple[Any, Any, Any]:
        return "page", None, None

    async def worker(*args: Any) -> None:
        return None

    async def may_lack_glyphs(page: Any) -> bool:
        return lacks

    async def measure_page(page: Any, slug: str, timeout: float, only: Any = None) -> list[dict[str, Any]]:
        asked.append(only)
        return [{"slide": "measured"}]

    monkeypatch.setattr(deckbuild.browser.capture, "_open_page", open_page)
    monkeypatch.setattr(deckbuild.browser.capture, "_worker", worker)
    monkeypatch.setattr(deckbuild.browser.capture, "_may_lack_glyphs", may_lack_glyphs)
    monkeypatch.setattr(deckbuild.browser.check, "measure_page", measure_page)
    measured = (lambda slug, slides: handed.append((slug, slides))) if given else None
    run = deckbuild.browser.capture._capture_deck
    run_sync(lambda: run(_Browser(), job, lambda c: None, 1, 4.0, measured))  # type: ignore[arg-type]
    if expected == "not measured":
        assert asked == [] and handed == []
    else:
        assert asked == [expected]
        assert handed == [("talk", [{"slide": "measured"}])]


def test_the_main_frame_leaving_the_deck_while_it_loads_is_seen_at_once() -> None:
    watch, page, _ = _watch()
    main, inner = _Frame(JOB.url), _Frame("https://example.org/embed")
    page.main_frame = main  # type: ignore[attr-defined]
    page.handlers["request"](_Navigation("https://example.org/before", main))  # no deck loading yet
    assert not watch.away.is_set()
    watch.deck = JOB.url
    page.handlers["request"](_Navigation(JOB.url + "#/1", main))  # the deck itself, at a slide
    page.handlers["framenavigated"](main)
    page.handlers["request"](_Navigation("https://example.org/next", inner))  # an iframe on a slide
    page.handlers["framenavigated"](inner)
    assert not watch.away.is_set() and watch.left is None
    page.handlers["request"](_Navigation("https://example.org/first", main))
    main.url = "https://example.org/second"
    page.handlers["framenavigated"](main)
    assert watch.away.is_set() and watch.left == "https://example.org/first"
    watch.reset()  # the next deck loaded in this page starts clean
    assert not watch.away.is_set() and watch.left is None
    main.url = "about:blank"
    page.handlers["framenavigated"](main)  # seen as a frame event only
    assert watch.away.is_set() and watch.left == "about:blank"
