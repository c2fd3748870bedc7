"""Math, diagrams and long outlines in a real Chromium: the DOM reveal.js shows, and the pixels captured."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PIL import Image

from deckbuild.browser.check import check_built
from deckbuild.browser.shots import ShotOptions, take_shots
from deckbuild.build import build

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser
DECKS = Path(__file__).parent / "decks"

MATH = """\
---
theme: league
---
## Energy $E = mc^2$

Plain text line for scale

$$\\frac{a + b}{2} \\geq \\sqrt{ab}$$
"""

MERMAID = """\
## Flow

```mermaid
graph LR
  A[Read the paper] --> B[Write the summary]
```
"""


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _ink_rows(png: bytes, box: dict[str, float], background: tuple[int, int, int]) -> int:
    """How many pixel rows inside ``box`` hold anything but the background."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    left, top = int(box["x"]), int(box["y"])
    right, bottom = int(box["x"] + box["width"]), int(box["y"] + box["height"])
    rows = 0
    for y in range(top, bottom):
        if any(
            max(abs(a - b) for a, b in zip(image.getpixel((x, y)), background, strict=True)) > 60
            for x in range(left, right)
        ):
            rows += 1
    return rows


def test_math_is_typeset_by_katex_offline_and_not_upper_cased(browser: Browser, tmp_path: Path) -> None:
    built = build([_write(tmp_path / "decks", "maths.md", MATH)], tmp_path / "site")
    shared = tmp_path / "site" / "deckbuild-assets"
    assert (shared / "katex" / "katex.min.css").is_file() and list((shared / "katex" / "fonts").glob("*.woff2"))
    assert not (shared / "mermaid").exists()
    page = browser.new_page(viewport={"width": 960, "height": 700})
    requests: list[str] = []
    page.on("request", lambda req: requests.append(req.url))
    page.goto((built[0].folder / "index.html").as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    page.evaluate("document.fonts.ready")
    section = page.locator(".reveal .slides section").first
    assert section.locator(".katex").count() == 2
    assert "$" not in section.evaluate("s => s.innerText")
    heading = page.evaluate(
        """() => { const h = document.querySelector('h2'), k = h.querySelector('.katex');
                   return [getComputedStyle(h).textTransform, getComputedStyle(k).textTransform,
                           k.querySelector('.katex-html').innerText.trim()]; }"""
    )
    assert heading[0] == "uppercase" and heading[1] == "none"
    assert "m" in heading[2] and "M" not in heading[2]
    assert page.evaluate("document.fonts.check('20px KaTeX_Main') && document.fonts.check('20px KaTeX_Math')")
    assert all(url.startswith("file://") for url in requests)
    assert any("KaTeX_Main" in url for url in requests)
    # Pixels: the typeset fraction stands over a square root, much taller than a line of text.
    png = page.screenshot()
    background = Image.open(io.BytesIO(png)).convert("RGB").getpixel((2, 2))
    text_rows = _ink_rows(png, section.locator("p").first.bounding_box() or {}, background)
    math_rows = _ink_rows(png, section.locator(".katex-display").bounding_box() or {}, background)
    assert text_rows > 10 and math_rows > 2 * text_rows
    page.close()


def test_a_formula_katex_cannot_read_is_a_warning_at_its_line(tmp_path: Path) -> None:
    deck = _write(tmp_path, "bad.md", "## One\n\nfine $x$\n\nbroken $\\frac{1}{$ here\n")
    built = build([deck], tmp_path / "site")
    assert [(w.line, w.message.split(":")[0]) for w in built[0].deck.warnings] == [
        (5, "math '\\frac{1}{' cannot be typeset")
    ]


def test_mermaid_is_drawn_before_the_capture(tmp_path: Path) -> None:
    deck = _write(tmp_path / "decks", "flow.md", MERMAID)
    report = take_shots([deck], ShotOptions(site=tmp_path / "site", out=tmp_path / "shots"))
    assert (tmp_path / "site" / "deckbuild-assets" / "mermaid" / "mermaid.min.js").is_file()
    assert not (tmp_path / "site" / "deckbuild-assets" / "katex").exists()
    assert len(report.written) == 1 and not report.warnings
    image = Image.open(report.written[0]).convert("RGB")
    background = image.getpixel((2, 2))
    # A box's edge is a long straight run of one colour; the diagram's source as text has none.
    longest = 0
    for y in range(image.height // 3, image.height):
        run = 0
        for x in range(image.width):
            pixel = image.getpixel((x, y))
            if max(abs(a - b) for a, b in zip(pixel, background, strict=True)) > 40:
                run += 1
                longest = max(longest, run)
            else:
                run = 0
    assert longest > 100


def test_mermaid_svg_in_the_dom_and_no_request_leaves(browser: Browser, tmp_path: Path) -> None:
    built = build([_write(tmp_path / "decks", "flow.md", MERMAID)], tmp_path / "site")
    page = browser.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda req: requests.append(req.url))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto((built[0].folder / "index.html").as_uri())
    page.wait_for_function("window.deckbuildReady && Reveal.isReady()")
    page.evaluate("window.deckbuildReady")
    assert page.locator("pre.mermaid svg").count() == 1
    assert page.locator("pre.mermaid svg .node").count() == 2
    assert "Write the summary" in (page.locator("pre.mermaid svg").text_content() or "")
    assert all(url.startswith("file://") for url in requests) and not errors
    page.close()


def test_talk_outline_slides_all_fit_the_page(tmp_path: Path) -> None:
    deck = tmp_path / "talk.md"
    shutil.copyfile(DECKS / "talk.md", deck)
    built = build([deck], tmp_path / "site")
    assert built[0].deck.slide_count == 10
    problems = check_built(built)
    assert [p for p in problems if p.kind in ("overflow", "clipped")] == []


def test_the_same_outline_on_one_slide_overflows(tmp_path: Path) -> None:
    """The control for the test above: without the split, Chromium measures the slide taller than the page."""
    deck = tmp_path / "talk.md"
    text = (DECKS / "talk.md").read_text(encoding="utf-8")
    # A fenced div around the list is a block deckbuild does not look into, so the list stays whole.
    deck.write_text(text.replace("## Outline\n", "## Outline\n\n::: {.whole}") + ":::\n", encoding="utf-8")
    built = build([deck], tmp_path / "site")
    assert any("will overflow" in w.message for w in built[0].deck.warnings)
    problems = check_built(built)
    assert [p.line for p in problems if p.kind == "overflow"] == [8]


LATE = """\
<script>
// Resolves a second after load and only then paints a red square: what deckbuildReady promises.
window.deckbuildReady = new Promise(resolve => setTimeout(() => {
  const box = document.createElement('div');
  box.style.cssText = 'position: fixed; left: 0; top: 0; width: 120px; height: 120px; background: #ff0000; z-index: 99';
  document.body.appendChild(box);
  resolve();
}, 1000));
</script>
"""


def test_shots_wait_for_what_the_page_draws_late(tmp_path: Path) -> None:
    templates = tmp_path / "themes" / "late" / "templates"
    templates.mkdir(parents=True)
    (tmp_path / "themes" / "late" / "theme.css").write_text("", encoding="utf-8")
    (templates / "overlay.html.j2").write_text(LATE, encoding="utf-8")
    deck = _write(tmp_path / "decks", "late.md", "---\ntheme: late\n---\n## Late\n")
    report = take_shots([deck], ShotOptions(site=tmp_path / "site", out=tmp_path / "shots"))
    assert Image.open(report.written[0]).convert("RGB").getpixel((60, 60)) == (255, 0, 0)
