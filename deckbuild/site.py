"""The only writer of the output folder.  Everything is staged in a temporary folder inside the
output folder and renamed into place, so a failed or killed build never leaves half a deck."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .assets import Assets
from .errors import DeckError
from .render import SHARED, Page

_REMOTE_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*["']?https?://[^;]*;""")
_REVEAL_FILES = ("reveal.js", "reveal.css", "reset.css", "plugin/notes.js", "plugin/highlight.js")


@dataclass(frozen=True)
class DeckOutput:
    """One deck to write: its folder name, page and the deck folder its files are copied from."""

    slug: str
    page: Page
    source_dir: Path


def write_site(out: Path, decks: list[DeckOutput], assets: Assets, themes_dirs: list[Path]) -> list[bool]:
    """Write the shared assets and every deck under ``out``; return, per deck, whether it changed."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".deckbuild-", dir=out))
    except OSError as exc:
        raise DeckError(
            f"cannot write the output folder: {exc.strerror}", path=out, hint="choose another with -o"
        ) from None
    try:
        _stage_shared(staging / SHARED, assets, themes_dirs)
        _swap_in(staging / SHARED, out / SHARED, staging)
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


def _stage_shared(folder: Path, assets: Assets, themes_dirs: list[Path]) -> None:
    """reveal.js, every reveal.js theme (made offline), every code style and the project themes."""
    for name in _REVEAL_FILES:
        target = folder / "reveal.js" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(assets.reveal / name, target)
    (folder / "reveal.js" / "theme").mkdir()
    for css in sorted((assets.reveal / "theme").glob("*.css")):
        text = css.read_text(encoding="utf-8")
        (folder / "reveal.js" / "theme" / css.name).write_text(_REMOTE_IMPORT.sub("", text), encoding="utf-8")
    (folder / "highlight").mkdir()
    for css in sorted(assets.highlight_styles.glob("*.css")):
        if not css.name.endswith(".min.css"):
            shutil.copyfile(css, folder / "highlight" / css.name)
    for themes_dir in themes_dirs:
        for theme in sorted(p for p in themes_dir.iterdir() if p.is_dir()):
            target = folder / "themes" / theme.name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(theme, target)


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
