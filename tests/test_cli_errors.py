"""`deckbuild build` reports every user error as one exact ``path:line: message (hint)`` line, exit code 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import deckbuild.compile.assets
import deckbuild.publish.site
from deckbuild.cli import main
from deckbuild.compile.assets import pinned_reveal_version

KNOWN_KEYS = (
    "author, css, data-separator-notes, date, event, height, highlight, highlightTheme, highlight_theme, "
    "incremental, lang, notesSeparator, pdf, reveal, revealOptions, revealjs, separator, separator_notes, "
    "separator_vertical, shots, slide-level, subtitle, theme, title, title-slide-attributes, title_slide, "
    "transition, url, verticalSeparator, width"
)
NOT_INSTALLED_HINT = f"(run 'npm ci' in {deckbuild.compile.assets._CHECKOUT})"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in an empty tmp_path, so that messages show paths relative to it."""
    monkeypatch.chdir(tmp_path)
    return tmp_path.resolve()


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def build(*args: str) -> Result:
    return CliRunner().invoke(main, ["build", *args])


def assert_error(result: Result, line: str) -> None:
    """Exactly one stderr line, nothing on stdout, exit code 1, no traceback."""
    assert result.stderr == line + "\n", result.output
    assert result.stdout == ""
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "internal error" not in result.output


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` and its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def staging_leftovers(out: Path) -> list[str]:
    return [p.name for p in out.iterdir() if p.name.startswith(".deckbuild-") or p.name.startswith(".old-")]


# --- a good build, so the failures below are failures of the deck and not of the setup ------------------------


def test_good_deck_builds(here: Path) -> None:
    write(here / "talk.md", "# A\n![plot](img/plot.png)\n---\n# B\n")
    write(here / "img" / "plot.png", PNG)
    result = build("talk.md", "-o", "site")
    assert result.exit_code == 0, result.output
    assert result.stdout == "built: site/talk/index.html (2 slides)\n"
    assert result.stderr == ""
    assert (here / "site" / "talk" / "img" / "plot.png").read_bytes() == PNG
    assert (here / "site" / "deckbuild-assets" / "reveal.js" / "reveal.js").is_file()
    assert staging_leftovers(here / "site") == []


# --- front matter ---------------------------------------------------------------------------------------


YAML_HINT = "(check indentation and quote values that contain ':')"


@pytest.mark.parametrize(
    ("front", "line"),
    [
        (
            "title: My talk\nauthor: Me\nsubtitle: one: two\ntheme: black\n",
            "talk.md:4: invalid YAML in front matter: mapping values are not allowed here" + " " + YAML_HINT,
        ),
        (
            "title: T\nauthor: [a, b\n",
            "talk.md:3: invalid YAML in front matter: the '[' on this line is not closed by the end of the front "
            "matter (add the closing ])",
        ),
        (
            "title: T\n\ttheme: x\n",
            "talk.md:3: invalid YAML in front matter: found character '\\t' that cannot start any token"
            + " "
            + YAML_HINT,
        ),
        (
            "title: T\n- item\n",
            "talk.md:3: invalid YAML in front matter: expected <block end>, but found '-' " + YAML_HINT,
        ),
        (
            "title: T\nshots:\n  sizes: [600x390\n  slides: 0\n",
            "talk.md:4: invalid YAML in front matter: the '[' on this line is not closed "
            "(expected ',' or ']', but got ':' on line 5) (add the closing ])",
        ),
        (
            'title: "My talk\nauthor: Me\n',
            "talk.md:2: invalid YAML in front matter: the quote on this line is not closed "
            "by the end of the front matter (add the closing quote)",
        ),
        (
            'author: Me\ntitle: "My talk\n',
            "talk.md:3: invalid YAML in front matter: the quote on this line is not closed "
            "by the end of the front matter (add the closing quote)",
        ),
        (
            "title: T\nreveal:\n  controls: [\n",
            "talk.md:4: invalid YAML in front matter: the '[' on this line is not closed by the end of the front "
            "matter (add the closing ])",
        ),
        (
            "title: {a: 1,\n",
            "talk.md:2: invalid YAML in front matter: the '{' on this line is not closed by the end of the front "
            "matter (add the closing })",
        ),
    ],
    ids=[
        "colon-in-value",
        "unclosed-list",
        "tab",
        "list-item",
        "list-left-open",
        "quote-left-open",
        "quote-at-end",
        "bracket-ends-the-line",
        "brace-after-a-comma",
    ],
)
def test_invalid_yaml_is_reported_at_the_line_of_the_problem(here: Path, front: str, line: str) -> None:
    write(here / "talk.md", f"---\n{front}---\n# A\n")
    assert_error(build("talk.md", "-o", "site"), line)


def test_unknown_front_matter_key_at_its_line(here: Path) -> None:
    write(here / "talk.md", "---\ntitle: T\ncolour: red\n---\n# A\n")
    assert_error(
        build("talk.md", "-o", "site"), f"talk.md:3: unknown front-matter key 'colour' (known keys: {KNOWN_KEYS})"
    )


@pytest.mark.parametrize(
    ("front", "line"),
    [
        (
            "title: T\ntransition: wobble\n",
            "talk.md:3: 'transition' must be one of none, fade, slide, convex, concave, zoom (got 'wobble')",
        ),
        ("width: -3\n", "talk.md:2: 'width' must be a whole number of pixels from 64 to 8192 (got -3)"),
        (
            "title: T\nauthor: A\nheight: wide\n",
            "talk.md:4: 'height' must be a whole number of pixels from 64 to 8192 (got 'wide')",
        ),
        ("incremental: maybe\n", "talk.md:2: 'incremental' must be true or false (got 'maybe')"),
        ("title: [a, b]\n", "talk.md:2: 'title' must be text (got ['a', 'b'])"),
        ("reveal: 3\n", "talk.md:2: 'reveal' must be a map of option: value lines (got 3)"),
        (
            "separator: '['\n",
            "talk.md:2: 'separator' is not a valid regular expression (unterminated character "
            "set at position 0) (got '[')",
        ),
        (
            "shots:\n  sizes: [10x10]\n",
            "talk.md:2: 'shots' sizes: '10x10' is out of range (16 to 8192 pixels a side) (see docs/screenshots.md)",
        ),
    ],
    ids=["transition", "width", "height", "incremental", "title", "reveal", "separator", "shots"],
)
def test_bad_front_matter_value_at_its_line(here: Path, front: str, line: str) -> None:
    write(here / "talk.md", f"---\n{front}---\n# A\n")
    assert_error(build("talk.md", "-o", "site"), line)


def test_unknown_theme_lists_the_known_ones(here: Path) -> None:
    write(here / "talk.md", "---\ntitle: T\ntheme: nope\n---\n# A\n")
    write(here / "themes" / "house" / "theme.css", ".reveal { color: red; }\n")
    result = build("talk.md", "-o", "site")
    prefix, hint = "talk.md:3: unknown theme 'nope' (known themes: ", ")\n"
    assert result.stderr.startswith(prefix)
    assert result.stderr.endswith(hint)
    known = result.stderr[len(prefix) : -len(hint)].split(", ")
    assert {"black", "white", "house"} <= set(known)
    assert known == sorted(known)
    assert_error(result, result.stderr.rstrip("\n"))


def test_theme_flag_overrides_front_matter_and_is_checked(here: Path) -> None:
    write(here / "talk.md", "---\ntheme: white\n---\n# A\n")
    result = build("talk.md", "-o", "site", "--theme", "nope")
    assert result.exit_code == 1
    assert result.stderr.startswith("talk.md: unknown theme 'nope' (known themes: ")


def test_unknown_code_style(here: Path) -> None:
    write(here / "talk.md", "---\nhighlight: nope\n---\n# A\n")
    result = build("talk.md", "-o", "site")
    assert_error(result, result.stderr.rstrip("\n"))
    assert result.stderr.startswith("talk.md:2: unknown code highlighting style 'nope' (for example ")
    assert "monokai" in result.stderr


# --- files a deck uses ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "url", "line"),
    [
        ("# A\n\n![x](missing.png)\n", "missing.png", 3),
        ('# A\n---\n# B\ntext\n<img src="gone.png">\n', "gone.png", 5),
        ('# A\n---\n# B\n<!-- .slide: data-background-image="bg.png" -->\n', "bg.png", 4),
        ("---\ntitle: T\n---\n# A\n## B\n\n- ![x](img/nothere.png)\n", "img/nothere.png", 7),
    ],
    ids=["markdown-image", "html-image", "slide-background", "after-front-matter"],
)
def test_missing_file_at_its_line(here: Path, body: str, url: str, line: int) -> None:
    write(here / "talk.md", body)
    assert_error(build("talk.md", "-o", "site"), f"talk.md:{line}: missing file '{url}' (no file at {here / url})")
    assert not (here / "site").exists()


def test_missing_css_at_its_front_matter_line(here: Path) -> None:
    write(here / "talk.md", "---\ntitle: T\ncss: style/extra.css\n---\n# A\n")
    assert_error(
        build("talk.md", "-o", "site"),
        f"talk.md:3: missing file 'style/extra.css' (no file at {here / 'style' / 'extra.css'})",
    )


def test_image_leaving_the_deck_folder(here: Path) -> None:
    write(here / "x.png", PNG)
    write(here / "deck" / "talk.md", "# A\ntext\n![x](../x.png)\n")
    assert_error(
        build("deck/talk.md", "-o", "site"),
        f"deck/talk.md:3: '../x.png' is outside the deck's folder deck/ "
        f"(keep files a deck uses in or below {here / 'deck'}, and link them with relative paths)",
    )


def test_image_with_an_absolute_path(here: Path) -> None:
    image = write(here / "abs.png", PNG)
    write(here / "deck" / "talk.md", f'# A\n---\n# B\n<img src="{image}">\n')
    assert_error(
        build("deck/talk.md", "-o", "site"),
        f"deck/talk.md:4: '{image}' is outside the deck's folder deck/ "
        f"(keep files a deck uses in or below {here / 'deck'}, and link them with relative paths)",
    )


def test_web_and_data_urls_are_left_alone(here: Path) -> None:
    write(
        here / "talk.md",
        "# A\n![w](https://example.org/x.png)\n![p](//cdn.example.org/y.png)\n![d](data:image/png;base64,AAAA)\n"
        '<!-- .slide: data-background="#336" -->\n',
    )
    result = build("talk.md", "-o", "site")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (here / "site" / "talk").iterdir()) == [".deckbuild", "index.html"]


@pytest.mark.parametrize("colour", ["red", "rgb(0, 0, 0)", "linear-gradient(red, blue)"])
def test_background_colour_is_not_a_file(here: Path, colour: str) -> None:
    write(here / "talk.md", f'# A\n<!-- .slide: data-background="{colour}" -->\n')
    result = build("talk.md", "-o", "site")
    assert result.exit_code == 0, result.output


def test_missing_image_line_is_the_image_not_an_earlier_mention(here: Path) -> None:
    write(here / "talk.md", "# Plot\nThe file plot.png shows it:\n![plot](plot.png)\n")
    assert_error(build("talk.md", "-o", "site"), f"talk.md:3: missing file 'plot.png' (no file at {here / 'plot.png'})")


def test_missing_image_line_with_a_form_feed_before_it(here: Path) -> None:
    write(here / "talk.md", "# A\n\x0c\n![x](missing.png)\n")
    assert_error(
        build("talk.md", "-o", "site"), f"talk.md:3: missing file 'missing.png' (no file at {here / 'missing.png'})"
    )


# --- the deck file itself --------------------------------------------------------------------------------


def test_non_utf8_file_at_the_line_of_the_first_bad_byte(here: Path) -> None:
    write(here / "talk.md", b"# A\nfine\ncaf\xe9 latin-1\n\xff\n")
    assert_error(build("talk.md", "-o", "site"), "talk.md:3: file is not UTF-8 text (save it as UTF-8 in your editor)")


def test_non_utf8_file_with_bom_at_the_line_of_the_bad_byte(here: Path) -> None:
    write(here / "talk.md", b"\xef\xbb\xbfa\n\xff\n")
    assert_error(build("talk.md", "-o", "site"), "talk.md:2: file is not UTF-8 text (save it as UTF-8 in your editor)")


def test_bom_and_crlf_are_fine(here: Path) -> None:
    write(here / "talk.md", b"\xef\xbb\xbf---\r\ntitle: T\r\n---\r\n# A\r\n---\r\n# B\r\n")
    result = build("talk.md", "-o", "site")
    assert result.exit_code == 0, result.output
    assert result.stdout == "built: site/talk/index.html (2 slides)\n"


@pytest.mark.parametrize(
    ("text", "line"),
    [("---\n---\n", 1), ("---\ntitle: T\n---\n\n---\n----\n", 4)],
    ids=["separators-only", "after-front-matter"],
)
def test_deck_without_slides(here: Path, text: str, line: int) -> None:
    write(here / "talk.md", text)
    assert_error(
        build("talk.md", "-o", "site"),
        f"talk.md:{line}: the deck has no slides (write some Markdown after the front matter)",
    )


@pytest.mark.parametrize(
    ("text", "line"), [("", 1), ("\n \n", 1), ("---\ntitle: T\n---\n", 4)], ids=["empty", "blank", "front-matter-only"]
)
def test_empty_deck(here: Path, text: str, line: int) -> None:
    write(here / "talk.md", text)
    assert_error(
        build("talk.md", "-o", "site"),
        f"talk.md:{line}: the deck has no slides (write some Markdown after the front matter)",
    )


def test_missing_deck_file(here: Path) -> None:
    assert_error(build("nope.md", "-o", "site"), "nope.md: no such deck file (check the path)")


def test_two_decks_with_one_slug(here: Path) -> None:
    write(here / "a" / "talk.md", "# A\n")
    write(here / "b" / "talk.md", "# B\n")
    assert_error(
        build("a/talk.md", "b/talk.md", "-o", "site"),
        "b/talk.md: two decks would be written to talk/ (the other is a/talk.md) (rename one of the files)",
    )
    assert not (here / "site").exists()


def test_deck_named_like_the_shared_folder(here: Path) -> None:
    write(here / "talk.md", "# A\n")
    write(here / "deckbuild-assets.md", "# B\n")
    result = build("talk.md", "deckbuild-assets.md", "-o", "site")
    assert result.exit_code == 1
    assert "deckbuild-assets" in result.stderr
    assert "Traceback" not in result.output


# --- the output folder and the environment -----------------------------------------------------------------


def test_output_folder_below_a_regular_file(here: Path) -> None:
    write(here / "talk.md", "# A\n")
    write(here / "blocker", "not a folder\n")
    assert_error(
        build("talk.md", "-o", "blocker/site"),
        "blocker/site: cannot write the output folder: Not a directory (choose another with -o)",
    )
    assert (here / "blocker").read_text() == "not a folder\n"


def test_output_folder_is_a_regular_file(here: Path) -> None:
    write(here / "talk.md", "# A\n")
    write(here / "blocker", "not a folder\n")
    assert_error(
        build("talk.md", "-o", "blocker"),
        "blocker: cannot write the output folder: File exists (choose another with -o)",
    )


def test_reveal_js_not_installed(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deckbuild.compile.assets, "_candidates", lambda: [here / "empty" / "node_modules"])
    write(here / "talk.md", "# A\n")
    assert_error(
        build("talk.md", "-o", "site"), f"reveal.js {pinned_reveal_version()} is not installed {NOT_INSTALLED_HINT}"
    )
    assert not (here / "site").exists()


def test_wrong_reveal_js_version_installed(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = here / "old" / "node_modules"
    write(old / "reveal.js" / "package.json", json.dumps({"name": "reveal.js", "version": "3.9.2"}))
    (old / "highlight.js" / "styles").mkdir(parents=True)
    monkeypatch.setattr(deckbuild.compile.assets, "_candidates", lambda: [old, here / "empty" / "node_modules"])
    write(here / "talk.md", "# A\n")
    assert_error(
        build("talk.md", "-o", "site"),
        f"reveal.js {pinned_reveal_version()} is not installed ({old} has reveal.js 3.9.2) {NOT_INSTALLED_HINT}",
    )


def test_a_pip_install_missing_its_assets_is_told_to_reinstall(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not a checkout (no lock file and pyproject beside the package): npm is not the answer there."""
    monkeypatch.setattr(deckbuild.compile.assets, "_candidates", lambda: [here / "empty" / "node_modules"])
    manifests = deckbuild.compile.assets.npm_manifest_dir()
    monkeypatch.setattr(deckbuild.compile.assets, "npm_manifest_dir", lambda: manifests)
    monkeypatch.setattr(deckbuild.compile.assets, "_CHECKOUT", here / "site-packages")
    write(here / "talk.md", "# A\n")
    assert_error(
        build("talk.md", "-o", "site"),
        f"reveal.js {pinned_reveal_version()} is not installed "
        "(reinstall deckbuild from a wheel: 'pip install --force-reinstall deckbuild')",
    )


def test_node_modules_from_the_environment_comes_first(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DECKBUILD_NODE_MODULES", str(tmp_path / "mine"))
    assert deckbuild.compile.assets._candidates()[0] == tmp_path / "mine"


# --- a failed build leaves the previous site as it was ---------------------------------------------------------


GOOD = "---\ntitle: T\n---\n# A\n![plot](plot.png)\n---\n# B\n"


@pytest.mark.parametrize(
    "broken",
    [
        GOOD.replace("title: T", "title: [T"),
        GOOD.replace("plot.png", "other.png"),
        GOOD.replace("title: T", "title: T\ntheme: nope"),
        GOOD.encode("utf-8") + b"\xff\n",
    ],
    ids=["yaml", "missing-image", "theme", "not-utf8"],
)
def test_failed_build_leaves_the_previous_site_untouched(here: Path, broken: str | bytes) -> None:
    write(here / "plot.png", PNG)
    deck = write(here / "talk.md", GOOD)
    assert build("talk.md", "-o", "site").exit_code == 0
    before = snapshot(here / "site")
    assert "talk/index.html" in before
    write(deck, broken)
    result = build("talk.md", "-o", "site")
    assert result.exit_code == 1
    assert result.stderr.startswith("talk.md:")
    assert snapshot(here / "site") == before
    assert staging_leftovers(here / "site") == []


def test_rebuild_after_a_failure_works(here: Path) -> None:
    deck = write(here / "talk.md", "# A\n")
    assert build("talk.md", "-o", "site").exit_code == 0
    write(deck, "---\ntheme: nope\n---\n# A\n")
    assert build("talk.md", "-o", "site").exit_code == 1
    write(deck, "# A\n---\n# B\n")
    result = build("talk.md", "-o", "site")
    assert result.exit_code == 0, result.output
    assert result.stdout == "built: site/talk/index.html (2 slides)\n"
    html = (here / "site" / "talk" / "index.html").read_text()
    assert "<h1>B</h1>" in html
    assert html.count("<section") == 2
