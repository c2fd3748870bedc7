"""`deckbuild shots` planning and bookkeeping, with no browser: which images a deck asks for, their names,
what their staleness keys depend on, the errors a user sees (in full: path, line, message and hint), and
the manifests (reading, validating, writing, removing).

The staleness tests compare the keys of two variants of a deck ("this change makes that image stale",
"this one does not"): they hold whatever the key is made of.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from deckbuild.browser.shots import (
    MANIFEST,
    ShotOptions,
    Target,
    _DeckPlan,
    _hash_files,
    _is_fresh,
    _normal,
    _plan_deck,
    _theme_files,
    _write_manifest,
    deck_images,
    has_manifest,
    image_name,
    parse_slides,
    project_root,
    read_manifest,
    source_files,
    take_shots,
)
from deckbuild.build import load_and_render
from deckbuild.compile.assets import Assets, find_assets
from deckbuild.errors import DeckError
from deckbuild.settings import Settings
from deckbuild.store import is_ours as _is_ours

SMALL = "width: 320\nheight: 200\ntitle_slide: false\n"  # so `shots:` is on line 5 of a deck
FIELDS = "fields: {slug} {h} {v} {index} {_index} {width} {height}"
ELEVEN = "".join(f"# S{n}\n\n" + ("## S3a\n\n## S3b\n\n" if n == 3 else "") for n in range(11))


@pytest.fixture(scope="module")
def assets() -> Assets:
    return find_assets()


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _deck(folder: Path, front: str = "", body: str = "# A\n\n# B\n", name: str = "talk.md") -> Path:
    path = folder / name
    path.write_text(f"---\n{SMALL}{front}---\n{body}", encoding="utf-8")
    return path


def _plan(path: Path, assets: Assets, project: Settings | None = None, **options: Any) -> _DeckPlan:
    project = project or Settings()
    deck, look, page = load_and_render(path, project, assets)
    return _plan_deck(deck, look, page, ShotOptions(project=project, **options), assets)


def _error(call: Callable[[], object]) -> str:
    with pytest.raises(DeckError) as caught:
        call()
    return str(caught.value)


# --- which slides ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("x", "'x' is not a slide number (write e.g. 0,5,4/2,7-9 or 3/*)"),
        ("5-2", "'5-2' is an empty range (write it low to high: 2-5)"),
        ("10-11", "slide 11 does not exist (the deck has slides 0 to 10)"),
        ("3/3", "slide 3/3 does not exist (slide 3 has 3 vertical slides (0 to 2))"),
    ],
    ids=["not-a-number", "empty-range", "no-such-slide", "no-such-vertical-slide"],
)
def test_a_bad_slide_list_names_the_deck_the_line_of_shots_and_a_fix(
    here: Path, assets: Assets, spec: str, message: str
) -> None:
    in_front_matter = _deck(here, f"shots:\n  slides: '{spec}'\n", ELEVEN)
    assert _error(lambda: _plan(Path("talk.md"), assets)) == f"talk.md:5: {message}"
    # From --slides: the deck, but no line of it (though line 5 is still `shots:`).
    in_front_matter.write_text(f"---\n{SMALL}shots:\n  fit: pad\n---\n{ELEVEN}", encoding="utf-8")
    assert _error(lambda: _plan(Path("talk.md"), assets, slides=spec)) == f"talk.md: {message}"


def test_an_empty_slide_list_or_a_star_means_every_slide(here: Path, assets: Assets) -> None:
    deck, _, _ = load_and_render(_deck(here, body=ELEVEN), Settings(), assets)
    every = [(0, 0), (1, 0), (2, 0), (3, 0), (3, 1), (3, 2), *((h, 0) for h in range(4, 11))]
    for spec in ("", " ", "all", "*", " * "):
        assert parse_slides(spec, deck) == every, spec


# --- image names ----------------------------------------------------------------------------------------------


def test_a_name_pattern_with_an_unknown_field_says_which_fields_there_are() -> None:
    message = _error(lambda: image_name("{nope}.png", "talk", 0, 0, (320, 200)))
    assert message == f"bad --name pattern '{{nope}}.png' ('nope') ({FIELDS})"


def test_a_name_pattern_of_up_to_200_characters_is_allowed_and_a_longer_one_shown_cut_to_80() -> None:
    longest = "{slug}" + "a" * 190 + ".png"
    assert len(longest) == 200
    assert image_name(longest, "talk", 0, 0, (320, 200)) == "talk" + "a" * 190 + ".png"
    too_long = "{slug}" + "a" * 191 + ".png"
    message = _error(lambda: image_name(too_long, "talk", 0, 0, (320, 200)))
    assert message == f"bad --name pattern '{too_long[:80]}': too long, or a field too wide ({FIELDS})"


def test_a_field_padded_to_thousands_of_characters_is_refused_before_it_is_formatted() -> None:
    message = _error(lambda: image_name("{h:01000}.png", "talk", 0, 0, (320, 200)))
    assert message == f"bad --name pattern '{{h:01000}}.png': too long, or a field too wide ({FIELDS})"
    assert image_name("{h:03}.png", "talk", 7, 0, (320, 200)) == "007.png"


def test_a_name_pattern_that_leaves_the_folder_is_refused_with_where_to_choose_it() -> None:
    message = _error(lambda: image_name("../{slug}.png", "talk", 0, 0, (320, 200)))
    assert message == (
        "bad --name pattern '../{slug}.png': it gives '../talk.png', which is not a plain .png file name "
        "(a name may not hold '/', '..' or start with '.'; choose the folder with -o or shots: out:)"
    )


def test_a_bad_name_pattern_names_the_deck_and_the_line_only_when_the_deck_chose_it(here: Path, assets: Assets) -> None:
    expected = f"bad --name pattern '{{nope}}.png' ('nope') ({FIELDS})"
    _deck(here, "shots:\n  name: '{nope}.png'\n")
    assert _error(lambda: _plan(Path("talk.md"), assets)) == f"talk.md:5: {expected}"
    assert _error(lambda: _plan(Path("talk.md"), assets, name="{nope}.png")) == f"talk.md: {expected}"


# --- sizes, scale, fragments, fit, folder ---------------------------------------------------------------------


def test_sizes_come_from_the_flags_then_the_deck_then_the_project_then_the_slide(here: Path, assets: Assets) -> None:
    def sizes(plan: _DeckPlan) -> list[tuple[int, int]]:
        return sorted({t.size for t in plan.targets})

    plain = _deck(here, name="plain.md")
    sized = _deck(here, "shots:\n  sizes: [80x80]\n", name="sized.md")
    project = Settings(sizes=("100x50", "64x64"))
    assert sizes(_plan(plain, assets)) == [(320, 200)]
    assert sizes(_plan(plain, assets, project)) == [(64, 64), (100, 50)]
    assert sizes(_plan(plain, assets, project, sizes=("90x90",))) == [(90, 90)]
    assert sizes(_plan(sized, assets, project)) == [(80, 80)]
    assert sizes(_plan(sized, assets, project, sizes=("90x90",))) == [(90, 90)]


def test_a_bad_size_flag_says_why_and_how_to_write_one(here: Path, assets: Assets) -> None:
    message = _error(lambda: _plan(_deck(here), assets, sizes=("nope",)))
    assert message == "bad --size: 'nope' is not a size like 600x390 (write e.g. --size 600x390)"


def test_scale_comes_from_the_flag_then_the_deck_then_one(here: Path, assets: Assets) -> None:
    plain = _deck(here, name="plain.md")
    scaled = _deck(here, "shots:\n  scale: 2\n", name="scaled.md")
    assert _plan(plain, assets).scale == 1.0
    assert _plan(plain, assets, scale=3.0).scale == 3.0
    assert _plan(scaled, assets).scale == 2.0
    assert _plan(scaled, assets, scale=3.0).scale == 3.0
    for allowed in (0.25, 1.0, 4.0):
        assert _plan(plain, assets, scale=allowed).scale == allowed
    for refused in (0.2, 4.5):
        message = _error(lambda: _plan(plain, assets, scale=refused))  # noqa: B023 (called at once)
        assert message == f"--scale must be a number from 0.25 to 4, not {refused:g}"


def test_fragments_and_fit_come_from_the_flag_then_the_deck_then_final_and_pad(here: Path, assets: Assets) -> None:
    plain = _deck(here, name="plain.md")
    chosen = _deck(here, "shots:\n  fragments: initial\n  fit: crop\n", name="chosen.md")

    def modes(path: Path, **options: Any) -> tuple[str, set[str]]:
        plan = _plan(path, assets, **options)
        return plan.fragments, {t.fit for t in plan.targets}

    assert modes(plain) == ("final", {"pad"})
    assert modes(chosen) == ("initial", {"crop"})
    assert modes(plain, fragments="initial", fit="crop") == ("initial", {"crop"})
    assert modes(chosen, fragments="final", fit="pad") == ("final", {"pad"})


def test_a_plan_carries_the_deck_its_look_page_and_each_images_slide_and_slug(here: Path, assets: Assets) -> None:
    path = _deck(here, body="# A\n\n## A1\n\n# B\n")
    deck, look, page = load_and_render(path, Settings(), assets)
    plan = _plan_deck(deck, look, page, ShotOptions(), assets)
    assert (plan.deck, plan.look, plan.page) == (deck, look, page)
    assert [(t.path, t.slug, t.h, t.v, t.size) for t in plan.targets] == [
        (Path("shots/talk_320x200.png"), "talk", 0, 0, (320, 200)),
        (Path("shots/talk_0-1_320x200.png"), "talk", 0, 1, (320, 200)),
        (Path("shots/talk_1_320x200.png"), "talk", 1, 0, (320, 200)),
    ]


def test_the_image_folder_has_one_spelling_relative_to_the_working_folder_when_below_it(
    here: Path, assets: Assets
) -> None:
    path = _deck(here)
    assert _plan(path, assets, out=Path("decks/../pics")).out == Path("pics")
    assert _plan(path, assets, out=here / "pics" / "deeper").out == Path("pics/deeper")
    assert _normal(here.parent / "elsewhere") == here.parent / "elsewhere"
    assert _normal(Path("a/./b/..")) == Path("a")


def test_shots_out_may_not_leave_the_project_and_the_error_names_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, assets: Assets
) -> None:
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    (project / "decks").mkdir()
    deck = _deck(project / "decks", "shots:\n  out: ../../outside\n")
    monkeypatch.chdir(tmp_path)
    assert _error(lambda: _plan(deck, assets)) == (
        f"outside: the output folder is outside the project ({project.resolve()}) "
        "(keep shots: out: inside the project folder)"
    )
    deck.write_text(f"---\n{SMALL}shots:\n  out: ../pics\n---\n# A\n", encoding="utf-8")
    assert _plan(deck, assets).out == Path("project/pics")


def test_deck_images_follows_the_projects_settings(here: Path, assets: Assets) -> None:
    path = _deck(here)
    project = Settings(shots=Path("pics"), sizes=("100x50", "64x64"), name="{slug}{_index}-{width}.png")
    deck, look, page = load_and_render(path, project, assets)
    targets = deck_images(deck, look, page, project, assets)
    assert [(t.path, t.size) for t in targets] == [
        (Path("pics/talk-100.png"), (100, 50)),
        (Path("pics/talk-64.png"), (64, 64)),
        (Path("pics/talk_1-100.png"), (100, 50)),
        (Path("pics/talk_1-64.png"), (64, 64)),
    ]
    assert targets == list(_plan_deck(deck, look, page, ShotOptions(project=project), assets).targets)


# --- staleness keys: what they change with, and what they do not ----------------------------------------------


@pytest.fixture
def illustrated(here: Path) -> Path:
    """A deck with a style sheet (not any slide's) and an image on slide 0 only; a project theme."""
    (here / ".git").mkdir()
    theme = here / "themes" / "house"
    theme.mkdir(parents=True)
    (theme / "theme.css").write_text(".reveal h1 { color: red; }\n", encoding="utf-8")
    (theme / "theme.yml").write_text("extends: white\n", encoding="utf-8")
    (here / "style.css").write_text("h1 { color: blue; }\n", encoding="utf-8")
    (here / "pic.png").write_bytes(b"picture one")
    (here / "notes.txt").write_text("not used\n", encoding="utf-8")
    return _deck(here, "theme: house\ncss: style.css\n", "# A\n\n![](pic.png)\n\n# B\n")


def _keys(path: Path, assets: Assets, **options: Any) -> dict[tuple[int, int], str]:
    return {(t.h, t.v): t.key for t in _plan(path, assets, **options).targets}


def test_each_ingredient_of_an_image_makes_exactly_its_images_stale(illustrated: Path, assets: Assets) -> None:
    here = illustrated.parent
    before = _keys(illustrated, assets)
    assert before[(0, 0)] != before[(1, 0)]

    def changed(**options: Any) -> set[tuple[int, int]]:
        after = _keys(illustrated, assets, **options)
        return {slide for slide in before if after[slide] != before[slide]}

    (here / "notes.txt").write_text("edited\n", encoding="utf-8")
    assert changed() == set()
    for option, value in [("scale", 2.0), ("fragments", "initial"), ("fit", "crop")]:
        assert changed(**{option: value}) == {(0, 0), (1, 0)}, option
    (here / "pic.png").write_bytes(b"picture two")
    assert changed() == {(0, 0)}
    before = _keys(illustrated, assets)
    (here / "style.css").write_text("h1 { color: green; }\n", encoding="utf-8")
    assert changed() == {(0, 0), (1, 0)}
    before = _keys(illustrated, assets)
    (here / "themes" / "house" / "theme.css").write_text(".reveal h1 { color: olive; }\n", encoding="utf-8")
    assert changed() == {(0, 0), (1, 0)}
    before = _keys(illustrated, assets)
    illustrated.write_text(illustrated.read_text(encoding="utf-8").replace("# B", "# C"), encoding="utf-8")
    assert changed() == {(1, 0)}


def test_each_size_of_a_slide_has_its_own_key(here: Path, assets: Assets) -> None:
    keys = [t.key for t in _plan(_deck(here, body="# A\n"), assets, sizes=("320x200", "640x400")).targets]
    assert len(set(keys)) == 2


def test_a_themes_files_are_its_folder_the_theme_it_extends_and_the_code_style(
    illustrated: Path, assets: Assets
) -> None:
    here = illustrated.parent
    (here / "themes" / "house" / "fonts").mkdir()
    (here / "themes" / "house" / "fonts" / "a.woff2").write_bytes(b"font")
    _, look, _ = load_and_render(illustrated, Settings(), assets)
    assert _theme_files(look, assets) == [
        assets.highlight_styles / f"{look.highlight}.css",
        assets.reveal / "theme" / "white.css",
        here / "themes" / "house" / "fonts" / "a.woff2",
        here / "themes" / "house" / "theme.css",
        here / "themes" / "house" / "theme.yml",
    ]
    _, black, _ = load_and_render(_deck(here, "theme: black\n", name="black.md"), Settings(), assets)
    assert _theme_files(black, assets) == [
        assets.highlight_styles / f"{black.highlight}.css",
        assets.reveal / "theme" / "black.css",
    ]


def test_a_files_hash_depends_on_its_name_and_its_bytes(tmp_path: Path) -> None:
    for name, data in [("a.css", b"x"), ("b.css", b"x"), ("c/a.css", b"y")]:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(data)
    a, b, a_again = tmp_path / "a.css", tmp_path / "b.css", tmp_path / "c" / "a.css"
    assert _hash_files([a]) != _hash_files([b])
    assert _hash_files([a]) != _hash_files([a_again])
    a_again.write_bytes(b"x")
    assert _hash_files([a]) == _hash_files([a_again])  # where a file is does not matter, only what it is


# --- freshness and ownership of an image on disk ---------------------------------------------------------------


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_an_image_is_fresh_only_with_its_key_and_its_bytes(tmp_path: Path) -> None:
    path = tmp_path / "a.png"
    target = Target(path, "a", 0, 0, (320, 200), "pad", "key1")
    entry = {"deck": "a", "key": "key1", "sha256": _sha(b"image")}
    assert not _is_fresh(target, entry)  # no file
    path.write_bytes(b"image")
    assert _is_fresh(target, entry)
    assert not _is_fresh(target, None)
    assert not _is_fresh(target, {**entry, "key": "key2"})
    path.write_bytes(b"edited")
    assert not _is_fresh(target, entry)


def test_an_image_is_ours_only_as_a_regular_file_with_the_bytes_deckbuild_wrote(tmp_path: Path) -> None:
    path = tmp_path / "a.png"
    path.write_bytes(b"image")
    entry = {"deck": "a", "key": "k", "sha256": _sha(b"image")}
    assert _is_ours(path, entry)
    assert not _is_ours(path, None)
    assert not _is_ours(path, {**entry, "sha256": _sha(b"other")})
    link = tmp_path / "link.png"
    link.symlink_to(path)
    assert not _is_ours(link, entry)
    assert not _is_ours(tmp_path / "gone.png", entry)
    (tmp_path / "folder.png").mkdir()
    assert not _is_ours(tmp_path / "folder.png", entry)


# --- images that would overwrite each other or a deck's file ---------------------------------------------------


def test_an_image_over_a_file_the_deck_reads_is_refused(here: Path) -> None:
    (here / "pic.png").write_bytes(b"picture")
    _deck(here, body="# A\n\n![](pic.png)\n")
    message = _error(lambda: take_shots([Path("talk.md")], ShotOptions(out=Path("."), name="pic.png", check=True)))
    assert message == (
        "talk.md: slide #/0/0 would be written over pic.png, which a deck reads (choose another image folder or "
        "--name pattern)"
    )
    assert (here / "pic.png").read_bytes() == b"picture"


def test_an_image_over_a_link_to_a_file_the_deck_reads_is_refused(here: Path) -> None:
    (here / "pic.png").write_bytes(b"picture")
    _deck(here, body="# A\n\n![](pic.png)\n")
    (here / "shots").mkdir()
    (here / "shots" / "talk_320x200.png").symlink_to(here / "pic.png")
    message = _error(lambda: take_shots([Path("talk.md")], ShotOptions(check=True)))
    assert message == (
        "talk.md: slide #/0/0 would be written over shots/talk_320x200.png, which a deck reads "
        "(choose another image folder or --name pattern)"
    )


def test_two_images_of_one_name_are_refused_naming_both_slides_and_the_other_deck(here: Path) -> None:
    hint = "(use a --name pattern with {h}, {v}, {width} and {height} (or {_index}))"
    _deck(here)
    message = _error(lambda: take_shots([Path("talk.md")], ShotOptions(name="same.png", check=True)))
    assert (
        message
        == f"talk.md: slide #/1/0 at 320x200 and slide #/0/0 at 320x200 would both be written to same.png {hint}"
    )
    _deck(here, body="# A\n", name="a.md")
    _deck(here, body="# B\n", name="b.md")
    decks = [Path("a.md"), Path("b.md")]
    message = _error(lambda: take_shots(decks, ShotOptions(name="x.png", sizes=("100x50",), check=True)))
    assert (
        message
        == f"b.md: slide #/0/0 at 100x50 and slide #/0/0 at 100x50 of a.md would both be written to x.png {hint}"
    )


def test_the_files_a_run_reads_are_each_decks_file_and_the_files_it_uses(illustrated: Path, assets: Assets) -> None:
    here = illustrated.parent
    (here / "sub").mkdir()
    other = _deck(here / "sub", body="# X\n", name="other.md")
    plans = [_plan(illustrated, assets), _plan(Path("sub/other.md"), assets)]
    assert source_files(plans) == {
        illustrated.resolve(),
        here / "pic.png",
        here / "style.css",
        other.resolve(),
    }


# --- the project root: where a deck's shots: out: may point --------------------------------------------------


def test_the_project_root_is_the_setting_then_git_then_the_working_folder_then_the_decks_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not any((folder / ".git").exists() for folder in tmp_path.resolve().parents), "tmp is in a repository"
    root = tmp_path.resolve()
    (root / "repo" / ".git").mkdir(parents=True)
    (root / "repo" / "decks").mkdir()
    (root / "loose" / "decks").mkdir(parents=True)
    (root / "work").mkdir()
    in_repo, loose = root / "repo" / "decks" / "a.md", root / "loose" / "decks" / "b.md"
    monkeypatch.chdir(root / "work")
    assert project_root(Settings(root=root / "loose"), in_repo) == root / "loose"
    assert project_root(Settings(), in_repo) == root / "repo"
    assert project_root(Settings(), loose) == root / "loose" / "decks"  # not below the working folder
    monkeypatch.chdir(root / "loose")
    assert project_root(Settings(), loose) == root / "loose"
    assert project_root(Settings(), Path("decks/b.md")) == root / "loose"


# --- manifests ---------------------------------------------------------------------------------------------------


def _entry(deck: str, n: int = 1) -> dict[str, str]:
    return {"deck": deck, "key": f"key{n}", "sha256": f"sha{n}"}


def _write(path: Path, images: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"version": 1, "images": images}), encoding="utf-8")
    return path


