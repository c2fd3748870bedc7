"""`deckbuild pdf` in a real Chromium: pages, sizes, text, fonts, fragments, notes, determinism, reruns."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from deckbuild.browser.pdf import MANIFEST, PdfOptions, make_pdfs
from deckbuild.cli import main

pytestmark = pytest.mark.browser

DECK = """---
title: Printed talk
author: Ada Lovelace
date: 2024-05-06
theme: black
width: 1280
height: 720
---

# Printed talk

---

# Steps

::: incremental
- first step
- second step
- third step
:::

Note: remember the secret words

---

# Stack top

----

# Stack below

[reveal.js](https://revealjs.com)
"""


def _deck(tmp_path: Path, text: str = DECK) -> Path:
    path = tmp_path / "talk.md"
    path.write_text(text, encoding="utf-8")
    return path


def _options(tmp_path: Path, **kw: Any) -> PdfOptions:
    values: dict[str, Any] = {"out": tmp_path / "pdf", "site": tmp_path / "site", **kw}
    return PdfOptions(**values)


def _read(path: Path) -> PdfReader:
    return PdfReader(io.BytesIO(path.read_bytes()))


def _fonts(reader: PdfReader) -> dict[str, bool]:
    """Base font name -> whether its program is embedded, over every page."""
    found: dict[str, bool] = {}
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descriptor = (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font).get(
                "/FontDescriptor"
            )
            descriptor = descriptor.get_object() if descriptor is not None else {}
            found[str(font["/BaseFont"])] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return found


def test_a_page_per_slide_at_slide_size_with_text_fonts_links_and_metadata(tmp_path: Path) -> None:
    deck = _deck(tmp_path)
    report = make_pdfs([deck], _options(tmp_path))
    assert report.written == [tmp_path / "pdf" / "talk.pdf"]
    reader = _read(tmp_path / "pdf" / "talk.pdf")
    assert len(reader.pages) == 4  # the title, Steps, and a stack of two (vertical slides included)
    for page in reader.pages:  # 1280x720 CSS px = 960x540 pt
        assert abs(float(page.mediabox.width) - 960) < 1 and abs(float(page.mediabox.height) - 540) < 1
    assert "PRINTED TALK" in reader.pages[0].extract_text().upper()
    steps = reader.pages[1].extract_text()
    assert "third step" in steps  # fragments are shown
    assert "secret words" not in steps  # no notes unless asked
    fonts = _fonts(reader)
    assert fonts and all(fonts.values()), fonts
    assert any("SourceSansPro" in name for name in fonts), fonts  # the theme's own font, not a fallback
    links = [annot.get_object()["/A"]["/URI"] for page in reader.pages for annot in page.get("/Annots", []) or []]
    assert "https://revealjs.com/" in links or "https://revealjs.com" in links
    info = reader.metadata
    assert info is not None
    assert (info.title, info.author) == ("Printed talk", "Ada Lovelace")
    assert info["/CreationDate"] == info["/ModDate"] == "D:20240506000000Z"


def test_fragments_separate_and_notes(tmp_path: Path) -> None:
    deck = _deck(tmp_path)
    base = len(_read(make_pdfs([deck], _options(tmp_path)).written[0]).pages)
    separate = make_pdfs([deck], _options(tmp_path, out=tmp_path / "separate", fragments="separate")).written[0]
    # one more page for each of the three fragment steps on the Steps slide: none shown, then 1, 2, 3
    pages = _read(separate).pages
    assert len(pages) == base + 3
    assert "first step" not in pages[1].extract_text() and "first step" in pages[2].extract_text()
    assert "third step" not in pages[3].extract_text() and "third step" in pages[4].extract_text()
    inline = _read(make_pdfs([deck], _options(tmp_path, out=tmp_path / "inline", notes="inline")).written[0])
    assert len(inline.pages) == base and "remember the secret words" in inline.pages[1].extract_text()
    own_page = _read(make_pdfs([deck], _options(tmp_path, out=tmp_path / "page", notes="page")).written[0])
    assert len(own_page.pages) == base + 1
    assert "secret words" not in own_page.pages[1].extract_text()
    assert "remember the secret words" in own_page.pages[2].extract_text()


def test_reruns_are_identical_and_start_no_browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deck = _deck(tmp_path)
    target = tmp_path / "pdf" / "talk.pdf"
    make_pdfs([deck], _options(tmp_path))
    first = (target.read_bytes(), target.stat().st_mtime_ns)
    forced = make_pdfs([deck], _options(tmp_path, force=True))
    assert forced.written == [] and target.read_bytes() == first[0]  # printed again, same bytes

    def no_browser(*args: object, **kwargs: object) -> None:
        raise AssertionError("a browser was started for a run with nothing to do")

    monkeypatch.setattr("deckbuild.browser.pdf.open_browser_async", no_browser)
    again = make_pdfs([deck], _options(tmp_path))
    assert again.written == [] and again.unchanged == [target]
    assert (target.read_bytes(), target.stat().st_mtime_ns) == first
    assert (tmp_path / "pdf" / MANIFEST).is_file()


def test_check_reports_missing_and_stale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    deck = _deck(tmp_path)
    runner = CliRunner()
    args = ["pdf", "talk.md", "-o", "out", "--site", "site"]
    missing = runner.invoke(main, [*args, "--check"])
    assert (missing.exit_code, missing.stdout.splitlines()[0]) == (1, "missing: out/talk.pdf")
    assert not (tmp_path / "out").exists()  # --check writes nothing
    assert runner.invoke(main, args).exit_code == 0
    ok = runner.invoke(main, [*args, "--check"])
    assert (ok.exit_code, ok.stdout.strip()) == (0, "up to date: 1 PDFs")
    deck.write_text(DECK.replace("second step", "2nd step"), encoding="utf-8")
    stale = runner.invoke(main, [*args, "--check"])
    assert (stale.exit_code, stale.stdout.splitlines()[0]) == (1, "stale: out/talk.pdf")
    notes = runner.invoke(main, ["pdf", "talk.md", "--site", "site", "--notes", "page", "-o", "notes"])
    assert notes.exit_code == 0, notes.output
    assert len(_read(tmp_path / "notes" / "talk.pdf").pages) == 5
