#!/usr/bin/env python3
"""Time `deckbuild pdf` against Marp CLI `--pdf`: one PDF of an N-slide deck, whole processes, wall clock.

Run from the checkout:

    .venv/bin/python bench/pdf_bench.py [--runs N] [--sizes 10,100] [--markdown PATH]

Standard library only; the decks, the npm install of Marp CLI and the timing helpers are those of
shots_bench.py (see bench/README.md).  Both tools print with the same Chromium binary at 1280x720.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import shots_bench as sb  # noqa: E402


def bench_deckbuild(
    cmd: list[str], env: dict[str, str], deck: Path, n: int, work: Path, runs: int, chromium: str, timeout: float
) -> list[sb.Result]:
    site, out = work / "site", work / "pdf"
    pdf = [*cmd, "pdf", str(deck), "--site", str(site), "-o", str(out)]
    if chromium:
        pdf += ["--browser-path", chromium]
    cold = sb.Result("deckbuild pdf (cold)", n)
    for i in range(runs):
        sb.fresh(site), sb.fresh(out)
        elapsed, proc = sb.run(pdf, env=env, timeout=timeout)
        if proc.returncode != 0:
            sb.failed("deckbuild pdf", proc)
            return []
        cold.times.append(elapsed)
        sb.log(f"  deckbuild pdf {n} slides, cold run {i + 1}: {elapsed:.2f} s")
    rerun = sb.Result("deckbuild pdf (no-change rerun)", n)
    for i in range(runs):
        elapsed, proc = sb.run(pdf, env=env, timeout=timeout)
        if proc.returncode != 0:
            sb.failed("deckbuild pdf rerun", proc)
            return [cold]
        rerun.times.append(elapsed)
        sb.log(f"  deckbuild pdf {n} slides, no-change rerun {i + 1}: {elapsed:.2f} s")
    return [cold, rerun]


def bench_marp(
    bin_dir: Path, deck: Path, n: int, work: Path, runs: int, chromium: str, timeout: float
) -> sb.Result | None:
    res = sb.Result("Marp CLI --pdf", n)
    env = {"CHROME_PATH": chromium, "CHROME_NO_SANDBOX": "1"}
    out = work / "pdf"
    for i in range(runs):
        sb.fresh(out)
        cmd = [
            str(bin_dir / "marp"),
            "--no-config-file",
            "--pdf",
            "--browser",
            "chrome",
            "--browser-path",
            chromium,
            "--browser-timeout",
            "300",
            "-o",
            str(out / f"{deck.stem}.pdf"),
            str(deck),
        ]
        elapsed, proc = sb.run(cmd, env=env, timeout=timeout)
        if proc.returncode != 0:
            sb.failed("marp", proc)
            return None
        res.times.append(elapsed)
        sb.log(f"  marp --pdf {n} slides, run {i + 1}: {elapsed:.2f} s")
    return res


def report(results: list[sb.Result], header: list[str]) -> str:
    lines = [
        *header,
        "",
        "| tool | slides | runs | median s | s / slide | min-max s |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        lines.append(
            f"| {r.tool} | {r.slides} | {len(r.times)} | {r.median:.2f} | {r.per_slide:.3f} | "
            f"{min(r.times):.2f}-{max(r.times):.2f} |"
        )
    lines.append("")
    for n in sorted({r.slides for r in results}):
        marp, deck = sb.find(results, "Marp", n), sb.find(results, "deckbuild pdf (cold)", n)
        if marp and deck:
            lines.append(
                f"- Marp / deckbuild at {n} slides: **{marp.median / deck.median:.2f}x** "
                f"({marp.median:.2f} s vs {deck.median:.2f} s)"
            )
        rerun = sb.find(results, "deckbuild pdf (no-change rerun)", n)
        if rerun:
            lines.append(f"- deckbuild no-change rerun at {n} slides: **{rerun.median:.2f} s**")
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--sizes", default="10,100", help="slide counts, comma-separated")
    ap.add_argument("--chromium", default=os.environ.get("BENCH_CHROMIUM", sb.DEFAULT_CHROMIUM))
    ap.add_argument("--venv", type=Path, default=sb.REPO / ".venv")
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "deckbuild-bench")
    ap.add_argument("--marp-version", default=sb.MARP_VERSION)
    ap.add_argument("--skip-marp", action="store_true")
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--markdown", type=Path, help="also write the table here")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    cmd, env = sb.deckbuild_cmd(args.venv)
    results: list[sb.Result] = []
    with tempfile.TemporaryDirectory(prefix="deckbuild-pdf-bench-") as tmp_name:
        tmp = Path(tmp_name)
        bin_dir = None
        if not args.skip_marp:
            bin_dir = sb.install_peers(args.cache, args.marp_version, sb.DECKTAPE_VERSION)
        sb.run([args.chromium, "--headless", "--no-sandbox", "--dump-dom", "about:blank"], timeout=120)  # warm up
        for n in sizes:
            text = sb.make_deck(n)
            deck = tmp / "decks" / f"deck{n}.md"
            deck.parent.mkdir(parents=True, exist_ok=True)
            deck.write_text(f"---\nwidth: {sb.WIDTH}\nheight: {sb.HEIGHT}\n---\n\n{text}", encoding="utf-8")
            marp_deck = tmp / "marp-decks" / f"deck{n}.md"
            marp_deck.parent.mkdir(parents=True, exist_ok=True)
            marp_deck.write_text(text, encoding="utf-8")
            sb.log(f"{n} slides:")
            results += bench_deckbuild(
                cmd, env, deck, n, tmp / f"deckbuild-{n}", args.runs, args.chromium, args.timeout
            )
            if bin_dir is not None:
                res = bench_marp(bin_dir, marp_deck, n, tmp / f"marp-{n}", args.runs, args.chromium, args.timeout)
                if res:
                    results.append(res)
    header = [
        f"{platform.system()} {platform.release()}, {os.cpu_count()} cores, "
        f"{sb.version_of([args.chromium, '--version'])}, marp-cli {args.marp_version}, {args.runs} runs"
    ]
    text = report(results, header)
    print(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
