"""Shards (`build --shard`, `shots --shard`) and the talks index, in real Chromium."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from deckbuild.build import Shard
from deckbuild.cli import main

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

# (name, date, slides): seven decks of different lengths, dates out of name order, one without a date.
DECKS = [
    ("alpha", "2019-03-01", 5),
    ("bravo", "2023-06-10", 1),
    ("charlie", "2021-11-30", 3),
    ("delta", "", 2),
    ("echo", "2020-01-15", 4),
    ("foxtrot", "2024-02-29", 2),
    ("golf", "2018-12-08", 6),
]


def make_project(root: Path) -> Path:
    (root / ".git").mkdir(parents=True)
    (root / "decks").mkdir()
    (root / "deckbuild.toml").write_text('sizes = ["600x390"]\n')
    for name, date, slides in DECKS:
        front = f"---\ntitle: Talk {name}\nevent: Conf {name}\nshots:\n  slides: 0,{slides - 1}\n"
        front += f"date: {date}\n---\n" if date else "---\n"
        body = "\n".join(f"# {name} slide {i}\n\ntext {i}\n" for i in range(slides))
        (root / "decks" / f"{name}.md").write_text(front + body)
    return root


def run_in(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> None:
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output


def files(root: Path) -> dict[str, bytes]:
    found = {}
    for folder in ("site", "shots"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and path.name != ".deckbuild.lock":
                found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """One unsharded project run and three sharded ones: build, shots, build (for the thumbnails)."""
    monkeypatch = pytest.MonkeyPatch()
    try:
        whole = make_project(tmp_path_factory.mktemp("whole") / "p")
        for command in ("build", "shots", "build"):
            run_in(whole, monkeypatch, command)
        shards = []
        for i in (1, 2, 3):
            root = make_project(tmp_path_factory.mktemp(f"shard{i}") / "p")
            for command in ("build", "shots", "build"):
                run_in(root, monkeypatch, command, "--shard", f"{i}/3")
            shards.append(root)
    finally:
        monkeypatch.undo()
    return whole, shards


def test_three_shards_of_seven_decks_equal_one_run_byte_for_byte(runs: tuple[Path, list[Path]]) -> None:
    whole, shards = runs
    union: dict[str, bytes] = {}
    for root in shards:
        for rel, data in files(root).items():
            assert union.setdefault(rel, data) == data, f"two shards wrote different {rel}"
    expected = files(whole)
    assert sorted(union) == sorted(expected)
    assert union == expected
    # Each deck is shot by one shard only, manifests included.
    owners = [{rel for rel in files(root) if rel.startswith("shots/")} for root in shards]
    assert all(owners) and not (owners[0] & owners[1] or owners[1] & owners[2] or owners[0] & owners[2])
    assert "shots/.deckbuild-shots.golf.json" in expected


def test_shards_are_balanced_by_slide_count_not_by_name() -> None:
    sizes = {name: slides for name, _, slides in DECKS}
    picks = [Shard(i, 3).pick(sizes) for i in (1, 2, 3)]
    assert set().union(*picks) == set(sizes) and sum(len(p) for p in picks) == len(sizes)
    loads = sorted(sum(sizes[name] for name in pick) for pick in picks)
    assert loads == [7, 8, 8]  # 23 slides in three shares
    assert Shard(1, 3).pick(dict(reversed(sizes.items()))) == picks[0]  # order found does not matter
    assert Shard(1, 1).pick(sizes) == set(sizes)


def test_shard_flag_is_checked() -> None:
    for bad in ("0/3", "4/3", "x", "1/0", ""):  # an empty one is not "no shard"
        result = CliRunner().invoke(main, ["build", "--shard", bad])
        assert result.exit_code == 1 and "is not a share such as 1/3" in result.output


def test_the_index_lists_every_deck_newest_first_with_loaded_thumbnails(
    runs: tuple[Path, list[Path]], browser: Browser
) -> None:
    whole, _ = runs
    index = whole / "site" / "index.html"
    html5lib = pytest.importorskip("html5lib")
    parser = html5lib.HTMLParser(strict=True)
    parser.parse(index.read_text(encoding="utf-8"))
    assert not parser.errors, parser.errors[:3]
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto(index.as_uri())
        page.wait_for_load_state("load")
        slugs = page.eval_on_selector_all("li.deck", "items => items.map(i => i.dataset.slug)")
        assert slugs == ["foxtrot", "bravo", "charlie", "echo", "alpha", "golf", "delta"]
        images = page.eval_on_selector_all(
            "li.deck img", "imgs => imgs.map(i => [i.closest('li').dataset.slug, i.complete, i.naturalWidth])"
        )
        assert images == [[slug, True, 600] for slug in slugs]
        links = page.eval_on_selector_all("li.deck > a", "links => links.map(a => a.getAttribute('href'))")
        assert links == [f"{slug}/index.html" for slug in slugs]  # works from file:// too
        assert all(url.startswith("file://") for url in requests)  # offline: nothing from the web
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(25, 25, 25)"  # reveal.js's black theme, the default
        # Following a link opens the deck.
        page.click("li.deck[data-slug=charlie] > a")
        page.wait_for_function("window.Reveal && Reveal.isReady()")
        assert page.evaluate("Reveal.getTotalSlides()") == 4  # a title slide and three
    finally:
        page.close()


def test_the_index_is_not_written_over_a_page_of_the_users(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "p")
    (root / "site").mkdir()
    (root / "site" / "index.html").write_text("<p>my own page</p>")
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 1
    assert "site/index.html: exists and was not written by deckbuild" in result.output
    assert (root / "site" / "index.html").read_text() == "<p>my own page</p>"
    shutil.rmtree(root / "site")
    assert CliRunner().invoke(main, ["build", "decks/alpha.md"]).exit_code == 0
    assert not (root / "site" / "index.html").exists()  # one deck named: no index of one


def test_a_second_run_with_nothing_changed_starts_no_browser_and_rewrites_no_file(
    runs: tuple[Path, list[Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    whole, _ = runs
    stamps = {p: p.stat().st_mtime_ns for p in (whole / "site").rglob("*") if p.is_file()}
    stamps.update({p: p.stat().st_mtime_ns for p in (whole / "shots").rglob("*") if p.is_file()})
    monkeypatch.setenv("DECKBUILD_BROWSER", str(whole / "no-such-browser"))  # a run that needs one fails
    for command in ("build", "shots", "build"):  # what `make` runs: build, shots, index
        run_in(whole, monkeypatch, command)
    after = {p: p.stat().st_mtime_ns for p in stamps if p.exists()}
    after.update({p: p.stat().st_mtime_ns for p in (whole / "site").rglob("*") if p.is_file() and p not in stamps})
    assert after == stamps


@pytest.mark.parametrize(
    ("manifests", "message"),
    [
        (
            {"talk": {"other_960x700.png": "other"}},
            "bad manifest entry 'other_960x700.png': it is in the manifest of deck 'talk'",
        ),
        (
            {"talk": {"talk_960x700.png": "talk"}, "zed": {"talk_960x700.png": "talk"}},
            "bad manifest entry 'talk_960x700.png': it is in two manifests",
        ),
        ({"talk": {"../talk.md": "talk"}}, "bad manifest entry '../talk.md'"),
        ({"talk": {"x.png": "../up"}}, "bad manifest entry 'x.png'"),
    ],
)
def test_a_decks_manifest_may_claim_only_its_own_images(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, manifests: dict[str, dict[str, str]], message: str
) -> None:
    import json

    monkeypatch.chdir(tmp_path)
    (tmp_path / "talk.md").write_text("# One\n")
    victim = tmp_path / "shots" / "other_960x700.png"
    victim.parent.mkdir()
    victim.write_bytes(b"keep me")
    for deck, images in manifests.items():
        entries = {name: {"deck": owner, "key": "k", "sha256": "s"} for name, owner in images.items()}
        (tmp_path / "shots" / f".deckbuild-shots.{deck}.json").write_text(json.dumps({"images": entries}))
    for args in (["shots", "talk.md", "--check"], ["shots", "talk.md"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1 and message in result.output, result.output
    assert victim.read_bytes() == b"keep me"


def test_the_index_sorts_by_iso_dates_and_lists_other_dates_with_the_undated(tmp_path: Path) -> None:
    from deckbuild.compile.assets import find_assets
    from deckbuild.publish.index import IndexEntry, index_look, render_index
    from deckbuild.settings import Settings

    dates = {"a": "2021-04-01", "b": "March 2022", "c": "", "d": "2024-09-10"}
    entries = [IndexEntry(slug, slug.upper(), date, "", "", False) for slug, date in dates.items()]
    html = render_index(entries, index_look(Settings(root=tmp_path), find_assets()), "deckbuild-assets")
    order = sorted(dates, key=lambda slug: html.index(f'href="{slug}/'))
    assert order == ["d", "a", "b", "c"]
    assert "March 2022" in html
