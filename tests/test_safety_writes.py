"""One writer for every file deckbuild writes, one manifest store for shots and pdf, and input that
reaches the OS as a user error (issue #20, items 1, 7 and 9).

Each test is the exact reproduction from the issue.  A pull request could commit a symlink at each
of the predictable temporary names deckbuild once wrote through, ``.<name>.<pid>.tmp``, one per pid
(32,768 of them); these tests run deckbuild in-process, so the one for this pid is enough.  Each
asserts the exit code, the message, and the sha256 of a canary tree outside the project before and
after.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from deckbuild.browser.pdf import MANIFEST as PDF_MANIFEST
from deckbuild.browser.shots import manifest_name
from deckbuild.cli import main
from deckbuild.errors import DeckError
from deckbuild.files import write_file, write_if_changed
from deckbuild.outdir import locked

DECK = "---\ntitle: Talk\n---\n# One\n\ntext\n\n# Two\n\nmore\n"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project (with .git, so front matter's folders are checked against it) in ``here/project``."""
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    monkeypatch.chdir(project)
    monkeypatch.setenv("DECKBUILD_LOCK_TIMEOUT", "5")
    return tmp_path.resolve()


@pytest.fixture
def canary(here: Path) -> Path:
    """A tree outside the project that a planted link points into."""
    folder = here / "outside"
    write(folder / "victim.txt", "the user's own file\n")
    write(folder / "keys" / "id_rsa", "-----BEGIN KEY-----\n")
    return folder


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def digest(folder: Path) -> str:
    """sha256 over every path below ``folder``: its kind, mode and bytes (a link: its target)."""
    total = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        total.update(f"{path.relative_to(folder)}\0{info.st_mode:o}\0".encode())
        if path.is_symlink():
            total.update(os.readlink(path).encode())
        elif path.is_file():
            total.update(path.read_bytes())
    return total.hexdigest()


def plant(folder: Path, name: str, target: Path) -> Path:
    """A symlink at the temporary name deckbuild used to write ``folder/name`` through."""
    folder.mkdir(parents=True, exist_ok=True)
    link = folder / f".{name}.{os.getpid()}.tmp"
    link.symlink_to(target)
    return link


def assert_user_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output and "internal error" not in result.output
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def assert_regular(path: Path) -> None:
    assert not path.is_symlink() and stat.S_ISREG(path.lstat().st_mode), path


# --- 1. a planted link at a temporary name is never written through ---------------------------------------------


def test_ci_github_with_links_planted_at_the_temporary_names(here: Path, canary: Path) -> None:
    workflows = here / "project" / ".github" / "workflows"
    plant(workflows, "decks.yml", canary / "victim.txt")
    before = digest(canary)
    result = run("ci", "github")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("wrote: .github/workflows/decks.yml\n")
    assert digest(canary) == before
    assert_regular(workflows / "decks.yml")
    assert (workflows / "decks.yml").read_text(encoding="utf-8").startswith("# Written by `deckbuild ci github`")


def _blog(here: Path) -> Path:
    """A blog with a deck, its images (post only needs them to exist) and a post of the user's."""
    project = here / "project"
    write(project / "deckbuild.toml", 'shots = "assets/img"\nbase_url = "/talks"\n')
    write(project / "decks" / "talk.md", "---\ntitle: Talk\ndate: 2024-01-01\n---\n# One\n\ntext\n")
    for name in ("talk_960x700.png", "talk_1_960x700.png"):
        write(project / "assets" / "img" / name, b"png")
    return write(project / "_posts" / "2024-01-01-talk.md", "---\nlayout: post\ntitle: Mine\n---\nMy words.\n")


def test_post_with_links_planted_at_the_temporary_names(here: Path, canary: Path) -> None:
    post = _blog(here)
    plant(post.parent, post.name, canary / "victim.txt")
    before = digest(canary)
    result = run("post", "decks/talk.md", "--post", "_posts/2024-01-01-talk.md")
    assert result.exit_code == 0, result.output
    assert result.output == "updated: _posts/2024-01-01-talk.md\n"
    assert digest(canary) == before
    assert_regular(post)
    assert post.read_text(encoding="utf-8").startswith("---\nlayout: post\ntitle: Mine\n---\nMy words.\n")
    assert "<!-- deckbuild:slides -->" in post.read_text(encoding="utf-8")