def test_the_manifests_of_a_folder_are_read_together_keeping_only_the_known_fields(here: Path) -> None:
    out = Path("shots")
    _write(out / MANIFEST, {"old.png": {**_entry("c"), "note": "dropped"}})
    _write(out / ".deckbuild-shots.a.json", {"a.png": _entry("a", 2), "a_1.png": _entry("a", 3)})
    _write(out / ".deckbuild-shots.b.json", {"b.png": _entry("b", 4)})
    (out / "unrelated.json").write_text("not json", encoding="utf-8")
    assert read_manifest(out) == {
        "old.png": _entry("c"),
        "a.png": _entry("a", 2),
        "a_1.png": _entry("a", 3),
        "b.png": _entry("b", 4),
    }
    assert read_manifest(Path("nowhere")) == {}


BAD_ENTRIES: list[tuple[str, object]] = [
    ("../up.png", _entry("a")),
    ("picture.jpg", _entry("a")),
    (".hidden.png", _entry("a")),
    ("text.png", "not a map"),
    ("missing.png", {"deck": "a", "key": "k"}),
    ("number.png", {"deck": "a", "key": 1, "sha256": "s"}),
    ("deck.png", _entry("../a")),
]


@pytest.mark.parametrize(("name", "entry"), BAD_ENTRIES, ids=[name for name, _ in BAD_ENTRIES])
def test_a_bad_manifest_entry_is_an_error_naming_the_manifest_and_how_to_recover(
    here: Path, name: str, entry: object
) -> None:
    _write(Path("shots/.deckbuild-shots.a.json"), {"a.png": _entry("a"), name: entry})
    assert _error(lambda: read_manifest(Path("shots"))) == (
        f"shots/.deckbuild-shots.a.json: bad manifest entry {name!r}: an entry must be a plain .png file name in "
        "this folder with deck, key and sha256 (nothing was deleted; restore the manifest from git, or run with "
        "--force to rewrite it)"
    )


