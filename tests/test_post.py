"""Jekyll posts as deck sources, and `deckbuild post` writing a post's slides section."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from deckbuild.build import load_deck
from deckbuild.cli import main
from deckbuild.compile.jekyll import SLIDES_CLOSE, SLIDES_OPEN

from .conftest import ROOT, SEED

SEED_POST = ROOT / "tests" / "posts" / "2018-12-08-ml-communities.md"  # the seed, as its author wrote it
HOSTING = (
    "deck:\n  url: /talks/2018-12-08-ml-communities/\n  shots:\n    slides: 0,2,4/1\n    sizes: [600x390, 1200x630]\n"
)


@pytest.fixture
def blog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "blog"
    (root / ".git").mkdir(parents=True)
    (root / "_posts").mkdir()
    (root / "deckbuild.toml").write_text('site = "talks"\nshots = "assets/img"\n')
    monkeypatch.chdir(root)
    return root


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def seed_post(blog: Path, deck_map: str = HOSTING) -> Path:
    """The seed post in the blog, with a deck: map added to its front matter."""
    text = SEED_POST.read_text(encoding="utf-8").replace("published: false\n", "published: false\n" + deck_map, 1)
    path = blog / "_posts" / SEED_POST.name
    path.write_text(text, encoding="utf-8")
    return path


def fake_shots(blog: Path, slug: str, names: tuple[str, ...] = ("", "_2", "_4-1")) -> None:
    """Stand-ins for what `shots` writes (post only needs the files to exist)."""
    folder = blog / "assets" / "img"
    folder.mkdir(parents=True, exist_ok=True)
    for index in names:
        for size in ("600x390", "1200x630"):
            (folder / f"{slug}{index}_{size}.png").write_bytes(b"png")


def shape(path: Path) -> list[list[str]]:
    deck, _ = load_deck(path)
    return [
        [slide.blocks[0].text.split("\n")[0] if slide.blocks else slide.kind for slide in s.slides] for s in deck.stacks
    ]


def test_the_seed_post_builds_the_seed_deck(blog: Path) -> None:
    post = blog / "_posts" / SEED_POST.name
    shutil.copyfile(SEED_POST, post)  # as it is: no deck: map, Jekyll's keys, the '!-->' closer
    deck, _ = load_deck(post)
    assert deck.slide_count == 8 and deck.mode == "outline"
    assert shape(post) == shape(SEED)
    assert deck.meta.title == "Building, growing and sustaining ML communities"  # the post's own
    assert deck.meta.author == "Martin Andrews" and deck.meta.date == "2018-12-08"
    assert deck.warnings == ()  # layout, tags, tagline, category, published: Jekyll's business
    assert deck.slug == "2018-12-08-ml-communities"
    first = deck.stacks[1].slides[0]
    assert (
        first.line
        == SEED_POST.read_text().split("\n").index("  What Libraries & Frameworks can do to widen their appeal") + 1
    )
    result = run("build", str(post))
    assert result.exit_code == 0, result.output
    assert "(8 slides)" in result.output


def test_a_post_with_no_outline_and_no_deck_map_says_what_to_add(blog: Path) -> None:
    post = blog / "_posts" / "2024-01-01-x.md"
    post.write_text("---\nlayout: post\ntitle: X\n---\nJust a post.\n")
    result = run("build", str(post))
    assert result.exit_code == 1
    assert "_posts/2024-01-01-x.md:5: this Jekyll post holds no deck" in result.output
    assert "HTML comment" in result.output and "'deck:' map" in result.output


def test_the_deck_map_is_validated_at_its_lines(blog: Path) -> None:
    post = seed_post(blog, "deck:\n  theme: black\n  transition: wobble\n")
    result = run("build", str(post))
    assert result.exit_code == 1
    assert "2018-12-08-ml-communities.md:15: 'transition' must be one of" in result.output
    post = seed_post(blog, "deck:\n  thme: black\n")
    result = run("build", str(post))
    assert "md:14: unknown front-matter key 'thme' (did you mean 'theme'?)" in result.output
    post = seed_post(blog, "deck:\n  slug: ../../etc\n")
    result = run("build", str(post))
    assert "md:14: 'deck: slug' must be a plain folder name" in result.output
    post = seed_post(blog, "deck: black\n")
    assert "md:13: 'deck' must be a map" in run("build", str(post)).output


def test_the_deck_map_overrides_the_post_and_names_the_deck(blog: Path) -> None:
    post = seed_post(blog, "deck:\n  title: Growing ML communities\n  slug: mloss\n  theme: white\n")
    deck, look = load_deck(post)
    assert (deck.slug, deck.meta.title, look.theme.name) == ("mloss", "Growing ML communities", "white")
    assert run("build", str(post)).exit_code == 0
    assert (blog / "talks" / "mloss" / "index.html").is_file()


def test_a_deck_map_without_a_comment_makes_the_post_text_the_deck(blog: Path) -> None:
    post = blog / "_posts" / "2024-01-01-x.md"
    post.write_text(
        "---\nlayout: post\ntitle: X\ndeck:\n  theme: black\n---\n{% include JB/setup %}\n# One\n\ntext\n\n# Two\n\n"
        f"{SLIDES_OPEN}\n# Not a slide\n{SLIDES_CLOSE}\n"
    )
    deck, _ = load_deck(post)
    assert [s.slides[0].blocks[0].text.split("\n")[0] for s in deck.stacks[1:]] == ["# One", "# Two"]
    assert "include" not in str(deck.stacks)


def test_post_twice_changes_nothing_and_keeps_the_hand_written_text(blog: Path) -> None:
    post = seed_post(blog)
    fake_shots(blog, "2018-12-08-ml-communities")
    original = post.read_bytes()
    first = run("post", str(post))
    assert first.exit_code == 0, first.output
    assert first.output.startswith("updated: ")
    written = post.read_bytes()
    assert written.startswith(original)  # everything the author wrote, byte for byte
    section = written[len(original) :].decode()
    assert section.count(SLIDES_OPEN) == 1 and section.rstrip().endswith(SLIDES_CLOSE)
    assert '<a href="/talks/2018-12-08-ml-communities/#/4/1" target="_blank">\n![Holding events]' in section
    assert "({{ site.url }}/assets/img/2018-12-08-ml-communities_2_600x390.png)" in section
    assert "![Building, growing and sustaining ML communities]" in section
    # Text after the section, added by hand, stays; a second run changes no byte.
    post.write_bytes(written + b"\nMore words after.\n")
    before = post.read_bytes()
    mtime = post.stat().st_mtime_ns
    second = run("post", str(post))
    assert second.exit_code == 0 and second.output.startswith("unchanged: ")
    assert post.read_bytes() == before and post.stat().st_mtime_ns == mtime


def test_post_replaces_only_what_is_between_the_markers(blog: Path) -> None:
    post = seed_post(blog)
    fake_shots(blog, "2018-12-08-ml-communities")
    head, tail = "A hand-written start.\n\n", "\n{% comment %} the end {% endcomment %}\n"
    text = post.read_text() + head + f"{SLIDES_OPEN}\nold stuff\n{SLIDES_CLOSE}\n" + tail
    post.write_text(text)
    assert run("post", str(post)).exit_code == 0
    new = post.read_text()
    assert "old stuff" not in new
    assert new.startswith(text[: text.index(SLIDES_OPEN)]) and new.endswith(tail)


@pytest.mark.parametrize(
    "markers, line",
    [
        (f"{SLIDES_OPEN}\n", 1),
        (f"{SLIDES_CLOSE}\n", 1),
        (f"{SLIDES_CLOSE}\n{SLIDES_OPEN}\n", 1),
        (f"{SLIDES_OPEN}\n{SLIDES_CLOSE}\n{SLIDES_OPEN}\n{SLIDES_CLOSE}\n", 3),
    ],
)
def test_unbalanced_markers_are_refused_where_they_are(blog: Path, markers: str, line: int) -> None:
    post = seed_post(blog)
    fake_shots(blog, "2018-12-08-ml-communities")
    post.write_text(post.read_text() + markers)
    before = post.read_bytes()
    total = before.decode().count("\n") - markers.count("\n")
    result = run("post", str(post))
    assert result.exit_code == 1
    assert f"2018-12-08-ml-communities.md:{total + line}: the slides markers are unbalanced" in result.output
    assert post.read_bytes() == before


def test_post_needs_the_images_and_the_deck_url(blog: Path) -> None:
    post = seed_post(blog)
    result = run("post", str(post))
    assert result.exit_code == 1 and "the slide images are not taken yet" in result.output
    assert "run: deckbuild shots" in result.output
    post = seed_post(blog, "deck:\n  shots:\n    slides: '0'\n    sizes: [600x390]\n")
    fake_shots(blog, "2018-12-08-ml-communities", ("",))
    result = run("post", str(post))
    assert result.exit_code == 1 and "needs to know where the deck is hosted" in result.output
    result = run("post", str(post), "--base-url", "https://talks.example.org/")
    assert result.exit_code == 0, result.output
    assert '<a href="https://talks.example.org/2018-12-08-ml-communities/" target="_blank">' in post.read_text()
    assert run("post", str(post), "--base-url", "javascript:alert(1)").exit_code == 1


def test_post_of_a_deck_file_creates_the_post(blog: Path) -> None:
    (blog / "decks").mkdir()
    deck = blog / "decks" / "2024-05-01_talk.md"
    deck.write_text(
        "---\ntitle: 'A talk: with a colon'\ndate: 2024-05-01\ntags: [python, slides]\nurl: https://me.example/talk/\n"
        "shots:\n  slides: 0,1\n  sizes: [600x390, 1200x630]\n---\n# Hello\n\n---\n\n# Second *slide*\n"
    )
    fake_shots(blog, "2024-05-01_talk", ("", "_1"))
    result = run("post", str(deck))
    assert result.exit_code == 0, result.output
    post = blog / "_posts" / "2024-05-01-talk.md"
    assert result.output == "created: _posts/2024-05-01-talk.md\n"
    text = post.read_text()
    front = yaml.safe_load(text.split("---\n")[1])
    assert front == {
        "layout": "post",
        "title": "A talk: with a colon",
        "date": "2024-05-01",
        "tags": ["python", "slides"],
        "published": False,
        "image": "/assets/img/2024-05-01_talk_1200x630.png",
    }
    assert "![Second slide]({{ site.url }}/assets/img/2024-05-01_talk_1_600x390.png)" in text
    assert '<a href="https://me.example/talk/#/1" target="_blank">' in text
    again = run("post", str(deck))
    assert again.output == "unchanged: _posts/2024-05-01-talk.md\n" and post.read_text() == text


def test_posts_with_a_deck_map_are_decks_of_whole_project_runs(blog: Path) -> None:
    """A plain `build` (and shots, pdf, check) must not remove a post's deck as 'gone'."""
    seed_post(blog)
    (blog / "_posts" / "2020-01-01-ordinary.md").write_text(
        "---\nlayout: post\ntitle: Hi\n---\n<!--\nnot a\ndeck\n-->\n"
    )
    assert run("build", f"_posts/{SEED_POST.name}").exit_code == 0
    built = blog / "talks" / "2018-12-08-ml-communities" / "index.html"
    assert built.is_file()
    # no decks/ folder: the deck posts are the project's decks, ordinary posts are left out
    result = run("build")
    assert result.exit_code == 0, result.output
    assert built.is_file() and sorted(p.name for p in (blog / "talks").iterdir() if p.is_dir()) == [
        "2018-12-08-ml-communities",
        "deckbuild-assets",
    ]
    # with a decks/ folder too, both are built and neither is removed
    (blog / "decks").mkdir()
    (blog / "decks" / "other.md").write_text("# Other\n")
    result = run("build")
    assert result.exit_code == 0, result.output
    assert built.is_file() and (blog / "talks" / "other" / "index.html").is_file()
    check = run("shots", "--check")
    assert "2018-12-08-ml-communities_600x390.png" in check.output and "other_960x700.png" in check.output


