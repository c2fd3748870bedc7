"""Hatch build hook: the browser files decks load, taken from node_modules into the wheel.

A wheel of deckbuild needs neither Node.js nor npm: reveal.js, the highlight.js styles, KaTeX's
style sheet, fonts and script, mermaid's one bundle and the @fontsource faces travel inside it, at
``deckbuild/_assets/node_modules/<package>/...``, the same layout as a checkout's ``node_modules``,
with each package's licence and ``package.json``.  Only the files a built deck can load are taken
(the packages themselves are 160 MB; these are a few).  Nothing here is committed: the files come
from ``npm ci`` of the pinned ``package.json`` and lock file when the wheel is built.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

# package -> the globs (relative to the package) a deck can load; package.json and LICENSE always.
FILES: dict[str, tuple[str, ...]] = {
    "reveal.js": (
        "dist/reveal.js",
        "dist/reveal.css",
        "dist/reset.css",
        "dist/theme/*.css",
        "dist/plugin/notes.js",
        "dist/plugin/highlight.js",
    ),
    "highlight.js": ("styles/*.css", "styles/base16/*.css", "styles/*.png", "styles/*.jpg"),
    "katex": ("dist/katex.min.css", "dist/katex.min.js", "dist/fonts/*.woff2"),
    "mermaid": ("dist/mermaid.min.js",),
}
FONT_GLOBS = ("[0-9]*.css", "files/*.woff2")
TARGET = "deckbuild/_assets/node_modules"


def asset_files(node_modules: Path) -> dict[Path, str]:
    """Every file the wheel takes: its path in node_modules -> its path in the wheel."""
    dependencies = json.loads((node_modules.parent / "package.json").read_text(encoding="utf-8"))["dependencies"]
    missing = [name for name in dependencies if not (node_modules / name / "package.json").is_file()]
    if missing:
        raise RuntimeError(
            f"node_modules lacks {', '.join(missing)}: run 'npm ci' before building the wheel"
            " (a build from source needs Node.js and npm; a wheel needs neither)"
        )
    taken: dict[Path, str] = {}
    for name in sorted(dependencies):
        package = node_modules / name
        globs = FILES.get(name) or (FONT_GLOBS if name.startswith("@fontsource/") else None)
        if globs is None:
            raise RuntimeError(f"package.json names {name}, which the wheel does not know how to take: add it to FILES")
        for pattern in ("package.json", "LICENSE", *globs):
            found = sorted(package.glob(pattern))
            if not found and pattern != "LICENSE":
                raise RuntimeError(f"{name} has no {pattern}: the pinned version changed its layout")
            for path in found:
                taken[path] = f"{TARGET}/{name}/{path.relative_to(package).as_posix()}"
    return taken


class AssetsHook(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return  # an editable install is a checkout: it reads node_modules itself
        node_modules = Path(self.root) / "node_modules"
        npm = shutil.which("npm")
        if not (node_modules / "reveal.js" / "package.json").is_file() and npm is not None:
            # A build from a source tree (pip install git+..., an sdist) without `npm ci` done yet.
            subprocess.run(
                [npm, "ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=self.root, check=True
            )
        for source, target in asset_files(node_modules).items():
            build_data["force_include"][str(source)] = target
