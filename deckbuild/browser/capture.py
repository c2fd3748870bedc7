"""Drive reveal.js in one Chromium: navigate to each slide, wait for what it needs, screenshot it.

Pages are reused across slides (navigation by reveal.js's API, no reloads); ``jobs`` pages per deck
work through the slides together.  Nothing here writes files: each capture is handed to ``deliver``.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import DeckError
from .session import open_browser_while, run_sync

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page

    from .live import WarmPages


@dataclass(frozen=True)
class DeckJob:
    """One built deck and the slides (h, v) to capture from it."""

    slug: str
    url: str
    width: int
    height: int
    scale: float
    fragments: str
    slides: tuple[tuple[int, int], ...]
    measure: bool = False  # after the captures, measure the captured slides as `deckbuild check` does
    measure_all: bool = False  # ... and every other slide of the deck too
    frame: str = ""  # the page around the slides (render.Page.frame): a page kept open shows it still if equal
    swappable: bool = False  # new slides can go into a page kept open (no diagram or script in them)
    # Every image is resized from the capture, so its PNG is decoded anyway: Chromium may encode it for
    # speed (larger, same pixels).  Not when a capture is written as it is, where the size counts.
    fast_png: bool = False


@dataclass
class Capture:
    """A slide's screenshot and what went wrong in the page while it rendered."""

    slug: str
    h: int
    v: int
    png: bytes
    size: tuple[int, int]
    problems: list[str] = field(default_factory=list)


_SLIDES_PER_EXTRA_PAGE = 30
_DELIVERY_THREADS = 2  # captures resized and written at once (``deliver`` must be thread-safe)
_START_TIMEOUT = 60.0  # seconds for the browser to start and a deck to open, whatever a slide may take
_CLOSE_TIMEOUT = 10.0  # seconds for a page's context to close before the browser's close ends it

_NO_MOTION = """
*, *::before, *::after { transition: none !important; animation: none !important; caret-color: transparent !important; }
.reveal .controls, .reveal .progress, .reveal .slide-number { display: none !important; }
"""

# reveal.js options for capturing: no motion, no controls, slides at their own size, no URL updates.
_CAPTURE_OPTIONS = {
    "transition": "none",
    "backgroundTransition": "none",
    "controls": False,
    "progress": False,
    "slideNumber": False,
    "margin": 0,
    "minScale": 1,
    "maxScale": 1,
    "autoSlide": 0,
    "hash": False,
    "fragmentInURL": False,
    "history": False,
    "scrollActivationWidth": 0,
}

_PREPARE = """async (options) => {
  if (window.deckbuildReady) await window.deckbuildReady;  // diagrams drawn (mermaid)
  // Given to Reveal.initialize when the page let us (see _BEFORE_REVEAL); configuring a started deck
  // goes over every slide again (1.3 s at 5,000 slides).
  if (!window.__deckbuildConfigured) { Reveal.configure(options); Reveal.layout(); }
  await Promise.all([...document.fonts].map(face => face.load().catch(() => null)));
  await document.fonts.ready;
}"""

# Before reveal.js starts: the capture options go into its ``initialize`` call, and every slide that
# is not to be captured is emptied (its <section> and attributes stay, so reveal.js counts, numbers
# and lays out the same deck): a 5,000-slide deck opened for one image then costs the browser about
# what its slides' bare sections cost.  Slides with a script, style sheet or frame are kept whole,
# since what they do can reach other slides.  reveal.js assigns ``window.Reveal`` when it loads;
# the setter wraps its ``initialize``, which the page calls once all slides are parsed.
_BEFORE_REVEAL = """([keep, options]) => {
  const wanted = keep && new Set(keep.map(([h, v]) => h + '/' + v));
  const trim = () => {
    const slides = document.querySelector('.reveal .slides');
    // reveal.js drops hidden slides, which shifts its numbers: then load the whole deck.
    if (!wanted || !slides || slides.querySelector('section[data-visibility="hidden"]')) return;
    [...slides.children].filter(s => s.tagName === 'SECTION').forEach((stack, h) => {
      const inner = [...stack.children].filter(s => s.tagName === 'SECTION');
      (inner.length ? inner : [stack]).forEach((slide, v) => {
        if (wanted.has(h + '/' + v) || slide.querySelector('script, style, link, iframe')) return;
        slide.replaceChildren();
      });
    });
  };
  let reveal;
  Object.defineProperty(window, 'Reveal', {configurable: true, enumerable: true, get: () => reveal, set(value) {
    reveal = value;
    if (value && typeof value.initialize === 'function' && !value.__deckbuildWrapped) {
      const initialize = value.initialize;
      value.__deckbuildWrapped = true;
      value.initialize = function (config, ...rest) {
        trim();
        window.__deckbuildConfigured = true;
        return initialize.call(this, Object.assign({}, config, options), ...rest);
      };
    }
  }});
}"""

