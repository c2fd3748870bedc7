"""The library entry point: read and check every deck, then write the site."""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .compile.assets import Assets, find_assets
from .compile.config import DeckMeta, read_meta
from .compile.dialects import theme_sheet, with_title_block
from .compile.jekyll import deck_posts, is_post, post_source
from .compile.model import Deck
from .compile.outline import split_deck
from .compile.render import Look, Page, render_deck
from .compile.source import read_source
from .compile.themes import DEFAULT_THEME, find_themes_dir, resolve_highlight, resolve_theme, theme_names
from .errors import DeckError, DeckErrors, DeckWarning, display_path
from .paths import clash_key, inside
from .publish.index import THUMBNAIL_SIZE, index_entry, index_look, render_index
from .publish.site import DeckOutput, write_site
from .settings import Settings

DECK_SUFFIXES = (".md", ".markdown", ".txt", ".qmd")


@dataclass(frozen=True)
class Separators:
    """reveal-md's ``--separator``, ``--vertical-separator`` and ``--notes-separator`` (regexes)."""

    separator: str | None = None
    vertical_separator: str | None = None
    notes_separator: str | None = None

    def apply(self, meta: DeckMeta) -> DeckMeta:
        given = {k: v for k, v in dataclasses.asdict(self).items() if v is not None}
        return dataclasses.replace(meta, **given, lines={**meta.lines, **dict.fromkeys(given, 0)}) if given else meta


