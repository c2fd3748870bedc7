#!/usr/bin/env python3
"""Time `deckbuild build` against `pandoc -t revealjs -s` on the same generated decks: whole processes.

    .venv/bin/python bench/build_bench.py [--runs N] [--sizes 100,1000]

Standard library only; the decks are shots_bench.py's.  Runs alternate between the tools, and each
row is the median of ``--runs``.  Needs pandoc on PATH (``make tools``).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from shots_bench import REPO, make_deck  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sizes", default="100,1000")
    args = parser.parse_args()
    if shutil.which("pandoc") is None:
        print("pandoc not found: run `make tools`", file=sys.stderr)
        return 1
    deckbuild = [str(REPO / ".venv" / "bin" / "python"), "-m", "deckbuild"]
    print("| slides | deckbuild build s | pandoc s | deckbuild / pandoc |\n| ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            deck = Path(tmp) / f"deck{n}.md"
            deck.write_text(make_deck(n), encoding="utf-8")
            tools = {
                "deckbuild": [*deckbuild, "build", str(deck), "-o", str(Path(tmp) / "site")],
                "pandoc": ["pandoc", "-t", "revealjs", "-s", str(deck), "-o", str(Path(tmp) / "pandoc.html")],
            }
            times: dict[str, list[float]] = {name: [] for name in tools}
            for _ in range(args.runs):
                for name, command in tools.items():
                    start = time.perf_counter()
                    subprocess.run(command, check=True, capture_output=True, cwd=REPO)
                    times[name].append(time.perf_counter() - start)
            ours, theirs = statistics.median(times["deckbuild"]), statistics.median(times["pandoc"])
            print(f"| {n} | {ours:.2f} | {theirs:.2f} | {ours / theirs:.2f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