def test_post_refuses_to_write_into_a_file_that_is_no_post(blog: Path) -> None:
    (blog / "decks").mkdir()
    deck = blog / "decks" / "x.md"
    deck.write_text("---\ntitle: X\ndate: 2024-03-15\nshots:\n  slides: 0\n  sizes: [600x390]\n---\n# One\n")
    fake_shots(blog, "x", names=("",))
    before = deck.read_bytes()
    result = run("post", "decks/x.md", "--base-url", "/talks", "--post", "decks/x.md")
    assert result.exit_code == 1
    assert "decks/x.md: is not a Jekyll post" in result.output and "Traceback" not in result.output
    assert deck.read_bytes() == before
    page = blog / "about.md"  # a page of the blog with a layout is a fine place for the section
    page.write_text("---\nlayout: page\n---\nAbout me.\n", encoding="utf-8")
    assert run("post", "decks/x.md", "--base-url", "/talks", "--post", "about.md").exit_code == 0
    assert page.read_text(encoding="utf-8").startswith(
        "---\nlayout: page\n---\nAbout me.\n"
    ) and SLIDES_OPEN in page.read_text(encoding="utf-8")


def test_where_decks_are_hosted_comes_from_the_project_before_a_decks_own_url(blog: Path) -> None:
    """The seed deck's url: is the event's page: links to '<it>#/2' would lead there, not to the slide."""
    (blog / "deckbuild.toml").write_text('site = "talks"\nshots = "assets/img"\nbase_url = "/talks"\n')
    (blog / "decks").mkdir()
    (blog / "decks" / "x.md").write_text(
        "---\ntitle: X\ndate: 2024-03-15\nurl: https://nips.cc/schedule?event=1\n"
        "shots:\n  slides: 0,1\n  sizes: [600x390]\n---\n# One\n\n# Two\n"
    )
    fake_shots(blog, "x", names=("", "_1"))
    assert run("post", "decks/x.md").exit_code == 0
    (created,) = (blog / "_posts").glob("*-x.md")
    assert '<a href="/talks/x/#/1" target="_blank">' in created.read_text(encoding="utf-8")
    assert "nips.cc" not in created.read_text(encoding="utf-8")
    post = seed_post(blog, HOSTING.replace("/talks/", "/elsewhere/"))  # a post's deck: url: is where that deck is
    fake_shots(blog, "2018-12-08-ml-communities")
    assert run("post", str(post)).exit_code == 0
    assert '<a href="/elsewhere/2018-12-08-ml-communities/#/4/1"' in post.read_text(encoding="utf-8")
    (blog / "deckbuild.toml").write_text('base_url = "javascript:alert(1)"\n')
    bad = run("post", "decks/x.md")
    assert (
        bad.exit_code == 1
        and "deckbuild.toml:1: 'base_url' must be an http, https, mailto or relative link" in bad.output
    )
