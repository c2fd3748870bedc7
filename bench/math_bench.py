"""Where math is typeset: KaTeX at build time in V8 (mini-racer), in a Node process, or in the page.

Prints the median of ``--runs`` alternating runs of each, for a deck of ``--formulas`` formulas:
build-time typesetting in mini-racer and in Node (the engine before it), and the time a page that
typesets in the browser needs before it has painted its math, against the same page typeset already.
Run from a checkout after `make setup`: `.venv/bin/python bench/math_bench.py`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KATEX = ROOT / "node_modules" / "katex"
RENDER = "katex.renderToString(t, {displayMode: d, strict: 'ignore', throwOnError: false})"


def formulas(count: int) -> list[tuple[str, bool]]:
    return [
        (rf"\frac{{a_{i}}}{{b^2}} + \sum_{{i=1}}^{{n}} x_i^{{{i}}} = \int_0^\infty e^{{-x}}\,dx", i % 3 == 0)
        for i in range(count)
    ]


def in_racer(tex: list[tuple[str, bool]]) -> tuple[float, list[str]]:
    from py_mini_racer import MiniRacer

    start = time.perf_counter()
    context = MiniRacer()
    context.eval((KATEX / "dist" / "katex.min.js").read_text(encoding="utf-8"))
    context.eval(f"function typeset(f) {{ return JSON.stringify(f.map(([t, d]) => {RENDER})); }}")
    out = json.loads(context.call("typeset", tex))
    return time.perf_counter() - start, out


def in_node(tex: list[tuple[str, bool]]) -> tuple[float, list[str]]:
    script = (
        "const katex = require(process.argv[1]); let i = ''; process.stdin.on('data', c => i += c);"
        f"process.stdin.on('end', () => process.stdout.write(JSON.stringify(JSON.parse(i).map(([t, d]) => {RENDER}))));"
    )
    start = time.perf_counter()
    done = subprocess.run(
        [shutil.which("node") or "node", "-e", script, str(KATEX)],
        input=json.dumps(tex),
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - start, json.loads(done.stdout)


def pages(folder: Path, tex: list[tuple[str, bool]], typeset: list[str]) -> tuple[Path, Path]:
    css = (KATEX / "dist" / "katex.min.css").as_uri()
    raw = "".join(f'<p><span class="m" data-d="{int(d)}">{t}</span></p>' for t, d in tex)
    script = (
        f'<script src="{(KATEX / "dist" / "katex.min.js").as_uri()}"></script><script>'
        "for (const s of document.querySelectorAll('.m')) "
        "katex.render(s.textContent, s, {displayMode: s.dataset.d === '1', throwOnError: false});</script>"
    )
    # Math is shown once its fonts are in: when every face the page uses has loaded.
    done = (
        "<script>(async () => { document.body.offsetHeight; await document.fonts.ready;"
        " document.body.offsetHeight; window.painted = performance.now(); })();</script>"
    )
    in_page = folder / "in-page.html"
    in_page.write_text(f'<!doctype html><link rel="stylesheet" href="{css}"><body>{raw}{script}{done}')
    built = folder / "built.html"
    built.write_text(f'<!doctype html><link rel="stylesheet" href="{css}"><body>{"".join(typeset)}{done}')
    return in_page, built


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--formulas", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--chromium", default="/usr/lib/chromium/chromium")
    args = parser.parse_args()
    tex = formulas(args.formulas)
    racer, node = [], []
    for _ in range(args.runs):
        seconds, ours = in_racer(tex)
        racer.append(seconds)
        seconds, theirs = in_node(tex)
        node.append(seconds)
        assert ours == theirs, "mini-racer and Node gave different HTML"
    from playwright.sync_api import sync_playwright

    timings: dict[str, list[float]] = {"in-page": [], "built": []}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        in_page, built = pages(Path(tmp), tex, ours)
        browser = playwright.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
        page = browser.new_page()
        for _ in range(args.runs):
            for name, path in (("in-page", in_page), ("built", built)):
                page.goto(path.as_uri())
                page.wait_for_function("window.painted")
                timings[name].append(page.evaluate("window.painted"))
        browser.close()
    print(f"{args.formulas} formulas, median of {args.runs} alternating runs")
    print(f"build time, KaTeX in mini-racer (engine start included): {statistics.median(racer):.2f} s")
    print(f"build time, KaTeX in a Node process:                     {statistics.median(node):.2f} s")
    print(f"first paint, typeset at build time: {statistics.median(timings['built']):.0f} ms")
    print(f"first paint, typeset in the page:   {statistics.median(timings['in-page']):.0f} ms")


if __name__ == "__main__":
    main()