def test_post_keeps_the_mode_of_the_post_it_replaces(here: Path, canary: Path) -> None:
    post = _blog(here)
    post.chmod(0o600)
    before = digest(canary)
    result = run("post", "decks/talk.md", "--post", "_posts/2024-01-01-talk.md")
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(post.stat().st_mode) == 0o600  # it became 0644
    assert digest(canary) == before


def test_a_new_file_gets_the_umask_s_mode_and_a_replaced_one_keeps_its_own(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        write_file(tmp_path / "new.png", b"png")
        write(tmp_path / "kept.png", b"old").chmod(0o604)
        write_file(tmp_path / "kept.png", b"new")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.png").stat().st_mode) == 0o640  # not mkstemp's 0600
    assert stat.S_IMODE((tmp_path / "kept.png").stat().st_mode) == 0o604
    assert (tmp_path / "kept.png").read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.png", "new.png"]


# --- a symlink as the target is refused, naming it ---------------------------------------------------------------


def test_the_writer_refuses_a_symlink_as_its_target(here: Path, canary: Path) -> None:
    tmp_path = here / "project"  # the working folder: messages name paths relative to it
    (tmp_path / "a.png").symlink_to(canary / "victim.txt")
    before = digest(canary)
    for write_one in (write_file, write_if_changed):
        with pytest.raises(DeckError) as caught:
            write_one(tmp_path / "a.png", b"png")
        assert str(caught.value) == (
            "a.png: is a symlink; deckbuild does not write through links "
            "(remove the link, or choose another output folder)"
        )
    # Compared without following the link: the bytes there are not a reason to call it written.
    with pytest.raises(DeckError, match="is a symlink"):
        write_if_changed(tmp_path / "a.png", (canary / "victim.txt").read_bytes())
    assert digest(canary) == before
    assert (tmp_path / "a.png").is_symlink() and not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]