def test_force_skips_exactly_the_bad_entries(here: Path) -> None:
    images: dict[str, object] = {}
    good = {}
    for n, (name, entry) in enumerate(BAD_ENTRIES):
        images[name] = entry
        images[f"a_{n}.png"] = good[f"a_{n}.png"] = _entry("a", n)
    images["b.png"] = _entry("b")  # the wrong deck's entry: in a.json, a's only
    images["a_last.png"] = good["a_last.png"] = _entry("a", 99)
    _write(Path("shots/.deckbuild-shots.a.json"), images)
    _write(Path("shots/.deckbuild-shots.b.json"), {"a_0.png": _entry("a"), "b_1.png": _entry("b", 1)})
    assert read_manifest(Path("shots"), force=True) == {**good, "b_1.png": _entry("b", 1)}


def test_an_image_claimed_twice_or_by_another_decks_manifest_is_an_error(here: Path) -> None:
    hint = "(nothing was deleted; restore the manifests from git, or run with --force to rewrite them)"
    out = Path("shots")
    _write(out / MANIFEST, {"x.png": _entry("b")})  # the old single manifest holds every deck's entries
    _write(out / ".deckbuild-shots.a.json", {"a.png": _entry("a"), "x.png": _entry("a")})
    assert _error(lambda: read_manifest(out)) == (
        f"shots/.deckbuild-shots.a.json: bad manifest entry 'x.png': it is in two manifests {hint}"
    )
    (out / MANIFEST).unlink()
    _write(out / ".deckbuild-shots.b.json", {"b.png": _entry("b"), "y.png": _entry("a")})
    assert _error(lambda: read_manifest(out)) == (
        f"shots/.deckbuild-shots.b.json: bad manifest entry 'y.png': it is in the manifest of deck 'b' {hint}"
    )
    assert read_manifest(out, force=True) == {"a.png": _entry("a"), "x.png": _entry("a"), "b.png": _entry("b")}