# Navigate, then wait for fonts, the slide's images and its background; report each stage.
_SHOW = """async ([h, v, fragments]) => {
  window.__deckbuildStage = 'navigation';
  // Reveal.slide() to the slide already shown drops its data-state class: only move when needed.
  const now = Reveal.getIndices();
  if (now.h !== h || (now.v || 0) !== v) Reveal.slide(h, v);
  const at = Reveal.getIndices();
  if (at.h !== h || (at.v || 0) !== v) return 'missing';
  if (fragments === 'final') { while (Reveal.nextFragment()) {} } else { while (Reveal.prevFragment()) {} }
  window.__deckbuildStage = 'fonts';
  await document.fonts.ready;
  window.__deckbuildStage = 'images';
  const slide = Reveal.getCurrentSlide();
  const images = [...slide.querySelectorAll('img')];
  images.forEach(img => { img.loading = 'eager'; });
  await Promise.all(images.map(img => img.decode().catch(() => null)));
  const background = Reveal.getSlideBackground(h, v);
  const content = background && background.querySelector('.slide-background-content');
  const match = content && getComputedStyle(content).backgroundImage.match(/url\\("?(.*?)"?\\)/);
  if (match) { const probe = new Image(); probe.src = match[1]; await probe.decode().catch(() => null); }
  // No frame wait here: Page.captureScreenshot renders a fresh frame of what is now in the DOM.
  return 'ok';
}"""


Measured = Callable[[str, list[dict[str, Any]]], None]


def capture_decks(
    jobs: list[DeckJob] | Callable[[], list[DeckJob]],
    deliver: Callable[[Capture], None],
    *,
    pages: int = 1,
    browser_path: Path | None = None,
    timeout: float = 30.0,
    measured: Measured | None = None,
) -> None:
    """Capture every slide of every job in one browser; call ``deliver`` with each capture.

    ``jobs`` may be a function that makes them (builds the site): it runs while the browser starts,
    and only once a browser has been found.  Jobs with ``measure`` set are measured after their
    captures, in the same page, and the result handed to ``measured``.
    """
    make = jobs if callable(jobs) else (lambda: jobs)
    run_sync(lambda: _capture_all(make, deliver, pages, browser_path, timeout, measured))


async def _capture_all(
    jobs: Callable[[], list[DeckJob]],
    deliver: Callable[[Capture], None],
    pages: int,
    browser_path: Path | None,
    timeout: float,
    measured: Measured | None,
) -> None:
    # The browser closes while the last captures are still being resized and written.
    async with (
        _handed_over(deliver) as hand_over,
        open_browser_while(browser_path, max(timeout, _START_TIMEOUT), jobs) as (browser, made),
    ):
        await _capture_with(browser, made, hand_over, pages, timeout, measured)


async def capture_in(
    browser: Browser,
    jobs: list[DeckJob],
    deliver: Callable[[Capture], None],
    *,
    pages: int = 1,
    timeout: float = 30.0,
    measured: Measured | None = None,
    warm: WarmPages | None = None,
) -> None:
    """Capture every slide of every job in a browser already open (``serve --shots`` keeps one, and
    with ``warm`` its pages too); all deliveries are done when this returns."""
    async with _handed_over(deliver) as hand_over:
        await _capture_with(browser, jobs, hand_over, pages, timeout, measured, warm)


@asynccontextmanager
async def _handed_over(deliver: Callable[[Capture], None]) -> AsyncIterator[Callable[[Capture], None]]:
    """A function that hands each capture to ``deliver`` on a worker thread; all done when the block ends.

    Pillow's resizing and PNG encoding of one slide then overlaps with the browser rendering the
    next, and two captures' (Pillow lets go of the GIL) with each other: the seed deck's six images
    were still being made for 0.45 s after its last capture with one thread."""
    loop = asyncio.get_running_loop()
    pending: list[asyncio.Future[None]] = []
    with ThreadPoolExecutor(max_workers=_DELIVERY_THREADS) as executor:

        def hand_over(capture: Capture) -> None:
            for done in pending:
                if done.done() and done.exception() is not None:
                    raise done.exception()  # type: ignore[misc]  # stop at the first failed write
            pending.append(loop.run_in_executor(executor, deliver, capture))

        try:
            yield hand_over
        finally:
            await asyncio.gather(*pending)


