#!/usr/bin/env python3
"""Time ``deckbuild serve --shots`` from saving a deck to the edited slide's images on disk, for the seed deck.

Starts ``deckbuild serve --shots`` on a free port over a copy of decks/2018-12-08_NeurIPS_MLOSS.md (its
front matter asks for slides 0, 2 and 4/1 at 600x390 and 1200x630), waits for the first images, then
``--runs`` times changes the heading of slide 4/1 in the file and measures from just before the write
until both of that slide's PNGs have been replaced (their files are renamed into place, so a changed
inode/mtime means a whole new image).  Two kinds of save: ``slides`` (only the heading: the warm page
takes the new slides in place) and ``page`` (also the front matter's transition: the page around the
slides changed, so the deck is opened again in the warm browser).  Prints medians and spreads and the
server's own timing of each run.  A script, not a test.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from serve_process import Serve

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "decks" / "2018-12-08_NeurIPS_MLOSS.md"
HEADING = "Holding events"
TRANSITIONS = ("fade", "none")
POLL = 0.002  # seconds between looks at the two files (a measurement loop, not a wait for a result)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="saves of each kind to time (default 9)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="live-shots-bench-"))
    (work / "decks").mkdir()
    deck = work / "decks" / SEED.name
    shutil.copyfile(SEED, deck)
    images = [work / "shots" / f"{SEED.stem}_4-1_{size}.png" for size in ("600x390", "1200x630")]
    server = Serve(work, "--shots")
    wait_for = server.wait_for

    def stamps() -> list[tuple[int, int]]:
        return [(path.stat().st_ino, path.stat().st_mtime_ns) for path in images]

    latencies: dict[str, list[float]] = {"slides": [], "page": []}
    reported: dict[str, list[float]] = {"slides": [], "page": []}
    first = 0.0
    try:
        started = time.perf_counter()
        wait_for(re.escape(f"shot: shots/{images[1].name}"))
        first = time.perf_counter() - started
        text = deck.read_text(encoding="utf-8")
        for run in range(2 * args.runs):
            kind = "slides" if run < args.runs else "page"
            new = text.replace(HEADING, f"{HEADING} (edit {run})", 1)
            if kind == "page":
                new = new.replace("theme: black\n", f"theme: black\ntransition: {TRANSITIONS[run % 2]}\n")
            before = stamps()
            saved = time.perf_counter()
            deck.write_text(new, encoding="utf-8")
            while True:
                now = stamps()
                if all(a != b for a, b in zip(now, before, strict=True)):
                    break
                time.sleep(POLL)
            latencies[kind].append((time.perf_counter() - saved) * 1000)
            line = wait_for(re.escape(f"shot: shots/{images[1].name}") + r" \((\d+) ms\)", count=run + 2)
            reported[kind].append(float(line.group(1)))
    finally:
        server.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print(f"serve --shots, {SEED.name}: first images (3 slides, 2 sizes, browser start included) {first:.2f} s")
    print(f"save to both images of slide 4/1 replaced on disk, {args.runs} saves of each kind:")
    for kind, label in (("slides", "slides swapped into the warm page"), ("page", "deck opened again")):
        values = latencies[kind]
        print(f"  {label}: median {statistics.median(values):.0f} ms, min {min(values):.0f}, max {max(values):.0f}")
        print(f"    all: {', '.join(f'{value:.0f}' for value in values)}")
        print(f"    the run itself (server's timing, from the save seen): {statistics.median(reported[kind]):.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
