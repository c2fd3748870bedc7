"""`deckbuild shots` options and staleness rules, asserted on names and on what --check reports.

The staleness tests say only "this change makes that image stale" or "this one does not": they hold
whatever the key is made of.  (`test_committed_post_images_are_current` in test_shots.py is the CI
check of the repo's own images.)
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from PIL import Image

import deckbuild.browser.capture
from deckbuild.browser.capture import Capture
from deckbuild.browser.shots import ShotOptions, manifest_name, read_manifest, take_shots
from deckbuild.cli import main
from deckbuild.errors import DeckError

SMALL = "width: 320\nheight: 200\ntitle_slide: false\n"


def _names(paths: list[Path]) -> list[str]:
    return sorted(p.name for p in paths)


# --- options: which images a run is about (--check, so no browser) ------------------------------------------


@pytest.fixture
def eleven(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A deck with slides 0 to 10, slide 3 a stack of three."""
    monkeypatch.chdir(tmp_path)
    body = "".join(f"# S{n}\n\n" + ("## S3a\n\n## S3b\n\n" if n == 3 else "") for n in range(11))
    (tmp_path / "talk.md").write_text(f"---\n{SMALL}---\n{body}", encoding="utf-8")
    return tmp_path / "talk.md"


def _missing(deck: Path, **options: object) -> list[str]:
    values: dict[str, object] = {"out": deck.parent / "shots", "site": deck.parent / "site", "check": True}
    values.update(options)
    return _names(take_shots([deck], ShotOptions(**values)).missing)  # type: ignore[arg-type]


def test_a_range_includes_both_ends_and_a_stack_star_every_vertical(eleven: Path) -> None:
    assert _missing(eleven, slides="7-9") == ["talk_7_320x200.png", "talk_8_320x200.png", "talk_9_320x200.png"]
    assert _missing(eleven, slides="3/*") == ["talk_3-1_320x200.png", "talk_3-2_320x200.png", "talk_3_320x200.png"]
    assert _missing(eleven, slides="3/2, 10, 0") == ["talk_10_320x200.png", "talk_3-2_320x200.png", "talk_320x200.png"]
    assert len(_missing(eleven, slides="all")) == 13 == len(_missing(eleven))
    assert _missing(eleven, slides="9,9-9,9") == ["talk_9_320x200.png"]
    wrong = [("10-11", "slide 11 does not exist"), ("3/3", "slide 3/3 does not exist"), ("x", "'x' is")]
    for bad, message in [*wrong, ("5-2", "'5-2' is an empty range")]:
        with pytest.raises(DeckError, match=message):
            _missing(eleven, slides=bad)


def test_name_pattern_fields(eleven: Path) -> None:
    pattern = "{slug}-{h}-{v}-{index}-{width}-{height}{_index}.png"
    assert _missing(eleven, slides="0,3/1", name=pattern) == ["talk-0-0--320-200.png", "talk-3-1-3-1-320-200_3-1.png"]


def test_size_flags_beat_the_front_matter_sizes(tmp_path: Path) -> None:
    deck = tmp_path / "talk.md"
    deck.write_text(f"---\n{SMALL}shots:\n  sizes: [100x50]\n  slides: '1'\n---\n# A\n\n# B\n", encoding="utf-8")
    assert _missing(deck) == ["talk_1_100x50.png"]
    assert _missing(deck, sizes=("200x100", "64x64")) == ["talk_1_200x100.png", "talk_1_64x64.png"]
    assert _missing(deck, slides="0") == ["talk_100x50.png"]  # --slides beats shots: slides:


