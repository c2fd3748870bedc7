#!/usr/bin/env python3
"""Time `deckbuild shots` against Marp CLI and DeckTape: one PNG per slide, whole processes, wall clock.

Run from the checkout:

    .venv/bin/python bench/shots_bench.py [--runs N] [--sizes 10,100] [--skip-decktape] [--markdown PATH]

Standard library only.  The peers (@marp-team/marp-cli, decktape) are installed with npm into
~/.cache/deckbuild-bench/ once and reused; every tool is pointed at the same Chromium binary.
See bench/README.md for what is measured and the caveats.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CHROMIUM = "/usr/lib/chromium/chromium"
# Versions checked with `npm view` when this script was written; "latest" asks npm at install time.
MARP_VERSION = "4.5.1"
DECKTAPE_VERSION = "3.16.1"
# Flags every tool's Chromium should run with here.  Marp (via puppeteer's defaults plus its own) and
# Playwright add these themselves; DeckTape gets them through --chrome-arg.
CHROME_FLAGS = [
    "--no-sandbox",  # we run as root
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NPM_ENV = {"PUPPETEER_SKIP_DOWNLOAD": "1", "PUPPETEER_SKIP_CHROMIUM_DOWNLOAD": "1"}
WIDTH, HEIGHT = 1280, 720


# --------------------------------------------------------------------------------------------- decks

_TOPICS = [
    "Caching",
    "Parsing",
    "Rendering",
    "Layout",
    "Fonts",
    "Testing",
    "Packaging",
    "Screenshots",
    "Themes",
    "Speaker notes",
    "Fragments",
    "Transitions",
    "Images",
    "Outlines",
    "Front matter",
]
_WORDS = [
    "slide",
    "deck",
    "outline",
    "browser",
    "chromium",
    "viewport",
    "render",
    "pixel",
    "theme",
    "font",
    "layout",
    "cache",
    "build",
    "site",
    "markdown",
    "heading",
    "bullet",
    "code",
    "fragment",
    "transition",
    "image",
    "screenshot",
    "reveal",
    "marp",
    "page",
    "frame",
]
_CODE = [
    ("python", "def scale(w, h, k=2):\n    return w * k, h * k\n\nprint(scale(640, 360))"),
    ("js", "const deck = Reveal.getSlides();\nfor (const s of deck) {\n  console.log(s.id);\n}"),
    ("bash", "deckbuild build decks/talk.md\ndeckbuild shots --size 1280x720\nls site/talk/"),
    ("yaml", "title: Benchmarks\ntheme: black\nwidth: 1280\nheight: 720"),
]


def make_deck(n: int, seed: int = 1234) -> str:
    """A deck of exactly ``n`` slides separated by ``---`` lines: a heading and 3-5 bullets each, and
    every fourth slide a code block (with 3 bullets so it still fits)."""
    rng = random.Random(seed + n)
    slides = []
    for i in range(1, n + 1):
        topic = rng.choice(_TOPICS)
        lines = [f"# {i}. {topic}", ""]
        has_code = i % 4 == 0
        for b in range(3 if has_code else rng.randint(3, 5)):
            words = rng.sample(_WORDS, rng.randint(3, 7))
            text = " ".join(words).capitalize()
            if b == 0:
                text += f" with **{rng.choice(_WORDS)}**"
            elif b == 1 and rng.random() < 0.5:
                text += f" and `{rng.choice(_WORDS)}()`"
            lines.append(f"- {text}")
        if has_code:
            lang, code = _CODE[(i // 4) % len(_CODE)]
            lines += ["", f"```{lang}", code, "```"]
        slides.append("\n".join(lines))
    # Blank lines around the separator: in Marp (CommonMark) `---` right under a paragraph line would
    # be a setext heading, not a slide break.
    return "\n\n---\n\n".join(slides) + "\n"


# --------------------------------------------------------------------------------------------- helpers


@dataclass
class Result:
    tool: str
    slides: int
    times: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def per_slide(self) -> float:
        return self.median / self.slides


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def run(
    cmd: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 1800
) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run a whole process; return its wall-clock time and result (output captured)."""
    full_env = {**os.environ, **(env or {})}
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            cmd, cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
        )
    except OSError as exc:  # missing executable: report it like a failed command
        proc = subprocess.CompletedProcess(cmd, 127, "", f"{cmd[0]}: {exc}")
    except subprocess.TimeoutExpired:
        proc = subprocess.CompletedProcess(cmd, 124, "", f"timed out after {timeout:.0f} s: {' '.join(cmd)}")
    return time.perf_counter() - start, proc


def tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def failed(what: str, proc: subprocess.CompletedProcess[str]) -> None:
    log(f"  {what} failed (exit {proc.returncode}):\n{textwrap.indent(tail(proc.stdout + proc.stderr), '    ')}")


def fresh(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def count_pngs(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.png")) if folder.exists() else 0


def version_of(cmd: list[str]) -> str:
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return (proc.stdout.strip() or proc.stderr.strip()).splitlines()[0] if proc.returncode == 0 else "?"


# --------------------------------------------------------------------------------------------- npm peers


def resolve_version(pkg: str, wanted: str) -> str:
    if wanted != "latest":
        return wanted
    proc = subprocess.run(["npm", "view", pkg, "version"], capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise SystemExit(f"npm view {pkg} failed:\n{tail(proc.stderr)}")
    return proc.stdout.strip()


def install_peers(cache: Path, marp: str, decktape: str) -> Path:
    """npm-install the peers into ``cache/npm-...`` once; return its node_modules/.bin."""
    folder = cache / f"npm-marp-{marp}_decktape-{decktape}"
    stamp = folder / ".installed"
    if stamp.is_file():
        return folder / "node_modules" / ".bin"
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="npm-staging-", dir=cache))
    manifest = {
        "name": "deckbuild-bench-peers",
        "private": True,
        "dependencies": {"@marp-team/marp-cli": marp, "decktape": decktape},
    }
    (staging / "package.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    log(f"installing @marp-team/marp-cli@{marp} and decktape@{decktape} with npm into {folder} ...")
    elapsed, proc = run(
        ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=staging, env=NPM_ENV, timeout=1200
    )
    if proc.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        raise SystemExit(f"npm install failed:\n{tail(proc.stdout + proc.stderr, 30)}")
    log(f"  npm install took {elapsed:.1f} s")
    if folder.exists():
        shutil.rmtree(folder)
    staging.rename(folder)  # .bin shims are relative symlinks, so moving the folder is fine
    stamp.write_text(time.strftime("%Y-%m-%d %H:%M:%S\n"), encoding="utf-8")
    return folder / "node_modules" / ".bin"


# --------------------------------------------------------------------------------------------- deckbuild


def deckbuild_cmd(venv: Path) -> tuple[list[str], dict[str, str]]:
    """`<venv>/bin/deckbuild` if installed, else `python -m deckbuild` from this checkout."""
    exe = venv / "bin" / "deckbuild"
    if exe.exists():
        return [str(exe)], {}
    env = {"PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH", "")]))}
    return [str(venv / "bin" / "python"), "-m", "deckbuild"], env


def with_bytecode(env: dict[str, str]) -> dict[str, str]:
    """The process environment as a user's: Python keeps compiled modules (pip compiles them at install).

    Some machines (this one's sandbox) set PYTHONDONTWRITEBYTECODE, which makes every deckbuild run
    compile its own modules again (about 0.1 s)."""
    return {**env, "PYTHONDONTWRITEBYTECODE": ""}


def shots_available(cmd: list[str], env: dict[str, str]) -> tuple[bool, str]:
    _, proc = run([*cmd, "shots", "--help"], env=env, timeout=120)
    out = proc.stdout + proc.stderr
    if proc.returncode == 0:
        return True, ""
    if "No such command" in out:
        return False, "`deckbuild shots` is not available yet (No such command)"
    return False, f"`deckbuild shots --help` failed (exit {proc.returncode}): {tail(out, 5)}"