@dataclass(frozen=True)
class Shard:
    """``--shard I/N``: the I-th of N shares of the decks (1-based), balanced by slide count."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        match = re.fullmatch(r"\s*(\d{1,4})\s*/\s*(\d{1,4})\s*", text)
        if not match or not 1 <= int(match[1]) <= int(match[2]) <= 1000:
            raise DeckError(f"--shard {text!r} is not a share such as 1/3", hint="write I/N with 1 <= I <= N")
        return cls(int(match[1]), int(match[2]))

    def pick(self, sizes: dict[str, int]) -> set[str]:
        """The decks (slug -> slide count) of this share.

        Largest first, each to the share with the fewest slides so far (the lowest-numbered on a tie):
        the same answer on every machine, whatever order the decks were found in.
        """
        loads = [0] * self.count
        mine: set[str] = set()
        for slug, slides in sorted(sizes.items(), key=lambda item: (-item[1], item[0])):
            share = min(range(self.count), key=lambda i: (loads[i], i))
            loads[share] += max(slides, 1)
            if share == self.index - 1:
                mine.add(slug)
        return mine


@dataclass(frozen=True)
class BuiltDeck:
    """A deck as built: its model, look, page, output folder and whether the folder changed."""

    deck: Deck
    look: Look
    page: Page
    folder: Path
    changed: bool


def find_decks(paths: list[Path], root: Path | None = None, *, folder: Path | None = None) -> list[Path]:
    """The deck files named, or every deck in ``folder`` (default: ``decks/`` under ``root`` or here)."""
    if paths:
        found: list[Path] = []
        for path in paths:
            if path.is_dir():
                found.extend(_decks_in(path))
            else:
                found.append(path)
        return found
    folder = folder if folder is not None else (root or Path.cwd()) / "decks"
    # A blog's posts that hold a deck (a `deck:` map) are decks of the project too: a whole-project run
    # that left them out would remove their built folders and images as "gone".
    posts = deck_posts(folder.parent / "_posts")
    if not folder.is_dir():
        if posts:
            return posts
        raise DeckError(
            f"no {folder.name}/ folder here",
            path=folder.parent,
            hint=f"name a deck file, or run in a folder that has {folder.name}/ (or set decks in deckbuild.toml)",
        )
    decks = _decks_in(folder)
    if not decks and not posts:
        raise DeckError("no decks in this folder", path=folder, hint="add a .md file")
    return decks + [post for post in posts if post not in decks]


def _decks_in(folder: Path) -> list[Path]:
    found = sorted(
        p for p in folder.iterdir() if p.suffix in DECK_SUFFIXES and p.is_file() and not p.name.startswith(".")
    )
    for path in found:
        if path.is_symlink() and inside(folder, path.name) is None:
            raise DeckError(
                f"is a symlink to a file outside {folder.name}/ ({os.readlink(path)})",
                path=path,
                hint="copy the deck into the folder instead of linking to it",
            )
    return found


def source_folders(deck_paths: list[Path], project: Settings | None = None) -> list[Path]:
    """The folders a build reads from, which no output folder may be or hold.

    The decks' folders, their themes folders, the working folder and the project root.
    """
    folders = [Path.cwd()]
    if project is not None and project.root is not None:
        folders.append(project.root)
    for path in deck_paths:
        folders.append(path.resolve().parent)
        themes = find_themes_dir(path)
        if themes is not None:
            folders.append(themes)
    return list(dict.fromkeys(folders))


def load_deck(
    path: Path,
    *,
    theme: str | None = None,
    assets: Assets | None = None,
    separators: Separators | None = None,
    default_theme: str | None = None,
) -> tuple[Deck, Look]:
    """Read, validate and split one deck file, and resolve its look.

    ``theme`` overrides the deck's own; ``default_theme`` (the project's) is for decks that name none.
    """
    assets = assets or find_assets()
    source, slug = read_source(path), path.stem
    if is_post(source):
        source, given = post_source(source)
        slug = given or slug
    source, title_block = with_title_block(source)
    meta = read_meta(source)
    if title_block or path.suffix == ".qmd":
        meta = dataclasses.replace(meta, dialect="pandoc")
    if separators is not None:
        meta = separators.apply(meta)
    if theme:
        meta = dataclasses.replace(meta, theme=theme, lines={**meta.lines, "theme": 0})
    elif meta.theme and (sheet := theme_sheet(meta.theme, path, theme_names(assets, find_themes_dir(path)))):
        # A theme that is a style sheet of the deck's own goes over reveal.js's default theme.
        line = meta.line_of("css") or meta.line_of("theme") or 0
        meta = dataclasses.replace(meta, theme=None, css=(sheet, *meta.css), lines={**meta.lines, "css": line})
    deck = split_deck(source, meta, slug)
    chosen = resolve_theme(meta.theme or default_theme or DEFAULT_THEME, assets, path, meta.line_of("theme"))
    highlight = resolve_highlight(meta.highlight or chosen.highlight, assets, path, meta.line_of("highlight"))
    look = Look(chosen, highlight.relative_to(assets.highlight_styles).with_suffix("").as_posix())
    return deck, look


def load_and_render(
    path: Path,
    project: Settings,
    assets: Assets,
    *,
    theme: str | None = None,
    separators: Separators | None = None,
) -> tuple[Deck, Look, Page]:
    """One deck read, checked and rendered as the project's settings say."""
    deck, look = load_deck(path, theme=theme, assets=assets, separators=separators, default_theme=project.theme)
    page = render_deck(deck, look, shared=project.shared, root=project.root)
    if page.warnings:  # what only rendering finds (math KaTeX cannot read) travels with the deck too
        deck = dataclasses.replace(deck, warnings=(*deck.warnings, *page.warnings))
    return deck, look, page


