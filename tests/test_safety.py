"""Nothing outside deckbuild's own output is touched: hostile manifests, output folders, names, YAML.

Each test runs the exact reproduction of a way deckbuild once lost or exposed files, and asserts the
exit code, the message, and that the files outside the output folder (and, on failure, the output
folder itself) are byte for byte as before.
"""

from __future__ import annotations

import errno
import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import deckbuild.publish.site
from deckbuild.browser.shots import MANIFEST
from deckbuild.cli import main
from deckbuild.errors import DeckError
from deckbuild.outdir import STAMP, check_output, locked

DECK = "---\ntitle: Talk\n---\n# One\n\ntext\n\n# Two\n\nmore\n"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DECKBUILD_LOCK_TIMEOUT", "5")
    return tmp_path.resolve()


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def tree(folder: Path) -> dict[str, bytes | str]:
    """Every file, folder and link below ``folder``: bytes for files, the target for links."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[rel] = "-> " + os.readlink(path)
        elif path.is_dir():
            found[rel] = "dir"
        else:
            found[rel] = path.read_bytes()
    return found


def assert_user_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


# --- 1. the manifest names only files in its folder -----------------------------------------------------------


@pytest.mark.parametrize("entry", ["{victim}", "../victim.txt", "sub/x.png", ".hidden.png", "notes.txt"])
def test_a_manifest_entry_outside_the_folder_deletes_nothing(here: Path, entry: str) -> None:
    write(here / "talk.md", DECK)
    victim = write(here / "victim.txt", "precious\n")
    write(here / "shots" / "notes.txt", "mine\n")
    name = entry.format(victim=victim)
    manifest = {"version": 1, "images": {name: {"deck": "talk", "key": "x", "sha256": "y"}}}
    write(here / "shots" / MANIFEST, json.dumps(manifest))
    before = tree(here)
    result = run("shots", "talk.md", "-o", "shots", "--slides", "0")
    assert_user_error(result, f"shots/{MANIFEST}: bad manifest entry {name!r}", "nothing was deleted", "--force")
    assert tree(here) == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "the manifest is not valid JSON"),
        ("[1, 2]", "the manifest has no 'images' map"),
        ('{"images": 3}', "the manifest has no 'images'"),
    ],
)
def test_a_broken_manifest_is_an_error_that_says_how_to_recover(here: Path, text: str, message: str) -> None:
    write(here / "talk.md", DECK)
    write(here / "shots" / MANIFEST, text)
    before = tree(here)
    for args in (("shots", "talk.md", "-o", "shots"), ("shots", "talk.md", "-o", "shots", "--check")):
        result = run(*args)
        assert_user_error(
            result,
            f"shots/{MANIFEST}: {message}",
            "(restore it from git, or delete it and the images it listed and run again",
        )
    assert tree(here) == before


# --- 2. the output folder never replaces sources ---------------------------------------------------------------


def test_build_into_the_decks_folder_is_refused(here: Path) -> None:
    write(here / "decks" / "talk.md", DECK)
    write(here / "decks" / "img" / "plot.png", b"png")
    before = tree(here)
    result = run("build", "-o", "decks")
    assert_user_error(result, "decks: the output folder is ", "which deckbuild reads from", "choose an output folder")
    assert tree(here) == before


def test_build_into_the_project_root_is_refused_even_with_a_deck_named_like_a_folder(here: Path) -> None:
    write(here / "decks" / "talk.md", DECK)
    write(here / "decks.md", DECK)
    before = tree(here)
    result = run("build", "decks.md", "-o", ".")
    assert_user_error(result, "the output folder is ")
    assert tree(here) == before


def test_the_root_and_home_folders_are_refused(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(DeckError, match="the output folder is the file system's root"):
        check_output(Path("/"), [])
    home = here / "home"
    write(home / "etc" / "passwd", "root:x:0:0\n")
    write(here / "work" / "etc.md", DECK)
    monkeypatch.setenv("HOME", str(home))
    before = tree(here)
    result = run("build", str(here / "work" / "etc.md"), "-o", str(home))
    assert_user_error(result, "the output folder is your home folder")
    assert tree(here) == before


def test_an_output_folder_that_contains_the_decks_is_refused(here: Path) -> None:
    write(here / "project" / "decks" / "talk.md", DECK)
    before = tree(here)
    result = run("build", "project/decks/talk.md", "-o", "project")
    assert_user_error(result, "project: the output folder contains ")
    assert tree(here) == before


def test_a_folder_deckbuild_did_not_write_is_not_replaced(here: Path) -> None:
    write(here / "talk.md", DECK)
    write(here / "site" / "talk" / "draft.txt", "my own notes\n")
    before = tree(here)
    result = run("build", "talk.md", "-o", "site")
    assert_user_error(result, "site/talk: exists and was not written by deckbuild")
    assert tree(here) == before


def test_a_deck_built_before_stamps_is_still_replaced(here: Path) -> None:
    write(here / "talk.md", DECK)
    assert run("build", "talk.md", "-o", "site").exit_code == 0
    (here / "site" / "talk" / STAMP).unlink()  # as an older deckbuild left it: its generator tag says whose
    write(here / "talk.md", DECK.replace("more", "changed"))
    result = run("build", "talk.md", "-o", "site")
    assert result.exit_code == 0, result.output
    assert b"changed" in (here / "site" / "talk" / "index.html").read_bytes()
    assert (here / "site" / "talk" / STAMP).is_file()


def test_a_symlinked_deck_folder_in_the_output_is_not_written_through(here: Path) -> None:
    write(here / "talk.md", DECK)
    write(here / "elsewhere" / "keep.txt", "keep\n")
    (here / "site").mkdir()
    (here / "site" / "talk").symlink_to(here / "elsewhere")
    before = tree(here)
    result = run("build", "talk.md", "-o", "site")
    assert_user_error(result, "site/talk: exists and was not written by deckbuild")
    assert tree(here) == before


# --- 3. files from outside the project never reach the site --------------------------------------------------


def test_a_theme_symlink_out_of_its_folder_is_an_error(here: Path) -> None:
    secret = write(here / "outside" / "secret.txt", "secret\n")
    write(here / "project" / "themes" / "evil" / "theme.css", ".reveal { color: red; }\n")
    (here / "project" / "themes" / "evil" / "passwd.txt").symlink_to(secret)
    write(here / "project" / "talk.md", "---\ntheme: evil\n---\n# A\n")
    result = run("build", "project/talk.md", "-o", "project/site")
    assert_user_error(result, "project/themes/evil/passwd.txt: theme 'evil' holds a symlink that points outside it")
    assert not (here / "project" / "site").exists()


def test_a_theme_symlink_inside_its_folder_is_not_copied(here: Path) -> None:
    theme = here / "themes" / "linky"
    write(theme / "theme.css", ".reveal { color: red; }\n")
    write(theme / "real.txt", "real\n")
    (theme / "alias.txt").symlink_to(theme / "real.txt")
    write(here / "talk.md", "---\ntheme: linky\n---\n# A\n")
    result = run("build", "talk.md", "-o", "site")
    assert result.exit_code == 0, result.output
    copied = here / "site" / "deckbuild-assets" / "themes" / "linky"
    assert (copied / "real.txt").read_text() == "real\n"
    assert not (copied / "alias.txt").exists()


@pytest.mark.parametrize("style", ["../../../../secret", "/etc/passwd", "..%2Fx", "monokai/../../x"])
def test_highlight_accepts_only_highlight_js_style_names(here: Path, style: str) -> None:
    write(here / "secret.css", "body { color: red; }\n")
    write(here / "talk.md", f"---\ntitle: T\nhighlight: '{style}'\n---\n# A\n")
    result = run("build", "talk.md", "-o", "site")
    assert_user_error(result, f"talk.md:3: unknown code highlighting style '{style}'")
    assert not (here / "site").exists()


@pytest.mark.parametrize("pattern", ["../../x_{h}.png", "sub/x_{h}.png", "/tmp/x_{h}.png", ".deckbuild-shots.json"])
def test_a_name_pattern_must_give_a_plain_file_name(here: Path, pattern: str) -> None:
    write(here / "talk.md", DECK)
    before = tree(here)
    result = run("shots", "talk.md", "-o", "shots", "--name", pattern)
    assert_user_error(result, f"bad --name pattern '{pattern}'", "not a plain .png file name")
    assert tree(here) == before


def test_a_name_pattern_in_front_matter_is_checked_at_its_line(here: Path) -> None:
    write(here / "talk.md", "---\ntitle: T\nshots:\n  name: ../{slug}_{h}.png\n---\n# A\n")
    result = run("shots", "talk.md", "-o", "shots")
    assert_user_error(result, "talk.md:3: bad --name pattern '../{slug}_{h}.png'")
    assert not (here / "shots").exists()


def test_two_slides_with_one_file_name_are_refused_before_writing(here: Path) -> None:
    write(here / "talk.md", DECK)
    result = run("shots", "talk.md", "-o", "shots", "--name", "same.png")
    assert_user_error(
        result, "talk.md: slide #/1/0 at 960x700 and slide #/0/0 at 960x700 would both be written to same.png"
    )
    assert not (here / "shots").exists() and not (here / "site").exists()


# --- 4. YAML bombs ---------------------------------------------------------------------------------------------


def test_yaml_aliases_are_refused_quickly(here: Path) -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    write(here / "talk.md", "---\ntitle: T\nreveal:\n" + "".join(f"  {line}\n" for line in levels) + "---\n# A\n")
    started = time.monotonic()
    result = run("build", "talk.md", "-o", "site")
    assert_user_error(result, "talk.md:4: YAML anchors and aliases ('&' and '*') are not allowed in front matter")
    assert time.monotonic() - started < 10  # the bomb expanded would take minutes and gigabytes


def test_front_matter_is_capped(here: Path) -> None:
    write(here / "talk.md", "---\ntitle: T\nsubtitle: '" + "x" * 70_000 + "'\n---\n# A\n")
    assert_user_error(run("build", "talk.md", "-o", "site"), "talk.md:2: front matter is longer than 64 KiB")


def test_a_duplicate_key_is_an_error_at_the_second(here: Path) -> None:
    write(
        here / "talk.md",
        "---\ntitle: T\ntheme: black\nreveal:\n  controls: true\n  controls: false\ntheme: white\n---\n",
    )
    assert_user_error(run("build", "talk.md", "-o", "site"), "talk.md:6: 'controls' is given twice in front matter")


# --- 5. nothing from front matter escapes into script or links -----------------------------------------------


def test_the_reveal_config_cannot_break_out_of_its_script(here: Path) -> None:
    write(here / "talk.md", "---\nreveal:\n  y: '<!--<script></script>&\u2028'\n---\n# A\n")
    assert run("build", "talk.md", "-o", "site").exit_code == 0
    html = (here / "site" / "talk" / "index.html").read_text(encoding="utf-8")
    script = html[html.rindex("<script>") : html.rindex("</script>")]
    assert "Reveal.initialize" in script
    assert "<!--" not in script and "<script" not in script[8:] and "\u2028" not in script
    assert "\\u003c!--\\u003cscript\\u003e\\u003c/script\\u003e\\u0026\\u2028" in script


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "vbscript:x"])
def test_a_url_that_runs_script_is_refused(here: Path, url: str) -> None:
    write(here / "talk.md", f"---\ntitle: T\nurl: '{url}'\n---\n# A\n")
    assert_user_error(
        run("build", "talk.md", "-o", "site"), "talk.md:3: 'url' must be an http, https, mailto or relative"
    )


@pytest.mark.parametrize("url", ["https://example.org/talk/", "mailto:me@example.org", "/talks/t/", "talk/"])
def test_ordinary_urls_are_accepted(here: Path, url: str) -> None:
    write(here / "talk.md", f"---\ntitle: T\nurl: '{url}'\n---\n# A\n")
    assert run("build", "talk.md", "-o", "site").exit_code == 0


# --- 6. a failed build changes nothing ---------------------------------------------------------------------------


def _two_deck_project(here: Path, version: str) -> None:
    write(here / "decks" / "a.md", f"---\ntitle: A {version}\ntheme: white\n---\n# A\n\n![](img/a.svg)\n")
    write(here / "decks" / "b.md", f"---\ntitle: B {version}\n---\n# B\n\ntext {version}\n")
    write(here / "decks" / "img" / "a.svg", f'<svg xmlns="http://www.w3.org/2000/svg"><text>{version}</text></svg>')


def _fail_on_call(monkeypatch: pytest.MonkeyPatch, name: str, real: object, n: int) -> list[int]:
    calls = [0]

    def failing(*args: object, **kw: object) -> object:
        calls[0] += 1
        if calls[0] == n:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kw)  # type: ignore[operator]

    monkeypatch.setattr(getattr(deckbuild.publish.site, name.split(".")[0]), name.split(".")[1], failing)
    return calls


@pytest.mark.parametrize("step", ["os.replace", "shutil.copyfile"])
def test_a_fault_at_any_write_step_leaves_the_output_byte_identical(here: Path, step: str) -> None:
    _two_deck_project(here, "old")
    assert run("build").exit_code == 0
    _two_deck_project(here, "new")
    (here / "decks" / "b.md").write_text("---\ntitle: B new\ntheme: moon\n---\n# B\n")  # new shared files too
    before = tree(here / "site")
    module, attr = step.split(".")
    real = getattr(getattr(deckbuild.publish.site, module), attr)
    n = 1
    while True:
        with pytest.MonkeyPatch.context() as patch:
            calls = _fail_on_call(patch, step, real, n)
            result = run("build")
        if calls[0] < n:  # the build needed fewer calls than n: every step has been failed once
            assert result.exit_code == 0
            break
        assert_user_error(result, "No space left on device")
        assert tree(here / "site") == before, f"{step} failing at call {n} changed the site"
        n += 1
    assert n > 3  # the build really went through several such steps
    assert b"B new" in (here / "site" / "b" / "index.html").read_bytes()


def test_stale_staging_folders_are_removed(here: Path) -> None:
    write(here / "talk.md", DECK)
    write(here / "site" / ".deckbuild-abc12345" / "talk" / "index.html", "half a deck")
    write(here / "site" / ".deckbuild-notours" / "keep.txt", "not our name")
    assert run("build", "talk.md", "-o", "site").exit_code == 0
    assert not (here / "site" / ".deckbuild-abc12345").exists()
    assert (here / "site" / ".deckbuild-notours" / "keep.txt").exists()


# --- 7. two runs at once -----------------------------------------------------------------------------------------


def test_a_second_run_waits_and_then_names_the_holder(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(here / "talk.md", DECK)
    monkeypatch.setenv("DECKBUILD_LOCK_TIMEOUT", "0.3")
    import multiprocessing

    ready, release = multiprocessing.Event(), multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold_lock, args=(str(here / "site"), ready, release))
    holder.start()
    try:
        assert ready.wait(20)
        result = run("build", "talk.md", "-o", "site")
        assert_user_error(result, f"site: another deckbuild run is writing this folder (pid {holder.pid})")
    finally:
        release.set()
        holder.join(20)
    assert run("build", "talk.md", "-o", "site").exit_code == 0


def _hold_lock(folder: str, ready: object, release: object) -> None:
    with locked(Path(folder)):
        ready.set()  # type: ignore[attr-defined]
        release.wait(20)  # type: ignore[attr-defined]


# --- 9. every error is a user error ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reveal", "line"),
    [
        ("width: abc", "'reveal' width must be a whole number of pixels from 64 to 8192"),
        ("height: 100000", "'reveal' height must be a whole number"),
    ],
)
def test_a_bad_reveal_size_is_an_error_at_its_line(here: Path, reveal: str, line: str) -> None:
    write(here / "talk.md", f"---\ntitle: T\nreveal: {{{reveal}}}\n---\n# A\n")
    for command in ("build", "shots"):
        assert_user_error(run(command, "talk.md", "-o", "out"), f"talk.md:3: {line}")
    assert not (here / "out").exists()


@pytest.mark.parametrize("scale", ["0", "-1", "5"])
def test_a_bad_scale_is_an_error(here: Path, scale: str) -> None:
    write(here / "talk.md", DECK)
    assert_user_error(run("shots", "talk.md", "--scale", scale), "--scale must be a number from 0.25 to 4")
    assert not (here / "shots").exists() and not (here / "site").exists()


def test_a_device_or_a_pipe_is_not_a_deck(here: Path) -> None:
    assert_user_error(run("build", "/dev/zero", "-o", "site"), "/dev/zero: is not a regular file")
    os.mkfifo(here / "pipe.md")
    assert_user_error(run("build", "pipe.md", "-o", "site"), "pipe.md: is not a regular file")
    assert not (here / "site").exists()


def test_an_image_gone_during_the_build_is_named(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(here / "talk.md", "# A\n\n![](img/plot.png)\n")
    write(here / "img" / "plot.png", b"png")
    real = deckbuild.publish.site.write_site

    def vanish_first(out: Path, *args: object, **kw: object) -> list[bool]:
        (here / "img" / "plot.png").unlink()
        return real(out, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr("deckbuild.build.write_site", vanish_first)
    result = run("build", "talk.md", "-o", "site")
    assert_user_error(result, "img/plot.png: 'img/plot.png' disappeared while the deck was being built")
    assert not (here / "site" / "talk").exists()


def test_a_theme_url_outside_its_folder_says_so(here: Path) -> None:
    write(here / "logo.png", b"png")
    write(here / "themes" / "t" / "theme.css", ".reveal { background: url(../../logo.png); }\n")
    write(here / "talk.md", "---\ntheme: t\n---\n# A\n")
    result = run("build", "talk.md", "-o", "site")
    assert_user_error(result, "themes/t/theme.css:1: theme file '../../logo.png' is outside the theme folder")


def test_with_no_browser_shots_writes_nothing(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(here / "talk.md", DECK)
    monkeypatch.setenv("DECKBUILD_BROWSER", str(here / "no-such-chrome"))
    before = tree(here)
    result = run("shots", "talk.md")
    assert_user_error(result, "no browser at")
    assert tree(here) == before


def test_a_killed_build_leaves_every_deck_old_or_new_and_the_next_run_cleans_up(here: Path) -> None:
    import random
    import shutil
    import signal
    import subprocess
    import sys

    _two_deck_project(here, "old")
    assert run("build").exit_code == 0
    old = {name: tree(here / "site" / name) for name in ("a", "b")}
    old_site = here / "old-site"
    shutil.copytree(here / "site", old_site, symlinks=True)
    _two_deck_project(here, "new")
    assert run("build", "-o", "new-site").exit_code == 0
    new = {name: tree(here / "new-site" / name) for name in ("a", "b")}
    chance = random.Random(7)
    for _ in range(6):
        shutil.rmtree(here / "site")
        shutil.copytree(old_site, here / "site", symlinks=True)
        process = subprocess.Popen([sys.executable, "-m", "deckbuild", "build"], cwd=here)
        try:
            process.wait(timeout=chance.uniform(0.2, 1.5))  # a kill at a random point of the build
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.wait()
        for name in ("a", "b"):
            assert tree(here / "site" / name) in (old[name], new[name]), f"{name} is half old, half new"
        assert run("build").exit_code == 0
        assert [p.name for p in (here / "site").iterdir() if p.name.startswith(".deckbuild-")] == []
        assert {name: tree(here / "site" / name) for name in ("a", "b")} == new


_OUTPUTS = ["site", ".", "decks", "decks/img", "..", "themes", "site/nested", "mine", "decks/talk", "a"]


@given(
    names=st.lists(st.sampled_from(["talk", "a", "decks", "site", "img", "mine", "themes"]), min_size=1, max_size=3),
    out=st.sampled_from(_OUTPUTS),
    named=st.booleans(),
)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_nothing_outside_the_output_folder_changes(
    names: list[str], out: str, named: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary).resolve()
        project = root / "project"
        for name in dict.fromkeys(names):
            write(project / "decks" / f"{name}.md", f"# {name}\n\n![](img/x.svg)\n")
        write(project / "decks" / "img" / "x.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>')
        write(project / "themes" / "t" / "theme.css", "a { color: red; }\n")
        write(project / "mine" / "notes.txt", "mine\n")
        write(project / "a" / "keep.txt", "a folder of the user's\n")
        write(root / "beside.txt", "beside the project\n")
        monkeypatch.chdir(project)
        target = (project / out).resolve()
        before = tree(root)
        args = ["build", *([f"decks/{n}.md" for n in dict.fromkeys(names)] if named else []), "-o", out]
        result = run(*args)
        assert "Traceback" not in result.output and result.exit_code in (0, 1), result.output
        after = tree(root)

        def outside(entries: dict[str, bytes | str]) -> dict[str, bytes | str]:
            # The output folder's own parents may be made for it (as mkdir -p does); nothing else.
            return {
                k: v
                for k, v in entries.items()
                if not (root / k).resolve().is_relative_to(target)
                and not (v == "dir" and target.is_relative_to((root / k).resolve()))
            }

        assert outside(after) == outside(before)
        # No file that was there before (sources, the user's own folders) changed or went, even inside -o.
        assert {k: after.get(k) for k in before} == before
        if result.exit_code:
            assert after == before, result.output


# --- found by trying to break it (the attack review): committed files that reach past the project ------------


def test_a_theme_template_cannot_reach_python(here: Path) -> None:
    write(here / "themes" / "evil" / "theme.css", ".reveal { color: red; }\n")
    payload = "<div>{{ cycler.__init__.__globals__.os.system('touch pwned') }}</div>\n"
    write(here / "themes" / "evil" / "templates" / "overlay.html.j2", payload)
    write(here / "talk.md", "---\ntheme: evil\n---\n# A\n")
    result = run("build", "talk.md", "-o", "site")
    assert_user_error(result, "the theme's template failed")
    assert not (here / "pwned").exists()


def test_extends_must_be_a_reveal_theme_name(here: Path) -> None:
    victim = write(here / "victim" / "evil.css", "@import url(https://example.org/x.css);\n.v { color: red }\n")
    write(here / "themes" / "evil" / "theme.css", "a { color: red; }\n")
    write(here / "themes" / "evil" / "theme.yml", f"extends: {victim.with_suffix('')}\n")
    write(here / "talk.md", "---\ntheme: evil\n---\n# A\n")
    before = victim.read_bytes()
    assert_user_error(run("build", "talk.md", "-o", "site"), "themes/evil/theme.yml:1: 'extends: ")
    assert victim.read_bytes() == before


def test_a_deck_symlinked_from_outside_the_decks_folder_is_refused(here: Path) -> None:
    write(here / "outside" / "notes.md", "# hi\n\n![k](id_rsa)\n")
    write(here / "outside" / "id_rsa", "secret\n")
    write(here / "project" / "decks" / "talk.md", DECK)
    (here / "project" / "decks" / "leak.md").symlink_to(here / "outside" / "notes.md")
    (here / "project" / ".git").mkdir()
    os.chdir(here / "project")
    assert_user_error(run("build"), "decks/leak.md: is a symlink to a file outside decks/")
    assert not (here / "project" / "site").exists()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to hand a folder over")
def test_themes_and_config_in_another_users_folder_above_are_not_used(here: Path) -> None:
    write(here / "themes" / "black" / "theme.css", ".reveal { color: rgb(1, 2, 3); }\n")
    write(here / "deckbuild.toml", 'site = "elsewhere"\n')
    write(here / "p" / "decks" / "talk.md", "# A\n")
    os.chown(here, 65534, -1)  # a folder another user owns (as /tmp/x planted by someone else)
    os.chdir(here / "p")
    assert run("build").exit_code == 0
    assert (here / "p" / "site" / "talk" / "index.html").is_file() and not (here / "elsewhere").exists()
    assert "themes/black" not in (here / "p" / "site" / "talk" / "index.html").read_text()


@pytest.mark.parametrize("key", ["decks", "site", "shots", "pdf"])
def test_config_folders_stay_inside_the_project(here: Path, key: str) -> None:
    write(here / "deckbuild.toml", f'{key} = "../outside"\n')
    write(here / "decks" / "talk.md", "# A\n")
    assert_user_error(run("build"), f"deckbuild.toml:1: '{key}' must be a folder inside the project")


@pytest.mark.parametrize(("key", "command"), [("shots", "shots"), ("pdf", "pdf")])
def test_an_out_folder_in_front_matter_stays_inside_the_project(here: Path, key: str, command: str) -> None:
    (here / ".git").mkdir()
    write(here / "talk.md", f"---\n{key}:\n  out: ../../victim\n---\n# A\n")
    assert_user_error(run(command, "talk.md", "--check"), "the output folder is outside the project")


def test_shots_refuse_a_symlinked_image_folder(here: Path) -> None:
    write(here / "talk.md", DECK)
    (here / "victim").mkdir()
    (here / "shots").symlink_to(here / "victim")
    assert_user_error(run("shots", "talk.md", "--check"), "shots: is a symlink; deckbuild does not write through links")


def test_an_image_name_over_a_decks_own_file_is_refused(here: Path) -> None:
    write(here / "decks" / "img" / "p.png", b"png")
    write(here / "decks" / "talk.md", "---\nshots: {out: img, slides: '0', name: p.png}\n---\n# A\n\n![](img/p.png)\n")
    before = tree(here)
    assert_user_error(run("shots", "decks/talk.md"), "would be written over decks/img/p.png, which a deck reads")
    assert tree(here) == before


def test_one_folder_spelled_two_ways_is_one_manifest(here: Path) -> None:
    from deckbuild.browser.shots import ShotOptions, _plan_deck
    from deckbuild.build import load_and_render
    from deckbuild.compile.assets import find_assets
    from deckbuild.settings import Settings

    write(here / "decks" / "a.md", "---\nshots: {out: ../shots}\n---\n# A\n")
    write(here / "decks" / "b.md", "# B\n")
    outs = set()
    for name in ("a", "b"):
        deck, look, page = load_and_render(here / "decks" / f"{name}.md", Settings(), find_assets())
        outs.add(_plan_deck(deck, look, page, ShotOptions(), find_assets()).out)
    assert outs == {Path("shots")}


@pytest.mark.parametrize(
    "front",
    ["title: " + "9" * 5000, 'title: "\\ud800"', "reveal: " + "[" * 1200 + "]" * 1200, "reveal: {dependencies: []}"],
)
def test_odd_front_matter_is_a_user_error(here: Path, front: str) -> None:
    write(here / "talk.md", f"---\n{front}\n---\n# A\n")
    result = run("build", "talk.md", "-o", "site")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output


def test_a_name_pattern_with_a_huge_field_is_refused(here: Path) -> None:
    write(here / "talk.md", DECK)
    for pattern in ("{h:>50000000}.png", "{h[0]}.png"):
        assert_user_error(run("shots", "talk.md", "--check", "--name", pattern), "bad --name pattern")


def test_shots_never_write_over_an_image_the_manifest_does_not_list(here: Path) -> None:
    write(here / "talk.md", DECK)
    mine = write(here / "shots" / "talk_960x700.png", b"my own figure")
    result = run("shots", "talk.md", "--slides", "0")
    assert_user_error(result, "shots/talk_960x700.png: exists and was not written by deckbuild")
    assert mine.read_bytes() == b"my own figure"
