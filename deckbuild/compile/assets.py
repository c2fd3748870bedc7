"""Find the browser-side packages (reveal.js, highlight.js styles, KaTeX, mermaid, fonts) decks load.

They come from the npm registry, pinned in ``package.json`` and its lock file.  A wheel carries the
files decks load inside it (``deckbuild/_assets/node_modules``, put there by ``.ci/wheel_assets.py``
when the wheel is built), so a pip install needs neither Node.js nor npm.  In a checkout, ``npm ci``
puts the packages in ``node_modules/`` beside the package.  ``DECKBUILD_NODE_MODULES`` names another
folder.  The current folder is never searched, so a build does not depend on where it is run from.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import DeckError

_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # deckbuild/
_CHECKOUT = _PACKAGE_DIR.parent
_WHEEL = _PACKAGE_DIR / "_assets" / "node_modules"


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


def _candidates() -> list[Path]:
    found = []
    if os.environ.get("DECKBUILD_NODE_MODULES"):
        found.append(Path(os.environ["DECKBUILD_NODE_MODULES"]))
    found.append(_CHECKOUT / "node_modules")
    found.append(_WHEEL)
    return found


def _fix_hint() -> str:
    """The one thing to do that installs the assets, for this kind of install."""
    if os.environ.get("DECKBUILD_NODE_MODULES"):
        return f"DECKBUILD_NODE_MODULES names {os.environ['DECKBUILD_NODE_MODULES']}: unset it, or run 'npm ci' there"
    if (_CHECKOUT / "package-lock.json").is_file() and (_CHECKOUT / "pyproject.toml").is_file():
        return f"run 'npm ci' in {_CHECKOUT}"
    return "reinstall deckbuild from a wheel: 'pip install --force-reinstall deckbuild'"


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
    raise DeckError(f"reveal.js {want} is not installed{where}", hint=_fix_hint())


def describe_assets() -> str:
    """What ``--version`` and ``setup`` say of the assets: the version found and where, or what to do."""
    try:
        found = find_assets()
    except DeckError as exc:
        return f"no reveal.js ({exc.hint})"
    return f"reveal.js {found.reveal_version} ({found.node_modules})"
