"""``deckbuild post``: the only writer of blog posts.

It writes one section of a Jekyll post, between ``<!-- deckbuild:slides -->`` and
``<!-- /deckbuild:slides -->``, in the seed's form: the deck's link around its title-slide image, then
each image ``shots`` takes of the deck, linking to the hosted deck at that slide.  Text outside the
markers is never touched; a second run changes no byte; the file is replaced atomically.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..build import load_and_render
from ..compile.assets import find_assets
from ..compile.config import link_url
from ..compile.jekyll import SLIDES_CLOSE, SLIDES_OPEN, is_post
from ..compile.model import Deck, Slide
from ..compile.source import read_source
from ..errors import DeckError
from ..files import write_file
from ..paths import is_within
from ..settings import Settings

POST_SIZE = (600, 390)  # the seed's images
CARD_SIZE = (1200, 630)  # social cards (Open Graph, Twitter)
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*(?:\{[^}]*\})?\s*#*\s*$")


@dataclass(frozen=True)
class PostResult:
    """The post written, and whether any byte of it changed."""

    path: Path
    changed: bool
    created: bool


def write_post(
    deck_path: Path, project: Settings, *, post: Path | None = None, base_url: str | None = None
) -> PostResult:
    """Write or update the slides section of the post for the deck at ``deck_path``."""
    from ..browser.shots import deck_images

    assets = find_assets()
    deck, look, page = load_and_render(deck_path, project, assets)
    url = _deck_url(deck, base_url, project.base_url)
    targets = deck_images(deck, look, page, project, assets)
    sizes = list(dict.fromkeys(t.size for t in targets))
    size = POST_SIZE if POST_SIZE in sizes else sizes[0]
    images = {(t.h, t.v): t.path for t in targets if t.size == size}
    missing = [path for path in images.values() if not path.is_file()]
    if missing:
        more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
        raise DeckError(
            f"the slide images are not taken yet: {missing[0]}{more}",
            path=deck.path,
            hint=f"run: deckbuild shots {deck_path}",
        )
    root = (project.root or Path.cwd()).resolve()
    created = False
    if post is None:
        if "_posts" in deck_path.absolute().parts:
            post = deck_path
        else:
            post = root / "_posts" / f"{_date(deck)}-{_post_slug(deck.slug)}.md"
            created = not post.exists()
    blog = _blog_root(post, root)
    post = _check_writable(post, blog)
    section = _section(deck, url, images, blog)
    if created:
        card = next((t.path for t in targets if (t.h, t.v) == (0, 0) and t.size == CARD_SIZE), None)
        text = _new_post(deck, deck_path, card, blog) + "\n" + section
        old = None
    else:
        old = _read(post)
        text = _replace_section(post, old, section)
    if text != old:
        write_file(post, text.encode("utf-8"))
    return PostResult(post, text != old, created)


def _deck_url(deck: Deck, base_url: str | None, project_base: str | None) -> str:
    """Where the deck is hosted: ``--base-url``/<slug>/; a post's ``deck: url:``; deckbuild.toml's
    ``base_url``/<slug>/; else the deck's ``url:`` (which many decks use for the event's page instead,
    so the project's setting goes first)."""
    own = deck.meta.url.split("#")[0] if deck.meta.url and deck.meta.line_of("url") else None
    if base_url:
        try:
            base = link_url(base_url)
        except ValueError as exc:
            raise DeckError(f"--base-url {exc}", hint=f"got {base_url!r}") from None
        return base.rstrip("/") + f"/{deck.slug}/"
    # A post's own url: is under its deck: map, so it is where that deck is; a deck file's may not be.
    if own and (not project_base or is_post(read_source(deck.path))):
        return own
    if project_base:
        return project_base.rstrip("/") + f"/{deck.slug}/"
    raise DeckError(
        "the post needs to know where the deck is hosted",
        path=deck.path,
        hint="set base_url in deckbuild.toml, add 'url:' to the deck's front matter (in a post, under 'deck:'), "
        "or pass --base-url",
    )


def _date(deck: Deck) -> str:
    match = _DATE.match(deck.meta.date or "")
    if not match:
        raise DeckError(
            "a post needs the deck's date (YYYY-MM-DD)",
            path=deck.path,
            line=deck.meta.line_of("date"),
            hint="add e.g. 'date: 2018-12-08' to the front matter, or name a post with --post",
        )
    return match[1]


def _post_slug(slug: str) -> str:
    """The deck's name without a leading date (the post's file name has one already)."""
    return re.sub(r"^\d{4}-\d{2}-\d{2}[-_]?", "", slug) or slug


def _blog_root(post: Path, root: Path) -> Path:
    """The Jekyll site the post is in: the folder above ``_posts/``, else the project root."""
    parent = post.absolute().parent
    while parent != parent.parent:
        if parent.name == "_posts":
            return parent.parent.resolve()
        parent = parent.parent
    return root


