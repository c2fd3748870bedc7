"""``deckbuild pdf``: one PDF per deck through reveal.js's print view, re-printed only when it changed.

Chromium prints the built deck with reveal.js's ``print-pdf`` view (one page per slide, page size =
slide size, backgrounds on); pypdf then sets the title and author from front matter and the dates
from the deck's ``date`` (or none), so two runs give the same bytes.  As for ``shots``, a manifest
in the output folder keeps each PDF's key (a hash of everything it depends on) and its bytes' hash.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import hashlib
import io
import json
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__, store
from ..build import find_decks, load_and_render, source_folders
from ..compile.assets import Assets, find_assets
from ..compile.config import PDF_FRAGMENTS, PDF_NOTES
from ..compile.model import Deck
from ..compile.render import Look, Page, reveal_config
from ..errors import DeckError
from ..files import write_if_changed
from ..outdir import check_output, locked
from ..paths import check_name
from ..settings import Settings
from .session import open_browser_async, run_sync
from .shots import _hash_files, _normal, _theme_files, project_root

if TYPE_CHECKING:
    from playwright.async_api import Browser

MANIFEST = ".deckbuild-pdf.json"
_RENDERER = 1  # bump when printing changes what comes out
_START_TIMEOUT = 60.0

# Runs before the page's scripts: wraps Reveal.initialize so that the print view gets our options,
# and starts it only once every web font has loaded (the print layout measures the text once).
_PRINT_SETUP = """(overrides) => {
  let real;
  Object.defineProperty(window, 'Reveal', {configurable: true, get() { return real; }, set(value) {
    real = value;
    const initialize = value.initialize.bind(value);
    value.initialize = options => Promise.all([...document.fonts].map(face => face.load().catch(() => null)))
      .then(() => document.fonts.ready)
      .then(() => window.deckbuildReady)  // diagrams drawn (mermaid), before the print layout
      .then(() => {
        const started = initialize(Object.assign({}, options || {}, overrides));
        value.on('pdf-ready', () => { window.__deckbuildPdfReady = true; });
        return started;
      });
  }});
}"""

_IMAGES = """async () => {
  const images = [...document.querySelectorAll('img')];
  images.forEach(img => { img.loading = 'eager'; });
  await Promise.all(images.map(img => img.decode().catch(() => null)));
  await document.fonts.ready;
}"""


@dataclass(frozen=True)
class PdfOptions:
    """Command-line choices; None means the deck's front matter (``pdf:``) or the default."""

    out: Path | None = None
    fragments: str | None = None
    notes: str | None = None
    site: Path = Path("site")
    force: bool = False
    check: bool = False
    browser_path: Path | None = None
    timeout: float = 60.0
    project: Settings = Settings()


