"""Math typeset at build time by KaTeX, the pinned npm package, in V8 inside Python (mini-racer).

The Markdown stage leaves each formula as pandoc does, ``<span class="math inline">\\(...\\)</span>``;
here every formula of a deck is typeset at once by KaTeX's own script, run by the V8 engine that the
``mini-racer`` wheel carries, so a build needs no Node.js and the page needs KaTeX's style sheet and
fonts but no script.  (Typesetting in the page instead was measured slower for every viewer: about
200 ms more per load of a 200-formula deck, against 0.5 s once per build here; docs/benchmarks.md.)
A formula KaTeX cannot read is shown as its source in red and reported.  Results are kept for the
life of the process (``serve`` rebuilds often), and so is the engine, loaded once (about 30 ms).
"""

from __future__ import annotations

import html
import json
import re
import threading
from pathlib import Path
from typing import Any

from ..errors import DeckError

MATH_SPAN = re.compile(r'<span class="math (inline|display)">\\[(\[](.*?)\\[)\]]</span>', re.DOTALL)
_RENDER = r"""
function deckbuildTypeset(formulas) {
  return JSON.stringify(formulas.map(([tex, display]) => {
    const options = {displayMode: display, strict: 'ignore'};
    try {
      return [katex.renderToString(tex, {...options, throwOnError: true}), null];
    } catch (error) {
      return [katex.renderToString(tex, {...options, throwOnError: false}), String(error.message || error)];
    }
  }));
}
"""
_done: dict[tuple[str, bool], tuple[str, str | None]] = {}
_engine: dict[Path, Any] = {}
_lock = threading.Lock()


def uses_math(text: str) -> bool:
    return MATH_SPAN.search(text) is not None


def typeset(pieces: list[str], node_modules: Path) -> tuple[list[str], list[tuple[int, str, str]]]:
    """Each piece of HTML with its math typeset, and (piece index, TeX, KaTeX's message) per bad formula."""
    wanted = {
        (html.unescape(m[2]), m[1] == "display") for piece in pieces for m in MATH_SPAN.finditer(piece)
    } - _done.keys()
    if wanted:
        _done.update(zip(sorted(wanted), _run(sorted(wanted), node_modules), strict=True))
    errors: list[tuple[int, str, str]] = []
    out = []
    for index, piece in enumerate(pieces):

        def replace(m: re.Match[str], index: int = index) -> str:
            tex = html.unescape(m[2])
            typeset, error = _done[(tex, m[1] == "display")]
            if error:
                errors.append((index, tex, error))
            return f'<span class="math {m[1]}">{typeset}</span>'

        out.append(MATH_SPAN.sub(replace, piece))
    return out, errors


def _context(node_modules: Path) -> Any:
    """The V8 context with KaTeX loaded, made once per process."""
    if node_modules not in _engine:
        script = node_modules / "katex" / "dist" / "katex.min.js"
        if not script.is_file():
            raise DeckError(f"KaTeX is not installed in {node_modules}", hint="run 'npm ci' in the deckbuild checkout")
        from py_mini_racer import MiniRacer

        context = MiniRacer()
        context.eval(script.read_text(encoding="utf-8"))
        context.eval(_RENDER)
        _engine[node_modules] = context
    return _engine[node_modules]


def _run(formulas: list[tuple[str, bool]], node_modules: Path) -> list[tuple[str, str | None]]:
    with _lock:
        result = _context(node_modules).call("deckbuildTypeset", formulas)
    return [(str(h), e) for h, e in json.loads(result)]
