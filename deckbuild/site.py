"""The only writer of the output folder.  Everything is staged in a temporary folder inside the
output folder and renamed into place, so a failed or killed build never leaves half a deck."""

from __future__ import annotations

import filecmp
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .assets import Assets
from .errors import DeckError
from .fonts import Face, localise_css, stage_faces
from .render import SHARED, Look, Page

_REVEAL_FILES = ("reveal.js", "reveal.css", "reset.css", "plugin/notes.js", "plugin/highlight.js")


@dataclass(frozen=True)
class DeckOutput:
    """One deck to write: its folder name, page, the folder its files come from, and its look."""

    slug: str
    page: Page
    source_dir: Path
    look: Look


def write_site(out: Path, decks: list[DeckOutput], assets: Assets) -> list[bool]:
    """Write the shared assets and every deck under ``out``; return, per deck, whether it changed."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".deckbuild-", dir=out))
    except OSError as exc:
        raise DeckError(
            f"cannot write the output folder: {exc.strerror}", path=out, hint="choose another with -o"
        ) from None
    try:
        _stage_shared(staging / SHARED, assets, [deck.look for deck in decks])
        _merge_in(staging / SHARED, out / SHARED)
        changed = []
        for deck in decks:
            folder = staging / deck.slug
            folder.mkdir()
            _write_file(folder / "index.html", deck.page.html.encode("utf-8"))
            for rel in deck.page.files:
                target = folder / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(deck.source_dir / rel, target)
            changed.append(_swap_in(folder, out / deck.slug, staging))
        return changed
    except OSError as exc:
        raise DeckError(
            f"cannot write the output folder: {exc.strerror}", path=out, hint="check its permissions and free space"
        ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


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
                shutil.copytree(theme.folder, target, ignore=shutil.ignore_patterns("templates", "theme.yml"))
            faces.extend(theme.fonts)
    stage_faces(assets, faces, folder)


def _merge_in(staged: Path, final: Path) -> None:
    """Move every staged file whose bytes differ into ``final``, one atomic rename each.

    Files already there and not staged now are kept: other decks built into this site use them.
    """
    for path in sorted(p for p in staged.rglob("*") if p.is_file()):
        target = final / path.relative_to(staged)
        if target.is_file() and filecmp.cmp(path, target, shallow=False):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)


def _write_file(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)


def _swap_in(staged: Path, final: Path, staging: Path) -> bool:
    """Move ``staged`` to ``final`` unless ``final`` already holds the same bytes; True if moved."""
    if final.is_dir() and _digest(final) == _digest(staged):
        return False
    if final.exists():
        old = staging / (".old-" + final.name)
        os.replace(final, old)
    os.replace(staged, final)
    return True


def _digest(folder: Path) -> str:
    """A hash of every file's relative path and bytes below ``folder``."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