def test_a_manifest_that_is_a_link_or_not_text_is_an_error_saying_what_to_do(here: Path) -> None:
    out = Path("shots")
    out.mkdir()
    (here / "elsewhere.json").write_text(json.dumps({"version": 1, "images": {}}), encoding="utf-8")
    (out / ".deckbuild-shots.a.json").symlink_to(here / "elsewhere.json")
    message = (
        "shots/.deckbuild-shots.a.json: the manifest is a symlink "
        "(restore it from git, or delete it and the images it listed and run again)"
    )
    assert _error(lambda: read_manifest(out)) == message
    assert _error(lambda: read_manifest(out, force=True)) == message
    (out / ".deckbuild-shots.a.json").unlink()
    (out / ".deckbuild-shots.a.json").write_bytes(b"\xff{}")
    assert _error(lambda: read_manifest(out)) == (
        "shots/.deckbuild-shots.a.json: cannot read the manifest ('utf-8' codec can't decode byte 0xff in "
        "position 0: invalid start byte) (restore it from git, or delete it and the images it listed and run again)"
    )
    assert read_manifest(out, force=True) == {}


def test_has_manifest_sees_the_old_manifest_or_a_decks(tmp_path: Path) -> None:
    assert not has_manifest(tmp_path / "gone")
    assert not has_manifest(tmp_path)
    (tmp_path / "a.png").write_bytes(b"")
    (tmp_path / ".deckbuild-shots.json.tmp").write_bytes(b"")
    assert not has_manifest(tmp_path)
    (tmp_path / ".deckbuild-shots.a.json").write_text("{}", encoding="utf-8")
    assert has_manifest(tmp_path)
    (tmp_path / ".deckbuild-shots.a.json").unlink()
    (tmp_path / MANIFEST).write_text("{}", encoding="utf-8")
    assert has_manifest(tmp_path)


