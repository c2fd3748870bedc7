"""What a `deckbuild shots` run checks, keeps, writes and removes, with the browser stood in for.

Every test here runs the real planning, manifests and site (``prepare`` builds it) with
``ShotOptions(capture=...)``: a stand-in for ``capture.capture_decks`` that "captures" a slide as a flat
colour PNG at the size the job asks for.  No test starts Chromium.  Assertions are on files on disk,
the Report's lists, the manifests, the jobs asked for and the messages in full.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, PngImagePlugin

import deckbuild.browser.capture
from deckbuild.browser.capture import Capture, DeckJob
from deckbuild.browser.shots import Report, ShotOptions, manifest_name, read_manifest, take_shots
from deckbuild.build import Shard
from deckbuild.errors import DeckError
from deckbuild.settings import Settings

SMALL = "width: 320\nheight: 200\ntitle_slide: false\n"
SHOTS = Path("shots")


@pytest.fixture(autouse=True)
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test in a folder of its own, as the working folder: paths in messages are relative to it."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _deck(path: str, body: str, meta: str = "") -> Path:
    deck = Path(path)
    deck.parent.mkdir(parents=True, exist_ok=True)
    deck.write_text(f"---\n{SMALL}{meta}---\n{body}", encoding="utf-8")
    return deck


def _slides(count: int, word: str = "S") -> str:
    return "".join(f"# {word}{n}\n\n" for n in range(count))


def _png(size: tuple[int, int], colour: tuple[int, int, int], *, note: str = "") -> bytes:
    out = io.BytesIO()
    info = PngImagePlugin.PngInfo()
    if note:
        info.add_text("Comment", note)  # a chunk that no re-encoding by deckbuild would keep
    Image.new("RGB", size, colour).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def _colour(h: int, v: int) -> tuple[int, int, int]:
    return ((60 * h) % 256, 30 + 60 * v, 200)


def _flat(job: DeckJob, h: int, v: int, size: tuple[int, int]) -> bytes:
    return _png(size, _colour(h, v), note=f"browser {job.slug} {h}/{v}")


def _grey(job: DeckJob, h: int, v: int, size: tuple[int, int]) -> bytes:
    return _png(size, (90, 90, 90))


@dataclass
class StandIn:
    """capture.capture_decks stood in for: builds the site with ``prepare``, delivers every slide asked for."""

    paint: Callable[[DeckJob, int, int, tuple[int, int]], bytes] = _flat
    reverse: bool = False  # deliver the slides last first (pages finish in any order)
    problems: dict[tuple[int, int], list[str]] = field(default_factory=dict)  # what each page reported
    measures: list[dict[str, Any]] = field(default_factory=list)  # what `measured` is handed, per deck
    meanwhile: Callable[[], None] | None = None  # something another process does while the browser works
    fail_after: int | None = None  # raise after this many deliveries, as a crashed browser does
    jobs: list[DeckJob] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)
    delivered: list[tuple[str, int, int, bytes]] = field(default_factory=list)

    def __call__(
        self,
        prepare: Callable[[], list[DeckJob]],
        deliver: Callable[[Capture], None],
        *,
        pages: int,
        browser_path: Path | None,
        timeout: float,
        measured: Callable[[str, list[dict[str, Any]]], None] | None,
    ) -> None:
        made = prepare()
        self.jobs.extend(made)
        self.calls.append({"pages": pages, "browser_path": browser_path, "timeout": timeout})
        asked = [(job, h, v) for job in made for h, v in job.slides]
        for count, (job, h, v) in enumerate(reversed(asked) if self.reverse else asked):
            if count == self.fail_after:
                raise DeckError(f"the browser crashed while capturing {job.slug} #/{h}/{v}")
            size = (round(job.width * job.scale), round(job.height * job.scale))
            png = self.paint(job, h, v, size)
            self.delivered.append((job.slug, h, v, png))
            deliver(Capture(job.slug, h, v, png, size, list(self.problems.get((h, v), []))))
        if self.meanwhile is not None:
            self.meanwhile()
        assert measured is not None
        for job in made:
            measured(job.slug, self.measures)

    @property
    def slugs(self) -> list[str]:
        return [job.slug for job in self.jobs]


def _shots(decks: list[Path], stand: StandIn | None = None, **options: Any) -> Report:
    return take_shots(decks, ShotOptions(capture=stand or StandIn(), **options))


def _names(paths: list[Path]) -> list[str]:
    return [str(p) for p in paths]


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def _bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# --- options take_shots checks before it reads a deck -------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"jobs": 0}, "--jobs must be from 1 to 16, not 0"),
        ({"jobs": 17}, "--jobs must be from 1 to 16, not 17"),
        ({"fragments": "last"}, "--fragments must be one of final, initial"),
        ({"fit": "stretch"}, "--fit must be one of pad, crop"),
    ],
)
def test_a_bad_option_is_refused_in_full_before_anything_is_read(
    here: Path, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(DeckError) as caught:
        _shots([Path("no-such-deck.md")], **options)
    assert str(caught.value) == message
    assert list(here.iterdir()) == []


@pytest.mark.parametrize(
    "options",
    [{"jobs": 1}, {"jobs": 16}, {"fragments": "final"}, {"fragments": "initial"}, {"fit": "pad"}, {"fit": "crop"}],
)
def test_every_allowed_option_value_is_taken(options: dict[str, Any]) -> None:
    deck = _deck("talk.md", _slides(1))
    stand = StandIn()
    report = _shots([deck], stand, **options)
    assert _names(report.written) == ["shots/talk_320x200.png"]
    (job,) = stand.jobs
    assert job.fragments == options.get("fragments", "final")
    assert stand.calls[0]["pages"] == options.get("jobs", 1)


def test_with_no_deck_named_the_decks_are_the_projects_decks_folder() -> None:
    _deck("talks/one.md", _slides(1))
    _deck("talks/two.md", _slides(1))
    report = _shots([], project=Settings(decks=Path("talks")), check=True)
    assert _names(report.missing) == ["shots/one_320x200.png", "shots/two_320x200.png"]


def test_an_image_folder_that_is_a_source_folder_is_refused_naming_both_ways_to_choose_it(here: Path) -> None:
    deck = _deck("decks/talk.md", _slides(1))
    with pytest.raises(DeckError) as caught:
        _shots([deck], out=Path("decks"))
    assert str(caught.value) == (
        f"decks: the output folder is {here / 'decks'}, which deckbuild reads from; it would be overwritten"
        " (choose an output folder of its own with -o or shots: out:, such as site/)"
    )
    assert _files(here / "decks") == ["talk.md"]


def test_the_project_root_is_never_an_image_folder(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Even when the decks named are elsewhere: the root holds the settings file and the themes."""
    (here / "project").mkdir()
    (here / "work").mkdir()
    deck = _deck("elsewhere/talk.md", _slides(1)).resolve()
    monkeypatch.chdir(here / "work")
    with pytest.raises(DeckError) as caught:
        _shots([deck], out=here / "project", site=here / "site", project=Settings(root=here / "project"))
    assert str(caught.value) == (
        f"{here / 'project'}: the output folder is {here / 'project'}, which deckbuild reads from; it would be"
        " overwritten (choose an output folder of its own with -o or shots: out:, such as site/)"
    )
    assert list((here / "project").iterdir()) == [] and not (here / "site").exists()


