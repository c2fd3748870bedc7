"""``deckbuild check``: what the browser measures on a built deck, reported per slide at its source line.

Each deck is opened in Chromium at its configured slide size (scale 1, no margin), every slide is
shown in turn with all its fragments, and one script measures it: boxes that leave the slide, boxes
that scroll or clip their content, images that did not load or do not fit, ``#/`` links to slides
that do not exist, text whose web font failed to load, characters with no glyph, empty slides.
Console errors and failed requests are collected while the deck loads.  The slide's first line in
the Markdown comes from the ``data-line`` attribute that the renderer puts on every ``<section>``.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..compile.render import reveal_config
from ..errors import DeckError, display_path
from ..settings import Settings
from .session import open_browser_async, run_sync

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page

    from ..build import BuiltDeck

KINDS = ("overflow", "image", "clipped", "link", "font", "glyph", "empty", "console", "request")
_START_TIMEOUT = 60.0
_PAGES = 2

_HINTS = {
    "overflow": "shorten the slide, split it in two, or make its text smaller",
    "image": 'give the image a size, e.g. <!-- .element: style="height: 300px" --> after it, or the r-stretch class',
    "image-broken": "check that the file is a valid image",
    "clipped": "the box scrolls in the browser but screenshots and PDFs show only what fits: split or shorten it",
    "link": 'link to a slide that exists, or give the slide an id with <!-- .slide: id="name" -->',
    "font": "the text falls back to another font: check the @font-face url and the font file",
    "glyph": "no font has these characters, so they show as boxes: use a font that has them, or remove them",
    "empty": "remove the slide, or give it content or a background",
}

# Runs once per deck: prepares reveal.js, then shows every slide in turn and measures it.
_MEASURE = r"""async (only) => {
  // only: [[h, v], ...] to measure just those slides (shots measures what it captured), or null: all.
  const leaves = only ? only.map(([h, v]) => Reveal.getSlide(h, v)).filter(Boolean)
    : [...document.querySelectorAll('.reveal .slides section')].filter(s => !s.querySelector('section'));
  if (window.deckbuildReady) await window.deckbuildReady;  // diagrams drawn (mermaid)
  Reveal.configure({transition: 'none', backgroundTransition: 'none', controls: false, progress: false,
                    slideNumber: false, margin: 0, minScale: 1, maxScale: 1, autoSlide: 0, hash: false,
                    fragmentInURL: false, history: false});
  Reveal.layout();
  await Promise.all([...document.fonts].map(face => face.load().catch(() => null)));
  await document.fonts.ready;
  const images = leaves.flatMap(section => [...section.querySelectorAll('img')]);
  images.forEach(img => { img.loading = 'eager'; });
  await Promise.all(images.map(img => img.decode().catch(() => null)));

  const unquote = name => name.trim().replace(/^["']|["']$/g, '').toLowerCase();
  const loaded = new Set(), failed = new Set();
  for (const face of document.fonts) (face.status === 'loaded' ? loaded : failed).add(unquote(face.family));
  const brokenFamilies = new Set([...failed].filter(family => !loaded.has(family)));

  const config = Reveal.getConfig();
  const stacks = Reveal.getHorizontalSlides().map(s => Math.max(1, s.querySelectorAll(':scope > section').length));
  const ids = new Set([...document.querySelectorAll('.reveal .slides section[id]')].map(s => s.id));
  const base = config.hashOneBasedIndex ? 1 : 0;
  const linkExists = href => {
    const parts = href.slice(2).split('/');
    if (/^\d+$/.test(parts[0])) {
      const h = parseInt(parts[0], 10) - base;
      const v = parts[1] && /^\d+$/.test(parts[1]) ? parseInt(parts[1], 10) - base : 0;
      return h >= 0 && h < stacks.length && v >= 0 && v < stacks[h];
    }
    return parts[0] === '' || ids.has(decodeURIComponent(parts[0]));
  };

  const canvas = document.createElement('canvas');
  canvas.width = 64; canvas.height = 64;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const drawn = (text, font) => {
    ctx.clearRect(0, 0, 64, 64); ctx.font = font; ctx.textBaseline = 'top'; ctx.fillText(text, 8, 8);
    return ctx.measureText(text).width + ':' + ctx.getImageData(0, 0, 64, 64).data.join(',');
  };
  const notdef = new Map(), glyphs = new Map();
  const hasGlyph = (ch, font) => {
    const key = font + '\u0000' + ch;
    if (!glyphs.has(key)) {
      // A character no font has is drawn as the .notdef glyph, the same for every such character.
      if (!notdef.has(font)) notdef.set(font, drawn('\u{10FFFD}', font));
      glyphs.set(key, drawn(ch, font) !== notdef.get(font));
    }
    return glyphs.get(key);
  };
  const skipChar = /[\s\p{M}\p{Cc}\p{Cf}\p{Zs}]/u;

  const REPLACED = new Set(['IMG', 'VIDEO', 'IFRAME', 'CANVAS', 'svg', 'OBJECT', 'EMBED', 'INPUT', 'TEXTAREA',
                            'SELECT']);
  const clips = style => style.overflowX !== 'visible' || style.overflowY !== 'visible';
  const describe = el => {
    const tag = el.tagName.toLowerCase();
    if (tag === 'img') return `the image ${el.getAttribute('src')}`;
    const text = (el.textContent || '').trim().replace(/\s+/g, ' ');
    return text ? `"${text.length > 40 ? text.slice(0, 39) + '…' : text}"` : `a <${tag}>`;
  };

  const measure = section => {
    const area = document.querySelector('.reveal .slides').getBoundingClientRect();
    const atoms = [], clipped = [], families = new Set(), missing = new Set();
    let text = false, media = false;
    const visit = el => {
      for (const node of el.childNodes) {
        if (node.nodeType === Node.TEXT_NODE) {
          if (!node.data.trim()) continue;
          const range = document.createRange();
          range.selectNodeContents(node);
          const rect = range.getBoundingClientRect();
          if (!rect.width && !rect.height) continue;
          text = true;
          atoms.push({rect, el});
          const style = getComputedStyle(el);
          const first = style.fontFamily.split(',')[0].trim().replace(/^["']|["']$/g, '');
          if (brokenFamilies.has(first.toLowerCase())) families.add(first);
          const font = `${style.fontStyle} ${style.fontWeight} 40px ${style.fontFamily}`;
          for (const ch of node.data) {
            if (ch.codePointAt(0) < 0x7f || skipChar.test(ch)) continue;
            if (!hasGlyph(ch, font)) missing.add(ch);
          }
          continue;
        }
        if (node.nodeType !== Node.ELEMENT_NODE) continue;
        // KaTeX's MathML (.katex-mathml) is for screen readers: clipped to nothing on purpose.
        if (node.matches('aside.notes, script, style, template, .katex-mathml')) continue;
        const style = getComputedStyle(node);
        if (style.display === 'none') continue;
        const rect = node.getBoundingClientRect();
        if (REPLACED.has(node.tagName)) {
          media = true;
          if (rect.width || rect.height) atoms.push({rect, el: node});
          continue;
        }
        if (clips(style)) {
          if (rect.width || rect.height) atoms.push({rect, el: node});
          const hiddenY = node.scrollHeight - node.clientHeight, hiddenX = node.scrollWidth - node.clientWidth;
          if (hiddenY > 1 || hiddenX > 1) {
            let lineHeight = parseFloat(style.lineHeight);
            if (!lineHeight) lineHeight = parseFloat(style.fontSize) * 1.2;
            clipped.push({what: node.closest('pre') ? 'code block' : `<${node.tagName.toLowerCase()}>`,
                          shownY: node.clientHeight, fullY: node.scrollHeight, hiddenY: Math.max(0, hiddenY),
                          shownX: node.clientWidth, fullX: node.scrollWidth, hiddenX: Math.max(0, hiddenX),
                          lines: Math.round(Math.max(0, hiddenY) / lineHeight), text: describe(node)});
          }
          const inner = (node.textContent || '').trim();
          if (inner) text = true;
          continue;  // what is inside is measured against this box, not the slide
        }
        if (node.children.length === 0 && node.childNodes.length === 0 && (rect.width || rect.height)) {
          atoms.push({rect, el: node});
        }
        visit(node);
      }
    };
    visit(section);

    const sides = {top: 0, right: 0, bottom: 0, left: 0}, worst = {top: null, right: null, bottom: null, left: null};
    const images = [];
    for (const {rect, el} of atoms) {
      const out = {top: area.top - rect.top, right: rect.right - area.right,
                   bottom: rect.bottom - area.bottom, left: area.left - rect.left};
      let over = false;
      for (const side in out) {
        if (out[side] > 1) {
          over = true;
          if (out[side] > sides[side]) { sides[side] = out[side]; worst[side] = el; }
        }
      }
      if (over && el.tagName === 'IMG' && !images.some(i => i.el === el)) images.push({el, rect});
    }
    const overflow = Object.entries(sides).filter(([, px]) => px > 1)
      .map(([side, px]) => ({side, px: Math.ceil(px), what: describe(worst[side])}));

    const broken = [...section.querySelectorAll('img')]
      .filter(img => img.getAttribute('src') && img.complete && img.naturalWidth === 0)
      .map(img => ({src: img.getAttribute('src'), url: img.currentSrc || img.src}));
    const links = [...section.querySelectorAll('a[href^="#/"]')].map(a => a.getAttribute('href'))
      .filter(href => !linkExists(href));
    const background = [...section.attributes].some(a => a.name.startsWith('data-background'));
    return {
      line: parseInt(section.getAttribute('data-line') || '0', 10) || null,
      overflow,
      images: images.map(({el, rect}) => ({src: el.getAttribute('src'), natural: [el.naturalWidth, el.naturalHeight],
                                            shown: [Math.round(rect.width), Math.round(rect.height)]})),
      clipped, broken, links: [...new Set(links)],
      families: [...families], missing: [...missing],
      empty: !text && !media && !background,
    };
  };

  const results = [];
  for (const section of leaves) {
    const {h, v} = Reveal.getIndices(section);
    Reveal.slide(h, v || 0);
    while (Reveal.nextFragment()) {}
    results.push({h, v: v || 0, ...measure(section)});
  }
  return results;
}"""


@dataclass(frozen=True)
class Problem:
    """One problem found in a built deck, at a slide (h, v) and its first line in the Markdown."""

    path: Path
    line: int | None
    h: int | None
    v: int | None
    kind: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"slide {self.h}/{self.v}: " if self.h is not None else ""
        return str(DeckError(where + self.message, path=self.path, line=self.line, hint=self.hint))

    def to_json(self) -> dict[str, Any]:
        """The fields ``--format json`` prints for this problem."""
        return {
            "path": display_path(self.path),
            "line": self.line,
            "h": self.h,
            "v": self.v,
            "kind": self.kind,
            "message": self.message,
            "hint": self.hint,
        }


def problems_json(problems: list[Problem]) -> str:
    """Problems as a JSON list, for CI."""
    return json.dumps([p.to_json() for p in problems], indent=1, ensure_ascii=False)


def check_decks(
    paths: list[Path],
    site: Path,
    *,
    theme: str | None = None,
    browser_path: Path | None = None,
    timeout: float = 30.0,
    project: Settings | None = None,
) -> list[Problem]:
    """Build the decks at ``paths`` (default: ``decks/``) into ``site`` and check each in Chromium."""
    from ..build import build

    built = build(paths, site, theme=theme, project=project)
    return check_built(built, browser_path=browser_path, timeout=timeout)


def check_built(built: list[BuiltDeck], *, browser_path: Path | None = None, timeout: float = 30.0) -> list[Problem]:
    """Check decks already built, in one browser; problems in deck and slide order."""
    if not built:
        return []
    return run_sync(lambda: _check_all(built, browser_path, timeout))


async def _check_all(built: list[BuiltDeck], browser_path: Path | None, timeout: float) -> list[Problem]:
    found: dict[int, list[Problem]] = {}
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(len(built)):
        queue.put_nowait(index)
    async with open_browser_async(browser_path, max(timeout, _START_TIMEOUT)) as browser:
        # A page per worker, reused from deck to deck: a new page costs a renderer process each time.
        workers = min(_PAGES, len(built))
        await asyncio.gather(*(_worker(browser, built, queue, found, timeout) for _ in range(workers)))
    return [problem for index in range(len(built)) for problem in found[index]]


async def _worker(
    browser: Browser, built: list[BuiltDeck], queue: asyncio.Queue[int], found: dict[int, list[Problem]], timeout: float
) -> None:
    from playwright.async_api import Error as PlaywrightError

    context = await browser.new_context()
    context.set_default_timeout(max(timeout, _START_TIMEOUT) * 1000)
    events: list[tuple[str, str, str]] = []  # (kind, message, url) of the deck being checked
    try:
        page = await context.new_page()

        def on_console(msg: Any) -> None:
            # A failed load is also a failed request; report it once, as that.
            if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
                events.append(("console", f"console error: {msg.text}", ""))

        page.on("console", on_console)
        page.on("pageerror", lambda exc: events.append(("console", f"script error: {exc}", "")))
        page.on(
            "requestfailed",
            lambda req: events.append(("request", f"request failed: {req.url} ({req.failure})", req.url)),
        )
        page.on(
            "response",
            lambda res: (
                events.append(("request", f"HTTP {res.status}: {res.url}", res.url)) if res.status >= 400 else None
            ),
        )
        while not queue.empty():
            index = queue.get_nowait()
            deck = built[index]
            events.clear()
            try:
                slides = await _measure(page, deck, timeout)
            except PlaywrightError as exc:
                message = str(exc).strip().splitlines()[0] if str(exc).strip() else "unknown error"
                raise DeckError(
                    f"the browser failed while checking {deck.deck.slug}: {message}",
                    path=deck.deck.path,
                    hint="run again; if it repeats, try another browser with --browser-path",
                ) from None
            found[index] = _problems(deck.deck.path, slides, events)
    finally:
        await context.close()


async def _measure(page: Page, built: BuiltDeck, timeout: float) -> list[dict[str, Any]]:
    """Open the deck at its slide size and measure every slide."""
    config = reveal_config(built.deck, built.look)
    await page.set_viewport_size({"width": int(config["width"]), "height": int(config["height"])})
    await page.goto((built.folder / "index.html").resolve().as_uri())
    await page.wait_for_function("window.Reveal && Reveal.isReady()")
    return await measure_page(page, built.deck.slug, timeout, built.deck.path)


async def measure_page(
    page: Page,
    slug: str,
    timeout: float,
    path: Path | None = None,
    only: tuple[tuple[int, int], ...] | None = None,
) -> list[dict[str, Any]]:
    """Measure the slides (every one, or ``only`` these) of the deck open in ``page``.

    ``shots`` uses it on its capture page, for the slides it captured."""
    arg = [list(slide) for slide in only] if only is not None else None
    try:
        result: list[dict[str, Any]] = await asyncio.wait_for(page.evaluate(_MEASURE, arg), timeout)
    except TimeoutError:
        raise DeckError(
            f"measuring {slug} took more than {timeout:g} s",
            path=path,
            hint="check the deck's images and fonts, or raise --timeout",
        ) from None
    return result


def problems_in(path: Path, slides: list[dict[str, Any]]) -> list[Problem]:
    """The problems of a deck measured by :func:`measure_page` (page events are the caller's)."""
    return _problems(path, slides, [])


def _problems(path: Path, slides: list[dict[str, Any]], events: list[tuple[str, str, str]]) -> list[Problem]:
    """Turn what the page measured into problems: one per kind and slide, fonts once per deck."""
    found: list[Problem] = []
    fonts_seen: dict[str, int] = {}
    fonts_at: dict[str, int] = {}
    broken_urls: set[str] = set()
    for slide in slides:
        line, h, v = slide["line"], slide["h"], slide["v"]

        def add(kind: str, message: str, hint_key: str | None = None) -> None:
            found.append(Problem(path, line, h, v, kind, message, _HINTS[hint_key or kind]))  # noqa: B023

        for image in slide["broken"]:
            broken_urls.add(image["url"])
            add("image", f"image {image['src']} did not load", "image-broken")
        if slide["images"]:
            image = slide["images"][0]
            natural = "x".join(str(n) for n in image["natural"])
            add(
                "image",
                f"image {image['src']} ({natural} px) does not fit the slide: {_sides(slide['overflow'])}",
            )
        elif slide["overflow"]:
            worst = max(slide["overflow"], key=lambda o: o["px"])
            add(
                "overflow",
                f"content overflows the slide: {_sides(slide['overflow'])} ({worst['what']} sticks out most)",
            )
        for box in slide["clipped"]:
            if box["hiddenY"] > 1:
                lines = f", about {box['lines']} lines" if box["lines"] else ""
                cut = f"shows {box['shownY']} of {box['fullY']} px: {box['hiddenY']} px{lines} cut off"
            else:
                cut = f"shows {box['shownX']} of {box['fullX']} px across: {box['hiddenX']} px cut off on the right"
            add("clipped", f"a {box['what']} {cut}")
        for href in slide["links"]:
            add("link", f"link to {href} goes to no slide")
        for family in slide["families"]:
            fonts_seen[family] = fonts_seen.get(family, 0) + 1
            if family not in fonts_at:
                fonts_at[family] = len(found)
                add("font", f"text in '{family}' is set in a fallback font: the web font did not load")
        if slide["missing"]:
            chars = ", ".join(f"U+{ord(ch):04X}" for ch in slide["missing"])
            add("glyph", f"no glyph for {chars} in any font")
        if slide["empty"]:
            add("empty", "the slide is empty")
    for family, index in fonts_at.items():
        others = fonts_seen[family] - 1
        if others:
            problem = found[index]
            found[index] = Problem(
                problem.path,
                problem.line,
                problem.h,
                problem.v,
                problem.kind,
                f"{problem.message} (and on {others} more slide{'s' if others > 1 else ''})",
                problem.hint,
            )
    for kind, message, url in dict.fromkeys(events):
        if url and url in broken_urls:
            continue  # already reported as the image that did not load
        found.append(Problem(path, None, None, None, kind, message))
    return found


def _sides(overflow: list[dict[str, Any]]) -> str:
    return ", ".join(f"{o['px']} px past the {o['side']}" for o in overflow)
