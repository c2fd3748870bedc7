"""`deckbuild build` promises that only show in the built page or at an exact line and exit code."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner, Result

import deckbuild.build
import deckbuild.publish.site
from deckbuild.cli import main

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path.resolve()


def _build(*args: str) -> Result:
    return CliRunner().invoke(main, ["build", *args])


def _page(browser: Browser, index: Path, script: str) -> object:
    page = browser.new_page()
    try:
        page.goto(index.as_uri())
        page.wait_for_function("window.Reveal && Reveal.isReady()")
        return page.evaluate(script)
    finally:
        page.close()


BACKGROUND = "getComputedStyle(document.querySelector('.reveal-viewport')).backgroundColor"


@pytest.mark.browser
def test_the_theme_flag_is_applied_and_themes_are_told_apart_by_the_page(browser: Browser, here: Path) -> None:
    (here / "talk.md").write_text("---\ntheme: black\n---\n# A\n", encoding="utf-8")
    seen = {}
    for theme in ("white", "black", "solarized"):
        assert _build("talk.md", "-o", theme, "--theme", theme).exit_code == 0
        seen[theme] = _page(browser, here / theme / "talk" / "index.html", BACKGROUND)
    assert seen == {"white": "rgb(255, 255, 255)", "black": "rgb(25, 25, 25)", "solarized": "rgb(253, 246, 227)"}


@pytest.mark.browser
def test_the_decks_reveal_options_beat_its_themes(browser: Browser, here: Path) -> None:
    (here / ".git").mkdir()  # a deck at the top of a repository: themes/ beside .git is found
    (here / "themes" / "house").mkdir(parents=True)
    (here / "themes" / "house" / "theme.css").write_text(".reveal-viewport { background: rgb(1, 2, 3); }\n")
    (here / "themes" / "house" / "theme.yml").write_text("reveal:\n  transition: zoom\n  controls: false\n")
    (here / "talk.md").write_text("---\ntheme: house\nreveal:\n  transition: fade\n---\n# A\n", encoding="utf-8")
    result = _build("talk.md", "-o", "site")
    assert result.exit_code == 0, result.output
    script = f"[Reveal.getConfig().transition, Reveal.getConfig().controls, {BACKGROUND}]"
    assert _page(browser, here / "site" / "talk" / "index.html", script) == ["fade", False, "rgb(1, 2, 3)"]


@pytest.mark.browser
def test_a_title_with_markup_characters_is_text(browser: Browser, here: Path) -> None:
    title = 'Cats & <b>dogs</b> "quoted"'
    (here / "talk.md").write_text(f"---\ntitle: '{title}'\n---\n# A\n", encoding="utf-8")
    assert _build("talk.md", "-o", "site").exit_code == 0
    html = (here / "site" / "talk" / "index.html").read_text()
    assert "<b>dogs" not in html
    script = "[document.title, document.querySelector('.reveal h1').textContent, document.querySelectorAll('b').length]"
    assert _page(browser, here / "site" / "talk" / "index.html", script) == [title, title, 0]


@pytest.mark.parametrize("colour", ["rgba(0, 0, 0, 0.5)", "hsl(120, 50%, 50%)", "#0008"])
def test_a_background_colour_is_not_read_as_a_file(here: Path, colour: str) -> None:
    (here / "talk.md").write_text(f'# A\n<!-- .slide: data-background="{colour}" -->\n', encoding="utf-8")
    result = _build("talk.md", "-o", "site")
    assert result.exit_code == 0, result.output
    assert f'data-background="{colour}"' in (here / "site" / "talk" / "index.html").read_text()


def test_the_slide_size_limits_are_64_and_8192(here: Path) -> None:
    for value, ok in [(64, True), (63, False), (8192, True), (8193, False)]:
        (here / "talk.md").write_text(f"---\ntitle: T\nwidth: {value}\n---\n# A\n", encoding="utf-8")
        result = _build("talk.md", "-o", "site")
        if ok:
            assert result.exit_code == 0, result.output
        else:
            assert (result.exit_code, result.stderr) == (
                1,
                f"talk.md:3: 'width' must be a whole number of pixels from 64 to 8192 (got {value})\n",
            )


@pytest.mark.parametrize("key", ["highlightTheme", "highlight_theme", "highlight"])
def test_an_aliased_key_is_reported_at_its_own_line(here: Path, key: str) -> None:
    (here / "talk.md").write_text(f"---\ntitle: T\nauthor: A\n{key}: nope\n---\n# A\n", encoding="utf-8")
    result = _build("talk.md", "-o", "site")
    assert result.exit_code == 1
    assert result.stderr.startswith("talk.md:4: unknown code highlighting style 'nope' ("), result.stderr


def test_an_internal_error_exits_3_without_a_traceback(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (here / "talk.md").write_text("# A\n", encoding="utf-8")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(deckbuild.build, "write_site", broken)
    result = _build("talk.md", "-o", "site")
    assert result.exit_code == 3
    assert result.stderr == "internal error: this is a bug in deckbuild (run again with --debug for details)\n"
    debug = CliRunner().invoke(main, ["--debug", "build", "talk.md", "-o", "site"])
    assert debug.exit_code == 3 and "RuntimeError: a bug" in debug.stderr


def test_a_write_failing_after_others_succeeded_leaves_the_previous_site(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second deck's page fails to write, after the first deck's was written: nothing changes."""
    for name in ("a", "b"):
        (here / f"{name}.md").write_text(f"# {name}\n", encoding="utf-8")
    assert _build("a.md", "b.md", "-o", "site").exit_code == 0
    before = {p: p.read_bytes() for p in sorted((here / "site").rglob("*")) if p.is_file()}
    for name in ("a", "b"):
        (here / f"{name}.md").write_text(f"# {name} changed\n", encoding="utf-8")
    real, writes = deckbuild.publish.site._write_file, []

    def second_fails(path: Path, data: bytes) -> None:
        writes.append(path)
        if len(writes) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        real(path, data)

    monkeypatch.setattr(deckbuild.publish.site, "_write_file", second_fails)
    result = _build("a.md", "b.md", "-o", "site")
    assert result.exit_code == 1 and "cannot write the output folder" in result.stderr
    assert len(writes) == 2  # the first write succeeded
    after = {p: p.read_bytes() for p in sorted((here / "site").rglob("*")) if p.is_file()}
    assert after == before