MANIFEST_A = """{
 "images": {
  "a.png": {
   "deck": "a",
   "key": "key1",
   "sha256": "sha1"
  },
  "a_1.png": {
   "deck": "a",
   "key": "key2",
   "sha256": "sha2"
  }
 },
 "version": 1
}
"""


def test_a_manifest_is_written_per_deck_sorted_one_field_a_line(tmp_path: Path) -> None:
    _write_manifest(tmp_path, {"b.png": _entry("b"), "a_1.png": _entry("a", 2), "a.png": _entry("a", 1)})
    assert sorted(p.name for p in tmp_path.iterdir()) == [".deckbuild-shots.a.json", ".deckbuild-shots.b.json"]
    assert (tmp_path / ".deckbuild-shots.a.json").read_text(encoding="utf-8") == MANIFEST_A
    assert read_manifest(tmp_path) == {"b.png": _entry("b"), "a_1.png": _entry("a", 2), "a.png": _entry("a", 1)}


def test_writing_a_manifest_removes_the_old_one_and_those_of_decks_with_no_images(tmp_path: Path) -> None:
    _write(tmp_path / MANIFEST, {"x.png": _entry("x")})
    _write(tmp_path / ".deckbuild-shots.b.json", {"b.png": _entry("b")})
    target = _write(tmp_path.parent / f"{tmp_path.name}-kept.json", {"c.png": _entry("c")})
    (tmp_path / ".deckbuild-shots.c.json").symlink_to(target)
    (tmp_path / "b.png").write_bytes(b"image")
    (tmp_path / "notes.json").write_text("{}", encoding="utf-8")
    _write_manifest(tmp_path, {"a.png": _entry("a")})
    assert sorted(p.name for p in tmp_path.iterdir()) == [".deckbuild-shots.a.json", "b.png", "notes.json"]
    assert json.loads(target.read_text(encoding="utf-8"))["images"] == {"c.png": _entry("c")}