def _check_writable(post: Path, blog: Path) -> Path:
    """The post's path with its folder's links resolved; refused outside the blog or through a symlink."""
    if post.suffix not in (".md", ".markdown"):
        raise DeckError("a post to write must be a Markdown file (.md or .markdown)", path=post)
    where = post.absolute().parent.resolve() / post.name
    if not where.is_relative_to(blog):
        raise DeckError("is outside the blog", path=post, hint=f"name a post below {blog}")
    if where.is_symlink():
        raise DeckError("is a symlink; deckbuild does not write through links", path=post)
    if where.exists() and not where.is_file():
        raise DeckError("is not a regular file", path=post)
    if not {"_posts", "_drafts"} & set(where.parts) and not _has_layout(where):
        # e.g. a deck file: the section would become its last slide
        raise DeckError(
            "is not a Jekyll post (a file under _posts/ or _drafts/, or with 'layout:' in its front matter)",
            path=post,
            hint="name a post with --post, or leave --post out to create one in _posts/",
        )
    return where


def _has_layout(path: Path) -> bool:
    try:
        return "layout" in read_source(path).meta
    except DeckError:
        return False


def _blog_path(path: Path, blog: Path) -> str:
    """``assets/img/x.png``: where an image is in the blog, which must publish it."""
    if not is_within(path, blog):
        raise DeckError(
            f"the slide images are outside the blog, so it cannot publish them: {path.parent}",
            hint='set shots = "assets/img" in deckbuild.toml (or shots: out: in the front matter) and run shots',
        )
    return path.resolve().relative_to(blog).as_posix()


def _section(deck: Deck, url: str, images: dict[tuple[int, int], Path], blog: Path) -> str:
    """The slides section in the seed's form, markers included."""
    parts = [SLIDES_OPEN]
    title = deck.meta.title or deck.slug
    if (0, 0) not in images:
        parts.append(f'<a href="{_attr(url)}" target="_blank">{_html(title)}</a>\n')
    for (h, v), path in images.items():
        slide = deck.stacks[h].slides[v]
        href = url if (h, v) == (0, 0) else f"{url}#/{h}" + (f"/{v}" if v else "")
        alt = title if (h, v) == (0, 0) else slide_title(slide) or f"Slide {h}" + (f"/{v}" if v else "")
        image = "{{ site.url }}/" + _blog_path(path, blog)
        parts.append(f'<a href="{_attr(href)}" target="_blank">\n![{_alt(alt)}]({image})\n</a>\n')
    parts.append(SLIDES_CLOSE)
    return "\n".join(parts) + "\n"


def slide_title(slide: Slide) -> str | None:
    """A slide's own heading, as plain text."""
    for block in slide.blocks:
        for line in block.text.split("\n"):
            match = _HEADING.match(line)
            if match:
                return re.sub(r"[*_`]", "", match[1]).strip()
    return None


def _alt(text: str) -> str:
    return _no_liquid(re.sub(r"([\\\[\]])", r"\\\1", " ".join(text.split())))


def _attr(text: str) -> str:
    return _no_liquid(text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;"))


def _html(text: str) -> str:
    return _no_liquid(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def _no_liquid(text: str) -> str:
    """Braces as HTML entities: Jekyll runs Liquid over the post first, and a slide titled
    ``The {% if %} tag`` broke ``jekyll build`` (``{{ name }}`` vanished)."""
    return text.replace("{", "&#123;").replace("}", "&#125;")


def _read(post: Path) -> str:
    try:
        return post.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise DeckError("no such post", path=post, hint="check the path, or leave out --post to create one") from None
    except UnicodeDecodeError:
        raise DeckError("is not UTF-8 text", path=post) from None


def _replace_section(post: Path, text: str, section: str) -> str:
    """``text`` with its slides section replaced (or added at the end); refused when markers are unbalanced."""
    lines = text.splitlines(keepends=True)
    opens = [i for i, line in enumerate(lines) if line.strip() == SLIDES_OPEN]
    closes = [i for i, line in enumerate(lines) if line.strip() == SLIDES_CLOSE]
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    section = section.replace("\n", newline)
    if not opens and not closes:
        ending = "" if not text or text.endswith(("\n", "\r")) else newline
        return text + ending + newline + section
    if len(opens) == 1 and len(closes) == 1 and opens[0] < closes[0]:
        return "".join(lines[: opens[0]]) + section + "".join(lines[closes[0] + 1 :])
    lone = (opens + closes)[0] if len(opens) != len(closes) else (opens[1] if len(opens) > 1 else closes[0])
    raise DeckError(
        f"the slides markers are unbalanced ({len(opens)} '{SLIDES_OPEN}', {len(closes)} '{SLIDES_CLOSE}')",
        path=post,
        line=lone + 1,
        hint="keep exactly one of each, the opening one first; nothing was written",
    )


def _new_post(deck: Deck, deck_path: Path, card: Path | None, blog: Path) -> str:
    """A new post's front matter, from the deck."""
    front: dict[str, Any] = {"layout": "post", "title": deck.meta.title or deck.slug, "date": _date(deck)}
    tags = read_source(deck_path).meta.get("tags")
    if isinstance(tags, list) and all(isinstance(t, str) for t in tags):
        front["tags"] = tags
    front["published"] = False
    if card is not None and card.is_file():
        front["image"] = "/" + _blog_path(card, blog)
    dumped = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1000)
    return f"---\n{dumped}---\n"