@dataclass
class PdfReport:
    """What a run did (or, with --check, would have to do)."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    missing: list[Path] = field(default_factory=list)
    stale: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class _Plan:
    deck: Deck
    look: Look
    path: Path
    key: str
    width: int
    height: int
    fragments: str
    notes: str


def _plan(deck: Deck, look: Look, page: Page, options: PdfOptions, assets: Assets) -> _Plan:
    settings = deck.meta.pdf
    config = reveal_config(deck, look)
    width, height = int(config["width"]), int(config["height"])
    fragments = options.fragments or settings.fragments or "final"
    notes = options.notes or settings.notes or "none"
    if options.out is not None:
        out = options.out
    elif settings.out:
        line = deck.meta.line_of("pdf")
        out = _normal(deck.path.parent / check_name(settings.out, what="'pdf: out:'", path=deck.path, line=line))
        # A folder named in a committed file stays inside the project.
        check_output(out, [], flag="pdf: out:", within=project_root(options.project, deck.path))
    else:
        out = options.project.pdf
    deck_dir = deck.path.resolve().parent
    key = hashlib.sha256(
        json.dumps(
            [
                page.html,
                _hash_files(_theme_files(look, assets)),
                _hash_files([deck_dir / f for f in page.files]),
                assets.reveal_version,
                __version__,
                _RENDERER,
                fragments,
                notes,
                _metadata(deck),
            ],
            sort_keys=True,
        ).encode()
    ).hexdigest()
    return _Plan(deck, look, out / f"{deck.slug}.pdf", key, width, height, fragments, notes)


PDFS = store.Store(MANIFEST, "pdfs", ".pdf", "PDFs")
_NOT_LISTED = "move it away, or choose another folder with -o or pdf: out:"


def make_pdfs(paths: list[Path], options: PdfOptions) -> PdfReport:
    """Bring the PDFs of the decks at ``paths`` (default: ``decks/``) up to date."""
    if options.fragments is not None and options.fragments not in PDF_FRAGMENTS:
        raise DeckError(f"--fragments must be one of {', '.join(PDF_FRAGMENTS)}")
    if options.notes is not None and options.notes not in PDF_NOTES:
        raise DeckError(f"--notes must be one of {', '.join(PDF_NOTES)}")
    assets = find_assets()
    plans = []
    for path in find_decks(paths, folder=options.project.decks):
        deck, look, page = load_and_render(path, options.project, assets)
        plans.append(_plan(deck, look, page, options, assets))
    outs = list(dict.fromkeys(plan.path.parent for plan in plans))
    sources = source_folders([plan.deck.path for plan in plans], options.project)
    for out in outs:
        check_output(out, sources, flag="-o or pdf: out:")
    report, todo = _sort(plans, {out: PDFS.read(out, force=options.force) for out in outs}, options.force)
    if options.check or not todo:
        return report
    from ..build import build
    from .session import find_browser

    browser = find_browser(options.browser_path)  # before anything is written: no browser, no files
    options = dataclasses.replace(options, browser_path=browser)
    with ExitStack() as stack:
        for out in outs:
            stack.enter_context(locked(out))
        # Read again under the lock: another run may have written its entries (or files) meanwhile.
        manifests = {out: PDFS.read(out, force=options.force) for out in outs}
        _sort(todo, manifests, force=True)
        paths = [plan.deck.path for plan in todo]
        built = {b.deck.slug: b.folder for b in build(paths, options.site, project=options.project)}
        _print_todo(todo, built, manifests, report, options)
    return report


def _sort(plans: list[_Plan], manifests: dict[Path, store.Entries], force: bool) -> tuple[PdfReport, list[_Plan]]:
    """Which PDFs are up to date and which must be printed; a file there that no manifest lists is refused."""
    report = PdfReport()
    todo = []
    for plan in plans:
        manifest = manifests[plan.path.parent]
        if not force and store.is_fresh(plan.path, plan.key, manifest.get(plan.path.name)):
            report.unchanged.append(plan.path)
            continue
        store.check_writable(plan.path, manifest, hint=_NOT_LISTED)
        todo.append(plan)
        (report.stale if plan.path.exists() else report.missing).append(plan.path)
    return report, todo


def _print_todo(
    todo: list[_Plan],
    built: dict[str, Path],
    manifests: dict[Path, dict[str, dict[str, str]]],
    report: PdfReport,
    options: PdfOptions,
) -> None:

    def deliver(plan: _Plan, data: bytes) -> None:
        (report.written if write_if_changed(plan.path, data) else report.unchanged).append(plan.path)
        manifest = manifests[plan.path.parent]
        manifest[plan.path.name] = {"deck": plan.deck.slug, "key": plan.key, "sha256": hashlib.sha256(data).hexdigest()}
        PDFS.write(plan.path.parent, manifest)

    run_sync(lambda: _print_all(todo, built, deliver, options))
    report.unchanged.sort()


async def _print_all(plans: list[_Plan], built: dict[str, Path], deliver: Any, options: PdfOptions) -> None:
    from playwright.async_api import Error as PlaywrightError

    async with open_browser_async(options.browser_path, max(options.timeout, _START_TIMEOUT)) as browser:
        for plan in plans:
            try:
                pdf = await _print(browser, plan, built[plan.deck.slug], options.timeout)
            except PlaywrightError as exc:
                message = str(exc).strip().splitlines()[0] if str(exc).strip() else "unknown error"
                raise DeckError(
                    f"the browser failed while printing {plan.deck.slug}: {message}",
                    path=plan.deck.path,
                    hint="run again; if it repeats, try another browser with --browser-path",
                ) from None
            deliver(plan, finish_pdf(pdf, plan.deck))


async def _print(browser: Browser, plan: _Plan, folder: Path, timeout: float) -> bytes:
    context = await browser.new_context(viewport={"width": plan.width, "height": plan.height})
    context.set_default_timeout(max(timeout, _START_TIMEOUT) * 1000)
    overrides = {
        "view": "print",
        "margin": 0,
        "transition": "none",
        "backgroundTransition": "none",
        "controls": False,
        "progress": False,
        "pdfMaxPagesPerSlide": 1,  # one page a slide: what does not fit is cut (deckbuild check reports it)
        "pdfSeparateFragments": plan.fragments == "separate",
        "showNotes": {"none": False, "inline": True, "page": "separate-page"}[plan.notes],
    }
    try:
        page = await context.new_page()
        await page.add_init_script(f"({_PRINT_SETUP})({json.dumps(overrides)})")
        await page.goto((folder / "index.html").resolve().as_uri())
        try:
            await asyncio.wait_for(page.wait_for_function("window.__deckbuildPdfReady === true"), timeout)
            await asyncio.wait_for(page.evaluate(_IMAGES), timeout)
        except TimeoutError:
            raise DeckError(
                f"{plan.deck.slug} was not ready to print in {timeout:g} s",
                path=plan.deck.path,
                hint="check the deck's images and fonts, or raise --timeout",
            ) from None
        return await page.pdf(prefer_css_page_size=True, print_background=True)
    finally:
        await context.close()


def _metadata(deck: Deck) -> dict[str, str]:
    meta = deck.meta
    info = {"/Title": meta.title or deck.slug, "/Creator": f"deckbuild {__version__}", "/Producer": "deckbuild"}
    if meta.author:
        info["/Author"] = meta.author
    if meta.subtitle:
        info["/Subject"] = meta.subtitle
    day = _date(meta.date)
    if day is not None:
        info["/CreationDate"] = info["/ModDate"] = f"D:{day:%Y%m%d}000000Z"
    return info


def _date(text: str | None) -> datetime.date | None:
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def finish_pdf(data: bytes, deck: Deck) -> bytes:
    """Chromium's PDF with the deck's metadata and no clock time in it (pypdf)."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter(clone_from=reader)
    writer.pdf_header = reader.pdf_header
    writer.metadata = _metadata(deck)  # replaces Chromium's, which has the time of printing
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
