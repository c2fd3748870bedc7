"""Find the browser-side packages (reveal.js, highlight.js styles) deckbuild was installed with.

They come from the npm registry, pinned in ``package.json`` and its lock file.  In a checkout,
``npm ci`` puts them in ``node_modules/`` beside the package; a pip-installed deckbuild fetches the
same pinned versions once into a user cache with ``deckbuild setup``.  The current folder is never
searched, so a build does not depend on where it is run from.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import DeckError

_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # deckbuild/
_CHECKOUT = _PACKAGE_DIR.parent


@dataclass(frozen=True)
class Assets:
    """Where the installed reveal.js and highlight.js live."""

    node_modules: Path
    reveal_version: str

    @property
    def reveal(self) -> Path:
        return self.node_modules / "reveal.js" / "dist"

    @property
    def highlight_styles(self) -> Path:
        return self.node_modules / "highlight.js" / "styles"


def npm_manifest_dir() -> Path:
    """The folder holding the pinned ``package.json`` and ``package-lock.json``."""
    bundled = _PACKAGE_DIR / "npm"
    return bundled if (bundled / "package.json").is_file() else _CHECKOUT


def bundled_themes_dir() -> Path | None:
    """deckbuild's own project themes: inside the wheel, or the checkout's ``themes/``."""
    for folder in (_PACKAGE_DIR / "bundled_themes", _CHECKOUT / "themes"):
        if folder.is_dir():
            return folder
    return None


def pinned_reveal_version() -> str:
    data = json.loads((npm_manifest_dir() / "package.json").read_text(encoding="utf-8"))
    return str(data["dependencies"]["reveal.js"])


def cache_dir() -> Path:
    """The user cache that ``deckbuild setup`` installs into, one folder per lock file."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    lock = hashlib.sha256((npm_manifest_dir() / "package-lock.json").read_bytes()).hexdigest()[:12]
    return base / "deckbuild" / f"npm-{lock}"


def _candidates() -> list[Path]:
    found = []
    if os.environ.get("DECKBUILD_NODE_MODULES"):
        found.append(Path(os.environ["DECKBUILD_NODE_MODULES"]))
    found.append(_CHECKOUT / "node_modules")
    found.append(cache_dir() / "node_modules")
    return found


def find_assets() -> Assets:
    """Locate the pinned reveal.js, or say exactly how to install it."""
    want = pinned_reveal_version()
    seen = []
    for node_modules in _candidates():
        manifest = node_modules / "reveal.js" / "package.json"
        if not manifest.is_file():
            continue
        version = json.loads(manifest.read_text(encoding="utf-8")).get("version", "?")
        if version == want and (node_modules / "highlight.js" / "styles").is_dir():
            return Assets(node_modules, version)
        seen.append(f"{node_modules} has reveal.js {version}")
    where = f" ({'; '.join(seen)})" if seen else ""
    raise DeckError(
        f"reveal.js {want} is not installed{where}",
        hint="run 'npm ci' in the deckbuild checkout, or 'deckbuild setup' for a pip install",
    )


def install_assets() -> Path:
    """Install the pinned npm packages into the user cache with ``npm ci``; return node_modules."""
    npm = shutil.which("npm")
    if npm is None:
        raise DeckError("npm is not installed", hint="install Node.js 18 or newer, which comes with npm")
    target = cache_dir()
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".install-", dir=target.parent))
    try:
        for name in ("package.json", "package-lock.json"):
            shutil.copy2(npm_manifest_dir() / name, work / name)
        result = subprocess.run(
            [npm, "ci", "--omit=dev", "--no-audit", "--no-fund", "--ignore-scripts"],
            cwd=work,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise DeckError(f"npm ci failed: {result.stderr.strip()[-500:]}", hint="check your network and npm setup")
        if target.exists():
            shutil.rmtree(target)
        work.rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target / "node_modules"
