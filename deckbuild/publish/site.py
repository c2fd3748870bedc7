"""The only writer of the output folder.  Everything is staged in a temporary folder inside the
output folder and renamed into place, so a failed or killed build never leaves half a deck."""

from __future__ import annotations

import errno
import filecmp
import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..compile.assets import Assets
from ..compile.fonts import Face, localise_css, stage_faces
from ..compile.render import SHARED, Look, Page, site_path
from ..errors import DeckError
from ..outdir import check_output, check_replaceable, locked, remove_stale_staging, stale_deck_folders, stamp
from ..paths import regular_files, symlink_below
from .index import THUMBNAIL

_REVEAL_FILES = ("reveal.js", "reveal.css", "reset.css", "plugin/notes.js", "plugin/highlight.js")


@dataclass(frozen=True)
class DeckOutput:
    """One deck to write: its folder name, page, the folder its files come from, and its look."""

    slug: str
    page: Page
    source_dir: Path
    look: Look
    thumbnail: Path | None = None  # the title-slide image `shots` took, shown on the talks index


def write_site(
    out: Path,
    decks: list[DeckOutput],
    assets: Assets,
    sources: list[Path] | None = None,
    *,
    shared: str = SHARED,
    prune: bool = False,
    index: tuple[str, Look] | None = None,
    keep: set[str] | None = None,
) -> list[bool]:
    """Write the shared assets and every deck under ``out``; return, per deck, whether it changed.

    Everything is staged first; only then is anything renamed into place, and a failure while renaming
    puts back what was already moved.  ``sources`` are the folders the build reads (see
    :func:`outdir.check_output`); an output folder that is or holds one of them is refused.
    ``index`` is the talks index page and its look, written as ``out/index.html`` with the rest.
    With ``prune``, deck folders deckbuild wrote for decks not in ``keep`` (default: ``decks``) go.
    """
    check_output(out, sources if sources is not None else [d.source_dir for d in decks])
    for deck in decks:
        check_replaceable(out / deck.slug)
    check_replaceable(out / shared)
    if index is not None:
        _check_index_replaceable(out / "index.html")
    for folder in (out, out / shared):
        if folder.is_symlink():
            raise DeckError("is a symlink; deckbuild does not write through links", path=folder, hint="use -o")
    with locked(out):
        remove_stale_staging(out)
        try:
            staging = Path(tempfile.mkdtemp(prefix=".deckbuild-", dir=out))
        except OSError as exc:
            raise DeckError(
                f"cannot write the output folder: {exc.strerror}", path=out, hint="choose another with -o"
            ) from None
        try:
            try:
                looks = [deck.look for deck in decks] + ([index[1]] if index else [])
                _stage_shared(staging / shared, assets, looks)
                _stage_features(staging / shared, assets, frozenset().union(*(d.page.features for d in decks)))
                stamp(staging / shared)
                for deck in decks:
                    _stage_deck(staging / deck.slug, deck)
                if index is not None:
                    _write_file(staging / "index.html", index[0].encode("utf-8"))
            except OSError as exc:
                raise DeckError(
                    f"cannot write the output folder: {exc.strerror}",
                    path=out,
                    hint="check its permissions and free space",
                ) from None
            kept = keep if keep is not None else {deck.slug for deck in decks}
            gone = stale_deck_folders(out, kept, shared) if prune else []
            return _commit(staging, out, decks, shared, gone, index is not None)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _stage_deck(folder: Path, deck: DeckOutput) -> None:
    folder.mkdir()
    _write_file(folder / "index.html", deck.page.html.encode("utf-8"))
    for rel in deck.page.files:
        target = folder / site_path(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copyfile(deck.source_dir / rel, target)
        except FileNotFoundError:
            raise DeckError(
                f"'{rel}' disappeared while the deck was being built",
                path=deck.source_dir / rel,
                hint="run the build again",
            ) from None
    if deck.thumbnail is not None and PurePosixPath(THUMBNAIL) not in deck.page.files:
        shutil.copyfile(deck.thumbnail, folder / THUMBNAIL)
    stamp(folder)


def _check_index_replaceable(path: Path) -> None:
    """The index is written over only a missing file or an index deckbuild wrote."""
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise DeckError("is not a regular file; deckbuild will not replace it", path=path, hint="remove it, or use -o")
    if path.is_file():
        with open(path, "rb") as handle:
            if b'<meta name="generator" content="deckbuild ' not in handle.read(4096):
                raise DeckError(
                    "exists and was not written by deckbuild; it will not be replaced",
                    path=path,
                    hint="move it away, or build into another folder with -o",
                )


def _commit(
    staging: Path, out: Path, decks: list[DeckOutput], shared: str, gone: list[Path], index: bool = False
) -> list[bool]:
    """Rename the staged shared files and deck folders into ``out``; undo them all if one fails.

    The folders in ``gone`` (decks that were renamed or deleted) are moved out with the rest.
    """
    journal = _Journal(staging / ".old")
    try:
        _merge_in(staging / shared, out / shared, journal)
        changed = [_swap_in(staging / deck.slug, out / deck.slug, journal) for deck in decks]
        for folder in gone:
            journal.backup(folder)
        if index:
            _replace_file(staging / "index.html", out / "index.html", journal)
    except OSError as exc:
        journal.undo()
        raise DeckError(
            f"cannot write the output folder: {exc.strerror}; nothing was changed",
            path=out,
            hint="check its permissions and free space",
        ) from None
    return changed


class _Journal:
    """What :func:`_commit` has moved so far, so that a failure can put it all back."""

    def __init__(self, backups: Path) -> None:
        self.backups = backups
        self.steps: list[tuple[str, Path, Path | None]] = []  # (kind, path, backup or staged source)

    def backup(self, path: Path) -> Path:
        """Move ``path`` aside into the staging folder and remember it."""
        self.backups.mkdir(exist_ok=True)
        aside = self.backups / str(len(self.steps))
        os.replace(path, aside)
        self.steps.append(("moved", path, aside))
        return aside

    def created(self, path: Path, source: Path | None = None) -> None:
        self.steps.append(("created", path, source))

    def undo(self) -> None:
        for kind, path, other in reversed(self.steps):
            try:
                if kind == "exchanged" and other is not None:
                    if not _exchange(other, path):
                        continue
                elif kind == "moved" and other is not None:
                    if path.is_dir() and not path.is_symlink():
                        shutil.rmtree(path)
                    elif path.exists() or path.is_symlink():
                        path.unlink()
                    os.replace(other, path)
                elif kind == "created":
                    if path.is_dir() and not path.is_symlink():
                        if other is None:
                            path.rmdir()
                        else:
                            os.replace(path, other)
                    elif path.exists():
                        path.unlink()
            except OSError:
                continue  # put back as much as can be put back


def _stage_shared(folder: Path, assets: Assets, looks: list[Look]) -> None:
    """reveal.js and what these decks' looks need: themes (made offline), fonts, code styles."""
    for name in _REVEAL_FILES:
        target = folder / "reveal.js" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(assets.reveal / name, target)
    faces: list[Face] = []
    (folder / "reveal.js" / "theme").mkdir()
    (folder / "highlight").mkdir()
    for look in looks:
        theme = look.theme
        style = folder / "highlight" / f"{look.highlight}.css"
        style.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(assets.highlight_styles / f"{look.highlight}.css", style)
        base = theme.name if theme.folder is None else theme.extends
        if base:
            css, needed = localise_css((assets.reveal / "theme" / f"{base}.css").read_text(encoding="utf-8"))
            (folder / "reveal.js" / "theme" / f"{base}.css").write_text(css, encoding="utf-8")
            faces.extend(needed)
        if theme.folder is not None:
            target = folder / "themes" / theme.name
            if not target.exists():
                _copy_theme(theme.folder, target)
            faces.extend(theme.fonts)
    stage_faces(assets, faces, folder)


def _copy_theme(folder: Path, target: Path) -> None:
    """A project theme's files, minus its settings and templates; no symlink is followed or copied."""
    for path in regular_files(folder, what=f"theme '{folder.name}'"):
        rel = path.relative_to(folder)
        if rel.parts[0] in ("templates", "theme.yml"):
            continue
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target / rel)