# --- which decks, which images: --shard, --check, unchanged / stale / missing, files not ours ------------------


def test_a_shard_shoots_its_share_of_the_decks_and_keeps_the_other_shares_images(here: Path) -> None:
    a = _deck("decks/a.md", _slides(2))
    b = _deck("decks/b.md", _slides(1))
    first = _shots([], full=True)
    assert _names(first.written) == ["shots/a_1_320x200.png", "shots/a_320x200.png", "shots/b_320x200.png"]
    a.write_text(a.read_text().replace("# S0", "# T0"))
    b.write_text(b.read_text().replace("# S0", "# T0"))
    before = _bytes(here / "shots")
    # a (two slides) is the first share's, b the second's: the largest deck goes first
    stand = StandIn(paint=_grey)
    one = _shots([], stand, full=True, shard=Shard(1, 2))
    assert stand.slugs == ["a"] and stand.jobs[0].slides == ((0, 0),)
    assert _names(one.written) == ["shots/a_320x200.png"] and _names(one.unchanged) == ["shots/a_1_320x200.png"]
    assert one.extra == [] and one.removed == [] and one.stale == [Path("shots/a_320x200.png")]
    after = _bytes(here / "shots")
    b_files = ["b_320x200.png", manifest_name("b")]
    assert {n: after[n] for n in b_files} == {n: before[n] for n in b_files}
    assert (here / "site" / "b" / "index.html").is_file()
    stand = StandIn(paint=_grey)
    two = _shots([], stand, full=True, shard=Shard(2, 2))
    assert stand.slugs == ["b"] and _names(two.written) == ["shots/b_320x200.png"] and two.removed == []
    assert sorted(read_manifest(SHOTS)) == ["a_1_320x200.png", "a_320x200.png", "b_320x200.png"]