def bench_deckbuild(
    cmd: list[str], env: dict[str, str], deck: Path, n: int, work: Path, runs: int, chromium: str, timeout: float
) -> list[Result]:
    site, out = work / "site", work / "png"
    shots = [*cmd, "shots", str(deck), "--site", str(site), "--out", str(out), "--size", f"{WIDTH}x{HEIGHT}"]
    if chromium:
        shots += ["--browser-path", chromium]
    cold = Result("deckbuild shots (cold)", n)
    for i in range(runs):
        fresh(site), fresh(out)
        elapsed, proc = run(shots, env=env, timeout=timeout)
        if proc.returncode != 0:
            failed("deckbuild shots", proc)
            return []
        cold.times.append(elapsed)
        log(f"  deckbuild shots {n} slides, cold run {i + 1}: {elapsed:.2f} s ({count_pngs(out)} PNGs)")
    got = count_pngs(out)
    if got != n:
        cold.note = f"{got} PNGs for {n} slides"
    rerun = Result("deckbuild shots (no-change rerun)", n)
    for i in range(runs):
        elapsed, proc = run(shots, env=env, timeout=timeout)
        if proc.returncode != 0:
            failed("deckbuild shots rerun", proc)
            return [cold]
        rerun.times.append(elapsed)
        log(f"  deckbuild shots {n} slides, no-change rerun {i + 1}: {elapsed:.2f} s")
    return [cold, rerun]


