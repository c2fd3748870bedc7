"""Themes: reveal.js's own, and the project's ``themes/<name>/`` folders.

A project theme is a folder with ``theme.css``, its fonts and images, an optional ``theme.yml``
(the reveal.js theme it extends, code style, slide size, reveal.js options, fonts) and optional
template overrides in ``templates/`` (``title.html.j2`` for the title slide, ``overlay.html.j2`` for
what shows on every slide, such as a footer or a logo).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox

from ..errors import DeckError
from ..paths import inside, regular_files
from ..settings import project_folders
from .assets import Assets, bundled_themes_dir
from .config import reveal_options
from .fonts import Face, check_faces, parse_font_spec
from .source import parse_yaml

DEFAULT_THEME = "black"
# reveal.js's dark themes get a dark code style, the rest a light one.
_DARK = frozenset({"black", "black-contrast", "blood", "league", "moon", "night", "dracula"})
TEMPLATES = ("title.html.j2", "overlay.html.j2")
_STYLE_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*(?:/[a-z0-9][a-z0-9_.-]*)?$", re.I)
_CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")


@dataclass(frozen=True)
class Theme:
    """A theme by name: reveal.js's (``folder`` None) or a project folder with ``theme.css``."""

    name: str
    css: Path
    folder: Path | None = None
    extends: str | None = None
    highlight: str = "monokai"
    width: int | None = None
    height: int | None = None
    reveal: dict[str, Any] = field(default_factory=dict)
    fonts: tuple[Face, ...] = ()

    @property
    def origin(self) -> str:
        return "reveal.js" if self.folder is None else str(self.folder)

    @property
    def templates(self) -> Path | None:
        folder = self.folder / "templates" if self.folder else None
        return folder if folder and folder.is_dir() else None


def find_themes_dir(deck_path: Path) -> Path | None:
    """The project's ``themes/`` folder: the nearest one at or above the deck's folder, within its
    repository (outside one, within the user's own folders: see :func:`settings.project_folders`)."""
    for folder in project_folders(deck_path.resolve().parent):
        if (folder / "themes").is_dir():
            return folder / "themes"
    return None


def theme_names(assets: Assets, themes_dir: Path | None) -> dict[str, Path | None]:
    """Every theme name, with its folder (None for reveal.js's own).

    deckbuild's own themes come after reveal.js's, and the project's ``themes/`` after both, so a
    project theme shadows one of the same name.
    """
    names: dict[str, Path | None] = {p.stem: None for p in sorted((assets.reveal / "theme").glob("*.css"))}
    for folder in (bundled_themes_dir(), themes_dir):
        if folder is not None:
            names.update({p.name: p for p in sorted(folder.iterdir()) if p.is_dir() and not p.name.startswith(".")})
    return names


def theme_origin(folder: Path | None) -> str:
    """Where a theme comes from, for ``deckbuild themes``: reveal.js, deckbuild, or its folder."""
    if folder is None:
        return "reveal.js"
    bundled = bundled_themes_dir()
    if bundled is not None and folder.parent.resolve() == bundled.resolve():
        return "deckbuild"
    return str(folder)


def resolve_theme(name: str, assets: Assets, deck_path: Path, line: int | None) -> Theme:
    """The theme called ``name`` for the deck at ``deck_path``, checked, or a clear error."""
    themes_dir = find_themes_dir(deck_path)
    names = theme_names(assets, themes_dir)
    if name not in names:
        raise DeckError(
            f"unknown theme '{name}'", path=deck_path, line=line, hint="known themes: " + ", ".join(sorted(names))
        )
    folder = names[name]
    if folder is None:
        css = assets.reveal / "theme" / f"{name}.css"
        return Theme(name, css, highlight="monokai" if name in _DARK else "github")
    return load_project_theme(folder, assets)


