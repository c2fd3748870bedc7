"""`deckbuild shots` in a real Chromium: names, sizes, pixels, determinism, incremental runs, --check."""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from deckbuild.browser.shots import MANIFEST, ShotOptions, take_shots
from deckbuild.cli import main
from deckbuild.errors import DeckError

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.browser

STACK_DECK = """---
title: Shots
theme: black
---
# One
<!-- .slide: data-background-color="#ff0000" -->
Red.

# Two

## Two, below
<!-- .slide: data-background-color="#0000ff" -->
Blue.
"""


def _deck(tmp_path: Path, text: str = STACK_DECK, name: str = "talk.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _options(tmp_path: Path, **kw: object) -> ShotOptions:
    values: dict[str, object] = {"out": tmp_path / "shots", "site": tmp_path / "site"}
    values.update(kw)
    return ShotOptions(**values)  # type: ignore[arg-type]


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def test_names_sizes_and_background_pixels(tmp_path: Path) -> None:
    deck = _deck(tmp_path)
    report = take_shots([deck], _options(tmp_path, sizes=("600x390", "960x700")))
    names = sorted(p.name for p in report.written)
    assert names == sorted(
        f"talk{index}_{size}.png" for index in ("", "_1", "_2", "_2-1") for size in ("600x390", "960x700")
    )
    for name in names:
        with Image.open(tmp_path / "shots" / name) as image:
            assert image.size == tuple(int(n) for n in re.search(r"(\d+)x(\d+)", name).groups())  # type: ignore[union-attr]
    with Image.open(tmp_path / "shots" / "talk_1_960x700.png") as red:
        assert red.convert("RGB").getpixel((5, 5)) == (255, 0, 0)
    with Image.open(tmp_path / "shots" / "talk_2-1_960x700.png") as blue:
        assert blue.convert("RGB").getpixel((5, 5)) == (0, 0, 255)
    # 600x390 is wider than 960x700: padded left and right with the slide's own background
    with Image.open(tmp_path / "shots" / "talk_1_600x390.png") as padded:
        assert padded.convert("RGB").getpixel((2, 195)) == (255, 0, 0)
    with Image.open(tmp_path / "shots" / "talk_960x700.png") as title:
        colours = title.convert("RGB").getcolors(maxcolors=1 << 16)
        assert colours is not None and len(colours) > 10  # the title's text was drawn, not a blank frame


def test_reruns_are_byte_identical_and_a_no_change_run_starts_no_browser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deck = _deck(tmp_path)
    take_shots([deck], _options(tmp_path))
    first = _snapshot(tmp_path / "shots")
    forced = take_shots([deck], _options(tmp_path, force=True))
    assert forced.written == []  # re-rendered, and every byte came out the same
    assert {k: v[0] for k, v in _snapshot(tmp_path / "shots").items()} == {k: v[0] for k, v in first.items()}

    def no_browser(*args: object, **kwargs: object) -> None:
        raise AssertionError("a browser was started for a run with nothing to do")

    monkeypatch.setattr("deckbuild.browser.capture.capture_decks", no_browser)
    again = take_shots([deck], _options(tmp_path))
    assert again.written == [] and again.removed == [] and len(again.unchanged) == 4
    assert _snapshot(tmp_path / "shots") == first  # bytes and mtimes


def test_editing_one_slide_renders_only_that_slide_and_removed_slides_lose_their_images(tmp_path: Path) -> None:
    deck = _deck(tmp_path)
    take_shots([deck], _options(tmp_path))
    deck.write_text(STACK_DECK.replace("Red.", "Crimson."), encoding="utf-8")
    report = take_shots([deck], _options(tmp_path))
    assert [p.name for p in report.written] == ["talk_1_960x700.png"]
    deck.write_text(STACK_DECK.split("# Two")[0], encoding="utf-8")
    report = take_shots([deck], _options(tmp_path))
    assert sorted(p.name for p in report.removed) == ["talk_2-1_960x700.png", "talk_2_960x700.png"]
    assert sorted(p.name for p in (tmp_path / "shots").glob("*.png")) == ["talk_1_960x700.png", "talk_960x700.png"]


def test_check_reports_missing_stale_and_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    deck = _deck(tmp_path)
    runner = CliRunner()
    args = ["shots", str(deck), "-o", "shots", "--site", "site", "--slides", "0,1"]
    missing = runner.invoke(main, [*args, "--check"])
    assert missing.exit_code == 1
    assert missing.output.splitlines()[:2] == ["missing: shots/talk_960x700.png", "missing: shots/talk_1_960x700.png"]
    assert not (tmp_path / "shots").exists()  # --check writes nothing
    assert runner.invoke(main, args).exit_code == 0
    ok = runner.invoke(main, [*args, "--check"])
    assert (ok.exit_code, ok.output.strip()) == (0, "up to date: 2 images")
    deck.write_text(STACK_DECK.replace("Red.", "Crimson."), encoding="utf-8")
    stale = runner.invoke(main, [*args, "--check"])
    assert stale.exit_code == 1 and "stale: shots/talk_1_960x700.png" in stale.output
    narrowed = runner.invoke(main, ["shots", str(deck), "-o", "shots", "--site", "site", "--slides", "0", "--check"])
    assert "extra:" not in narrowed.output  # a run narrowed on the command line never deletes
    deck.write_text(STACK_DECK.replace("theme: black", "theme: black\nshots:\n  slides: '0'"), encoding="utf-8")
    extra = runner.invoke(main, ["shots", str(deck), "-o", "shots", "--site", "site", "--check"])
    assert extra.exit_code == 1 and "extra: shots/talk_1_960x700.png" in extra.output


def test_web_font_and_image_are_loaded_before_the_capture(tmp_path: Path) -> None:
    """A condensed web font and a lazily loaded red image: the capture shows both, not the fallbacks."""
    league = (ROOT / "node_modules/reveal.js/dist/theme/league.css").read_text(encoding="utf-8")
    woff = re.search(r"League Gothic;src:url\(data:font/woff;base64,([^)]+)\)", league)
    assert woff is not None
    (tmp_path / "narrow.woff").write_bytes(base64.b64decode(woff[1]))
    # A large image that takes the browser a while to decode: red, with noise in its bottom row.
    noise = Image.frombytes("RGB", (3000, 3000), os.urandom(3000 * 3000 * 3))
    noise.paste((255, 0, 0), (0, 0, 3000, 2990))
    noise.save(tmp_path / "red.png")
    css = "@font-face { font-family: Narrow; src: url(narrow.woff); }\n.reveal h2 { font-family: Narrow; }\n"
    (tmp_path / "font.css").write_text(css)
    (tmp_path / "nofont.css").write_text(css.replace("narrow.woff", "absent.woff"))
    # reveal.js lazy-loads data-src images only when their slide comes near: slide 6 is beyond its view distance.
    filler = "".join(f"# Filler {n}\n\n" for n in range(5))
    body = filler + '# B\n\n## WWWWWWWWWWWWWWWW\n\n<img data-src="red.png" width="200" height="100">\n'
    text = "---\ntitle_slide: false\ntheme: white\ncss: {css}\n---\n" + body
    _deck(tmp_path, text.format(css="font.css"), "web.md")
    _deck(tmp_path, text.format(css="nofont.css"), "fallback.md")
    (tmp_path / "absent.woff").write_bytes(b"")  # exists for the build, but is no font: the fallback is used
    take_shots([tmp_path / "web.md", tmp_path / "fallback.md"], _options(tmp_path, slides="5/1"))

    def ink_width(path: Path) -> int:
        with Image.open(path) as image:
            rgb = image.convert("RGB")
        top = rgb.crop((0, 0, rgb.width, rgb.height // 2))  # the heading; the image is below it
        dark = [x for x in range(top.width) if any(sum(top.getpixel((x, y))) < 200 for y in range(top.height))]
        return max(dark) - min(dark)

    web, fallback = (
        ink_width(tmp_path / "shots/web_5-1_960x700.png"),
        ink_width(tmp_path / "shots/fallback_5-1_960x700.png"),
    )
    assert web < fallback * 0.75, (web, fallback)
    with Image.open(tmp_path / "shots/web_5-1_960x700.png") as image:
        reds = [c for c in image.convert("RGB").get_flattened_data() if c[0] > 240 and c[1] < 20 and c[2] < 20]
    assert len(reds) > 200 * 100 * 0.9  # the whole image was drawn


def test_bad_slide_and_size_are_clear_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _deck(tmp_path)
    runner = CliRunner()
    result = runner.invoke(main, ["shots", "talk.md", "--slides", "9", "--check"])
    assert (result.exit_code, result.output.strip()) == (
        1,
        "talk.md: slide 9 does not exist (the deck has slides 0 to 2)",
    )
    result = runner.invoke(main, ["shots", "talk.md", "--slides", "2/5", "--check"])
    assert result.exit_code == 1
    assert result.output.strip() == "talk.md: slide 2/5 does not exist (slide 2 has 2 vertical slides (0 to 1))"
    result = runner.invoke(main, ["shots", "talk.md", "--size", "600by390", "--check"])
    assert (result.exit_code, result.output.strip()) == (
        1,
        "bad --size: '600by390' is not a size like 600x390 (write e.g. --size 600x390)",
    )
    assert not (tmp_path / "shots").exists() and not (tmp_path / MANIFEST).exists()


def test_missing_browser_says_how_to_install_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _deck(tmp_path)
    result = CliRunner().invoke(main, ["shots", "talk.md", "--browser-path", str(tmp_path / "no-chrome")])
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"no browser at {tmp_path / 'no-chrome'} (install one with 'python -m playwright install chromium', "
        "or on Debian/Ubuntu 'sudo apt-get install chromium', or name one with --browser-path or the "
        "DECKBUILD_BROWSER variable)"
    )
    assert list((tmp_path / "shots").glob("*.png")) == []


def test_committed_post_images_are_current(monkeypatch: pytest.MonkeyPatch) -> None:
    """The repo's own shots/ match decks/ (what `deckbuild shots --check` does in a user's CI)."""
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["shots", "--check"])
    assert result.exit_code == 0, f"run `make shots` and commit shots/:\n{result.output}"
    assert result.output.strip() == "up to date: 6 images"


def test_a_slides_data_state_is_applied_when_it_is_captured(tmp_path: Path) -> None:
    """reveal.js drops a slide's data-state when told to go where it already is; the capture keeps it."""
    (tmp_path / "state.css").write_text(".reveal-viewport.deckbuild-title .reveal h1 { color: rgb(0, 255, 0); }\n")
    deck = _deck(tmp_path, "---\ntitle: Green when current\ncss: state.css\n---\n# Next\n\ntext\n")
    take_shots([deck], _options(tmp_path, slides="0"))
    with Image.open(tmp_path / "shots" / "talk_960x700.png") as image:
        greens = sum(1 for c in image.convert("RGB").get_flattened_data() if c[1] > 200 and c[0] < 60 and c[2] < 60)
    assert greens > 500


def test_a_browser_that_will_not_start_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _deck(tmp_path)
    fake = tmp_path / "fake-chrome"
    fake.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 1\n")
    fake.chmod(0o755)
    result = CliRunner().invoke(main, ["shots", "talk.md", "--browser-path", str(fake), "--timeout", "10"])
    assert result.exit_code == 1
    assert result.output.startswith("fake-chrome: the browser would not start: ")
    assert "Traceback" not in result.output
    assert not list(tmp_path.glob("shots/*.png"))


def test_failed_requests_are_warnings_naming_the_slide_and_strict_makes_them_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    filler = "".join(f"# Filler {n}\n\ntext\n\n" for n in range(5))
    _deck(tmp_path, f'{filler}# Broken\n\n<img data-src="http://127.0.0.1:9/nothing.png">\n')
    runner = CliRunner()
    result = runner.invoke(main, ["shots", "talk.md", "--slides", "5"])
    assert result.exit_code == 0
    assert "warning: talk.md: slide #/5/0: request failed: http://127.0.0.1:9/nothing.png\n" in result.output
    strict = runner.invoke(main, ["shots", "talk.md", "--slides", "5", "--strict", "--force"])
    assert strict.exit_code == 1
    assert "problem(s) while rendering slides:\n  talk.md: slide #/5/0: request failed" in strict.output
    assert strict.output.strip().endswith("(fix them, or run without --strict)")


def test_a_file_the_decks_css_uses_is_part_of_every_images_key(tmp_path: Path) -> None:
    (tmp_path / "style.css").write_text(".reveal-viewport { background: url(bg.svg); }\n")
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4" fill="{}"/></svg>'
    (tmp_path / "bg.svg").write_text(svg.format("#0f0"))
    deck = _deck(tmp_path, "---\ncss: style.css\n---\n# A\n\none\n\n# B\n\ntwo\n")
    take_shots([deck], _options(tmp_path))
    assert take_shots([deck], _options(tmp_path, check=True)).stale == []
    (tmp_path / "bg.svg").write_text(svg.format("#f00"))
    stale = take_shots([deck], _options(tmp_path, check=True)).stale
    assert sorted(p.name for p in stale) == ["talk_1_960x700.png", "talk_960x700.png"]


def test_browser_command_names_the_chromium_it_will_use(tmp_path: Path) -> None:
    runner = CliRunner()
    found = runner.invoke(main, ["browser"])
    assert found.exit_code == 0 and Path(found.output.strip()).is_file()
    missing = runner.invoke(main, ["browser", "--browser-path", str(tmp_path / "nothing")])
    assert missing.exit_code == 1
    assert missing.output.startswith(f"no browser at {tmp_path / 'nothing'} (install one with ")


def test_a_run_that_dies_midway_leaves_whole_files_and_an_honest_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import deckbuild.files

    deck = _deck(tmp_path)
    real = deckbuild.files.write_file
    calls: list[Path] = []

    def dies_on_the_third_png(path: Path, data: bytes) -> None:
        if path.suffix == ".png":
            calls.append(path)
            if len(calls) == 3:  # as the writer says a full disk
                raise DeckError("cannot write this file: No space left on device", path=path)
        real(path, data)

    monkeypatch.setattr(deckbuild.files, "write_file", dies_on_the_third_png)
    with pytest.raises(DeckError, match=r"\.png: cannot write this file: No space left on device"):
        take_shots([deck], _options(tmp_path, jobs=1))
    monkeypatch.setattr(deckbuild.files, "write_file", real)
    written = sorted(p.name for p in (tmp_path / "shots").glob("*.png"))
    assert 2 <= len(written) < 4  # the run stops soon after the failed write
    assert [p.name for p in (tmp_path / "shots").iterdir() if p.name.endswith(".tmp")] == []
    for name in written:
        with Image.open(tmp_path / "shots" / name) as image:
            image.load()  # a whole PNG, not a truncated one
    report = take_shots([deck], _options(tmp_path, check=True))
    assert sorted(p.name for p in report.unchanged) == written  # the manifest vouches for what was written
    assert len(report.missing) == 4 - len(written)