def test_shots_refuse_a_listed_image_that_is_a_symlink_before_starting_a_browser(
    here: Path, canary: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(here / "project" / "talk.md", DECK)
    shots = here / "project" / "shots"
    entry = {"deck": "talk", "key": "old", "sha256": "old"}
    write(shots / manifest_name("talk"), json.dumps({"version": 1, "images": {"talk_960x700.png": entry}}))
    (shots / "talk_960x700.png").symlink_to(canary / "victim.txt")
    monkeypatch.setenv("DECKBUILD_BROWSER", str(here / "no-such-chrome"))  # it gets no further than the check
    before = digest(canary), digest(shots)
    result = run("shots", "talk.md", "--slides", "0")
    assert_user_error(result, "shots/talk_960x700.png: is a symlink; deckbuild does not write through links")
    assert (digest(canary), digest(shots)) == before
    check = run("shots", "talk.md", "--slides", "0", "--check")  # a link is never up to date: --check says so too
    assert_user_error(check, "shots/talk_960x700.png: is a symlink; deckbuild does not write through links")


def test_pdf_refuses_a_listed_pdf_that_is_a_symlink(here: Path, canary: Path) -> None:
    write(here / "project" / "talk.md", DECK)
    folder = here / "project" / "pdf"
    entry = {"deck": "talk", "key": "old", "sha256": "old"}
    write(folder / PDF_MANIFEST, json.dumps({"version": 1, "pdfs": {"talk.pdf": entry}}))
    (folder / "talk.pdf").symlink_to(canary / "victim.txt")
    before = digest(canary), digest(folder)
    result = run("pdf", "talk.md")
    assert_user_error(result, "pdf/talk.pdf: is a symlink; deckbuild does not write through links")
    assert (digest(canary), digest(folder)) == before


def test_post_and_ci_refuse_a_symlink_as_their_file(here: Path, canary: Path) -> None:
    post = _blog(here)
    post.unlink()
    post.symlink_to(canary / "victim.txt")
    workflow = here / "project" / ".github" / "workflows" / "decks.yml"
    workflow.parent.mkdir(parents=True)
    workflow.symlink_to(canary / "victim.txt")
    before = digest(canary)
    result = run("post", "decks/talk.md", "--post", "_posts/2024-01-01-talk.md")
    assert_user_error(result, "_posts/2024-01-01-talk.md: is a symlink; deckbuild does not write through links")
    assert_user_error(run("ci", "github"), ".github/workflows/decks.yml: exists; deckbuild does not write over it")
    assert digest(canary) == before
    assert workflow.is_symlink() and post.is_symlink()


def test_the_gallery_refuses_a_symlink_as_an_image_before_starting_a_browser(here: Path, canary: Path) -> None:
    from deckbuild.compile.assets import find_assets
    from deckbuild.publish.gallery import render_gallery

    gallery = here / "project" / "gallery"
    gallery.mkdir()
    (gallery / "contact-sheet.png").symlink_to(canary / "victim.txt")
    before = digest(canary)
    with pytest.raises(DeckError) as caught:
        render_gallery(gallery, ["black"], find_assets(), None, browser_path=here / "no-such-chrome")
    assert str(caught.value).startswith("gallery/contact-sheet.png: is a symlink; deckbuild does not write through")
    assert digest(canary) == before


# --- 7. pdf refuses a file it did not write, as shots does ---------------------------------------------------------


def test_pdf_refuses_a_file_of_the_users_where_its_pdf_would_go(here: Path, canary: Path) -> None:
    write(here / "project" / "talk.md", DECK)
    mine = write(here / "project" / "pdf" / "talk.pdf", b"%PDF-1.4 my own file")
    before = digest(canary), digest(mine.parent)
    for args in (("pdf", "talk.md"), ("pdf", "talk.md", "--force"), ("pdf", "talk.md", "--check")):
        assert_user_error(
            run(*args),
            "pdf/talk.pdf: exists and was not written by deckbuild (its manifest does not list it); "
            "it will not be replaced (move it away, or choose another folder with -o or pdf: out:)",
        )
    assert (digest(canary), digest(mine.parent)) == before


def test_a_broken_pdf_manifest_is_an_error_as_a_broken_shots_manifest_is(here: Path) -> None:
    write(here / "project" / "talk.md", DECK)
    write(here / "project" / "pdf" / PDF_MANIFEST, '{"pdfs": {"../../victim.txt": {}}}')
    before = digest(here / "project")
    assert_user_error(
        run("pdf", "talk.md", "--check"),
        f"pdf/{PDF_MANIFEST}: bad manifest entry '../../victim.txt': an entry must be a plain .pdf file name",
        "nothing was deleted",
    )
    write(here / "project" / "pdf" / PDF_MANIFEST, "<<<<<<< HEAD\n")
    assert_user_error(
        run("pdf", "talk.md", "--check"),
        f"pdf/{PDF_MANIFEST}: the manifest is not valid JSON",
        "restore it from git, or delete it and the PDFs it listed and run again",
    )
    assert digest(here / "project") != before  # only the manifest this test rewrote


# --- 9. input that reaches the OS is a user error ------------------------------------------------------------------


@pytest.mark.parametrize("command", ["shots", "pdf"])
def test_a_nul_byte_in_an_out_folder_of_front_matter_is_an_error_at_its_line(
    here: Path, canary: Path, command: str
) -> None:
    write(here / "project" / "talk.md", f'---\ntitle: T\n{command}:\n  out: "a\\0b"\n---\n# A\n')
    before = digest(here)
    for args in ((command, "talk.md", "--check"), (command, "talk.md")):
        assert_user_error(
            run(*args), f"talk.md:3: '{command}: out:' holds a NUL byte, which no file name can hold (got 'a\\x00b')"
        )
    assert digest(here) == before


def test_a_nul_byte_in_a_folder_of_deckbuild_toml_is_an_error_at_its_line(here: Path, canary: Path) -> None:
    write(here / "project" / "deckbuild.toml", 'decks = "decks"\nsite = "a\\u0000b"\n')
    write(here / "project" / "decks" / "talk.md", DECK)
    before = digest(here)
    for command in ("build", "shots", "config"):
        assert_user_error(
            run(command), "deckbuild.toml:2: 'site' holds a NUL byte, which no file name can hold (got 'a\\x00b')"
        )
    assert digest(here) == before


@pytest.fixture
def read_only(here: Path) -> Iterator[Path]:
    """A folder on a read-only file system (a tmpfs mounted read-only; a folder of mode 0555 when not root)."""
    folder = here / "project" / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)
        return
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a read-only file system here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_an_output_folder_on_a_read_only_file_system_is_a_user_error(here: Path, canary: Path, read_only: Path) -> None:
    write(here / "project" / "talk.md", DECK)
    before = digest(here / "outside")
    why = os.strerror(errno.EROFS if os.geteuid() == 0 else errno.EACCES)
    result = run("build", "talk.md", "-o", "ro")
    assert_user_error(result, f"ro: cannot write the output folder: {why} (choose another with -o)")
    assert len(result.stderr.strip().splitlines()) == 1
    assert list(read_only.iterdir()) == [] and digest(here / "outside") == before


