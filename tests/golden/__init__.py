"""Golden HTML: decks in ``decks/`` (and the seed talk) and the HTML they must build to.

``python -m tests.golden`` (or ``make golden``) rewrites the expected files; review them as a diff.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from deckbuild.build import build

HERE = Path(__file__).resolve().parent
SEED = HERE.parent.parent / "decks" / "2018-12-08_NeurIPS_MLOSS.md"
DECKS = [SEED, *sorted((HERE / "decks").glob("*.md"))]


def expected_path(deck: Path) -> Path:
    return HERE / "expected" / f"{deck.stem}.html"


def built_html(deck: Path, out: Path) -> str:
    """The deck's index.html, with the deckbuild version taken out so releases don't churn it."""
    [result] = build([deck], out)
    html = (result.folder / "index.html").read_text(encoding="utf-8")
    lines = [line for line in html.splitlines(keepends=True) if 'name="generator"' not in line]
    return "".join(lines)


def regenerate() -> None:
    (HERE / "expected").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for deck in DECKS:
            expected_path(deck).write_text(built_html(deck, Path(tmp) / deck.stem), encoding="utf-8")
            print(f"wrote {expected_path(deck).relative_to(Path.cwd())}")
