"""Themes: every reveal.js theme offline with its own fonts, project themes, and their errors."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from deckbuild.build import build
from deckbuild.cli import main
from deckbuild.compile.assets import find_assets

from .conftest import SEED

if TYPE_CHECKING:
    from playwright.sync_api import Browser

DECKBUILD_THEMES = ("conference-light", "meetup-dark")  # shipped inside the package
REVEAL_THEMES = sorted(p.stem for p in (find_assets().reveal / "theme").glob("*.css"))

_STYLE = """() => {
  const root = getComputedStyle(document.querySelector('.reveal'));
  const heading = getComputedStyle(Reveal.getSlide(1).querySelector('h2'));
  return {
    background: getComputedStyle(document.querySelector('.reveal-viewport')).backgroundColor,
    headingFont: heading.fontFamily,
    themeHeadingFont: root.getPropertyValue('--r-heading-font').trim(),
    faces: [...document.fonts].map(f => [f.family.replace(/["']/g, ''), f.status]),
  };
}"""


def test_reveal_js_ships_the_themes_we_document() -> None:
    assert {
        "black",
        "white",
        "league",
        "beige",
        "night",
        "serif",
        "simple",
        "solarized",
        "moon",
        "dracula",
        "sky",
        "blood",
    } <= set(REVEAL_THEMES)


@pytest.mark.browser
@pytest.mark.parametrize("theme", REVEAL_THEMES)
def test_reveal_theme_is_offline_with_its_own_fonts(browser: Browser, tmp_path: Path, theme: str) -> None:
    built = build([SEED], tmp_path / "site", theme=theme)
    page = browser.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith("file://") else None)
    page.on("requestfailed", lambda r: outside.append(f"failed {r.url}"))
    page.goto((built[0].folder / "index.html").as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    page.evaluate("Promise.all([...document.fonts].map(f => f.load().catch(() => null)))")
    style = page.evaluate(_STYLE)
    page.close()
    assert outside == []

    def unquoted(family: str) -> str:
        return family.replace('"', "").replace("'", "")

    assert unquoted(style["headingFont"]) == unquoted(style["themeHeadingFont"])  # the theme's CSS styles the slides
    heading_family = style["headingFont"].split(",")[0].strip().strip("\"'")
    declared = {family for family, _ in style["faces"]}
    assert all(status == "loaded" for _, status in style["faces"]), style["faces"]
    # (reveal.js 6's beige names Source Sans Pro for headings but declares only Lato and League Gothic.)
    themes_with_web_fonts = {
        "black",
        "black-contrast",
        "blood",
        "league",
        "moon",
        "night",
        "simple",
        "sky",
        "solarized",
        "white",
        "white-contrast",
    }
    if theme in themes_with_web_fonts:
        assert heading_family in declared, (heading_family, declared)
    assert style["background"] not in ("", "rgba(0, 0, 0, 0)")


def _project(tmp_path: Path, files: dict[str, str], theme: str = "mine") -> Path:
    for name, text in files.items():
        path = tmp_path / "themes" / theme / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    deck = tmp_path / "talk.md"
    deck.write_text(f"---\ntitle: T\nevent: Meetup 42\ntheme: {theme}\n---\n# A\n\ntext\n", encoding="utf-8")
    return deck


def _error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", "talk.md", "-o", "site"])
    return result.exit_code, result.output.strip()


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"readme.txt": "x"}, "themes/mine: theme 'mine' has no theme.css (add {tmp}/themes/mine/theme.css)"),
        (
            {"theme.css": "", "theme.yml": "extends: black\ncolour: red\n"},
            "themes/mine/theme.yml:2: unknown key 'colour' in theme settings "
            "(known keys: extends, fonts, height, highlight, reveal, width)",
        ),
        (
            {"theme.css": "", "theme.yml": "width: wide\n"},
            "themes/mine/theme.yml:1: 'width' must be a whole number of pixels from 64 to 8192 (got 'wide')",
        ),
        (
            {"theme.css": "", "theme.yml": "extends: blak\n"},
            "themes/mine/theme.yml:1: 'extends: blak' is not a reveal.js theme (use one of "
            + ", ".join(REVEAL_THEMES)
            + ")",
        ),
        (
            {"theme.css": "", "theme.yml": "fonts: [comic-neue]\n"},
            "themes/mine/theme.yml:1: font 'comic-neue' is not installed "
            '(add "@fontsource/comic-neue" to package.json and run npm ci)',
        ),
        (
            {"theme.css": "", "templates/overlay.html.j2": "<footer>\n{{ meta.event }\n</footer>\n"},
            "themes/mine/templates/overlay.html.j2:2: template error: unexpected '}'",
        ),
        (
            {"theme.css": "h1 { color: red; }\n.reveal { background: url(img/bg.png); }\n"},
            "themes/mine/theme.css:2: theme file 'img/bg.png' is missing (put it in {tmp}/themes/mine)",
        ),
        (
            {"theme.css": "@font-face { font-family: X; src: url(fonts/x.woff2); }\n"},
            "themes/mine/theme.css:1: theme file 'fonts/x.woff2' is missing (put it in {tmp}/themes/mine)",
        ),
    ],
    ids=[
        "no-css",
        "unknown-key",
        "bad-value",
        "bad-extends",
        "font-not-installed",
        "template-syntax",
        "missing-image",
        "missing-font",
    ],
)
def test_theme_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], expected: str) -> None:
    _project(tmp_path, files)
    (tmp_path / "site" / "talk").mkdir(parents=True)
    (tmp_path / "site" / "talk" / "index.html").write_text("previous build")
    code, output = _error(tmp_path, monkeypatch)
    assert (code, output) == (1, expected.replace("{tmp}", str(tmp_path.resolve())))
    assert (tmp_path / "site" / "talk" / "index.html").read_text() == "previous build"  # nothing half-written


def test_unknown_theme_lists_project_themes_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deck = _project(tmp_path, {"theme.css": ""})
    deck.write_text(deck.read_text().replace("theme: mine", "theme: mien"))
    code, output = _error(tmp_path, monkeypatch)
    assert code == 1
    assert (
        output
        == "talk.md:4: unknown theme 'mien' (known themes: "
        + ", ".join(sorted([*REVEAL_THEMES, *DECKBUILD_THEMES, "mine"]))
        + ")"
    )


@pytest.mark.browser
def test_project_theme_extends_styles_and_overrides_templates(browser: Browser, tmp_path: Path) -> None:
    deck = _project(
        tmp_path,
        {
            "theme.css": ".reveal h1 { color: rgb(1, 2, 3); font-family: 'Inter', sans-serif; }\n"
            ".reveal-viewport { background: rgb(200, 10, 20); }\n",
            "theme.yml": "extends: white\nhighlight: vs\nwidth: 1280\nheight: 720\nfonts: ['inter:400,700']\n",
            "templates/overlay.html.j2": '<footer class="mine-footer">{{ meta.event }}</footer>\n',
            "templates/title.html.j2": '<h1 class="mine-title">{{ meta.title }}!</h1>\n',
        },
    )
    [result] = build([deck], tmp_path / "site")
    page = browser.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith("file://") else None)
    page.goto((result.folder / "index.html").as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    page.evaluate("Promise.all([...document.fonts].map(f => f.load()))")
    assert page.evaluate("document.querySelector('.mine-footer').textContent") == "Meetup 42"
    assert page.evaluate("document.querySelector('.mine-title').textContent") == "T!"
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).color") == "rgb(1, 2, 3)"
    assert page.evaluate("getComputedStyle(document.querySelector('.reveal-viewport')).backgroundColor") == (
        "rgb(200, 10, 20)"
    )
    assert page.evaluate("Reveal.getConfig().width") == 1280
    assert page.evaluate("[...document.fonts].some(f => f.family.includes('Inter') && f.status === 'loaded')")
    assert outside == []
    page.close()


def test_themes_command_lists_every_theme_with_its_origin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _project(tmp_path, {"theme.css": "", "theme.yml": "extends: black\nfonts: [inter]\n"})
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["themes"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == len(REVEAL_THEMES) + len(DECKBUILD_THEMES) + 1
    for name in DECKBUILD_THEMES:
        assert next(line for line in lines if line.startswith(name + " ")).split()[1] == "deckbuild"
    assert any(line.split() == ["black", "reveal.js", find_assets().reveal_version] for line in lines)
    mine = next(line for line in lines if line.startswith("mine "))
    assert mine.split(None, 1)[1] == f"{tmp_path.resolve() / 'themes' / 'mine'}  (extends black; fonts inter)"


@pytest.mark.browser
def test_gallery_has_one_tile_per_theme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import Image

    from deckbuild.publish.gallery import render_gallery

    written = render_gallery(tmp_path / "gallery", ["black", "white"], find_assets(), None)
    assert [p.name for p in written] == ["black.png", "white.png", "contact-sheet.png"]
    with (
        Image.open(tmp_path / "gallery" / "black.png") as black,
        Image.open(tmp_path / "gallery" / "white.png") as white,
    ):
        assert black.size == white.size
        # each tile shows its theme: a dark slide and a light slide below the label strip
        assert sum(black.convert("L").getpixel((100, 200)) for _ in [0]) < 60
        assert white.convert("L").getpixel((100, 200)) > 200
        tile = black.size
    with Image.open(tmp_path / "gallery" / "contact-sheet.png") as sheet:
        assert sheet.width >= 2 * tile[0] and sheet.height >= tile[1]  # two tiles, side by side


OUR_THEMES = ["meetup-dark", "conference-light"]


@pytest.mark.browser
@pytest.mark.parametrize("size", [(1280, 720), (1024, 768)], ids=["16x9", "4x3"])
@pytest.mark.parametrize("theme", OUR_THEMES)
def test_our_themes_fit_the_seed_talk(browser: Browser, tmp_path: Path, theme: str, size: tuple[int, int]) -> None:
    """The repo's own themes: the seed deck fits every slide, with the theme's fonts, offline, at 16:9 and 4:3."""
    deck = tmp_path / "decks" / "talk.md"
    deck.parent.mkdir()
    text = SEED.read_text(encoding="utf-8").replace(
        "theme: black", f"theme: {theme}\nwidth: {size[0]}\nheight: {size[1]}"
    )
    deck.write_text(text, encoding="utf-8")
    (tmp_path / "themes").symlink_to(SEED.parent.parent / "themes", target_is_directory=True)
    [result] = build([deck], tmp_path / "site")
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith("file://") else None)
    page.on("requestfailed", lambda r: outside.append(f"failed {r.url}"))
    page.goto((result.folder / "index.html").as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    page.evaluate("Promise.all([...document.fonts].map(f => f.load()))")
    overflowing = page.evaluate(
        """() => Reveal.getSlides().flatMap(s => {
             const i = Reveal.getIndices(s); Reveal.slide(i.h, i.v);
             const size = Reveal.getComputedSlideSize();
             return (s.scrollHeight > size.height + 1 || s.scrollWidth > size.width + 1) ? [[i.h, i.v || 0]] : [];
           })"""
    )
    heading = page.evaluate("getComputedStyle(Reveal.getSlide(1).querySelector('h2')).fontFamily")
    loaded = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
    page.close()
    assert overflowing == []
    assert outside == []
    first = heading.split(",")[0].strip().strip("\"'")
    assert first in {f.strip("\"'") for f in loaded}, (first, loaded)