def test_check_reads_only(here: Path) -> None:
    deck = _deck("talk.md", _slides(2))
    stand = StandIn()
    report = _shots([deck], stand, check=True)
    assert _names(report.missing) == ["shots/talk_320x200.png", "shots/talk_1_320x200.png"]
    assert report.needs_browser and report.written == []
    assert sorted(p.name for p in here.iterdir()) == ["talk.md"]  # no image folder, no lock, no site
    _shots([deck])
    deck.write_text(deck.read_text().replace("# S1", "# T1") + "# S2\n")
    before = {p: (p.stat().st_ino, p.read_bytes()) for p in sorted(here.rglob("*")) if p.is_file()}
    calls: list[tuple[int, int, str]] = []
    report = take_shots(
        [deck], ShotOptions(check=True, capture=stand), lambda done, total, what: calls.append((done, total, what))
    )
    assert (report.unchanged, report.stale, report.missing, report.extra) == (
        [Path("shots/talk_320x200.png")],
        [Path("shots/talk_1_320x200.png")],
        [Path("shots/talk_2_320x200.png")],
        [],
    )
    after = {p: (p.stat().st_ino, p.read_bytes()) for p in sorted(here.rglob("*")) if p.is_file()}
    assert after == before and stand.jobs == [] and calls == []


def test_a_run_with_nothing_changed_starts_no_capture_and_writes_nothing(here: Path) -> None:
    deck = _deck("talk.md", _slides(2), "shots:\n  sizes: [320x200, 160x100]\n")
    _shots([deck])
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in sorted(here.rglob("*")) if p.is_file()}
    stand = StandIn()
    report = _shots([deck], stand)
    assert stand.calls == [] and report.written == [] and report.removed == [] and len(report.unchanged) == 4
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in sorted(here.rglob("*")) if p.is_file()} == before