def load_project_theme(folder: Path, assets: Assets) -> Theme:
    """Read and check a project theme folder."""
    css = folder / "theme.css"
    if folder.is_symlink():
        raise DeckError(
            f"theme '{folder.name}' is a symlink; deckbuild copies no files from outside the project",
            path=folder,
            hint="make it a real folder",
        )
    if css.is_symlink():
        raise DeckError(f"theme '{folder.name}': theme.css is a symlink", path=css, hint="make it a real file")
    regular_files(folder, what=f"theme '{folder.name}'")  # refuses links out of the folder
    if not css.is_file():
        raise DeckError(f"theme '{folder.name}' has no theme.css", path=folder, hint=f"add {css}")
    settings: dict[str, Any] = {}
    lines: dict[str, int] = {}
    settings_file = folder / "theme.yml"
    if settings_file.is_file():
        values, lines = parse_yaml(settings_file, _read_text(settings_file), what="theme settings")
        settings = _settings(settings_file, values, lines, assets)
    theme = Theme(folder.name, css, folder, **settings)
    if theme.extends and (
        not re.fullmatch(r"[a-z0-9][a-z0-9-]*", theme.extends)
        or not (assets.reveal / "theme" / f"{theme.extends}.css").is_file()
    ):
        raise DeckError(
            f"'extends: {theme.extends}' is not a reveal.js theme",
            path=settings_file,
            line=lines.get("extends"),
            hint="use one of " + ", ".join(sorted(p.stem for p in (assets.reveal / "theme").glob("*.css"))),
        )
    _check_css_urls(css, folder)
    if theme.templates:
        environment = jinja2.sandbox.ImmutableSandboxedEnvironment(
            loader=jinja2.FileSystemLoader(theme.templates), autoescape=True
        )
        for template in sorted(theme.templates.glob("*.j2")):
            if template.name not in TEMPLATES:
                raise DeckError(
                    f"unknown template override '{template.name}'", path=template, hint="use " + " or ".join(TEMPLATES)
                )
            try:
                environment.get_template(template.name)
            except jinja2.TemplateSyntaxError as exc:
                raise DeckError(f"template error: {exc.message}", path=template, line=exc.lineno) from None
            except UnicodeDecodeError:
                raise DeckError("is not UTF-8 text", path=template, hint="save it as UTF-8") from None
    return theme


def _settings(path: Path, values: dict[str, Any], lines: dict[str, int], assets: Assets) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        line = lines.get(key)

        def bad(why: str, key: str = key, value: Any = value, line: int | None = line) -> DeckError:
            return DeckError(f"'{key}' {why}", path=path, line=line, hint=f"got {value!r}")

        if key in ("extends", "highlight"):
            if not isinstance(value, str) or not value:
                raise bad("must be a name")
            out[key] = value
        elif key in ("width", "height"):
            if isinstance(value, bool) or not isinstance(value, int) or not 64 <= value <= 8192:
                raise bad("must be a whole number of pixels from 64 to 8192")
            out[key] = value
        elif key == "reveal":
            try:
                out[key] = reveal_options(value)
            except ValueError as exc:
                raise bad(str(exc)) from None
        elif key == "fonts":
            specs = value if isinstance(value, list) else [value]
            try:
                faces = tuple(face for spec in specs for face in parse_font_spec(str(spec)))
            except ValueError as exc:
                raise bad(str(exc)) from None
            check_faces(assets, list(faces), path, line)
            out[key] = faces
        else:
            raise DeckError(
                f"unknown key '{key}' in theme settings",
                path=path,
                line=line,
                hint="known keys: extends, fonts, height, highlight, reveal, width",
            )
    return out


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise DeckError("is not UTF-8 text", path=path, hint="save it as UTF-8") from None


def _check_css_urls(css: Path, folder: Path) -> None:
    """Every local file a theme's CSS names must be in the theme folder."""
    for number, text in enumerate(_read_text(css).splitlines(), 1):
        for url in _CSS_URL.findall(text):
            if re.match(r"^(?:[a-z]+:|#|/)", url):
                continue
            target = inside(folder, (css.parent / url.split("?")[0].split("#")[0]).relative_to(folder))
            if target is None:
                raise DeckError(
                    f"theme file '{url}' is outside the theme folder",
                    path=css,
                    line=number,
                    hint=f"copy it into {folder} and link it with a relative path",
                )
            if not target.is_file():
                raise DeckError(f"theme file '{url}' is missing", path=css, line=number, hint=f"put it in {folder}")


def resolve_highlight(name: str, assets: Assets, deck_path: Path, line: int | None) -> Path:
    """The highlight.js style sheet called ``name`` (e.g. monokai, github, base16/dracula)."""
    css = assets.highlight_styles / f"{name}.css"
    if not _STYLE_NAME.match(name) or inside(assets.highlight_styles, f"{name}.css") is None or not css.is_file():
        raise DeckError(
            f"unknown code highlighting style '{name}'",
            path=deck_path,
            line=line,
            hint="for example github, monokai, atom-one-dark, vs, zenburn (any highlight.js style)",
        )
    return css
