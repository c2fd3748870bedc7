"""What a `deckbuild shots` run checks, keeps, writes and removes, with the browser stood in for.

Every test here runs the real planning, manifests and site (``prepare`` builds it) with
``ShotOptions(capture=...)``: a stand-in for ``capture.capture_decks`` that "captures" a slide as a flat
colour PNG at the size the job asks for.  No test starts Chromium.  Assertions are on files on disk,
the Report's lists, the manifests, the jobs asked for and the messages in full.
"""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, PngImagePlugin

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