def build_reveal_page(cmd: list[str], env: dict[str, str], deck: Path, work: Path, n: int) -> tuple[Path, str]:
    """An index.html of the deck for DeckTape: deckbuild's own build, or else a plain reveal.js page."""
    site = fresh(work / "site")
    _, proc = run([*cmd, "build", str(deck), "-o", str(site)], env=env, timeout=600)
    page = site / deck.stem / "index.html"
    if proc.returncode == 0 and page.is_file():
        return page, "deckbuild build"
    log(
        f"  deckbuild build failed (exit {proc.returncode}: {tail(proc.stdout + proc.stderr, 3)}); "
        "using a plain reveal.js page"
    )
    dist = REPO / "node_modules" / "reveal.js" / "dist"
    if not (dist / "reveal.js").is_file():
        raise SystemExit(f"no reveal.js in {dist}: run `npm ci` in {REPO}")
    plain = fresh(work / "plain")
    shutil.copytree(dist, plain / "reveal")
    text = deck.read_text(encoding="utf-8").replace("</textarea", "&lt;/textarea")
    page = plain / "index.html"
    page.write_text(
        f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{deck.stem}</title>
<link rel="stylesheet" href="reveal/reset.css"><link rel="stylesheet" href="reveal/reveal.css">
<link rel="stylesheet" href="reveal/theme/black.css"><link rel="stylesheet" href="reveal/plugin/highlight/monokai.css">
</head><body><div class="reveal"><div class="slides">
<section data-markdown data-separator="^\\n---\\n$"><textarea data-template>
{text}</textarea></section>
</div></div>
<script src="reveal/reveal.js"></script><script src="reveal/plugin/markdown.js"></script>
<script src="reveal/plugin/highlight.js"></script>
<script>Reveal.initialize({{hash: true, plugins: [RevealMarkdown, RevealHighlight]}});</script>
</body></html>
""",
        encoding="utf-8",
    )
    return page, "plain reveal.js page (markdown plugin)"


# --------------------------------------------------------------------------------------------- peers


def bench_marp(
    bin_dir: Path, deck: Path, n: int, work: Path, runs: int, chromium: str, timeout: float
) -> Result | None:
    res = Result("Marp CLI --images png", n)
    env = {"CHROME_PATH": chromium, "CHROME_NO_SANDBOX": "1"}
    out = work / "png"
    for i in range(runs):
        fresh(out)
        cmd = [
            str(bin_dir / "marp"),
            "--no-config-file",
            "--images",
            "png",
            "--browser",
            "chrome",
            "--browser-path",
            chromium,
            "--browser-timeout",
            "300",
            "-o",
            str(out / f"{deck.stem}.png"),
            str(deck),
        ]
        elapsed, proc = run(cmd, env=env, timeout=timeout)
        if proc.returncode != 0:
            failed("marp", proc)
            return None
        res.times.append(elapsed)
        log(f"  marp {n} slides, run {i + 1}: {elapsed:.2f} s ({count_pngs(out)} PNGs)")
    got = count_pngs(out)
    if got != n:
        res.note = f"{got} PNGs for {n} slides"
    return res


def bench_decktape(
    bin_dir: Path, url: str, n: int, work: Path, runs: int, chromium: str, pause: int | None, timeout: float
) -> Result | None:
    res = Result("DeckTape reveal --screenshots", n)
    for i in range(runs):
        out = fresh(work / "out")
        shots = fresh(out / "shots")
        cmd = [
            str(bin_dir / "decktape"),
            "reveal",
            "--chrome-path",
            chromium,
            *[f"--chrome-arg={flag}" for flag in CHROME_FLAGS],
            "--size",
            f"{WIDTH}x{HEIGHT}",
            "--screenshots",
            "--screenshots-size",
            f"{WIDTH}x{HEIGHT}",
            "--screenshots-directory",
            str(shots),
        ]
        if pause is not None:
            cmd += ["--pause", str(pause)]
        # DeckTape joins the screenshots folder with the PDF *path*, so give it a bare file name and a cwd.
        cmd += [url, "deck.pdf"]
        elapsed, proc = run(cmd, cwd=out, timeout=timeout)
        if proc.returncode != 0 or count_pngs(shots) == 0:
            failed("decktape", proc)
            return None
        res.times.append(elapsed)
        log(f"  decktape {n} slides, run {i + 1}: {elapsed:.2f} s ({count_pngs(shots)} PNGs)")
    got = count_pngs(work / "out" / "shots")
    if got != n:
        res.note = f"{got} PNGs for {n} slides"
    if pause is not None:
        res.note = "; ".join(filter(None, [res.note, f"--pause {pause}"]))
    return res


# --------------------------------------------------------------------------------------------- report


def find(results: list[Result], prefix: str, n: int) -> Result | None:
    return next((r for r in results if r.tool.startswith(prefix) and r.slides == n), None)


def report(results: list[Result], header: list[str], skipped: list[str]) -> str:
    lines = [*header, ""]
    lines += [
        "| tool | slides | runs | median s | s / slide | min-max s | note |",
        "| --- | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for r in results:
        lines.append(
            f"| {r.tool} | {r.slides} | {len(r.times)} | {r.median:.2f} | {r.per_slide:.3f} | "
            f"{min(r.times):.2f}-{max(r.times):.2f} | {r.note} |"
        )
    ratios = []
    sizes = sorted({r.slides for r in results}, reverse=True)
    for n in sizes:
        marp, deck = find(results, "Marp", n), find(results, "deckbuild shots (cold)", n)
        if marp and deck:
            ratios.append(
                f"- Marp / deckbuild at {n} slides: **{marp.median / deck.median:.2f}x** "
                f"({marp.median:.2f} s vs {deck.median:.2f} s)"
            )
    for n in sizes:
        dt, deck = find(results, "DeckTape", n), find(results, "deckbuild shots (cold)", n)
        if dt and deck:
            ratios.append(
                f"- DeckTape per slide / deckbuild per slide at {n} slides: "
                f"**{dt.per_slide / deck.per_slide:.1f}x** ({dt.per_slide:.3f} s vs {deck.per_slide:.3f} s)"
            )
    # The cost of one more slide (slope between the two deck sizes), without start-up: what a
    # per-slide comparison with DeckTape's fixed pauses a slide is really about.
    if len(sizes) >= 2:
        big, small = sizes[0], sizes[-1]
        for name in ("deckbuild shots (cold)", "Marp"):
            hi, lo = find(results, name, big), find(results, name, small)
            if hi and lo:
                slope = (hi.median - lo.median) / (big - small)
                ratios.append(f"- {name.split(' (')[0]}: each slide past the first {small} costs **{slope:.3f} s**")
        hi, lo = find(results, "deckbuild shots (cold)", big), find(results, "deckbuild shots (cold)", small)
        dt = find(results, "DeckTape", small)
        if hi and lo and dt:
            slope = (hi.median - lo.median) / (big - small)
            ratios.append(f"- DeckTape per slide / deckbuild's cost of one more slide: **{dt.per_slide / slope:.0f}x**")
    for n in sizes:
        cold, rerun = find(results, "deckbuild shots (cold)", n), find(results, "deckbuild shots (no-change", n)
        if cold and rerun:
            ratios.append(
                f"- deckbuild no-change rerun at {n} slides: **{rerun.median:.2f} s** "
                f"({rerun.median / cold.median:.0%} of the cold run)"
            )
    if ratios:
        lines += ["", *ratios]
    if skipped:
        lines += ["", *[f"- skipped: {s}" for s in skipped]]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3, help="runs per measurement; the median is reported (default 3)")
    ap.add_argument("--sizes", default="10,100", help="deck sizes in slides, comma-separated (default 10,100)")
    ap.add_argument("--skip-decktape", action="store_true", help="do not run DeckTape (slow: >2 s a slide)")
    ap.add_argument("--skip-marp", action="store_true", help="do not run Marp CLI")
    ap.add_argument("--skip-deckbuild", action="store_true", help="do not run deckbuild shots")
    ap.add_argument("--decktape-runs", type=int, default=1, help="DeckTape runs (default 1)")
    ap.add_argument("--decktape-slides", type=int, default=10, help="DeckTape deck size (default 10)")
    ap.add_argument(
        "--decktape-pause", type=int, default=None, help="DeckTape --pause in ms (default: DeckTape's own, 1000)"
    )
    ap.add_argument("--markdown", type=Path, help="also write the result table to this file")
    ap.add_argument(
        "--chromium",
        default=os.environ.get("BENCH_CHROMIUM", DEFAULT_CHROMIUM),
        help=f"Chromium binary every tool uses (default {DEFAULT_CHROMIUM})",
    )
    ap.add_argument("--venv", type=Path, default=REPO / ".venv", help="virtualenv with deckbuild (default .venv)")
    ap.add_argument(
        "--cache",
        type=Path,
        default=Path.home() / ".cache" / "deckbuild-bench",
        help="where the npm peers are installed once (default ~/.cache/deckbuild-bench)",
    )
    ap.add_argument("--marp-version", default=MARP_VERSION, help=f"default {MARP_VERSION}; 'latest' asks npm")
    ap.add_argument(
        "--decktape-version",
        default=DECKTAPE_VERSION,
        help=f"default {DECKTAPE_VERSION}; 'latest' asks npm",
    )
    ap.add_argument("--timeout", type=float, default=1800, help="seconds before one process is killed")
    ap.add_argument("--keep", action="store_true", help="keep the temp folder (decks, PNGs) and print its path")
    args = ap.parse_args()

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.runs < 1 or not sizes or min(sizes) < 1:
        ap.error("--runs and --sizes must be positive")
    if not os.access(args.chromium, os.X_OK):
        ap.error(f"no Chromium at {args.chromium} (--chromium PATH)")

    tmp = Path(tempfile.mkdtemp(prefix="deckbuild-bench-"))
    results: list[Result] = []
    skipped: list[str] = []
    try:
        decks: dict[int, Path] = {}
        marp_decks: dict[int, Path] = {}
        for n in sorted(set(sizes) | ({args.decktape_slides} if not args.skip_decktape else set())):
            text = make_deck(n)
            decks[n] = tmp / "decks" / f"deck{n}.md"
            decks[n].parent.mkdir(parents=True, exist_ok=True)
            # deckbuild's slides are 960x700 unless the deck says otherwise; Marp's are 1280x720. Both
            # render at 1280x720 natively, so neither pays for a resize.
            decks[n].write_text(f"---\nwidth: {WIDTH}\nheight: {HEIGHT}\n---\n\n" + text, encoding="utf-8")
            # Marp CLI needs no `marp: true` front matter (only the VS Code extension does): same text.
            marp_decks[n] = tmp / "marp-decks" / f"deck{n}.md"
            marp_decks[n].parent.mkdir(parents=True, exist_ok=True)
            marp_decks[n].write_text(text, encoding="utf-8")

        bin_dir = None
        marp_v = decktape_v = "-"
        if not (args.skip_marp and args.skip_decktape):
            marp_v = resolve_version("@marp-team/marp-cli", args.marp_version)
            decktape_v = resolve_version("decktape", args.decktape_version)
            bin_dir = install_peers(args.cache, marp_v, decktape_v)

        db_cmd, db_env = deckbuild_cmd(args.venv)
        db_env = with_bytecode(db_env)
        header = [
            f"Benchmark: one {WIDTH}x{HEIGHT} PNG per slide, whole processes, median of {args.runs} run(s) "
            f"(DeckTape: {args.decktape_runs}); {time.strftime('%Y-%m-%d %H:%M')}",
            "",
            f"- machine: {platform.platform()}, {os.cpu_count()} cores",
            f"- Chromium: {version_of([args.chromium, '--version'])} ({args.chromium}) for every tool",
            f"- {version_of([*db_cmd, '--version'])}; node {version_of(['node', '--version'])}; "
            f"marp-cli {marp_v}; decktape {decktape_v}",
        ]

        # Warm the OS file cache for Chromium so whichever tool runs first does not pay for it.
        run([args.chromium, "--headless", *CHROME_FLAGS, "--dump-dom", "about:blank"], timeout=120)

        # deckbuild and Marp alternate, one run each in turn, so that a change in the machine's load
        # falls on both tools alike.
        use_deckbuild = not args.skip_deckbuild
        if use_deckbuild:
            ok, why = shots_available(db_cmd, db_env)
            if not ok:
                log(why)
                skipped.append(why)
                use_deckbuild = False
        use_marp = not args.skip_marp and bin_dir is not None
        for n in sizes:
            log(f"{n} slides: {'deckbuild shots' if use_deckbuild else ''} {'and Marp CLI' if use_marp else ''}")
            db_work, marp_work = fresh(tmp / f"deckbuild-{n}"), fresh(tmp / f"marp-{n}")
            mine: list[Result] = []
            theirs: Result | None = None
            for _ in range(args.runs):
                if use_deckbuild:
                    got = bench_deckbuild(db_cmd, db_env, decks[n], n, db_work, 1, args.chromium, args.timeout)
                    if not got:
                        skipped.append(f"deckbuild shots at {n} slides failed (see log above)")
                        use_deckbuild = False
                    for one in got:
                        same = next((r for r in mine if r.tool == one.tool), None)
                        if same is None:
                            mine.append(one)
                        else:
                            same.times += one.times
                if use_marp and bin_dir is not None:
                    res = bench_marp(bin_dir, marp_decks[n], n, marp_work, 1, args.chromium, args.timeout)
                    if res is None:
                        skipped.append(f"Marp CLI at {n} slides failed (see log above)")
                        use_marp = False
                    elif theirs is None:
                        theirs = res
                    else:
                        theirs.times += res.times
            results += mine
            if theirs is not None:
                results.append(theirs)

        if not args.skip_decktape and bin_dir:
            n = args.decktape_slides
            log(f"DeckTape, {n} slides")
            work = fresh(tmp / f"decktape-{n}")
            page, how = build_reveal_page(db_cmd, db_env, decks[n], work, n)
            log(f"  deck page: {page} ({how})")
            res = bench_decktape(
                bin_dir, page.as_uri(), n, work, args.decktape_runs, args.chromium, args.decktape_pause, args.timeout
            )
            if res:
                res.note = "; ".join(filter(None, [res.note, f"page from {how}"]))
                results.append(res)
            else:
                skipped.append("DeckTape failed (see log above)")

        table = report(results, header, skipped)
        print(table)
        if args.markdown:
            args.markdown.parent.mkdir(parents=True, exist_ok=True)
            args.markdown.write_text(table, encoding="utf-8")
            log(f"wrote {args.markdown}")
        return 0 if results else 1
    finally:
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
