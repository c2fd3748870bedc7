"""Every script and emoji in a screenshot: real glyphs, and tofu found, named and failed on under --strict."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from deckbuild.browser.check import check_built
from deckbuild.browser.shots import ShotOptions, take_shots
from deckbuild.build import build
from deckbuild.cli import main

pytestmark = pytest.mark.browser

SCRIPTS = """\
## 你好，世界

- 中文：学而时习之
- 日本語：ひらがなとカタカナ
- 한국어: 안녕하세요
- العربية: مرحبا بالعالم
- עברית: שלום עולם
- हिन्दी: नमस्ते दुनिया

---

## 🎉🚀
"""


def _fonts_installed() -> bool:
    return any(Path(d).is_dir() for d in ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto"))


@pytest.mark.skipif(not _fonts_installed(), reason="needs the Noto fonts that `make setup` installs")
def test_every_script_and_emoji_has_real_glyphs(tmp_path: Path) -> None:
    deck = tmp_path / "decks" / "scripts.md"
    deck.parent.mkdir()
    deck.write_text(SCRIPTS, encoding="utf-8")
    assert [p for p in check_built(build([deck], tmp_path / "site")) if p.kind in ("glyph", "font")] == []
    report = take_shots([deck], ShotOptions(site=tmp_path / "site", out=tmp_path / "shots"))
    assert len(report.written) == 2 and report.warnings == []
    emoji = Image.open(sorted(report.written)[0]).convert("RGB")
    # Colour emoji: the party popper and the rocket are drawn in colour, not as outlined boxes.
    data = emoji.tobytes()
    pixels = (data[i : i + 3] for i in range(0, len(data), 3))
    colourful = sum(1 for pixel in pixels if max(pixel) - min(pixel) > 80)
    assert colourful > 500


def test_tofu_warns_with_slide_and_line_and_fails_under_strict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deck = tmp_path / "decks" / "tofu.md"
    deck.parent.mkdir()
    # U+0378 is unassigned: no font has a glyph for it, so it is drawn as the .notdef box.
    deck.write_text("## Fine\n\ntext\n\n---\n\n## Tofu\n\nhere \u0378 it is\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(main, ["shots", "decks/tofu.md", "-o", "shots"])
    assert result.exit_code == 0
    assert "decks/tofu.md:7: slide 1/0: no glyph for U+0378 in any font" in result.stderr
    strict = runner.invoke(main, ["shots", "decks/tofu.md", "-o", "shots", "--strict", "--force"])
    assert strict.exit_code == 1
    assert "decks/tofu.md:7: slide 1/0: no glyph for U+0378" in strict.stderr
