"""What ``shots`` does to go faster must not change a byte of what it writes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import deckbuild.browser.capture
from deckbuild.browser.capture import DeckJob
from deckbuild.browser.images import decode_capture, encode_png
from deckbuild.browser.shots import ShotOptions, take_shots

pytestmark = pytest.mark.browser
CAPTURE_DECKS = deckbuild.browser.capture.capture_decks

DECK = """---
title: Fast
theme: white
---
# Text, edges and colour
Antialiased *text* on white, with `code`.
---
<!-- .slide: data-background-color="#204a87" -->
# A background
- one
- two
"""


def _shots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, out: str, sizes: tuple[str, ...]) -> list[DeckJob]:
    """Run shots with these sizes into ``out``; the capture jobs it asked the browser for."""
    jobs: list[DeckJob] = []

    def spy(make: Callable[[], list[DeckJob]], *args: Any, **kwargs: Any) -> None:
        def made() -> list[DeckJob]:
            jobs.extend(make())
            return jobs

        CAPTURE_DECKS(made, *args, **kwargs)

    monkeypatch.setattr(deckbuild.browser.capture, "capture_decks", spy)
    take_shots([tmp_path / "talk.md"], ShotOptions(out=tmp_path / out, site=tmp_path / "site", sizes=sizes))
    return jobs


def test_a_deck_whose_images_are_all_resized_gets_a_fast_png_and_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "talk.md").write_text(DECK, encoding="utf-8")
    resized_only = _shots(tmp_path, monkeypatch, "fast", ("480x350", "1200x630"))
    with_native = _shots(tmp_path, monkeypatch, "plain", ("960x700", "480x350", "1200x630"))
    # Chromium's PNG is decoded whenever every image is resized: then it may encode it for speed.
    assert [job.fast_png for job in resized_only] == [True]
    # One image is the capture itself, written as Chromium encoded it: that one must be small.
    assert [job.fast_png for job in with_native] == [False]
    # ... as Chromium's small PNG, not its fast one (about 1.6 times larger): no bigger than Pillow's own.
    native = (tmp_path / "plain" / "talk_960x700.png").read_bytes()
    assert len(native) <= 1.2 * len(encode_png(decode_capture(native)))
    for name in ("talk_480x350.png", "talk_1_480x350.png", "talk_1200x630.png", "talk_1_1200x630.png"):
        assert (tmp_path / "fast" / name).read_bytes() == (tmp_path / "plain" / name).read_bytes(), name


OTHER = """---
title: Other
theme: black
---
# Another deck
---
# Its second slide
- with a list
"""


def test_decks_of_one_size_share_a_page_and_get_the_bytes_each_gets_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "talk.md").write_text(DECK, encoding="utf-8")
    (tmp_path / "other.md").write_text(OTHER, encoding="utf-8")
    (tmp_path / "wide.md").write_text(DECK.replace("theme: white", "theme: white\nwidth: 1280\nheight: 720"), "utf-8")
    opened: list[str] = []
    open_page = deckbuild.browser.capture._open_page

    async def counted(context: Any, job: DeckJob, timeout: float) -> Any:
        opened.append(job.slug)
        return await open_page(context, job, timeout)

    monkeypatch.setattr(deckbuild.browser.capture, "_open_page", counted)
    decks = [tmp_path / name for name in ("other.md", "talk.md", "wide.md")]
    together = take_shots(decks, ShotOptions(out=tmp_path / "together", site=tmp_path / "site", sizes=()))
    # talk.md took other.md's page (same slide size); wide.md, another size, needed its own.
    assert opened == ["other", "wide"]
    assert not together.warnings
    for deck in decks:
        take_shots([deck], ShotOptions(out=tmp_path / "alone", site=tmp_path / "site-alone"))
    alone = {path.name: path.read_bytes() for path in (tmp_path / "alone").glob("*.png")}
    assert len(alone) == 6
    for name, data in alone.items():
        assert (tmp_path / "together" / name).read_bytes() == data, name
