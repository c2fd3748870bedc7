"""``serve --shots``: keep a deck's slide images up to date while it is being written.

One Chromium stays open for the whole ``serve`` session.  After a deck is rebuilt, ``shots`` runs
for it as ``deckbuild shots DECK`` would (same images, names, manifest and staleness rules), with
this warm browser standing in for the one a ``shots`` run launches: only the images whose slide
changed are captured again.  Runs happen one at a time on a task of their own, so the preview
never waits for a capture; saves that arrive meanwhile are gathered into the next run.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse
from urllib.request import url2pathname

from ..errors import DeckError
from ..settings import find_settings
from .capture import (
    _CLOSE_TIMEOUT,
    _START_TIMEOUT,
    Capture,
    DeckJob,
    Measured,
    _open_page,
    _Watch,
    capture_in,
    new_context,
)
from .session import open_browser_async
from .shots import Report, ShotOptions, take_shots

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page

Say = Callable[[str], None]


class LiveShots:
    """The decks whose images are to be brought up to date, and the warm browser that captures them."""

    def __init__(self, site: Path, say: Say, warn: Say, browser_path: Path | None = None) -> None:
        self.site = site  # a private folder for the pages captured (never the user's site/)
        self.say = say
        self.warn = warn
        self.browser_path = browser_path
        self.wanted: set[Path] = set()
        self._wake = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        self._stack = AsyncExitStack()
        self._browser: Browser | None = None
        self._warm = WarmPages()
        self._broken: str | None = None  # why no browser can be had: say it once, then stop trying

    def want(self, paths: Iterable[Path]) -> None:
        """Bring these decks' images up to date on the next run."""
        fresh = set(paths) - self.wanted
        if fresh and self._broken is None:
            self.wanted |= fresh
            self._wake.set()

    async def run(self) -> None:
        """Run ``shots`` for the wanted decks, one run at a time, until cancelled."""
        try:
            while True:
                await self._wake.wait()
                self._wake.clear()
                paths, self.wanted = sorted(self.wanted), set()
                if paths:
                    await self.once(paths)
        finally:
            await self.close()

    async def close(self) -> None:
        """Close the pages kept open and the browser."""
        await self._warm.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._stack.aclose(), _CLOSE_TIMEOUT)
        self._browser = None

    async def once(self, paths: list[Path]) -> None:
        """One ``shots`` run for these decks, in the warm browser; what it did is said, errors warned."""
        started = time.perf_counter()
        project = find_settings()
        options = ShotOptions(site=self.site, project=project, browser_path=self.browser_path, capture=self.capture)
        try:
            report: Report = await asyncio.to_thread(take_shots, paths, options)
        except DeckError as exc:
            self.warn(f"shots: {exc}")
            return
        for warning in report.warnings:
            self.warn(f"shots: warning: {warning}")
        took = (time.perf_counter() - started) * 1000
        for path in report.written:
            self.say(f"shot: {path} ({took:.0f} ms)")
        for path in report.removed:
            self.say(f"removed: {path}")

    def capture(
        self,
        make: Callable[[], list[DeckJob]],
        deliver: Callable[[Capture], None],
        *,
        pages: int = 1,
        browser_path: Path | None = None,
        timeout: float = 30.0,
        measured: Measured | None = None,
    ) -> None:
        """:func:`capture.capture_decks`' stand-in, called on ``take_shots``' thread: capture in the warm browser."""
        run = self._capture(make, deliver, pages, timeout, measured)
        asyncio.run_coroutine_threadsafe(run, self._loop).result()

    async def _capture(
        self,
        make: Callable[[], list[DeckJob]],
        deliver: Callable[[Capture], None],
        pages: int,
        timeout: float,
        measured: Measured | None,
    ) -> None:
        browser = await self._open(timeout)
        jobs = await asyncio.to_thread(make)  # writes the pages to capture into the private site
        try:
            await capture_in(browser, jobs, deliver, timeout=timeout, measured=measured, warm=self._warm)
        except DeckError:
            if not browser.is_connected():  # it crashed or was killed: start another next time
                self._browser = None
                self._warm = WarmPages()
            raise

    async def _open(self, timeout: float) -> Browser:
        if self._broken is not None:
            raise DeckError(self._broken)
        if self._browser is None or not self._browser.is_connected():
            try:
                opened = open_browser_async(self.browser_path, max(timeout, _START_TIMEOUT))
                self._browser = await self._stack.enter_async_context(opened)
            except DeckError as exc:
                self._broken = f"images will not be updated: {exc}"
                self.wanted.clear()
                raise DeckError(self._broken) from None
        return self._browser


# The new build's slides into a page that shows the same frame (as serve.js does for an open preview).
# reveal.js's highlight plugin prepares code blocks (highlighting, line-number steps as fragments) only
# when it starts: it is started again on the new slides, before reveal.js counts their fragments.
_SWAP = """(html) => {
  const next = new DOMParser().parseFromString(html, 'text/html').querySelector('.reveal > .slides');
  const here = document.querySelector('.reveal > .slides');
  if (!next || !here || !window.Reveal || !Reveal.isReady()) return false;
  here.innerHTML = next.innerHTML;
  const highlight = Reveal.hasPlugin('highlight') && Reveal.getPlugin('highlight');
  if (highlight) highlight.init(Reveal);
  Reveal.sync();
  Reveal.layout();  // sync() lays out before the current slide is shown again: centred slides sat too low
  return true;
}"""


@dataclass
class _Kept:
    context: Any
    opened: tuple[Page, _Watch, Any]
    job: DeckJob


class WarmPages:
    """A page per deck kept open between runs: the next run of a deck whose page around the slides
    did not change swaps the new slides in (about 0.1 s) instead of opening the deck again (0.5-1 s)."""

    def __init__(self) -> None:
        self._kept: dict[str, _Kept] = {}

    async def page(self, browser: Browser, job: DeckJob, timeout: float) -> tuple[Page, _Watch, Any]:
        """An open page showing ``job``'s deck as built now."""
        kept = self._kept.get(job.slug)
        if kept is not None and _same_frame(kept.job, job):
            html = Path(url2pathname(urlparse(job.url).path)).read_text(encoding="utf-8")
            if await asyncio.wait_for(kept.opened[0].evaluate(_SWAP, html), timeout):
                kept.job = job
                return kept.opened
        await self.drop(job.slug)
        context = await new_context(browser, job, timeout)
        try:
            opened = await _open_page(context, job, timeout)
        except BaseException:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(context.close(), _CLOSE_TIMEOUT)
            raise
        self._kept[job.slug] = _Kept(context, opened, job)
        return opened

    async def drop(self, slug: str) -> None:
        kept = self._kept.pop(slug, None)
        if kept is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(kept.context.close(), _CLOSE_TIMEOUT)

    async def close(self) -> None:
        for slug in list(self._kept):
            await self.drop(slug)


def _same_frame(before: DeckJob, after: DeckJob) -> bool:
    """Whether a page opened for ``before`` can show ``after`` by taking its slides alone."""
    same = (before.url, before.width, before.height, before.scale, before.fragments, before.frame)
    now = (after.url, after.width, after.height, after.scale, after.fragments, after.frame)
    return same == now and before.swappable and after.swappable and bool(after.frame)
