"""``deckbuild shots``: decide which slide images are stale, capture only those, keep a manifest.

Each image has a key: a hash of everything its pixels depend on (the page frame, the slide's HTML,
the files it uses, theme and code style, size, scale, fragment mode, fit, reveal.js and deckbuild
versions).  The manifest in the output folder maps each image to its key and its bytes' hash, so a
run with nothing changed reads a few files, starts no browser and writes nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shutil
import threading
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__, store
from ..build import Shard, find_decks, load_and_render, source_folders, write_rendered
from ..compile.assets import Assets, find_assets
from ..compile.config import FIT_MODES, FRAGMENT_MODES, parse_size
from ..compile.model import Deck
from ..compile.render import Look, Page, reveal_config
from ..errors import DeckError
from ..outdir import check_output, is_ours, locked, stale_deck_folders
from ..paths import check_name, is_plain_name, regular_files
from ..settings import Settings

MANIFEST = ".deckbuild-shots.json"  # one manifest per folder, as deckbuild wrote it before --shard
DEFAULT_NAME = "{slug}{_index}_{width}x{height}.png"
_RENDERER = 3  # bump when capture code changes what pixels come out


@dataclass(frozen=True)
class ShotOptions:
    """Command-line choices; None means the deck's front matter (``shots:``) or the default."""

    out: Path | None = None
    slides: str | None = None
    sizes: tuple[str, ...] = ()
    scale: float | None = None
    fragments: str | None = None
    fit: str | None = None
    name: str | None = None
    site: Path = Path("site")
    jobs: int = 1
    strict: bool = False
    force: bool = False
    check: bool = False
    browser_path: Path | None = None
    timeout: float = 30.0
    project: Settings = Settings()

    full: bool = False  # every deck of the project's decks folder, not decks named on the command line
    shard: Shard | None = None  # --shard I/N: only this share of the decks (see build.Shard)
    # What captures the slides: capture.capture_decks (one browser for this run), or a stand-in with
    # its signature (`serve --shots` keeps one browser open across runs: see browser/live.py).
    capture: Callable[..., None] | None = field(default=None, compare=False)

    @property
    def narrowed(self) -> bool:
        """A run whose flags pick other slides, sizes or names than the decks' own: it never deletes."""
        return self.slides is not None or bool(self.sizes) or self.name is not None


@dataclass(frozen=True)
class Target:
    """One image to have on disk."""

    path: Path
    slug: str
    h: int
    v: int
    size: tuple[int, int]
    fit: str
    key: str