async def _capture_with(
    browser: Browser,
    jobs: list[DeckJob],
    deliver: Callable[[Capture], None],
    pages: int,
    timeout: float,
    measured: Measured | None,
    warm: WarmPages | None = None,
) -> None:
    from playwright.async_api import Error as PlaywrightError

    kept = _KeptPage()
    try:
        for job in jobs:
            try:
                await _capture_deck(browser, job, deliver, pages, timeout, measured, warm, kept)
            except PlaywrightError as exc:
                message = str(exc).strip().splitlines()[0] if str(exc).strip() else "unknown error"
                raise DeckError(
                    f"the browser failed while capturing {job.slug}: {message}",
                    hint="run again; if it repeats, try --jobs 1 or another browser with --browser-path",
                ) from None
    finally:
        await kept.close()


async def _capture_deck(
    browser: Browser,
    job: DeckJob,
    deliver: Callable[[Capture], None],
    pages: int,
    timeout: float,
    measured: Measured | None,
    warm: WarmPages | None = None,
    kept: _KeptPage | None = None,
) -> None:
    if warm is not None:
        opened = [await warm.page(browser, job, timeout)]
        try:
            await _capture_on(opened, job, deliver, timeout, measured)
        except BaseException:
            await warm.drop(job.slug)  # what the page holds is unknown now: open it afresh next time
            raise
        return
    # Opening the deck in one more page costs about as much as 30 captures save on two cores.
    count = max(1, min(pages, len(job.slides) // _SLIDES_PER_EXTRA_PAGE))
    if count == 1 and kept is not None:
        await _capture_on([await kept.page(browser, job, timeout)], job, deliver, timeout, measured)
        return
    context = await new_context(browser, job, timeout)
    try:
        # Pages open together before the first capture and close together (with the context) after
        # the last: a page opening or closing while another is captured cuts that capture short
        # (seen with two pages: 320x113 for a 320x200 slide).
        opened = await asyncio.gather(*(_open_page(context, job, timeout) for _ in range(count)))
        await _capture_on(opened, job, deliver, timeout, measured)
    finally:
        # A page stuck in a navigation can hold its context open; the browser's own close ends it.
        with suppress(Exception):
            await asyncio.wait_for(context.close(), _CLOSE_TIMEOUT)


async def new_context(browser: Browser, job: DeckJob, timeout: float) -> Any:
    """A browser context for pages of ``job``'s slide size and scale."""
    context = await browser.new_context(
        viewport={"width": job.width, "height": job.height}, device_scale_factor=job.scale
    )
    context.set_default_timeout(timeout * 1000)
    return context


class _KeptPage:
    """The last deck's page, kept for the next deck of the same slide size and scale.

    A new context and page cost about 0.3 s a deck; the kept page only loads the next deck."""

    def __init__(self) -> None:
        self._context: Any = None
        self._opened: tuple[Page, _Watch, Any] | None = None
        self._size: tuple[int, int, float] | None = None

    async def page(self, browser: Browser, job: DeckJob, timeout: float) -> tuple[Page, _Watch, Any]:
        size = (job.width, job.height, job.scale)
        if self._opened is not None and self._size == size:
            page, watch, cdp = self._opened
            watch.reset()
            await _open(page, job, watch, timeout, cdp)
            return self._opened
        await self.close()
        self._context = await new_context(browser, job, timeout)
        self._opened, self._size = await _open_page(self._context, job, timeout), size
        return self._opened

    async def close(self) -> None:
        context, self._context, self._opened, self._size = self._context, None, None, None
        if context is not None:
            with suppress(Exception):
                await asyncio.wait_for(context.close(), _CLOSE_TIMEOUT)


async def _capture_on(
    opened: list[tuple[Page, _Watch, Any]],
    job: DeckJob,
    deliver: Callable[[Capture], None],
    timeout: float,
    measured: Measured | None,
) -> None:
    """The job's slides, shared out between pages open on its deck; then measured, if asked."""
    queue: asyncio.Queue[tuple[int, int]] = asyncio.Queue()
    for slide in job.slides:
        queue.put_nowait(slide)
    await asyncio.gather(*(_worker(*page, job, queue, deliver, timeout) for page in opened))
    if job.measure and measured is not None and (job.measure_all or await _may_lack_glyphs(opened[0][0])):
        from .check import measure_page

        only = None if job.measure_all else job.slides
        measured(job.slug, await measure_page(opened[0][0], job.slug, timeout, only=only))


# Tofu needs a character outside ASCII, a fallback font needs a web font that failed: a deck with
# neither needs no per-slide measurement (a page-wide look, far cheaper than measuring every slide).
_MAY_LACK_GLYPHS = """() => [...document.fonts].some(face => face.status === 'error')
  || /[^\\x00-\\x7f]/.test([...document.querySelectorAll('.reveal .slides section')]
       .map(section => section.textContent || '').join(''))"""


async def _may_lack_glyphs(page: Page) -> bool:
    return bool(await page.evaluate(_MAY_LACK_GLYPHS))


class _Watch:
    """What a page does behind our back: problems, requests still pending, navigation away, a crash."""

    def __init__(self, page: Page) -> None:
        self.problems: list[str] = []
        self.pending: dict[Any, str] = {}
        self.left: str | None = None
        self.crashed = False
        self.loaded = False
        self.script: str | None = None  # the init script the page's deck was loaded with (its CDP id)
        # While a deck loads (``deck`` its URL), the main frame going elsewhere: a slide's script or
        # refresh sent the page away, and reveal.js will never be ready there.
        self.deck: str | None = None
        self.away = asyncio.Event()
        page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda exc: self.problems.append(f"script error: {exc}"))
        page.on("requestfailed", self._failed)
        page.on("requestfinished", self._finished)
        page.on("response", self._response)
        page.on("crash", lambda _page: setattr(self, "crashed", True))
        page.on("request", lambda req: self._request(page, req))
        page.on("framenavigated", lambda frame: self._navigated(page, frame))

    def reset(self) -> None:
        """Before the page loads another deck: nothing of the last one counts."""
        self.problems.clear()
        self.pending.clear()
        self.left = None
        self.loaded = False
        self.away.clear()

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def _finished(self, request: Any) -> None:
        self.pending.pop(request, None)

    def _failed(self, request: Any) -> None:
        self.pending.pop(request, None)
        self.problems.append(f"request failed: {request.url}")

    def _request(self, page: Page, request: Any) -> None:
        self.pending[request] = request.url
        if request.is_navigation_request() and request.frame == page.main_frame:
            self._main_frame_to(request.url)

    def _navigated(self, page: Page, frame: Any) -> None:
        if frame == page.main_frame:
            self._main_frame_to(frame.url)

    def _main_frame_to(self, url: str) -> None:
        if self.loaded:
            self.left = self.left or url
        elif self.deck is not None and _off_deck(url, self.deck):
            self.left = self.left or url
            self.away.set()

    def waiting_for(self) -> str:
        urls = list(dict.fromkeys(self.pending.values()))
        if not urls:
            return ""
        more = f" and {len(urls) - 3} more" if len(urls) > 3 else ""
        return "; still waiting for " + ", ".join(urls[:3]) + more


async def _open(page: Page, job: DeckJob, watch: _Watch, timeout: float, cdp: Any) -> None:
    """Load the deck and wait for reveal.js, within ``timeout`` seconds, naming what is still pending."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    try:
        # shots --strict measures every slide as `check` does: keep them all
        keep = None if job.measure_all else [list(slide) for slide in job.slides]
        source = f"({_BEFORE_REVEAL})({json.dumps([keep, _CAPTURE_OPTIONS])})"
        # Through the page's own session, so that the next deck loaded in this page gets its own script.
        if watch.script is not None:
            await cdp.send("Page.removeScriptToEvaluateOnNewDocument", {"identifier": watch.script})
        watch.script = (await cdp.send("Page.addScriptToEvaluateOnNewDocument", {"source": source}))["identifier"]
        watch.deck = job.url
        await _unless_away(_load(page, job, timeout), watch)
    except _Away:
        raise DeckError(
            f"the deck {job.slug} left its page while loading (for {watch.left})",
            hint="a script or refresh on one of its slides changes the page's location; remove it from the slide",
        ) from None
    except (PlaywrightTimeout, TimeoutError):
        raise DeckError(
            f"loading the deck {job.slug} did not finish in {timeout:g} s{watch.waiting_for()}",
            hint="a file or server the deck uses does not answer; fix the link, or raise --timeout",
        ) from None
    watch.loaded = True


async def _load(page: Page, job: DeckJob, timeout: float) -> None:
    await page.goto(job.url, timeout=timeout * 1000)
    await page.add_style_tag(content=_NO_MOTION)
    await page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=timeout * 1000)
    await asyncio.wait_for(page.evaluate(_PREPARE, _CAPTURE_OPTIONS), timeout)


class _Away(Exception):
    """The page left the deck while it loaded."""


async def _unless_away(loading: Coroutine[Any, Any, None], watch: _Watch) -> None:
    """Run ``loading``, unless the page leaves the deck first (then at once, not after the timeout)."""
    load, away = asyncio.ensure_future(loading), asyncio.ensure_future(watch.away.wait())
    try:
        await asyncio.wait({load, away}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        away.cancel()
        load.cancel()  # nothing when it is done
        with suppress(BaseException):
            await load  # its outcome taken (or its cancellation awaited) before the page is used again
    if watch.away.is_set():
        raise _Away
    load.result()


async def _open_page(context: Any, job: DeckJob, timeout: float) -> tuple[Page, _Watch, Any]:
    page: Page = await context.new_page()
    watch = _Watch(page)
    cdp = await context.new_cdp_session(page)
    await cdp.send("Page.enable")  # else the scripts this session adds are not run on new documents
    await _open(page, job, watch, timeout, cdp)
    # The context's device scale factor is set on Playwright's own session to the page; a capture
    # through this one sees it only when it is set here too (else --scale 2 gave 1x images).
    metrics = {"width": job.width, "height": job.height, "deviceScaleFactor": job.scale, "mobile": False}
    await cdp.send("Emulation.setDeviceMetricsOverride", metrics)
    return page, watch, cdp


async def _worker(
    page: Page,
    watch: _Watch,
    cdp: Any,
    job: DeckJob,
    queue: asyncio.Queue[tuple[int, int]],
    deliver: Callable[[Capture], None],
    timeout: float,
) -> None:
    from playwright.async_api import Error as PlaywrightError

    while not queue.empty():
        h, v = queue.get_nowait()

        def left(h: int = h, v: int = v) -> DeckError:
            return DeckError(
                f"slide #/{h}/{v} of {job.slug} navigated the page away from the deck (to {watch.left})",
                hint="a script or link on that slide changes the page's location; remove it from the slide",
            )

        try:
            state = await asyncio.wait_for(page.evaluate(_SHOW, [h, v, job.fragments]), timeout)
            if watch.crashed:
                raise DeckError(f"the browser crashed while capturing {job.slug} #/{h}/{v}", hint="run again")
            if state == "missing":
                raise DeckError(f"{job.slug} has no slide #/{h}/{v}", hint="see the deck's slide numbers in its URL")
            # Chromium's own capture call: Playwright's page.screenshot adds waits we have already done
            # (fonts, a new frame) and costs about 15% more a slide.  Bounded too: a capture sent while
            # the page navigates away can go unanswered for ever (a CI run hung there).
            params = {"format": "png", "captureBeyondViewport": False, "optimizeForSpeed": job.fast_png}
            shot = await asyncio.wait_for(cdp.send("Page.captureScreenshot", params), timeout)
        except TimeoutError:
            if watch.left or _off_deck(page.url, job.url):
                watch.left = watch.left or page.url
                raise left() from None
            stage = await _stage(page)
            raise DeckError(
                f"slide #/{h}/{v} of {job.slug} did not finish rendering in {timeout:g} s "
                f"(waiting for {stage}){watch.waiting_for()}",
                hint="check the slide's images and fonts, or raise --timeout",
            ) from None
        except PlaywrightError:
            if watch.left or _off_deck(page.url, job.url):
                watch.left = watch.left or page.url
                raise left() from None
            raise
        if watch.left or _off_deck(page.url, job.url):
            watch.left = watch.left or page.url
            raise left()
        png = base64.b64decode(shot["data"])
        size = (round(job.width * job.scale), round(job.height * job.scale))
        capture = Capture(job.slug, h, v, png, size, watch.problems[:])
        watch.problems.clear()
        deliver(capture)


def _off_deck(url: str, deck_url: str) -> bool:
    return url.split("#")[0] != deck_url.split("#")[0]


async def _stage(page: Page) -> str:
    try:
        return str(await asyncio.wait_for(page.evaluate("window.__deckbuildStage || 'reveal.js'"), 2))
    except Exception:  # the page itself is stuck: say what we know
        return "the page to respond"