def test_the_lock_s_cleanup_does_not_hide_the_error_that_ended_the_run(here: Path, read_only: Path) -> None:
    with pytest.raises(DeckError, match="the real error"), locked(read_only):
        raise DeckError("the real error")


# --- every writer, with links planted at its temporary names, in a real Chromium ------------------------------------


@pytest.mark.browser
def test_shots_with_links_planted_at_the_temporary_names(here: Path, canary: Path) -> None:
    write(here / "project" / "talk.md", DECK)
    shots = here / "project" / "shots"
    plant(shots, "talk_960x700.png", canary / "victim.txt")
    plant(shots, manifest_name("talk"), canary / "keys" / "id_rsa")
    before = digest(canary)
    result = run("shots", "talk.md", "--slides", "0")
    assert result.exit_code == 0, result.output
    assert digest(canary) == before
    for name in ("talk_960x700.png", manifest_name("talk")):
        assert_regular(shots / name)
    assert (shots / "talk_960x700.png").read_bytes().startswith(b"\x89PNG")
    check = run("shots", "talk.md", "--slides", "0", "--check")
    assert check.exit_code == 0 and "up to date" in check.output, check.output


@pytest.mark.browser
def test_pdf_with_links_planted_at_the_temporary_names(here: Path, canary: Path) -> None:
    write(here / "project" / "talk.md", DECK)
    folder = here / "project" / "pdf"
    plant(folder, "talk.pdf", canary / "victim.txt")
    plant(folder, PDF_MANIFEST, canary / "keys" / "id_rsa")
    before = digest(canary)
    result = run("pdf", "talk.md")
    assert result.exit_code == 0, result.output
    assert digest(canary) == before
    for name in ("talk.pdf", PDF_MANIFEST):
        assert_regular(folder / name)
    assert (folder / "talk.pdf").read_bytes().startswith(b"%PDF")
    check = run("pdf", "talk.md", "--check")
    assert (check.exit_code, check.output.strip()) == (0, "up to date: 1 PDFs")


@pytest.mark.browser
def test_the_gallery_with_links_planted_at_the_temporary_names(here: Path, canary: Path) -> None:
    from deckbuild.compile.assets import find_assets
    from deckbuild.publish.gallery import render_gallery

    gallery = here / "project" / "gallery"
    plant(gallery, "black.png", canary / "victim.txt")
    plant(gallery, "contact-sheet.png", canary / "keys" / "id_rsa")
    before = digest(canary)
    written = render_gallery(gallery, ["black"], find_assets(), None)
    assert written == [gallery / "black.png", gallery / "contact-sheet.png"]
    assert digest(canary) == before
    for path in written:
        assert_regular(path)
        assert path.read_bytes().startswith(b"\x89PNG")
