"""pandoc as the oracle: a pandoc deck built by deckbuild has pandoc's slides, stacks and fragment counts."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import html5lib
import pytest

from deckbuild.build import build

pytestmark = pytest.mark.skipif(
    shutil.which("pandoc") is None, reason="pandoc is not installed (make setup installs Debian's)"
)

NS = "{http://www.w3.org/1999/xhtml}"

DECKS = {
    "sections": (
        """% Habits
% Ann Author
% 2024-05-01

# Part one

## Colour {#red background-color="#336"}

Text with [a span]{.fragment .fade-up} and [another]{.fragment}.

. . .

After the pause.

. . .

And again.

## {background-color="#633"}

---

Rule slide

> - one
> - two
> - three

# Part two

## Columns

:::: {.columns}
::: {.column width="40%"}
Left

::: {.fragment}
later
:::
:::
::: {.column width="60%"}
Right
:::
::::

::: notes
Say it.
:::
""",
        [],
    ),
    "flat": (
        """---
title: Flat
---

## One

- a
- b

. . .

::: {.fragment .fade-in}
x
:::

## Two

---

after a rule

## Three {.smaller}

> - p
> - q
""",
        [],
    ),
    "incremental": ("---\ntitle: T\nincremental: true\n---\n\n## A\n\n- a\n- b\n\n> - c\n> - d\n", ["-i"]),
    "level3": (
        "---\nslide-level: 3\n---\n\n# A\n\n## a1\n\n### x\n\n[f]{.fragment}\n\n# B\n\n## b1\n",
        ["--slide-level=3"],
    ),
}


def _structure(page: str) -> list[list[int]]:
    """Each horizontal slide's vertical slides, as their numbers of fragments."""
    tree = html5lib.parse(page)
    slides = next(el for el in tree.iter(f"{NS}div") if "slides" in el.get("class", "").split())
    out = []
    for top in slides.findall(f"{NS}section"):
        inner = top.findall(f"{NS}section")
        out.append([_fragments(s) for s in (inner or [top])])
    return out


def _fragments(section: Any) -> int:
    return sum(1 for el in section.iter() if "fragment" in el.get("class", "").split())


@pytest.mark.parametrize("name", sorted(DECKS))
def test_same_slides_and_fragments_as_pandoc(tmp_path: Path, name: str) -> None:
    text, flags = DECKS[name]
    deck = tmp_path / f"{name}.md"
    deck.write_text(text, encoding="utf-8")
    pandoc = subprocess.run(
        ["pandoc", "-s", "-t", "revealjs", *flags, str(deck)], capture_output=True, text=True, check=True
    ).stdout
    built = build([deck], tmp_path / "site")
    ours = (built[0].folder / "index.html").read_text(encoding="utf-8")
    expected = _structure(pandoc)
    assert sum(map(sum, expected)) > 0 or name == "level3"  # the oracle itself sees fragments
    assert _structure(ours) == expected