@dataclass
class Report:
    """What a run did (or, with --check, would have to do)."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    missing: list[Path] = field(default_factory=list)
    stale: list[Path] = field(default_factory=list)
    extra: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def needs_browser(self) -> bool:
        return bool(self.missing or self.stale)


def parse_slides(spec: str, deck: Deck, line: int | None = None) -> list[tuple[int, int]]:
    """Slides named by ``spec`` (``all``, or e.g. ``0,5,4/2,7-9,3/*``) as reveal.js (h, v) indices."""
    shape = [len(stack.slides) for stack in deck.stacks]
    if spec.strip() in ("", "all", "*"):
        return [(h, v) for h, count in enumerate(shape) for v in range(count)]
    chosen: list[tuple[int, int]] = []
    for part in (p.strip() for p in spec.split(",")):
        match = re.fullmatch(r"(\d+)(?:-(\d+)|/(\d+|\*))?", part)
        if not match:
            raise DeckError(
                f"'{part}' is not a slide number", path=deck.path, line=line, hint="write e.g. 0,5,4/2,7-9 or 3/*"
            )
        first, last = int(match[1]), int(match[2] or match[1])
        if last < first:
            raise DeckError(
                f"'{part}' is an empty range", path=deck.path, line=line, hint=f"write it low to high: {last}-{first}"
            )
        for h in range(first, last + 1):
            if h >= len(shape):
                raise DeckError(
                    f"slide {h} does not exist",
                    path=deck.path,
                    line=line,
                    hint=f"the deck has slides 0 to {len(shape) - 1}",
                )
            if match[3] == "*":
                chosen.extend((h, v) for v in range(shape[h]))
            elif match[3] is not None:
                v = int(match[3])
                if v >= shape[h]:
                    raise DeckError(
                        f"slide {h}/{v} does not exist",
                        path=deck.path,
                        line=line,
                        hint=f"slide {h} has {shape[h]} vertical slides (0 to {shape[h] - 1})",
                    )
                chosen.append((h, v))
            else:
                chosen.append((h, 0))
    return list(dict.fromkeys(chosen))


def image_name(pattern: str, slug: str, h: int, v: int, size: tuple[int, int]) -> str:
    """The file name for slide (h, v) at ``size``; the default follows reveal.js's URL (#/5, #/4/2)."""
    index = "" if (h, v) == (0, 0) else (f"{h}-{v}" if v else str(h))
    fields = "fields: {slug} {h} {v} {index} {_index} {width} {height}"
    if len(pattern) > 200 or re.search(r"\{[^}]*:[^}]*\d{4}", pattern):
        raise DeckError(f"bad --name pattern '{pattern[:80]}': too long, or a field too wide", hint=fields)
    try:
        name = pattern.format(
            slug=slug, h=h, v=v, index=index, _index=f"_{index}" if index else "", width=size[0], height=size[1]
        )
    except (KeyError, IndexError, ValueError, AttributeError, TypeError) as exc:
        raise DeckError(f"bad --name pattern '{pattern}' ({exc})", hint=fields) from None
    if not is_plain_name(name) or not name.endswith(".png"):
        raise DeckError(
            f"bad --name pattern '{pattern}': it gives '{name}', which is not a plain .png file name",
            hint="a name may not hold '/', '..' or start with '.'; choose the folder with -o or shots: out:",
        )
    return name


def _hash_files(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path.name).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _theme_files(look: Look, assets: Assets) -> list[Path]:
    """The files a deck's look comes from (fonts are pinned with reveal.js, via its version)."""
    files = [assets.highlight_styles / f"{look.highlight}.css"]
    theme = look.theme
    if theme.folder is None:
        files.append(theme.css)
    else:
        if theme.extends:
            files.append(assets.reveal / "theme" / f"{theme.extends}.css")
        files.extend(regular_files(theme.folder, what=f"theme '{theme.name}'"))
    return files


@dataclass(frozen=True)
class _DeckPlan:
    deck: Deck
    look: Look
    out: Path
    scale: float
    fragments: str
    targets: tuple[Target, ...]
    page: Page


def _plan_deck(deck: Deck, look: Look, page: Page, options: ShotOptions, assets: Assets) -> _DeckPlan:
    settings = deck.meta.shots
    line = deck.meta.line_of("shots")
    config = reveal_config(deck, look)
    slide_size = (int(config["width"]), int(config["height"]))
    try:
        sizes = (
            [parse_size(s) for s in options.sizes]
            or list(settings.sizes)
            or [parse_size(s) for s in options.project.sizes]
            or [slide_size]
        )
    except ValueError as exc:
        raise DeckError(f"bad --size: {exc}", hint="write e.g. --size 600x390") from None
    scale = options.scale or settings.scale or 1.0
    if options.scale is not None and not 0.25 <= options.scale <= 4:
        raise DeckError(f"--scale must be a number from 0.25 to 4, not {options.scale:g}")
    fragments = options.fragments or settings.fragments or "final"
    fit = options.fit or settings.fit or "pad"
    pattern = options.name or settings.name or options.project.name or DEFAULT_NAME
    if options.out is not None:
        out = _normal(options.out)
    elif settings.out:
        out = _normal(deck.path.parent / check_name(settings.out, what="'shots: out:'", path=deck.path, line=line))
        # A folder named in a committed file stays inside the project.
        check_output(out, [], flag="shots: out:", within=project_root(options.project, deck.path))
    else:
        out = _normal(options.project.shots)
    slide_line = None if options.slides is not None else line
    chosen = parse_slides(
        options.slides if options.slides is not None else (settings.slides or "all"), deck, slide_line
    )
    deck_dir = deck.path.resolve().parent
    slide_files = {f for slide in page.slides for f in slide.files}
    common = hashlib.sha256(
        json.dumps(
            [
                page.frame,
                _hash_files(_theme_files(look, assets)),
                _hash_files([deck_dir / f for f in page.files if f not in slide_files]),  # css and its fonts
                assets.reveal_version,
                __version__,
                _RENDERER,
                scale,
                fragments,
            ],
            sort_keys=True,
        ).encode()
    ).hexdigest()
    by_index = {(s.h, s.v): s for s in page.slides}
    targets = []
    for h, v in chosen:
        slide = by_index[(h, v)]
        slide_key = hashlib.sha256(
            (common + slide.html + _hash_files([deck_dir / f for f in slide.files])).encode()
        ).hexdigest()
        for size in sizes:
            key = hashlib.sha256(f"{slide_key}|{size}|{fit}|{slide_size}".encode()).hexdigest()
            try:
                name = image_name(pattern, deck.slug, h, v, size)
            except DeckError as exc:
                raise DeckError(
                    exc.message, path=deck.path, line=line if options.name is None else None, hint=exc.hint
                ) from None
            targets.append(Target(out / name, deck.slug, h, v, size, fit, key))
    return _DeckPlan(deck, look, out, scale, fragments, tuple(targets), page)


def _normal(path: Path) -> Path:
    """One spelling per folder (``decks/../shots`` is ``shots``), relative to here when below it."""
    absolute = Path(os.path.normpath(os.path.abspath(path)))
    return absolute.relative_to(Path.cwd()) if absolute.is_relative_to(Path.cwd()) else absolute


def project_root(project: Settings, deck_path: Path) -> Path:
    """The folder a deck's committed settings may name folders in: the project's root, else the
    deck's git repository, else the working folder when the deck is below it, else the deck's folder."""
    if project.root is not None:
        return project.root
    here, folder = Path.cwd().resolve(), deck_path.resolve().parent
    top = next((f for f in (folder, *folder.parents) if (f / ".git").exists()), None)
    if top is not None:
        return top
    return here if folder.is_relative_to(here) else folder


def source_files(plans: list[Any]) -> set[Path]:
    """Every file the decks of a run read: no image is ever written over one, or deleted."""
    found = set()
    for plan in plans:
        base = plan.deck.path.resolve().parent
        found.add(plan.deck.path.resolve())
        found.update((base / rel).resolve() for rel in plan.page.files)
    return found


def deck_images(deck: Deck, look: Look, page: Page, project: Settings, assets: Assets) -> list[Target]:
    """The images ``shots`` makes of ``deck`` by its own settings (for ``post`` and the talks index)."""
    return list(_plan_deck(deck, look, page, ShotOptions(project=project), assets).targets)


_NOT_LISTED = "move it away, or choose another image folder or --name pattern"
SHOTS = store.Store(MANIFEST, "images", ".png", "images", per_deck=".deckbuild-shots")
manifest_name = SHOTS.manifest_name
has_manifest = SHOTS.has_manifest
_write_manifest = SHOTS.write


def read_manifest(out: Path, *, force: bool = False) -> dict[str, dict[str, str]]:
    """The manifests of ``out`` (see :meth:`store.Store.read`): image file name -> {deck, key, sha256}.

    Each deck's entries are in a file of its own (:func:`manifest_name`); a folder's single manifest
    from before (``.deckbuild-shots.json``) is read too, and replaced by them on the next write.
    """
    return SHOTS.read(out, force=force)


def _is_fresh(target: Target, entry: dict[str, str] | None) -> bool:
    return store.is_fresh(target.path, target.key, entry)


def take_shots(
    paths: list[Path], options: ShotOptions, progress: Callable[[int, int, str], None] | None = None
) -> Report:
    """Bring the slide images of the decks at ``paths`` (default: ``decks/``) up to date."""
    if not 1 <= options.jobs <= 16:
        raise DeckError(f"--jobs must be from 1 to 16, not {options.jobs}")
    if options.fragments is not None and options.fragments not in FRAGMENT_MODES:
        raise DeckError(f"--fragments must be one of {', '.join(FRAGMENT_MODES)}")
    if options.fit is not None and options.fit not in FIT_MODES:
        raise DeckError(f"--fit must be one of {', '.join(FIT_MODES)}")
    assets = find_assets()
    deck_paths = find_decks(paths, folder=options.project.decks)
    plans = []
    for path in deck_paths:
        deck, look, page = load_and_render(path, options.project, assets)
        plans.append(_plan_deck(deck, look, page, options, assets))
    _refuse_clashes(plans)
    if options.shard is not None:
        # Every deck is read and checked; this share's are shot.  Another share's images are not ours to remove.
        mine = options.shard.pick({plan.deck.slug: plan.deck.slide_count for plan in plans})
        plans = [plan for plan in plans if plan.deck.slug in mine]
        options = dataclasses.replace(options, full=False)
    outs = list(dict.fromkeys(plan.out for plan in plans))
    sources = source_folders(deck_paths, options.project)
    for out in outs:
        check_output(out, sources, flag="-o or shots: out:")
    if options.check:  # reads only: no lock, since taking one would create the folder
        return _run(plans, outs, options, progress)
    with ExitStack() as stack:
        for out in outs:
            stack.enter_context(locked(out))
        return _run(plans, outs, options, progress)


def _refuse_clashes(plans: list[_DeckPlan]) -> None:
    """Two images with one file name would overwrite each other, or an image a deck's own file: stop
    before writing anything."""
    seen: dict[Path, tuple[_DeckPlan, Target]] = {}
    sources = source_files(plans)
    for plan in plans:
        for target in plan.targets:
            where = target.path.parent.resolve() / target.path.name
            if where in sources or where.resolve() in sources:
                raise DeckError(
                    f"slide #/{target.h}/{target.v} would be written over {target.path}, which a deck reads",
                    path=plan.deck.path,
                    hint="choose another image folder or --name pattern",
                )
            if where in seen:
                other_plan, other = seen[where]
                raise DeckError(
                    f"slide #/{target.h}/{target.v} at {target.size[0]}x{target.size[1]} and slide "
                    f"#/{other.h}/{other.v} at {other.size[0]}x{other.size[1]}"
                    + (f" of {other_plan.deck.path}" if other_plan is not plan else "")
                    + f" would both be written to {target.path.name}",
                    path=plan.deck.path,
                    hint="use a --name pattern with {h}, {v}, {width} and {height} (or {_index})",
                )
            seen[where] = (plan, target)


def _run(
    plans: list[_DeckPlan],
    outs: list[Path],
    options: ShotOptions,
    progress: Callable[[int, int, str], None] | None,
) -> Report:
    report = Report()
    protected = source_files(plans)
    manifests = {out: read_manifest(out, force=options.force) for out in outs}
    todo: list[tuple[_DeckPlan, list[Target]]] = []
    for plan in plans:
        manifest = manifests[plan.out]
        stale = []
        for target in plan.targets:
            entry = manifest.get(target.path.name)
            if not options.force and _is_fresh(target, entry):
                report.unchanged.append(target.path)
            else:
                stale.append(target)
                (report.stale if target.path.exists() else report.missing).append(target.path)
        for target in stale:
            store.check_writable(target.path, manifest, hint=_NOT_LISTED)
        if stale:
            todo.append((plan, stale))
    wanted = {t.path for plan in plans for t in plan.targets}
    slugs = {plan.deck.slug for plan in plans}
    for out, manifest in manifests.items():
        for name, entry in manifest.items():
            if options.narrowed or out / name in wanted:
                continue
            # A full run (every deck of the project) also owns the images of decks that are gone.
            if entry.get("deck") in slugs or (options.full and entry.get("deck") not in slugs):
                report.extra.append(out / name)
    gone = stale_deck_folders(options.site, slugs, options.project.shared) if options.full else []
    report.extra.extend(gone)
    if options.check:
        return report
    if todo:
        _render(todo, options, manifests, report, progress)
    for path in report.extra:
        if path in gone:
            with locked(options.site):
                if is_ours(path) and not path.is_symlink():
                    shutil.rmtree(path)
                    report.removed.append(path)
            continue
        manifest = manifests[path.parent]
        if path.resolve() in protected:
            report.warnings.append(f"{path}: kept: a deck reads it (its manifest entry is dropped)")
        elif store.is_ours(path, manifest.get(path.name)):
            path.unlink()
            report.removed.append(path)
        elif path.exists() or path.is_symlink():
            report.warnings.append(f"{path}: kept: it changed since deckbuild wrote it (delete it yourself)")
        manifest.pop(path.name, None)
    for out, manifest in manifests.items():
        if manifest or has_manifest(out):
            _write_manifest(out, manifest)
    for paths in (report.written, report.unchanged, report.removed):
        paths.sort()  # pages finish in any order; say what happened in a stable one
    if options.strict and report.warnings:
        raise DeckError(  # the CLI prints no warnings when a command fails: name them here
            f"{len(report.warnings)} problem(s) while rendering slides:\n  " + "\n  ".join(report.warnings),
            hint="fix them, or run without --strict",
        )
    return report


def _render(
    todo: list[tuple[_DeckPlan, list[Target]]],
    options: ShotOptions,
    manifests: dict[Path, dict[str, dict[str, str]]],
    report: Report,
    progress: Callable[[int, int, str], None] | None,
) -> None:
    from ..files import write_if_changed
    from .capture import Capture, DeckJob, capture_decks
    from .check import problems_in
    from .images import decode_capture, encode_png, resize

    pending: dict[tuple[str, int, int], list[Target]] = {}
    plans = {plan.deck.slug: plan for plan, _ in todo}
    for _, targets in todo:
        for target in targets:
            pending.setdefault((target.slug, target.h, target.v), []).append(target)

    def prepare() -> list[DeckJob]:
        """Build the site (while the browser starts) and say what to capture in it."""
        # The decks were read and rendered to plan the captures: write those pages, render nothing twice.
        rendered = [(plan.deck, plan.look, plan.page) for plan, _ in todo]
        assets = find_assets()
        built = {b.deck.slug: b for b in write_rendered(rendered, options.site, options.project, assets)}
        jobs = []
        for plan, targets in todo:
            config = reveal_config(plan.deck, plan.look)
            slides = tuple(dict.fromkeys((t.h, t.v) for t in targets))
            url = (built[plan.deck.slug].folder / "index.html").resolve().as_uri()
            size = (int(config["width"]), int(config["height"]))
            captured = (round(size[0] * plan.scale), round(size[1] * plan.scale))
            frame, swappable = "", False
            if options.capture is not None:  # a browser kept open (serve --shots) may keep the page too
                html = "".join(slide.html for slide in plan.page.slides)
                # The page around the slides, and every file the page uses: a kept page would show an
                # image or style sheet changed under the same URL from its memory cache, not the new one.
                deck_dir = plan.deck.path.resolve().parent
                used = _theme_files(plan.look, assets) + [deck_dir / f for f in plan.page.files]
                frame = hashlib.sha256((plan.page.frame + _hash_files(used)).encode()).hexdigest()
                swappable = "mermaid" not in plan.page.features and "<script" not in html
            job = DeckJob(
                plan.deck.slug,
                url,
                *size,
                plan.scale,
                plan.fragments,
                slides,
                measure=True,
                measure_all=options.strict,  # --strict fails on what `check` finds anywhere in the deck
                frame=frame,
                swappable=swappable,
                fast_png=all(target.size != captured for target in targets),
            )
            jobs.append(job)
        return jobs

    def measured(slug: str, slides: list[dict[str, Any]]) -> None:
        # Text with no glyph (tofu) or in a fallback font; with --strict, everything `check` finds.
        # (Console errors and failed requests come with each capture.)
        kinds = None if options.strict else ("glyph", "font")
        for problem in problems_in(plans[slug].deck.path, slides):
            if kinds is None or problem.kind in kinds:
                report.warnings.append(str(problem))

    total = len(pending)
    done = 0

    # deliver runs on two threads at once (see capture._handed_over): counts under a lock, and the
    # pages' problems said in slide order at the end, whichever thread got them first.
    lock = threading.Lock()
    problems: list[tuple[str, int, int, str]] = []

    def deliver(capture: Capture) -> None:
        nonlocal done
        plan = plans[capture.slug]
        for problem in capture.problems:
            problems.append((str(plan.deck.path), capture.h, capture.v, problem))
        image = None
        for target in pending[(capture.slug, capture.h, capture.v)]:
            if target.size == capture.size:
                data = capture.png  # the browser's own PNG: no need to decode and encode it again
            else:
                image = image or decode_capture(capture.png)
                data = encode_png(resize(image, target.size, target.fit))
            (report.written if write_if_changed(target.path, data) else report.unchanged).append(target.path)
            manifest = manifests[target.path.parent]
            manifest[target.path.name] = {
                "deck": target.slug,
                "key": target.key,
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        with lock:
            done += 1
            if progress:
                progress(done, total, f"{capture.slug} #/{capture.h}/{capture.v}")

    try:
        (options.capture or capture_decks)(
            prepare,
            deliver,
            pages=options.jobs,
            browser_path=options.browser_path,
            timeout=options.timeout,
            measured=measured,
        )
    finally:
        report.warnings[:0] = [
            f"{path}: slide #/{h}/{v}: {problem}" for path, h, v, problem in sorted(problems, key=lambda p: p[:3])
        ]
        # Keep what was finished, even when a later slide failed.
        for out, manifest in manifests.items():
            if manifest:
                _write_manifest(out, manifest)
