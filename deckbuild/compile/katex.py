"""Math typeset at build time by KaTeX, the pinned npm package, in one Node process per deck.

The Markdown stage leaves each formula as pandoc does, ``<span class="math inline">\\(...\\)</span>``;
here every formula of a deck goes to Node at once and comes back as KaTeX's HTML, so the page needs
KaTeX's style sheet and fonts but no script.  A formula KaTeX cannot read is shown as its source in
red and reported.  Results are kept for the life of the process (``serve`` rebuilds often).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

from ..errors import DeckError

MATH_SPAN = re.compile(r'<span class="math (inline|display)">\\[(\[](.*?)\\[)\]]</span>', re.DOTALL)
_SCRIPT = r"""
const katex = require(process.argv[1]);
let input = '';
process.stdin.on('data', chunk => { input += chunk; });
process.stdin.on('end', () => {
  const out = JSON.parse(input).map(([tex, display]) => {
    const options = {displayMode: display, strict: 'ignore'};
    try {
      return [katex.renderToString(tex, {...options, throwOnError: true}), null];
    } catch (error) {
      return [katex.renderToString(tex, {...options, throwOnError: false}), String(error.message || error)];
    }
  });
  process.stdout.write(JSON.stringify(out));
});
"""
_done: dict[tuple[str, bool], tuple[str, str | None]] = {}


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


def _run(formulas: list[tuple[str, bool]], node_modules: Path) -> list[tuple[str, str | None]]:
    node = shutil.which("node")
    if node is None:
        raise DeckError("the deck has math, which needs Node.js to typeset", hint="install Node.js 18 or newer")
    module = node_modules / "katex"
    if not (module / "package.json").is_file():
        raise DeckError(f"KaTeX is not installed in {node_modules}", hint="run 'npm ci' (or 'deckbuild setup') again")
    result = subprocess.run(
        [node, "-e", _SCRIPT, str(module)],
        input=json.dumps(formulas),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    if result.returncode != 0:
        raise DeckError(f"KaTeX failed: {result.stderr.strip()[-400:]}", hint="check the Node.js installation")
    return [(str(h), e) for h, e in json.loads(result.stdout)]
