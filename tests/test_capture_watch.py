"""capture.py's bookkeeping without a browser: what a timeout says is pending, and when a page left the deck."""

from __future__ import annotations

from typing import Any

from deckbuild.browser.capture import _off_deck, _Watch


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
    assert watch.waiting_for() == "; still waiting for waiting.png"
    assert watch.problems == ["request failed: failed.png", "request failed: never-seen.png"]


def test_a_page_is_off_the_deck_only_when_more_than_its_hash_changed() -> None:
    deck = "file:///site/talk/index.html"
    assert not _off_deck(deck + "#/3/1", deck)
    assert not _off_deck(deck + "#/3", deck + "#/")
    assert _off_deck("file:///site/other/index.html#/3", deck)
    assert _off_deck("https://example.org/", deck + "#/2")
