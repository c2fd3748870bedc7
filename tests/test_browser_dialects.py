"""A pandoc/Quarto deck in Chromium: backgrounds, fragments, columns and stretched images as reveal.js shows them."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from PIL import Image

from deckbuild.build import build

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

DECK = """---
title: Dialects
format:
  revealjs:
    slide-number: true
    transition: none
    background-transition: none
title-slide-attributes:
  data-background-color: "#204080"
---

## Background {background-color="#336633"}

Text

## Fragments

Go [one]{.fragment} and [two]{.fragment .fade-up}.

. . .

Paused

> - a
> - b

- c {.fragment}

## Columns

:::: {.columns}
::: {.column width="40%"}
Left
:::
::: {.column width="60%"}
Right
:::
::::

## Stretch

![dot](dot.png){.r-stretch}
"""


def _png(width: int, height: int) -> bytes:
    """A solid grey PNG, written here so the test needs no image file."""
    rows = b"".join(b"\0" + b"\x80\x80\x80" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def page(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("dialects")
    (folder / "talk.qmd").write_text(DECK, encoding="utf-8")
    (folder / "dot.png").write_bytes(_png(20, 10))
    built = build([folder / "talk.qmd"], folder / "site")
    page = browser.new_page(viewport={"width": 960, "height": 700})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto((built[0].folder / "index.html").as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    yield page
    assert errors == []
    page.close()


def _background(page: Any, h: int) -> tuple[str, tuple[int, ...]]:
    """What reveal.js made the slide's background, and the colour of a pixel in the page's corner."""
    page.evaluate(f"Reveal.slide({h}, 0)")
    colour = page.evaluate("getComputedStyle(Reveal.getSlideBackground(Reveal.getCurrentSlide())).backgroundColor")
    shot = Image.open(io.BytesIO(page.screenshot(clip={"x": 4, "y": 4, "width": 1, "height": 1})))
    return colour, tuple(shot.convert("RGB").getpixel((0, 0)))


def test_slides_and_options(page: Any) -> None:
    assert page.evaluate("Reveal.getTotalSlides()") == 5
    assert page.evaluate("Reveal.getConfig().slideNumber") is True
    assert page.evaluate("[Reveal.getConfig().transition, Reveal.getConfig().backgroundTransition]") == ["none", "none"]


def test_backgrounds_from_heading_and_title_slide_attributes(page: Any) -> None:
    assert _background(page, 0) == ("rgb(32, 64, 128)", (32, 64, 128))
    assert _background(page, 1) == ("rgb(51, 102, 51)", (51, 102, 51))
    assert page.evaluate("Reveal.getSlide(1).querySelector('h2').textContent") == "Background"


def test_fragments_step_as_written(page: Any) -> None:
    page.evaluate("Reveal.slide(2, 0, -1)")
    # two spans, one pause, two block-quoted items, one item marked with {.fragment}
    assert page.evaluate("Reveal.availableFragments()") == {"prev": False, "next": True}
    total = page.evaluate("Reveal.getCurrentSlide().querySelectorAll('.fragment').length")
    assert total == 6
    steps = 0
    while page.evaluate("Reveal.availableFragments().next"):
        page.evaluate("Reveal.nextFragment()")
        steps += 1
    assert steps == 6
    assert page.evaluate("Reveal.getCurrentSlide().querySelectorAll('.fragment.visible').length") == 6


def test_columns_side_by_side(page: Any) -> None:
    page.evaluate("Reveal.slide(3, 0)")
    boxes = page.evaluate(
        "[...Reveal.getCurrentSlide().querySelectorAll('.column')].map(c => {"
        " const r = c.getBoundingClientRect(); return [r.left, r.top, r.width]; })"
    )
    (left_x, left_y, left_w), (right_x, right_y, right_w) = boxes
    assert left_y == pytest.approx(right_y, abs=1)  # one row
    assert right_x >= left_x + left_w  # right of the first, not below it
    assert right_w / left_w == pytest.approx(1.5, rel=0.1)  # 60% against 40%


def test_stretched_image_fills_the_slide(page: Any) -> None:
    page.evaluate("Reveal.slide(4, 0)")
    height = page.evaluate("Reveal.getCurrentSlide().querySelector('img.r-stretch').getBoundingClientRect().height")
    assert height > 300  # the 10-pixel image takes the height left under the heading