def _merge_in(staged: Path, final: Path, journal: _Journal) -> None:
    """Move every staged file whose bytes differ into ``final``, one atomic rename each.

    Files already there and not staged now are kept: other decks built into this site use them.
    """
    if not final.exists():
        final.mkdir()
        journal.created(final)
    for path in sorted(p for p in staged.rglob("*") if p.is_file()):
        target = final / path.relative_to(staged)
        link = symlink_below(final, target)
        if link is not None:
            raise DeckError("is a symlink; deckbuild does not write through links", path=link, hint="remove it")
        if target.is_file() and filecmp.cmp(path, target, shallow=False):
            continue
        for parent in reversed(target.relative_to(final).parents[:-1]):
            folder = final / parent
            if not folder.exists():
                folder.mkdir()
                journal.created(folder)
        if target.exists():
            journal.backup(target)
        os.replace(path, target)
        journal.created(target)


def _replace_file(staged: Path, final: Path, journal: _Journal) -> None:
    """Move the staged file over ``final`` unless it holds the same bytes."""
    if final.is_file() and filecmp.cmp(staged, final, shallow=False):
        return
    if final.exists():
        journal.backup(final)
    os.replace(staged, final)
    journal.created(final)


def _write_file(path: Path, data: bytes) -> None:
    """Write a file into the staging folder: made by mkdtemp, only this run writes there (see files.py)."""
    with open(path, "wb") as handle:
        handle.write(data)


