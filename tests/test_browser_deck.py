"""The built seed deck in a real Chromium: what reveal.js reports, and nothing fetched from anywhere."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from deckbuild.build import build

from .conftest import SEED

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser


def _open(browser: Browser, url: str) -> tuple[Any, list[str], list[str]]:
    """Open ``url``; collect console errors and any request that failed or left file://."""
    page = browser.new_page()
    errors: list[str] = []
    bad_requests: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("requestfailed", lambda req: bad_requests.append(f"failed {req.url}"))
    page.on(
        "request",
        lambda req: bad_requests.append(f"left file:// {req.url}") if not req.url.startswith("file://") else None,
    )
    page.on("response", lambda res: bad_requests.append(f"{res.status} {res.url}") if res.status >= 400 else None)
    page.goto(url)
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    return page, errors, bad_requests


def test_seed_deck_structure_in_reveal(browser: Browser, tmp_path: Path) -> None:
    built = build([SEED], tmp_path / "site")
    page, errors, bad = _open(browser, (built[0].folder / "index.html").as_uri())
    assert page.evaluate("Reveal.getTotalSlides()") == 8
    slides = page.evaluate(
        """Reveal.getSlides().map(s => {
             const i = Reveal.getIndices(s);
             const h = s.querySelector('h1, h2');
             return [i.h, i.v || 0, h ? h.textContent.trim() : ''];
           })"""
    )
    assert slides == [
        [0, 0, "Building, growing and sustaining ML communities"],
        [1, 0, "What Libraries & Frameworks can do to widen their appeal"],
        [2, 0, "Importance of in-person communities"],
        [3, 0, "How projects can facilitate community up-take"],
        [4, 0, "Lessons learned from a successful community"],
        [4, 1, "Holding events"],
        [4, 2, "Audience Mix"],
        [4, 3, "Speakers"],
    ]
    bullets = page.evaluate("[...Reveal.getSlide(1).querySelectorAll('li')].map(li => li.textContent)")
    assert bullets == ["Differentiation", "Example", "Ecosystem"]
    assert errors == []
    assert bad == []
    page.close()


def test_deck_opens_at_a_hash_under_any_path(browser: Browser, tmp_path: Path) -> None:
    """Relative links only: the site moved to a deeper folder still works, and #/4/2 opens that slide."""
    built = build([SEED], tmp_path / "a" / "b" / "site")
    moved = tmp_path / "elsewhere" / "deep"
    moved.parent.mkdir()
    (tmp_path / "a" / "b" / "site").rename(moved)
    page, errors, bad = _open(browser, (moved / built[0].deck.slug / "index.html").as_uri() + "#/4/2")
    assert page.evaluate("[Reveal.getIndices().h, Reveal.getIndices().v]") == [4, 2]
    assert page.evaluate("Reveal.getCurrentSlide().querySelector('h2').textContent") == "Audience Mix"
    theme_bg = page.evaluate("getComputedStyle(document.querySelector('.reveal-viewport')).backgroundColor")
    assert theme_bg == "rgb(25, 25, 25)"  # black theme's background: its CSS loaded
    assert errors == [] and bad == []
    page.close()


def test_every_feature_renders_without_errors(browser: Browser, tmp_path: Path) -> None:
    deck = tmp_path / "features.md"
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "dot.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    )
    deck.write_text(
        "---\ntitle: Features\ntheme: white\nhighlight: github\ntitle_slide: true\n---\n"
        "# Code\n\n```python\ndef f(x):\n    return x\n```\n\nNote: say hello\n\n"
        "# Steps\n\n::: incremental\n- one\n- two\n:::\n\n![dot](img/dot.svg)\n"
        '<!-- .slide: data-background-color="#123456" -->\n\n## Table\n\n| a | b |\n|---|---|\n| 1 | 2 |\n',
        encoding="utf-8",
    )
    built = build([deck], tmp_path / "site")
    page, errors, bad = _open(browser, (built[0].folder / "index.html").as_uri())
    assert page.evaluate("Reveal.getTotalSlides()") == 4
    # highlight.js ran over the code block
    assert page.evaluate("document.querySelectorAll('pre code.hljs span').length") > 0
    assert page.evaluate("document.querySelector('aside.notes').textContent.trim()") == "say hello"
    assert page.evaluate("Reveal.getSlide(2, 0).querySelectorAll('li.fragment').length") == 2
    assert page.evaluate("Reveal.getSlide(2, 0).dataset.backgroundColor") == "#123456"
    assert page.evaluate("document.querySelector('img').naturalWidth") == 10
    assert errors == [] and bad == []
    page.close()


def test_an_unchanged_build_rewrites_nothing(tmp_path: Path) -> None:
    build([SEED], tmp_path / "site")
    files = {p: p.stat().st_mtime_ns for p in (tmp_path / "site").rglob("*") if p.is_file()}
    [again] = build([SEED], tmp_path / "site")
    assert not again.changed
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "site").rglob("*") if p.is_file()} == files
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == ["2018-12-08_NeurIPS_MLOSS", "deckbuild-assets"]
