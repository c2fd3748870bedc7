#!/usr/bin/env python3
"""Time ``deckbuild serve`` from saving a deck to the new slide on screen, for the seed deck.

Starts ``deckbuild serve`` on a free port over a copy of decks/2018-12-08_NeurIPS_MLOSS.md, opens the
deck at ``#/4/1`` in headless Chromium, then ``--runs`` times changes that slide's heading in the file.
It measures from just before the write to the first frame painted after reveal.js shows the new
heading, by the page's own clock (``performance.timeOrigin + now()``) against ``time.time()``, the same
system clock. Two kinds of save: ``slides`` (only the heading: swapped into the open page) and
``page`` (also the front matter's transition: the page reloads). Prints medians and spreads, the
rebuild times the server reported, and how long SIGTERM takes to stop it. A script, not a test.
"""

from __future__ import annotations

import argparse
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
TRANSITIONS = ("fade", "none")  # the heading of slide 4/1 (an outline topic: a line of its own)

# In every page (a reload starts a new one): on each frame, look for the marker the bench wrote into the
# slide; the frame after the one that first shows it is when it is on screen.  The marker is kept in
# sessionStorage, which a reload keeps.
PAINTED = """
(() => {
  const look = () => {
    const marker = sessionStorage.getItem('bench-marker');
    const r = window.Reveal;
    if (marker && r && r.isReady && r.isReady() && r.getCurrentSlide().textContent.includes(marker)) {
      requestAnimationFrame(() => {
        window.__painted = performance.timeOrigin + performance.now();
        window.__marker = marker;
      });
      sessionStorage.removeItem('bench-marker');
    }
    requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})();
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="saves to time (default 9)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from deckbuild.browser.session import open_browser

    work = Path(tempfile.mkdtemp(prefix="serve-bench-"))
    (work / "decks").mkdir()
    deck = work / "decks" / SEED.name
    shutil.copyfile(SEED, deck)
    server = Serve(work)
    wait_for = server.wait_for

    latencies: dict[str, list[float]] = {"slides": [], "page": []}
    builds: list[float] = []
    try:
        url = wait_for(r"serving .* at (http://\S+/)").group(1) + SEED.stem + "/#/4/1"
        with open_browser() as browser:
            page = browser.new_page()
            page.add_init_script(PAINTED)
            page.goto(url)
            page.wait_for_function("window.Reveal && Reveal.isReady()")
            text = deck.read_text(encoding="utf-8")
            for run in range(2 * args.runs):
                kind = "slides" if run < args.runs else "page"  # the frame stays the same, then changes each time
                marker = f"{HEADING} (edit {run})"
                new = text.replace(HEADING, marker, 1)
                if kind == "page":  # something around the slides: the page must reload
                    new = new.replace("theme: black\n", f"theme: black\ntransition: {TRANSITIONS[run % 2]}\n")
                page.evaluate("m => sessionStorage.setItem('bench-marker', m)", marker)
                saved = time.time() * 1000
                deck.write_text(new, encoding="utf-8")
                page.wait_for_function(f"window.__marker === {marker!r}", timeout=60_000)
                latencies[kind].append(page.evaluate("window.__painted") - saved)
                builds.append(float(wait_for(r"^built: /\S+/ \(\d+ slides?, (\d+) ms\)", count=run + 2).group(1)))
                indices = page.evaluate("[Reveal.getIndices().h, Reveal.getIndices().v]")
                if indices != [4, 1]:
                    raise SystemExit(f"the updated deck is on {indices}, not 4/1")
    finally:
        stop, code = server.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print(f"save to new slide on screen, {SEED.name} at #/4/1, {args.runs} saves of each kind:")
    for kind, label in (("slides", "slides swapped in place"), ("page", "page reloaded")):
        values = latencies[kind]
        print(f"  {label}: median {statistics.median(values):.0f} ms, min {min(values):.0f}, max {max(values):.0f}")
        print(f"    all: {', '.join(f'{value:.0f}' for value in values)}")
    print(f"  the rebuild (server's own timing): median {statistics.median(builds):.0f} ms")
    print(f"SIGTERM to exit: {stop * 1000:.0f} ms, exit code {code}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