def _swap_in(staged: Path, final: Path, journal: _Journal) -> bool:
    """Move ``staged`` to ``final`` unless ``final`` already holds the same bytes; True if moved."""
    if final.is_dir() and _digest(final) == _digest(staged):
        return False
    if final.exists() and not final.is_symlink() and _exchange(staged, final):
        journal.steps.append(("exchanged", final, staged))  # staged now holds the old folder
        return True
    if final.exists():
        journal.backup(final)
    os.replace(staged, final)
    journal.created(final, staged)
    return True


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux's renameat2 RENAME_EXCHANGE); False where it is not there.

    With it, a build killed at any moment leaves every deck folder either old or new, never missing.
    """
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EPERM, errno.EXDEV):
        return False  # no such call on this kernel or file system: fall back to two renames
    raise OSError(code, os.strerror(code))


def _digest(folder: Path) -> str:
    """A hash of every file's relative path and bytes below ``folder``."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


_FONT_FALLBACKS = re.compile(r""",\s*url\([^)]*\.(?:woff|ttf)\)\s*format\(["'](?:woff|truetype)["']\)""")


def _stage_features(folder: Path, assets: Assets, features: frozenset[str]) -> None:
    """KaTeX's style sheet and fonts (woff2 only), and mermaid's one bundle, for the decks that use them."""
    if "math" in features:
        dist = assets.node_modules / "katex" / "dist"
        (folder / "katex" / "fonts").mkdir(parents=True)
        css = _FONT_FALLBACKS.sub("", (dist / "katex.min.css").read_text(encoding="utf-8"))
        (folder / "katex" / "katex.min.css").write_text(css, encoding="utf-8")
        for font in sorted((dist / "fonts").glob("*.woff2")):
            shutil.copyfile(font, folder / "katex" / "fonts" / font.name)
    if "mermaid" in features:
        (folder / "mermaid").mkdir()
        shutil.copyfile(
            assets.node_modules / "mermaid" / "dist" / "mermaid.min.js", folder / "mermaid" / "mermaid.min.js"
        )