def build(
    paths: list[Path],
    out: Path,
    *,
    theme: str | None = None,
    separators: Separators | None = None,
    strict: bool = False,
    project: Settings | None = None,
    shard: Shard | None = None,
) -> list[BuiltDeck]:
    """Build the decks at ``paths`` (default: the project's decks folder) into ``out``.

    Every deck is read, checked and rendered before anything is written; the problems of every deck
    are reported together.  Each built deck carries its warnings (``deck.warnings``); with ``strict``
    the first of them is an error and nothing is written.  With ``shard``, every deck is still read
    and checked, and the index lists them all, but only the shard's decks are written.
    """
    project = project or Settings()
    assets = find_assets()
    loaded = []
    problems: list[DeckError] = []
    slugs: dict[str, tuple[Path, str]] = {}
    for path in find_decks(paths, folder=project.decks):
        try:
            deck, look, page = load_and_render(path, project, assets, theme=theme, separators=separators)
        except DeckError as exc:
            problems.append(exc)
            continue
        if deck.slug == project.shared or deck.slug.startswith("."):
            problems.append(
                DeckError(
                    f"a deck cannot be called {deck.slug}: that name is kept for the shared folder",
                    path=path,
                    hint="rename the file",
                )
            )
        elif clash_key(deck.slug) in slugs:
            other, other_slug = slugs[clash_key(deck.slug)]
            same = ""
            if other_slug != deck.slug:  # one folder on macOS and Windows, two here
                differs = (
                    "only in case" if other_slug.casefold() == deck.slug.casefold() else "only in its Unicode form"
                )
                same = f": a name that differs {differs}, which is the same folder on macOS and Windows"
            problems.append(
                DeckError(
                    f"two decks would be written to {deck.slug}/ (the other is {display_path(other)}{same})",
                    path=path,
                    hint="rename one of the files",
                )
            )
        slugs[clash_key(deck.slug)] = (path, deck.slug)
        loaded.append((deck, look, page))
    if problems:
        raise problems[0] if len(problems) == 1 else DeckErrors(problems)
    warnings = [warning for deck, _, _ in loaded for warning in deck.warnings]
    if strict and warnings:
        raise _strict_error(warnings)
    # A build of the whole decks folder also writes the talks index and removes the built folders of
    # decks that are gone.
    return write_rendered(loaded, out, project, assets, prune=not paths, shard=shard)


def write_rendered(
    loaded: list[tuple[Deck, Look, Page]],
    out: Path,
    project: Settings,
    assets: Assets,
    *,
    prune: bool = False,
    shard: Shard | None = None,
) -> list[BuiltDeck]:
    """Write decks already read and rendered (by :func:`load_and_render`) into ``out``.

    ``prune`` (a build of the whole decks folder) also writes the talks index and removes the folders
    of decks that are gone; with ``shard`` only the shard's decks are written, and the index lists all.
    """
    thumbnails = {deck.slug: _thumbnail(deck, look, page, project, assets) for deck, look, page in loaded}
    index = None
    if prune:
        # The index shows the thumbnails that shots is asked to take, taken yet or not: so every shard
        # writes the same index, whichever images its machine has.
        entries = [index_entry(deck, thumbnails[deck.slug][0]) for deck, _, _ in loaded]
        index_style = index_look(project, assets)
        index = (render_index(entries, index_style, project.shared), index_style)
    every = {deck.slug for deck, _, _ in loaded}
    sources = source_folders([deck.path for deck, _, _ in loaded], project)
    if shard is not None:
        mine = shard.pick({deck.slug: deck.slide_count for deck, _, _ in loaded})
        loaded = [item for item in loaded if item[0].slug in mine]
    outputs = [
        DeckOutput(deck.slug, page, deck.path.resolve().parent, look, thumbnails[deck.slug][1])
        for deck, look, page in loaded
    ]
    changed = write_site(out, outputs, assets, sources, shared=project.shared, prune=prune, index=index, keep=every)
    return [
        BuiltDeck(deck, look, page, out / deck.slug, moved)
        for (deck, look, page), moved in zip(loaded, changed, strict=True)
    ]


def _thumbnail(deck: Deck, look: Look, page: Page, project: Settings, assets: Assets) -> tuple[bool, Path | None]:
    """Whether ``shots`` is to take the title slide at 600x390; and that image, if it is there.

    The image must be a regular PNG file, never a link.
    """
    from .browser.shots import deck_images

    try:
        targets = deck_images(deck, look, page, project, assets)
    except DeckError:
        return False, None  # shots settings that do not work are shots' to report
    for target in targets:
        if (target.h, target.v, target.size) == (0, 0, THUMBNAIL_SIZE):
            path = target.path
            if path.is_file() and not path.is_symlink():
                with open(path, "rb") as handle:
                    if handle.read(8) == b"\x89PNG\r\n\x1a\n":
                        return True, path
            return True, None
    return False, None


def _strict_error(warnings: list[DeckWarning]) -> DeckError:
    first = warnings[0]
    more = f"; {len(warnings) - 1} more warning{'s' if len(warnings) > 2 else ''}" if len(warnings) > 1 else ""
    return DeckError(first.message, path=first.path, line=first.line, hint=f"--strict makes warnings errors{more}")