def test_an_unchanged_manifest_is_not_rewritten_and_a_changed_one_is(tmp_path: Path) -> None:
    path = tmp_path / ".deckbuild-shots.a.json"
    _write_manifest(tmp_path, {"a.png": _entry("a")})
    first = path.stat()
    _write_manifest(tmp_path, {"a.png": _entry("a")})
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (first.st_ino, first.st_mtime_ns)
    _write_manifest(tmp_path, {"a.png": _entry("a", 2)})
    assert read_manifest(tmp_path) == {"a.png": _entry("a", 2)}


def test_a_manifest_that_is_a_link_is_replaced_by_a_file_and_its_target_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "shots"
    out.mkdir()
    _write_manifest(tmp_path, {"a.png": _entry("a")})  # the very bytes the next write would write
    target = tmp_path / ".deckbuild-shots.a.json"
    (out / ".deckbuild-shots.a.json").symlink_to(target)
    _write_manifest(out, {"a.png": _entry("a")})
    assert not (out / ".deckbuild-shots.a.json").is_symlink()
    assert (out / ".deckbuild-shots.a.json").read_bytes() == target.read_bytes()
    _write_manifest(out, {"a.png": _entry("a", 2)})
    assert read_manifest(tmp_path) == {"a.png": _entry("a")}
    assert read_manifest(out) == {"a.png": _entry("a", 2)}
