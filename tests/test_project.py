"""deckbuild in a blog's repository: one config file, files from anywhere in the project, every
missing file in one run, deckbuild's own themes after a pip install, re-shoots that delete nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from PIL import Image

from deckbuild.browser.images import resize
from deckbuild.cli import main

ROOT = Path(__file__).resolve().parent.parent
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf000000030101001b9b2b6a0000000049454e44ae426082"
)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path.resolve()


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


# --- one config file -------------------------------------------------------------------------------------------


def test_deckbuild_toml_sets_the_folders_and_config_says_where_from(here: Path) -> None:
    write(here / "deckbuild.toml", 'decks = "talks"\nsite = "slides"\ntheme = "white"\n')
    write(here / "talks" / "t.md", "# A\n")
    result = run("build")
    assert result.exit_code == 0, result.output
    assert (here / "slides" / "t" / "index.html").is_file() and not (here / "site").exists()
    assert 'reveal.js/theme/white.css"' in (here / "slides" / "t" / "index.html").read_text()
    shown = run("config")
    assert shown.exit_code == 0
    lines = shown.output.splitlines()
    assert "site      slides  (deckbuild.toml:2)" in lines
    assert "theme     white  (deckbuild.toml:3)" in lines
    assert "shots     shots  (default)" in lines
    assert "base_url  (none)  (default)" in lines
    # A flag beats the file; a deck's own theme beats the project's.
    write(here / "talks" / "t.md", "---\ntheme: moon\n---\n# A\n")
    assert run("build", "-o", "other").exit_code == 0
    assert "theme/moon.css" in (here / "other" / "t" / "index.html").read_text()


def test_tool_deckbuild_in_pyproject_is_found_from_a_subfolder(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (here / ".git").mkdir()  # outside a repository only the working folder is looked in
    write(here / "pyproject.toml", '[project]\nname = "blog"\n\n[tool.deckbuild]\nsite = "public/slides"\n')
    write(here / "decks" / "t.md", "# A\n")
    (here / "decks" / "sub").mkdir()
    monkeypatch.chdir(here / "decks" / "sub")
    assert run("build", "../t.md").exit_code == 0
    assert (here / "public" / "slides" / "t" / "index.html").is_file()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('site = "s"\nthme = "x"\n', "deckbuild.toml:2: unknown key 'thme' (known keys: base_url, decks, name, "),
        ('shared = "_assets"\n', "deckbuild.toml:1: 'shared' must be a plain folder name that does not start"),
        ("sizes = ['600x']\n", "deckbuild.toml:1: 'sizes' '600x' is not a size like 600x390"),
        ('site = "s"\nsite = 3\n', "deckbuild.toml:2: invalid TOML"),
    ],
)
def test_a_bad_config_file_is_an_error_at_its_line(here: Path, text: str, message: str) -> None:
    write(here / "deckbuild.toml", text)
    write(here / "decks" / "t.md", "# A\n")
    result = run("build")
    assert result.exit_code == 1
    assert result.stderr.startswith(message), result.stderr


def test_shots_check_uses_the_configured_site_and_names_the_command_to_run(here: Path) -> None:
    write(here / "deckbuild.toml", 'site = "slides"\n')
    write(here / "decks" / "t.md", "# A\n")
    result = run("shots", "decks/t.md", "--check", "--size", "600x390", "--slides", "0")
    assert result.exit_code == 1
    assert "missing: shots/t_600x390.png" in result.stdout
    assert result.stderr.strip() == (
        "screenshots are out of date (run: deckbuild shots decks/t.md --slides 0 --size 600x390)"
    )


# --- files from anywhere in the project ---------------------------------------------------------------------------


def test_an_image_elsewhere_in_the_project_is_copied_into_the_deck(here: Path) -> None:
    write(here / "deckbuild.toml", "")
    write(here / "assets" / "img" / "figure.png", PNG_1PX)
    write(here / "decks" / "t.md", "# A\n\n![fig](../assets/img/figure.png)\n")
    assert run("build").exit_code == 0, run("build").output
    html = (here / "site" / "t" / "index.html").read_text()
    assert 'src="up/assets/img/figure.png"' in html and "../assets" not in html
    assert (here / "site" / "t" / "up" / "assets" / "img" / "figure.png").read_bytes() == PNG_1PX


def test_the_git_top_is_the_project_root_without_a_config_file(here: Path) -> None:
    (here / ".git").mkdir()
    write(here / "assets" / "f.png", PNG_1PX)
    write(here / "decks" / "t.md", "# A\n\n![fig](../assets/f.png)\n")
    assert run("build").exit_code == 0
    write(here.parent / "outside.png", PNG_1PX)
    write(here / "decks" / "t.md", "# A\n\n![fig](../../outside.png)\n")
    result = run("build")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"decks/t.md:3: '../../outside.png' is outside the project {here.name}/")


def test_every_missing_file_is_reported_in_one_run(here: Path) -> None:
    body = "".join(f"# S{i}\n\n![x](img/missing{i}.png)\n\n" for i in range(15))
    write(here / "decks" / "a.md", body)
    write(here / "decks" / "b.md", "---\ntheme: nope\n---\n# B\n")
    result = run("build")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 16, result.stderr
    assert lines[0].startswith("decks/a.md:3: missing file 'img/missing0.png'")
    assert lines[14].startswith("decks/a.md:59: missing file 'img/missing14.png'")
    assert lines[15].startswith("decks/b.md:2: unknown theme 'nope'")
    assert not (here / "site").exists()


# --- deckbuild's own themes travel with it --------------------------------------------------------------------------


def test_project_themes_shadow_deckbuilds_own_by_name(here: Path) -> None:
    write(here / "themes" / "meetup-dark" / "theme.css", ".reveal { color: rgb(1, 2, 3); }\n")
    listing = run("themes")
    assert f"meetup-dark       {here / 'themes' / 'meetup-dark'}" in listing.output
    assert "conference-light  deckbuild" in listing.output


# --- padding has the slide's own colours ------------------------------------------------------------------------


def test_padding_repeats_the_edge_rows_so_there_is_no_seam() -> None:
    capture = Image.new("RGB", (160, 90), (34, 39, 56))
    for x in range(160):  # an accent bar along the top, a gradient along the bottom edge
        for y in range(4):
            capture.putpixel((x, y), (200, 60, 60))
        capture.putpixel((x, 89), (x, 100, 120))
    for y in range(90):
        capture.putpixel((0, y), (10, 200, 10))  # a stripe down the left edge
    padded = resize(capture, (160, 120), "pad")
    top, bottom = 15, 15 + 90
    for y in range(top):
        assert [padded.getpixel((x, y)) for x in range(160)] == [padded.getpixel((x, top)) for x in range(160)]
    for y in range(bottom, 120):
        assert [padded.getpixel((x, y)) for x in range(160)] == [padded.getpixel((x, bottom - 1)) for x in range(160)]
    side = resize(capture, (200, 90), "pad")
    for x in range(20):
        assert [side.getpixel((x, y)) for y in range(90)] == [side.getpixel((20, y)) for y in range(90)]
    assert side.getpixel((5, 50)) == (10, 200, 10)


@pytest.mark.browser
def test_a_padded_meetup_dark_slide_has_no_seam(here: Path) -> None:
    write(here / "talk.md", "---\ntitle: Dark\ntheme: meetup-dark\nwidth: 1280\nheight: 720\n---\n# A\n\ntext\n")
    result = run("shots", "talk.md", "--size", "600x390", "--slides", "1")
    assert result.exit_code == 0, result.output
    with Image.open(here / "shots" / "talk_1_600x390.png") as image:
        rgb = image.convert("RGB")
    band = (390 - round(720 * 600 / 1280)) // 2
    assert band > 10
    edge = [rgb.getpixel((x, band)) for x in range(600)]
    for y in range(band):
        assert [rgb.getpixel((x, y)) for x in range(600)] == edge
    assert rgb.getpixel((300, 0)) != (19, 21, 28)  # the seam colour the old padding used


# --- a narrowed re-shoot adds and refreshes, never deletes ----------------------------------------------------------


@pytest.mark.browser
def test_narrowed_runs_keep_the_other_images_and_gone_decks_are_cleaned_by_a_full_run(here: Path) -> None:
    write(here / "decks" / "a.md", "---\nshots:\n  slides: 0,1\n  sizes: [320x180]\n---\n# One\n\n# Two\n\n# Three\n")
    write(here / "decks" / "b.md", "# B\n")
    assert run("shots").exit_code == 0
    full = sorted(p.name for p in (here / "shots").glob("*.png"))
    assert full == ["a_1_320x180.png", "a_320x180.png", "b_960x700.png"]
    narrowed = run("shots", "decks/a.md", "--slides", "2")
    assert narrowed.exit_code == 0, narrowed.output
    assert "removed" not in narrowed.stdout.replace("0 removed", "")
    renamed = run("shots", "decks/a.md", "--name", "x_{h}.png")
    assert renamed.exit_code == 0, renamed.output
    assert set(full) <= {p.name for p in (here / "shots").glob("*.png")}
    (here / "decks" / "b.md").unlink()
    check = run("shots", "--check")
    assert check.exit_code == 1
    assert "extra: shots/b_960x700.png" in check.stdout
    assert "extra: site/b" in check.stdout
    again = run("shots")
    assert again.exit_code == 0, again.output
    assert not (here / "shots" / "b_960x700.png").exists() and not (here / "site" / "b").exists()
    assert (here / "shots" / "a_320x180.png").exists()
    # The full run is the decks' configured selection: what only a narrowed run asked for goes too.
    assert "removed: shots/x_0.png" in again.stdout and "removed: shots/a_2_320x180.png" in again.stdout