def test_shots_out_is_resolved_from_the_decks_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "decks").mkdir()
    (tmp_path / ".git").mkdir()  # the project: shots: out: may name any folder inside it
    (tmp_path / "elsewhere" / "deeper").mkdir(parents=True)
    deck = tmp_path / "decks" / "talk.md"
    deck.write_text(f"---\n{SMALL}shots:\n  out: ../pics\n---\n# A\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "elsewhere" / "deeper")
    report = take_shots([deck], ShotOptions(site=tmp_path / "site", check=True))
    assert [p.resolve() for p in report.missing] == [tmp_path / "pics" / "talk_320x200.png"]
    flag = take_shots([deck], ShotOptions(out=Path("flagged"), site=tmp_path / "site", check=True))
    assert [p.resolve() for p in flag.missing] == [tmp_path / "elsewhere" / "deeper" / "flagged" / "talk_320x200.png"]


@pytest.mark.parametrize("flag", ["--browser-path", "--chrome-path", "--executable-path"])
def test_every_browser_flag_names_the_browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flag: str) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DECKBUILD_BROWSER", "/usr/lib/chromium/chromium")  # the flag beats the variable
    (tmp_path / "talk.md").write_text("# A\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["shots", "talk.md", flag, str(tmp_path / "mine")])
    assert result.exit_code == 1
    assert result.output.startswith(f"no browser at {tmp_path / 'mine'} (")
    assert not (tmp_path / "shots").exists()


@pytest.mark.browser
def test_the_browser_variable_names_the_browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    fake = tmp_path / "fake-chrome"
    fake.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("DECKBUILD_BROWSER", str(fake))
    (tmp_path / "talk.md").write_text("# A\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["shots", "talk.md", "--timeout", "10"])
    assert result.exit_code == 1
    assert result.output.startswith("fake-chrome: the browser would not start: "), result.output
    browser = CliRunner().invoke(main, ["browser"])
    assert (browser.exit_code, browser.output.strip()) == (0, str(fake))


# --- staleness: one real run of two decks sharing one folder, then copies of it ---------------------------------

THEME_CSS = ".reveal-viewport { background: rgb(10, 20, 30); }\n.reveal h1 { font-size: 16px; }\n"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Decks a (project theme, two slides, two sizes) and b (one slide), both written to shots/."""
    root = tmp_path_factory.mktemp("project")
    (root / ".git").mkdir()
    (root / "themes" / "house").mkdir(parents=True)
    (root / "themes" / "house" / "theme.css").write_text(THEME_CSS)
    (root / "themes" / "house" / "theme.yml").write_text("extends: white\n")
    (root / "decks").mkdir()
    sizes = "shots:\n  sizes: [320x200, 640x200]\n"
    (root / "decks" / "a.md").write_text(f"---\n{SMALL}theme: house\n{sizes}---\n# A0\n\n# A1\n", encoding="utf-8")
    (root / "decks" / "b.md").write_text(f"---\n{SMALL}---\n# B0\n", encoding="utf-8")
    first = take_shots([root / "decks" / "a.md"], ShotOptions(out=root / "shots", site=root / "site"))
    assert len(first.written) == 4
    second = take_shots([root / "decks" / "b.md"], ShotOptions(out=root / "shots", site=root / "site"))
    assert _names(second.written) == ["b_320x200.png"] and second.removed == []
    return root


def _copy(project: Path, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(project, root, symlinks=True)
    return root


def _check(root: Path, deck: str = "a", **options: object) -> dict[str, list[str]]:
    values: dict[str, object] = {"out": root / "shots", "site": root / "site", "check": True}
    values.update(options)
    report = take_shots([root / "decks" / f"{deck}.md"], ShotOptions(**values))  # type: ignore[arg-type]
    return {
        key: _names(getattr(report, key)) for key in ("unchanged", "stale", "missing", "extra") if getattr(report, key)
    }


A_IMAGES = ["a_1_320x200.png", "a_1_640x200.png", "a_320x200.png", "a_640x200.png"]


@pytest.mark.browser
def test_two_decks_sharing_a_folder_keep_each_others_images(project: Path, tmp_path: Path) -> None:
    root = _copy(project, tmp_path)
    assert _check(root, "a") == {"unchanged": A_IMAGES}  # and a copy of the project elsewhere is up to date
    assert _check(root, "b") == {"unchanged": ["b_320x200.png"]}
    again = take_shots([root / "decks" / "a.md"], ShotOptions(out=root / "shots", site=root / "site"))
    assert again.removed == [] and again.written == []
    assert (root / "shots" / "b_320x200.png").is_file()
    # a deck that loses a slide and a size removes only its own images
    (root / "decks" / "a.md").write_text(f"---\n{SMALL}theme: house\n---\n# A0\n", encoding="utf-8")
    assert _check(root, "a")["extra"] == ["a_1_320x200.png", "a_1_640x200.png", "a_640x200.png"]
    shrunk = take_shots([root / "decks" / "a.md"], ShotOptions(out=root / "shots", site=root / "site"))
    assert _names(shrunk.removed) == ["a_1_320x200.png", "a_1_640x200.png", "a_640x200.png"]
    assert _names(list((root / "shots").glob("*.png"))) == ["a_320x200.png", "b_320x200.png"]
    assert _check(root, "b") == {"unchanged": ["b_320x200.png"]}


@pytest.mark.browser
def test_editing_the_project_themes_css_makes_its_decks_images_stale(project: Path, tmp_path: Path) -> None:
    root = _copy(project, tmp_path)
    (root / "themes" / "house" / "theme.css").write_text(THEME_CSS.replace("10, 20, 30", "10, 20, 31"))
    assert _check(root, "a") == {"stale": A_IMAGES}
    assert _check(root, "b") == {"unchanged": ["b_320x200.png"]}  # b does not use the theme


@pytest.mark.browser
@pytest.mark.parametrize("how", ["edited", "truncated", "deleted"])
def test_an_image_changed_on_disk_is_not_fresh(project: Path, tmp_path: Path, how: str) -> None:
    root = _copy(project, tmp_path)
    image = root / "shots" / "a_1_640x200.png"
    if how == "edited":
        with Image.open(image) as original:
            edited = original.convert("RGB")
        edited.putpixel((0, 0), (255, 0, 255))
        edited.save(image)
    elif how == "truncated":
        image.write_bytes(image.read_bytes()[:100])
    else:
        image.unlink()
    expected = {"unchanged": [n for n in A_IMAGES if n != image.name]}
    expected["missing" if how == "deleted" else "stale"] = [image.name]
    assert _check(root, "a") == expected


@pytest.mark.browser
def test_a_run_rewrites_a_corrupted_image_and_only_that_one(project: Path, tmp_path: Path) -> None:
    root = _copy(project, tmp_path)
    good = (root / "shots" / "a_1_320x200.png").read_bytes()
    (root / "shots" / "a_1_320x200.png").write_bytes(good[:100])
    report = take_shots([root / "decks" / "a.md"], ShotOptions(out=root / "shots", site=root / "site"))
    assert _names(report.written) == ["a_1_320x200.png"]
    assert (root / "shots" / "a_1_320x200.png").read_bytes() == good
    assert _check(root, "a") == {"unchanged": A_IMAGES}


@pytest.mark.browser
@pytest.mark.parametrize(
    ("options", "stale"),
    [
        ({"fit": "crop"}, ["a_1_640x200.png", "a_640x200.png"]),
        ({"scale": 2.0}, A_IMAGES),
        ({"fragments": "initial"}, A_IMAGES),
    ],
)
def test_switching_a_capture_option_makes_images_stale(
    project: Path, tmp_path: Path, options: dict[str, object], stale: list[str]
) -> None:
    root = _copy(project, tmp_path)
    found = _check(root, "a", **options)
    assert set(stale) <= set(found.get("stale", []))
    assert not found.get("missing") and not found.get("extra")


@pytest.mark.browser
@pytest.mark.parametrize("options", [{"fit": "pad"}, {"scale": 1.0}, {"fragments": "final"}, {"sizes": ()}])
def test_naming_the_defaults_changes_nothing(project: Path, options: dict[str, object]) -> None:
    assert _check(project, "a", **options) == {"unchanged": A_IMAGES}


@pytest.mark.browser
def test_a_manifest_written_by_a_run_lists_every_image_it_keeps(project: Path, tmp_path: Path) -> None:
    import json

    root = _copy(project, tmp_path)
    manifest = root / "shots" / manifest_name("a")
    data = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({"images": data["images"], "version": 1}))  # any layout reads the same
    assert take_shots([root / "decks" / "b.md"], ShotOptions(out=root / "shots", site=root / "site")).written == []
    for deck, images in (("a", A_IMAGES), ("b", ["b_320x200.png"])):
        text = (root / "shots" / manifest_name(deck)).read_text()
        entries = json.loads(text)["images"]
        assert sorted(entries) == sorted(images)
        assert {e["deck"] for e in entries.values()} == {deck} and json.loads(text)["version"] == 1
        # one layout, keys in order and a line a field, so that a commit's diff names the images that changed
        assert text == json.dumps(json.loads(text), indent=1, sort_keys=True) + "\n"


@pytest.mark.browser
def test_an_extra_image_replaced_by_a_link_or_deleted_by_hand_is_only_forgotten(project: Path, tmp_path: Path) -> None:
    """Images of a removed slide: a symlink (even to the same bytes) is kept, a missing file is no error."""
    root = _copy(project, tmp_path)
    shots = root / "shots"
    (tmp_path / "elsewhere.png").write_bytes((shots / "a_1_320x200.png").read_bytes())
    (shots / "a_1_320x200.png").unlink()
    (shots / "a_1_320x200.png").symlink_to(tmp_path / "elsewhere.png")
    (shots / "a_1_640x200.png").unlink()
    (root / "decks" / "a.md").write_text(
        f"---\n{SMALL}theme: house\nshots:\n  sizes: [320x200, 640x200]\n---\n# A0\n", encoding="utf-8"
    )
    report = take_shots([root / "decks" / "a.md"], ShotOptions(out=shots, site=root / "site"))
    assert report.removed == [] and report.written == []
    kept = f"{shots / 'a_1_320x200.png'}: kept: it changed since deckbuild wrote it (delete it yourself)"
    assert report.warnings == [kept]
    assert (shots / "a_1_320x200.png").is_symlink() and (tmp_path / "elsewhere.png").is_file()
    assert _check(root, "a") == {"unchanged": ["a_320x200.png", "a_640x200.png"]}  # both forgotten


# --- what a run does with the captures, the browser stood in for (no Chromium) ------------------------------


def _png(size: tuple[int, int], colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


COLOURS = {(0, 0): (200, 0, 0), (1, 0): (0, 0, 200)}


def test_each_capture_is_written_at_every_size_with_its_manifest_entry_problems_and_progress(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deck = tmp_path / "talk.md"
    deck.write_text(f"---\n{SMALL}shots:\n  sizes: [320x200, 160x100]\n---\n# A\n\n# B\n", encoding="utf-8")
    calls: list[dict[str, Any]] = []

    def fake_capture_decks(jobs: Any, deliver: Any, **kwargs: Any) -> None:
        made = jobs()
        calls.append({"jobs": made, **kwargs})
        for job in made:
            for h, v in job.slides:
                size = (round(job.width * job.scale), round(job.height * job.scale))
                problems = ["console error: boom"] if (h, v) == (1, 0) else []
                deliver(Capture(job.slug, h, v, _png(size, COLOURS[(h, v)]), size, problems))

    monkeypatch.setattr(deckbuild.browser.capture, "capture_decks", fake_capture_decks)
    progress: list[tuple[int, int, str]] = []
    out, site = tmp_path / "shots", tmp_path / "site"
    options = ShotOptions(out=out, site=site, jobs=2, timeout=7.0, browser_path=tmp_path / "chrome")
    report = take_shots([deck], options, lambda done, total, what: progress.append((done, total, what)))

    (call,) = calls
    (job,) = call.pop("jobs")
    assert (job.slug, job.width, job.height, job.scale, job.fragments, job.slides) == (
        "talk",
        320,
        200,
        1.0,
        "final",
        ((0, 0), (1, 0)),
    )
    assert (job.measure, job.measure_all) == (True, False)
    assert job.url == (site / "talk" / "index.html").resolve().as_uri()
    assert (site / "talk" / "index.html").is_file()  # the site is built before the captures
    assert call == {"pages": 2, "browser_path": tmp_path / "chrome", "timeout": 7.0, "measured": call["measured"]}
    names = ["talk_160x100.png", "talk_1_160x100.png", "talk_1_320x200.png", "talk_320x200.png"]
    assert _names(report.written) == names and report.unchanged == []
    for name in names:
        image = Image.open(out / name)
        assert image.size == ((320, 200) if "320x200" in name else (160, 100))
        assert image.convert("RGB").getpixel((5, 5)) == COLOURS[(1, 0) if "_1_" in name else (0, 0)]
    assert report.warnings == [f"{deck}: slide #/1/0: console error: boom"]
    assert progress == [(1, 2, "talk #/0/0"), (2, 2, "talk #/1/0")]
    entries = read_manifest(out)
    assert sorted(entries) == names
    for name in names:
        assert entries[name]["deck"] == "talk"
        assert entries[name]["sha256"] == hashlib.sha256((out / name).read_bytes()).hexdigest()
    # The keys written are the keys a check computes: nothing is stale, and a second run captures nothing.
    assert _names(take_shots([deck], dataclasses.replace(options, check=True)).unchanged) == names
    calls.clear()
    again = take_shots([deck], options)
    assert calls == [] and _names(again.unchanged) == names and again.written == []


def test_a_capture_at_the_size_already_on_disk_is_unchanged_and_strict_measures_every_slide(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deck = tmp_path / "talk.md"
    deck.write_text(f"---\n{SMALL}---\n# A\n\n# B\n", encoding="utf-8")
    jobs: list[Any] = []

    def fake_capture_decks(make: Any, deliver: Any, **kwargs: Any) -> None:
        for job in make():
            jobs.append(job)
            for h, v in job.slides:
                deliver(Capture(job.slug, h, v, _png((320, 200), COLOURS[(h, v)]), (320, 200), []))

    monkeypatch.setattr(deckbuild.browser.capture, "capture_decks", fake_capture_decks)
    out = tmp_path / "shots"
    take_shots([deck], ShotOptions(out=out, site=tmp_path / "site"))
    before = (out / "talk_1_320x200.png").stat().st_ino
    report = take_shots([deck], ShotOptions(out=out, site=tmp_path / "site", force=True, strict=True))
    assert _names(report.unchanged) == ["talk_1_320x200.png", "talk_320x200.png"] and report.written == []
    assert (out / "talk_1_320x200.png").stat().st_ino == before
    assert [(job.measure, job.measure_all) for job in jobs] == [(True, False), (True, True)]


def test_a_run_that_fails_midway_keeps_the_manifest_entries_of_what_it_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deck = tmp_path / "talk.md"
    deck.write_text(f"---\n{SMALL}---\n# A\n\n# B\n", encoding="utf-8")

    def fake_capture_decks(make: Any, deliver: Any, **kwargs: Any) -> None:
        (job,) = make()
        deliver(Capture(job.slug, 0, 0, _png((320, 200), COLOURS[(0, 0)]), (320, 200), []))
        raise DeckError("the browser crashed while capturing talk #/1/0")

    monkeypatch.setattr(deckbuild.browser.capture, "capture_decks", fake_capture_decks)
    out = tmp_path / "shots"
    with pytest.raises(DeckError, match="crashed"):
        take_shots([deck], ShotOptions(out=out, site=tmp_path / "site"))
    assert sorted(read_manifest(out)) == ["talk_320x200.png"]
    assert _missing(deck, out=out) == ["talk_1_320x200.png"]
