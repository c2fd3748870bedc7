#!/usr/bin/env python3
"""The seed deck's configured images from a cold start, against the floor: Chromium launched through
Playwright taking one screenshot of the same built deck.

    .venv/bin/python bench/seed_bench.py [--runs 5]

Whole processes, runs alternating, medians.  The floor script is Python + Playwright: import,
driver, launch, one page, one screenshot, close; what any Playwright tool pays before its own work.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "decks" / "2018-12-08_NeurIPS_MLOSS.md"
FLOOR = """
import sys
from playwright.sync_api import sync_playwright
from deckbuild.browser.session import find_browser, launch_args
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=str(find_browser(None, p)), args=launch_args())
    page = browser.new_page(viewport={"width": 960, "height": 700})
    page.goto(sys.argv[1])
    page.screenshot(path=sys.argv[2])
    browser.close()
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    python = str(REPO / ".venv" / "bin" / "python")
    with tempfile.TemporaryDirectory() as tmp:
        site, out = Path(tmp) / "site", Path(tmp) / "shots"
        shots = [python, "-m", "deckbuild", "shots", str(SEED), "--site", str(site), "--out", str(out), "--force"]
        subprocess.run(shots, check=True, capture_output=True, cwd=REPO)
        page = (site / SEED.stem / "index.html").as_uri()
        floor = [python, "-c", FLOOR, page, str(Path(tmp) / "one.png")]
        times: dict[str, list[float]] = {"deckbuild shots (seed, 6 images)": [], "Playwright: launch + 1 shot": []}
        for _ in range(args.runs):
            for name, command in zip(times, (shots, floor), strict=True):
                start = time.perf_counter()
                subprocess.run(command, check=True, capture_output=True, cwd=REPO)
                times[name].append(time.perf_counter() - start)
    ours, floor_s = (statistics.median(t) for t in times.values())
    for name, values in times.items():
        print(f"{name}: median {statistics.median(values):.2f} s ({min(values):.2f}-{max(values):.2f})")
    print(f"deckbuild / floor: {ours / floor_s:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
