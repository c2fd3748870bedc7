"""Web fonts from npm's @fontsource packages instead of the internet.

Some reveal.js themes ``@import`` Google Fonts; a project theme names its fonts in ``theme.yml``.
Either way the faces come from a pinned ``@fontsource/<family>`` package and are copied into the site,
so a deck renders the same offline, in CI and on a laptop.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from ..errors import DeckError
from .assets import Assets

_GOOGLE_IMPORT = re.compile(
    r"""@import\s+(?:url\()?\s*["']?(https?://fonts\.googleapis\.com/[^"')\s;]*)["']?\s*\)?\s*;"""
)
_ANY_REMOTE_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*["']?https?://[^;]*;""")
_WOFF_FALLBACK = re.compile(r""",\s*url\([^)]*\.woff\)\s*format\(['"]woff['"]\)""")
_FILE_URL = re.compile(r"url\(\./files/([^)]+)\)")


@dataclass(frozen=True, order=True)
class Face:
    """One font face: an @fontsource package, a weight and a style."""

    package: str
    weight: int
    italic: bool = False

    @property
    def css_name(self) -> str:
        return f"{self.weight}-italic.css" if self.italic else f"{self.weight}.css"

    @property
    def href(self) -> str:
        """Where the face's CSS lives, relative to the shared site folder."""
        return f"fonts/{self.package}/{self.css_name}"


def parse_font_spec(spec: str) -> list[Face]:
    """``inter`` (400 and 700) or ``inter:400,700,400italic`` as faces; raise ValueError if malformed."""
    name, _, weights = spec.partition(":")
    package = name.strip().lower().replace(" ", "-")
    if package.isdigit():
        raise ValueError(f"'{spec}' is a weight, not a font (in [...] lists, quote 'inter:400,700')")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", package):
        raise ValueError(f"'{spec}' is not a font like inter or inter:400,700")
    faces = []
    for part in (weights or "400,700").split(","):
        match = re.fullmatch(r"\s*(\d{3})\s*(italic|i)?\s*", part)
        if not match:
            raise ValueError(f"'{part}' in '{spec}' is not a weight like 400 or 700italic")
        faces.append(Face(package, int(match[1]), bool(match[2])))
    return faces


def google_faces(url: str) -> list[Face]:
    """The faces a Google Fonts ``css?family=Lato:400,700italic|Ubuntu`` address asks for."""
    faces = []
    for families in parse_qs(urlsplit(url).query).get("family", []):
        for family in unquote(families).split("|"):
            faces.extend(parse_font_spec(family.replace("+", " ")))
    return faces


def localise_css(css: str) -> tuple[str, list[Face]]:
    """Replace a style sheet's Google Fonts imports by the local faces (hrefs are made by the caller).

    Returns the CSS with a ``@import`` of ``../../fonts/...`` per face (for a sheet two folders
    below the shared folder, as reveal.js themes are) and the faces it needs.  Other remote imports
    are dropped: nothing is fetched from the network.
    """
    needed: list[Face] = []

    def replace(match: re.Match[str]) -> str:
        faces = google_faces(match[1])
        needed.extend(faces)
        return "".join(f'@import url("../../{face.href}");' for face in faces)

    css = _GOOGLE_IMPORT.sub(replace, css)
    return _ANY_REMOTE_IMPORT.sub("", css), needed


def face_css(assets: Assets, face: Face) -> Path | None:
    """The face's CSS file in its installed package, or None if this package has no such face."""
    path = assets.node_modules / "@fontsource" / face.package / face.css_name
    return path if path.is_file() else None


def check_faces(assets: Assets, faces: list[Face], where: Path, line: int | None) -> None:
    """Fail clearly when a named font package is not installed."""
    for face in faces:
        if not (assets.node_modules / "@fontsource" / face.package).is_dir():
            raise DeckError(
                f"font '{face.package}' is not installed",
                path=where,
                line=line,
                hint=f'add "@fontsource/{face.package}" to package.json and run npm ci',
            )


def stage_faces(assets: Assets, faces: list[Face], shared: Path) -> None:
    """Copy each face's CSS (woff2 only) and its font files below ``shared/fonts``."""
    for face in sorted(set(faces)):
        source = face_css(assets, face)
        target = shared / face.href
        if source is None:  # e.g. an italic the family does not have: the browser slants the roman
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f"/* {face.package} has no {face.css_name} */\n", encoding="utf-8")
            continue
        css = _WOFF_FALLBACK.sub("", source.read_text(encoding="utf-8"))
        (target.parent / "files").mkdir(parents=True, exist_ok=True)
        target.write_text(css, encoding="utf-8")
        for name in _FILE_URL.findall(css):
            destination = target.parent / "files" / name
            if not destination.exists():
                shutil.copyfile(source.parent / "files" / name, destination)
