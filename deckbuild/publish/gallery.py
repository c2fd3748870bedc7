"""``deckbuild themes --gallery``: the same sample slides in every theme, side by side.

One sample deck per theme is built into a temporary site and captured in one browser; Pillow lays
the captures out as one image per theme and a contact sheet of them all.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from ..browser.capture import Capture, DeckJob, capture_decks
from ..browser.images import decode_capture, encode_png
from ..build import build
from ..compile.assets import Assets
from ..compile.render import reveal_config
from ..files import refuse_link, write_file
from ..outdir import check_output

SAMPLE = """---
title: Growing ML communities
subtitle: A theme sample
author: A. Speaker
event: deckbuild gallery
theme: {theme}
title_slide: true
---

# Widen the appeal

- Differentiation: say what **you** do best
- Examples that run, with `pip install` and go
  - Notebooks and *small* data sets
- An ecosystem around the core

```python
def welcome(name: str) -> str:
    return f"Hello, {{name}}!"
```
"""
TILE_WIDTH = 480
_LABEL = 36
_GAP = 12


def render_gallery(
    out: Path, names: list[str], assets: Assets, themes_dir: Path | None, browser_path: Path | None = None
) -> list[Path]:
    """Write ``out/<theme>.png`` for each theme and ``out/contact-sheet.png``; return the paths."""
    check_output(out, [themes_dir] if themes_dir is not None else [], flag="-o")
    targets = [out / f"{name}.png" for name in names] + [out / "contact-sheet.png"]
    for target in targets:
        refuse_link(target)  # before the browser starts: the writer would refuse it after
    with tempfile.TemporaryDirectory(prefix="deckbuild-gallery-") as tmp:
        root = Path(tmp)
        if themes_dir is not None:
            (root / "themes").symlink_to(themes_dir.resolve(), target_is_directory=True)
        decks = []
        for name in names:
            deck = root / f"{name}.md"
            deck.write_text(SAMPLE.format(theme=name), encoding="utf-8")
            decks.append(deck)
        built = build(decks, root / "site")
        captures: dict[str, dict[tuple[int, int], bytes]] = {}

        def keep(capture: Capture) -> None:
            captures.setdefault(capture.slug, {})[(capture.h, capture.v)] = capture.png

        jobs = []
        for result in built:
            config = reveal_config(result.deck, result.look)
            url = (result.folder / "index.html").resolve().as_uri()
            jobs.append(
                DeckJob(result.deck.slug, url, config["width"], config["height"], 1.0, "final", ((0, 0), (1, 0)))
            )
        capture_decks(jobs, keep, browser_path=browser_path)
    tiles = [_tile(name, [decode_capture(captures[name][index]) for index in ((0, 0), (1, 0))]) for name in names]
    for target, image in zip(targets, [*tiles, _sheet(tiles)], strict=True):
        write_file(target, encode_png(image))
    return targets


def _tile(name: str, slides: list[Image.Image]) -> Image.Image:
    """Two slides side by side under the theme's name."""
    scaled = [s.resize((TILE_WIDTH, round(s.height * TILE_WIDTH / s.width)), Image.Resampling.LANCZOS) for s in slides]
    height = max(s.height for s in scaled)
    tile = Image.new("RGB", (2 * TILE_WIDTH + _GAP, height + _LABEL), (245, 245, 245))
    for i, slide in enumerate(scaled):
        tile.paste(slide, (i * (TILE_WIDTH + _GAP), _LABEL))
    ImageDraw.Draw(tile).text((4, 6), name, fill=(20, 20, 20), font=ImageFont.load_default(size=22))
    return tile


def _sheet(tiles: list[Image.Image], columns: int = 2) -> Image.Image:
    width = max(t.width for t in tiles)
    height = max(t.height for t in tiles)
    rows = (len(tiles) + columns - 1) // columns
    sheet = Image.new("RGB", (columns * (width + _GAP) + _GAP, rows * (height + _GAP) + _GAP), (255, 255, 255))
    for i, tile in enumerate(tiles):
        sheet.paste(tile, (_GAP + (i % columns) * (width + _GAP), _GAP + (i // columns) * (height + _GAP)))
    return sheet
