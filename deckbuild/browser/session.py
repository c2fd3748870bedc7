"""The only importer of Playwright: find a Chromium and launch it once per run."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import DeckError

if TYPE_CHECKING:
    from playwright.async_api import Browser as AsyncBrowser
    from playwright.async_api import Playwright as AsyncPlaywright
    from playwright.sync_api import Browser, Playwright

T = TypeVar("T")
_CLOSE_TIMEOUT = 15.0  # seconds for the browser to close before the Playwright driver is stopped, killing it

# Flags for a quiet, reproducible headless Chromium: no traffic of its own to the network.
FLAGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
    "--font-render-hinting=none",
    "--hide-scrollbars",
)
# Real binaries first: Debian's /usr/bin/chromium is a wrapper script that adds flags of its own.
_SYSTEM = (
    "/usr/lib/chromium/chromium",
    "/usr/lib/chromium-browser/chromium-browser",
    "chromium",
    "chromium-browser",
    "google-chrome-stable",
    "google-chrome",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
)
INSTALL_HINT = (
    "install one with 'python -m playwright install chromium', or on Debian/Ubuntu 'sudo apt-get install "
    "chromium', or name one with --browser-path or the DECKBUILD_BROWSER variable"
)


def find_browser(explicit: Path | None = None, playwright: Playwright | AsyncPlaywright | None = None) -> Path:
    """The Chromium executable to drive: the one named, Playwright's own, or the system's."""
    named = explicit or (Path(os.environ["DECKBUILD_BROWSER"]) if os.environ.get("DECKBUILD_BROWSER") else None)
    if named is not None:
        if not named.is_file():
            raise DeckError(f"no browser at {named}", hint=INSTALL_HINT)
        return named
    if playwright is None:
        from playwright.sync_api import sync_playwright

        def look_up() -> Path:
            with sync_playwright() as started:
                return find_browser(None, started)

        # On a thread of its own: Playwright's sync API refuses to start inside a running event loop.
        with ThreadPoolExecutor(max_workers=1) as thread:
            return thread.submit(look_up).result()
    own = Path(playwright.chromium.executable_path)
    if own.is_file():
        return own
    for candidate in _SYSTEM:
        found = shutil.which(candidate) if "/" not in candidate else (candidate if Path(candidate).is_file() else None)
        if found:
            return Path(found)
    raise DeckError("no Chromium found", hint=INSTALL_HINT)


def launch_args() -> list[str]:
    """Chromium's command-line flags for this machine."""
    args = list(FLAGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to start as root with its sandbox on
    return args


def _launch_error(exc: Exception, executable: Path) -> DeckError:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else "unknown error"
    return DeckError(f"the browser would not start: {first}", path=executable, hint=INSTALL_HINT)


@contextmanager
def open_browser(explicit: Path | None = None) -> Iterator[Browser]:
    """Find and launch a Chromium headless, and close it whatever happens."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        executable = find_browser(explicit, playwright)
        try:
            browser = playwright.chromium.launch(executable_path=str(executable), args=launch_args(), headless=True)
        except PlaywrightError as exc:
            raise _launch_error(exc, executable) from None
        try:
            yield browser
        finally:
            with suppress(PlaywrightError):
                browser.close()


@asynccontextmanager
async def open_browser_async(explicit: Path | None = None, timeout: float = 30.0) -> AsyncIterator[AsyncBrowser]:
    """The asyncio twin of :func:`open_browser`, for driving several pages at once."""
    async with open_browser_while(explicit, timeout, lambda: None) as (browser, _):
        yield browser


@asynccontextmanager
async def open_browser_while(
    explicit: Path | None, timeout: float, meanwhile: Callable[[], T]
) -> AsyncIterator[tuple[AsyncBrowser, T]]:
    """Find a Chromium, then launch it while ``meanwhile()`` runs on a thread (e.g. building the site).

    No browser found: ``meanwhile`` never runs, so a run that cannot capture writes nothing.
    """
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        executable = find_browser(explicit, playwright)
        launch = asyncio.ensure_future(
            playwright.chromium.launch(
                executable_path=str(executable), args=launch_args(), headless=True, timeout=timeout * 1000
            )
        )
        try:
            result = await asyncio.get_running_loop().run_in_executor(None, meanwhile)
        except BaseException:
            with suppress(BaseException):
                await (await launch).close()
            raise
        try:
            browser = await launch
        except PlaywrightError as exc:
            raise _launch_error(exc, executable) from None
        try:
            yield browser, result
        finally:
            # Bounded: when close does not answer, leaving ``async_playwright`` stops the driver,
            # which kills the browser it started.
            with suppress(PlaywrightError, TimeoutError):
                await asyncio.wait_for(browser.close(), _CLOSE_TIMEOUT)


def run_sync(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run the coroutine ``make()`` to its end from synchronous code, and return its result.

    Called from inside a running event loop (a notebook, or Playwright's sync API in use), it runs
    on a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # the usual case: no event loop in this thread
        return asyncio.run(make())
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(lambda: asyncio.run(make())).result()