def test_check_answers_while_another_run_writes_the_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    deck = _deck("talk.md", _slides(1))
    _shots([deck])
    monkeypatch.setenv("DECKBUILD_LOCK_TIMEOUT", "0")  # a run that waits for the lock gives up at once
    held = os.open(SHOTS, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as another deckbuild process holds it
        assert _names(_shots([deck], check=True).unchanged) == ["shots/talk_320x200.png"]
        with pytest.raises(DeckError, match="another deckbuild run is writing this folder"):
            _shots([deck])
    finally:
        os.close(held)


def test_a_missing_image_is_missing_and_a_changed_or_edited_one_stale() -> None:
    deck = _deck("talk.md", _slides(3))
    _shots([deck])
    (SHOTS / "talk_320x200.png").unlink()
    (SHOTS / "talk_2_320x200.png").write_bytes(_png((320, 200), (1, 2, 3)))
    deck.write_text(deck.read_text().replace("# S1", "# T1"))
    report = _shots([deck], check=True)
    assert report.missing == [Path("shots/talk_320x200.png")]
    assert report.stale == [Path("shots/talk_1_320x200.png"), Path("shots/talk_2_320x200.png")]
    assert report.unchanged == [] and report.extra == []
    assert _names(_shots([deck], check=True, force=True).stale) == [
        "shots/talk_1_320x200.png",
        "shots/talk_2_320x200.png",
    ]


@pytest.mark.parametrize("what", ["file", "link", "dangling link"])
def test_a_file_the_manifest_does_not_list_is_never_replaced(here: Path, what: str) -> None:
    deck = _deck("talk.md", _slides(2))
    _shots([deck], slides="1")
    mine = here / "mine.png"
    mine.write_bytes(b"my own picture")
    target = SHOTS / "talk_320x200.png"
    if what == "file":
        shutil.copy(mine, target)
    else:
        target.symlink_to(mine if what == "link" else here / "gone.png")
    stand = StandIn()
    for check in (True, False):
        with pytest.raises(DeckError) as caught:
            _shots([deck], stand, check=check)
        assert str(caught.value) == (
            "shots/talk_320x200.png: exists and was not written by deckbuild (its manifest does not list it);"
            " it will not be replaced (move it away, or choose another image folder or --name pattern)"
        )
    assert stand.jobs == [] and target.is_symlink() == (what != "file")
    assert mine.read_bytes() == b"my own picture" and (what != "file" or target.read_bytes() == b"my own picture")
    assert sorted(read_manifest(SHOTS)) == ["talk_1_320x200.png"]


def test_force_skips_a_bad_manifest_entry_and_keeps_the_good_ones() -> None:
    deck = _deck("talk.md", _slides(1))
    _shots([deck])
    manifest = SHOTS / manifest_name("talk")
    data = json.loads(manifest.read_text())
    data["images"]["../outside.png"] = data["images"]["talk_320x200.png"]
    manifest.write_text(json.dumps(data))
    with pytest.raises(DeckError, match="bad manifest entry '../outside.png'"):
        _shots([deck], check=True)
    assert _names(_shots([deck], check=True, force=True).stale) == ["shots/talk_320x200.png"]
    assert _names(_shots([deck], force=True).unchanged) == ["shots/talk_320x200.png"]  # same bytes again
    assert sorted(json.loads(manifest.read_text())["images"]) == ["talk_320x200.png"]


# --- extra images: which are removed, which kept (and said), which are not this run's business ----------------


def test_images_a_deck_no_longer_wants_are_removed_and_forgotten(here: Path) -> None:
    deck = _deck("talk.md", _slides(4))
    _shots([deck])
    manifest = SHOTS / manifest_name("talk")
    # Slide 2 goes; slide 1 (listed before it in the manifest) and slide 0 stay.
    deck.write_text(deck.read_text().replace("# S2\n\n", "").replace("# S3\n\n", ""))
    planned = _shots([deck], check=True)
    assert planned.extra == [Path("shots/talk_2_320x200.png"), Path("shots/talk_3_320x200.png")]
    assert planned.removed == [] and (SHOTS / "talk_2_320x200.png").is_file()
    report = _shots([deck])
    assert report.extra == planned.extra and report.removed == planned.extra and report.warnings == []
    assert _files(SHOTS) == [manifest.name, "talk_1_320x200.png", "talk_320x200.png"]
    assert sorted(json.loads(manifest.read_text())["images"]) == ["talk_1_320x200.png", "talk_320x200.png"]


def test_an_extra_image_edited_by_hand_or_read_by_a_deck_is_kept_with_a_warning_and_forgotten(here: Path) -> None:
    deck = _deck("talk.md", _slides(4))
    _shots([deck])
    # Only slide 0 stays, and it now shows the image of slide 3; slide 1's image was edited by hand.
    deck.write_text(f"---\n{SMALL}---\n# S0\n\n![](shots/talk_3_320x200.png)\n", encoding="utf-8")
    (SHOTS / "talk_1_320x200.png").write_bytes(_png((320, 200), (1, 2, 3)))
    report = _shots([deck])
    assert report.warnings == [
        "shots/talk_1_320x200.png: kept: it changed since deckbuild wrote it (delete it yourself)",
        "shots/talk_3_320x200.png: kept: a deck reads it (its manifest entry is dropped)",
    ]
    assert report.removed == [Path("shots/talk_2_320x200.png")]
    assert _files(SHOTS) == [manifest_name("talk"), "talk_1_320x200.png", "talk_320x200.png", "talk_3_320x200.png"]
    assert sorted(read_manifest(SHOTS)) == ["talk_320x200.png"]
    again = _shots([deck])  # forgotten: no longer extra, never warned about again
    assert again.extra == [] and again.warnings == [] and again.removed == []


@pytest.mark.parametrize(
    "options", [{"slides": "0"}, {"sizes": ("320x200",)}, {"name": "{slug}{_index}_{width}x{height}.png"}]
)
def test_a_narrowed_run_removes_nothing(options: dict[str, Any]) -> None:
    deck = _deck("talk.md", _slides(2))
    _shots([deck])
    deck.write_text(deck.read_text().replace("# S1\n\n", ""))
    report = _shots([deck], **options)
    assert report.extra == [] and report.removed == [] and report.warnings == []
    assert sorted(read_manifest(SHOTS)) == ["talk_1_320x200.png", "talk_320x200.png"]
    assert _shots([deck]).removed == [Path("shots/talk_1_320x200.png")]  # the deck's own run does


def _three_decks() -> None:
    for slug in ("a", "b", "c"):
        _deck(f"decks/{slug}.md", _slides(1))
    _shots([], full=True)
    Path("decks/b.md").unlink()
    Path("decks/c.md").unlink()


def test_a_full_run_removes_the_images_and_site_folders_of_decks_that_are_gone(here: Path) -> None:
    _three_decks()
    named = _shots([Path("decks/a.md")])  # decks named: the others' images and folders are not its business
    assert named.extra == [] and named.removed == []
    assert _files(SHOTS) == [*(manifest_name(s) for s in "abc"), "a_320x200.png", "b_320x200.png", "c_320x200.png"]
    full = _shots([], full=True)
    gone = ["shots/b_320x200.png", "shots/c_320x200.png", "site/b", "site/c"]
    assert _names(full.extra) == gone and _names(full.removed) == gone and full.warnings == []
    assert _files(SHOTS) == [manifest_name("a"), "a_320x200.png"]
    assert _files(here / "site") == ["a", "deckbuild-assets"]


def test_a_gone_decks_site_folder_replaced_while_the_browser_works_is_kept(here: Path) -> None:
    """The folder is checked again, under the site's lock, just before it is removed."""
    _three_decks()
    Path("decks/a.md").write_text(Path("decks/a.md").read_text().replace("# S0", "# T0"))

    def replace_c() -> None:
        shutil.rmtree(here / "site" / "c")
        (here / "site" / "c").mkdir()
        (here / "site" / "c" / "index.html").write_text("<p>my own page</p>\n")

    full = _shots([], StandIn(meanwhile=replace_c), full=True)
    assert _names(full.extra) == ["shots/b_320x200.png", "shots/c_320x200.png", "site/b", "site/c"]
    assert _names(full.removed) == ["shots/b_320x200.png", "shots/c_320x200.png", "site/b"]
    assert (here / "site" / "c" / "index.html").read_text() == "<p>my own page</p>\n"


# --- what a run does with the captures: sizes, bytes, progress, problems -------------------------------------

GREEN, RED = (0, 160, 0), (200, 0, 0)


def _banded(job: DeckJob, h: int, v: int, size: tuple[int, int]) -> bytes:
    """A capture with a green band down its left edge (a sixteenth of the width), red elsewhere."""
    image = Image.new("RGB", size, RED)
    image.paste(GREEN, (0, 0, size[0] // 16, size[1]))
    out = io.BytesIO()
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", f"the browser's own PNG of {job.slug} #/{h}/{v}")
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def _pixels(path: Path, *points: tuple[int, int]) -> tuple[tuple[int, int], list[Any]]:
    with Image.open(path) as image:
        rgb = image.convert("RGB")
        return image.size, [rgb.getpixel(p) for p in points]


def test_each_slide_is_captured_once_and_written_at_every_size(here: Path) -> None:
    deck = _deck("talk.md", _slides(2), "shots:\n  sizes: [320x200, 160x100, 200x200]\n")
    stand = StandIn(paint=_banded, reverse=True)
    progress: list[tuple[int, int, str]] = []
    report = take_shots(
        [deck], ShotOptions(capture=stand), lambda done, total, what: progress.append((done, total, what))
    )
    (job,) = stand.jobs
    assert job.slides == ((0, 0), (1, 0)) and [d[1:3] for d in stand.delivered] == [(1, 0), (0, 0)]
    assert progress == [(1, 2, "talk #/1/0"), (2, 2, "talk #/0/0")]
    names = [f"talk{index}_{size}.png" for index in ("", "_1") for size in ("160x100", "200x200", "320x200")]
    assert _names(report.written) == sorted(f"shots/{n}" for n in names) and report.unchanged == []
    captured = {(h, v): png for _, h, v, png in stand.delivered}
    for index, slide in (("", (0, 0)), ("_1", (1, 0))):
        # the slide's own size: the browser's bytes as they came; the others resized (pad by default)
        assert (SHOTS / f"talk{index}_320x200.png").read_bytes() == captured[slide]
        assert _pixels(SHOTS / f"talk{index}_160x100.png", (2, 50), (100, 50)) == ((160, 100), [GREEN, RED])
        assert _pixels(SHOTS / f"talk{index}_200x200.png", (2, 2), (100, 100)) == ((200, 200), [GREEN, RED])
    entries = read_manifest(SHOTS)
    assert sorted(entries) == sorted(names)
    for name in names:
        assert entries[name]["deck"] == "talk"
        assert entries[name]["sha256"] == hashlib.sha256((SHOTS / name).read_bytes()).hexdigest()
    # --fit crop changes only the image of another aspect: cut from the middle, so no green edge
    crop = _shots([deck], StandIn(paint=_banded), fit="crop")
    assert _names(crop.written) == ["shots/talk_1_200x200.png", "shots/talk_200x200.png"]
    assert _pixels(SHOTS / "talk_200x200.png", (2, 2), (100, 100)) == ((200, 200), [RED, RED])


def _measure(h: int, v: int, line: int, **found: Any) -> dict[str, Any]:
    """One slide as `check`'s page script measures it."""
    slide: dict[str, Any] = {"line": line, "h": h, "v": v, "broken": [], "images": [], "overflow": []}
    slide.update({"clipped": [], "links": [], "families": [], "missing": [], "empty": False})
    return {**slide, **found}


PROBLEMS_STAND_IN: dict[str, Any] = {
    "reverse": True,
    "problems": {
        (0, 0): ["console error: boom"],
        (1, 0): ["failed request: pic.png (404)", "console error: b is not defined"],  # as the page said them
    },
    "measures": [
        _measure(0, 0, 4, families=["Fancy"], missing=["\u4e2d"]),
        _measure(1, 0, 6, overflow=[{"px": 12, "side": "bottom", "what": "a table"}]),
    ],
}
SAID = [
    "talk.md: slide #/0/0: console error: boom",
    "talk.md: slide #/1/0: failed request: pic.png (404)",
    "talk.md: slide #/1/0: console error: b is not defined",
]
FONT = (
    "talk.md:4: slide 0/0: text in 'Fancy' is set in a fallback font: the web font did not load"
    " (the text falls back to another font: check the @font-face url and the font file)"
)
GLYPH = (
    "talk.md:4: slide 0/0: no glyph for U+4E2D in any font"
    " (no font has these characters, so they show as boxes: use a font that has them, or remove them)"
)
OVERFLOW = (
    "talk.md:6: slide 1/0: content overflows the slide: 12 px past the bottom (a table sticks out most)"
    " (shorten the slide, split it in two, or make its text smaller)"
)


def test_problems_are_said_in_slide_order_then_missing_glyphs_and_fonts_only() -> None:
    deck = _deck("talk.md", "# A\n\n# B\n")
    stand = StandIn(**PROBLEMS_STAND_IN)
    report = _shots([deck], stand)
    assert report.warnings == [*SAID, FONT, GLYPH]
    assert [(job.measure, job.measure_all) for job in stand.jobs] == [(True, False)]


def test_strict_fails_naming_every_problem_that_check_finds_after_writing_the_images() -> None:
    deck = _deck("talk.md", "# A\n\n# B\n")
    stand = StandIn(**PROBLEMS_STAND_IN)
    with pytest.raises(DeckError) as caught:
        _shots([deck], stand, strict=True)
    assert str(caught.value) == (
        "6 problem(s) while rendering slides:\n  "
        + "\n  ".join([*SAID, FONT, GLYPH, OVERFLOW])
        + " (fix them, or run without --strict)"
    )
    assert [(job.measure, job.measure_all) for job in stand.jobs] == [(True, True)]
    assert sorted(read_manifest(SHOTS)) == ["talk_1_320x200.png", "talk_320x200.png"]
    assert _names(_shots([deck], check=True).unchanged) == ["shots/talk_320x200.png", "shots/talk_1_320x200.png"]


def test_a_capture_that_fails_midway_keeps_the_manifest_of_what_was_written() -> None:
    deck = _deck("talk.md", _slides(3))
    with pytest.raises(DeckError) as caught:
        _shots([deck], StandIn(fail_after=2))
    assert str(caught.value) == "the browser crashed while capturing talk #/2/0"
    assert sorted(read_manifest(SHOTS)) == ["talk_1_320x200.png", "talk_320x200.png"]
    report = _shots([deck], check=True)
    assert _names(report.missing) == ["shots/talk_2_320x200.png"] and len(report.unchanged) == 2


# --- what the capture is asked for ---------------------------------------------------------------------------


def test_a_job_names_its_slides_size_scale_and_fragments() -> None:
    deck = _deck("talk.md", "# A\n\n## A1\n\n# B\n\n# C\n", "shots:\n  scale: 2\n  fragments: initial\n")
    stand = StandIn()
    _shots([deck], stand, slides="2,0/1", browser_path=Path("chrome"), timeout=7.0, jobs=3)
    (job,) = stand.jobs
    assert (job.slug, job.width, job.height, job.scale, job.fragments) == ("talk", 320, 200, 2.0, "initial")
    assert job.slides == ((2, 0), (0, 1)) and job.url == (Path("site/talk/index.html").resolve().as_uri())
    assert stand.calls == [{"pages": 3, "browser_path": Path("chrome"), "timeout": 7.0}]


@pytest.mark.parametrize(
    ("sizes", "fast_png"),
    [(("640x400",), False), (("320x200",), True), (("640x400", "320x200"), False), (("100x100", "90x90"), True)],
)
def test_a_job_may_take_a_fast_png_only_when_every_image_is_resized(sizes: tuple[str, ...], fast_png: bool) -> None:
    """At --scale 2 the capture of a 320x200 slide is 640x400: written as it comes when that size is asked."""
    deck = _deck("talk.md", _slides(1))
    stand = StandIn()
    _shots([deck], stand, scale=2.0, sizes=sizes)
    (job,) = stand.jobs
    assert job.fast_png is fast_png
    if "640x400" in sizes:
        assert (SHOTS / "talk_640x400.png").read_bytes() == stand.delivered[0][3]


def test_a_page_kept_open_is_told_what_it_shows_and_not_told_without_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stand-in (serve --shots keeps one browser and its pages) gets the page's frame and whether new slides
    can go into it; capture_decks, which opens fresh pages, gets neither."""
    deck = _deck("talk.md", "# A\n\n![](pic.png)\n\n# B\n")
    Path("pic.png").write_bytes(_png((8, 8), (1, 2, 3)))
    stand = StandIn()
    _shots([deck], stand)
    _shots([deck], stand, force=True)
    Path("pic.png").write_bytes(_png((8, 8), (3, 2, 1)))  # the same URL, other bytes: a kept page has the old
    _shots([deck], stand)
    first, same, changed = stand.jobs
    assert len(first.frame) == 64 and int(first.frame, 16) >= 0
    assert same.frame == first.frame and changed.frame != first.frame
    assert changed.slides == ((0, 0),) and all(job.swappable is True for job in stand.jobs)
    fresh = StandIn()
    monkeypatch.setattr(deckbuild.browser.capture, "capture_decks", fresh)
    take_shots([deck], ShotOptions(force=True))
    (job,) = fresh.jobs
    assert (job.frame, job.swappable) == ("", False)


@pytest.mark.parametrize("slide", ["<script>document.title = 'x'</script>\n\nhi", "```mermaid\ngraph TD; A-->B\n```"])
def test_a_slide_with_a_script_or_a_diagram_never_goes_into_a_kept_page(slide: str) -> None:
    deck = _deck("talk.md", f"# A\n\n# B\n\n{slide}\n")
    stand = StandIn()
    _shots([deck], stand)
    (job,) = stand.jobs
    assert job.swappable is False and len(job.frame) == 64
