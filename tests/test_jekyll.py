"""A deck published inside a real Jekyll blog (Debian's jekyll) loads with nothing missing."""

from __future__ import annotations

import functools
import html
import http.server
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from deckbuild.cli import main

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which("jekyll") is None, reason="needs jekyll (make setup installs it)"),
]

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="red"/></svg>'


@pytest.fixture
def blog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A blog as a speaker has it: Jekyll config, a post, decks/ and assets/ in the same repository."""
    root = tmp_path / "blog"
    (root / ".git").mkdir(parents=True)
    (root / "_config.yml").write_text("title: A blog\nexclude: [decks, themes, .venv, deckbuild.toml]\n")
    (root / "index.md").write_text("---\ntitle: Home\n---\nHello.\n")
    (root / "assets" / "img").mkdir(parents=True)
    (root / "assets" / "img" / "figure.svg").write_text(SVG)
    (root / "decks").mkdir()
    (root / "decks" / "talk.md").write_text(
        "---\ntitle: A talk\ntheme: meetup-dark\n---\n# Figure\n\n![a figure](../assets/img/figure.svg)\n\n"
        "# Code\n\n```python\nprint('hi')\n```\n"
    )
    (root / "deckbuild.toml").write_text('site = "slides"\nshots = "assets/img"\n')
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def served(blog: Path) -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(blog / "_site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_deck_built_into_a_jekyll_blog_survives_jekyll_and_loads_over_http(
    blog: Path, served: str, browser: Browser
) -> None:
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    assert (blog / "slides" / "talk" / "up" / "assets" / "img" / "figure.svg").is_file()
    jekyll = subprocess.run(["jekyll", "build", "--quiet"], cwd=blog, capture_output=True, text=True, timeout=300)
    assert jekyll.returncode == 0, jekyll.stderr
    site = blog / "_site"
    assert (site / "slides" / "deckbuild-assets" / "reveal.js" / "reveal.js").is_file()
    assert not (site / "decks").exists() and not (site / "deckbuild.toml").exists()

    failed: list[str] = []
    page = browser.new_page()
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    page.goto(f"{served}/slides/talk/")
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    assert page.evaluate("Reveal.getTotalSlides()") == 3
    assert page.evaluate("document.querySelector('img[alt=\"a figure\"]').naturalWidth") == 40
    # The theme's CSS arrived: meetup-dark's background, not the browser's white.
    assert page.evaluate("getComputedStyle(document.querySelector('.reveal-viewport')).backgroundColor") != (
        "rgba(0, 0, 0, 0)"
    )
    assert page.evaluate("typeof RevealHighlight") == "function"
    page.close()
    assert failed == []


SEED_POST = Path(__file__).resolve().parent / "posts" / "2018-12-08-ml-communities.md"


def test_the_seed_post_after_build_shots_and_post_publishes_its_slide_images(blog: Path) -> None:
    """The seed's workflow end to end: the post is the deck's source; Jekyll publishes images and links."""
    (blog / "_includes" / "JB").mkdir(parents=True)
    (blog / "_includes" / "JB" / "setup").write_text("")  # the seed's Jekyll-Bootstrap include
    deck_map = (
        "deck:\n  url: /slides/2018-12-08-ml-communities/\n  theme: black\n"
        "  shots:\n    slides: 0,2,4/1\n    sizes: [600x390, 1200x630]\n"
    )
    post = blog / "_posts" / SEED_POST.name
    post.parent.mkdir()
    post.write_text(SEED_POST.read_text(encoding="utf-8").replace("layout: post\n", "layout: post\n" + deck_map, 1))
    hand_written = post.read_bytes()
    runner = CliRunner()
    for command in ("build", "shots", "post"):
        result = runner.invoke(main, [command, str(post.relative_to(blog))])
        assert result.exit_code == 0, (command, result.output)
    assert post.read_bytes().startswith(hand_written)
    jekyll = subprocess.run(
        ["jekyll", "build", "--quiet", "--unpublished"], cwd=blog, capture_output=True, text=True, timeout=300
    )
    assert jekyll.returncode == 0, jekyll.stderr
    pages = list((blog / "_site").rglob("ml-communities.html"))
    assert len(pages) == 1, pages
    html = pages[0].read_text(encoding="utf-8")
    for fragment in ("", "#/2", "#/4/1"):
        assert f'<a href="/slides/2018-12-08-ml-communities/{fragment}" target="_blank">' in html
    images = re.findall(r'<img src="(/assets/img/2018-12-08-ml-communities[^"]*)" alt="([^"]*)"', html)
    assert [alt for _, alt in images] == [
        "Building, growing and sustaining ML communities",
        "Importance of in-person communities",
        "Holding events",
    ]
    for src, _ in images:
        assert (blog / "_site" / src.lstrip("/")).is_file(), src
    assert (blog / "_site" / "slides" / "2018-12-08-ml-communities" / "index.html").is_file()


def test_liquid_in_a_slide_title_reaches_the_published_post_as_text(blog: Path) -> None:
    """Jekyll runs Liquid over a post before Markdown: `post` must not hand it a tag to run."""
    (blog / "decks" / "liquid.md").write_text(
        "---\ntitle: Liquid {{ talk }}\ndate: 2022-07-07\nshots:\n  slides: 0,1,2\n  sizes: [600x390]\n---\n"
        "# The {% if %} tag\n\n# Printing {{ name }}\n",
        encoding="utf-8",
    )
    for index in ("", "_1", "_2"):  # post needs the images to exist; their pixels are not the point here
        (blog / "assets" / "img" / f"liquid{index}_600x390.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    result = CliRunner().invoke(main, ["post", "decks/liquid.md", "--base-url", "/slides"])
    assert result.exit_code == 0, result.output
    jekyll = subprocess.run(
        ["jekyll", "build", "--quiet", "--unpublished"], cwd=blog, capture_output=True, text=True, timeout=300
    )
    assert jekyll.returncode == 0, jekyll.stderr
    (page,) = (blog / "_site").rglob("liquid.html")
    alts = re.findall(r'<img src="[^"]*" alt="([^"]*)"', page.read_text(encoding="utf-8"))
    assert [html.unescape(alt) for alt in alts] == ["Liquid {{ talk }}", "The {% if %} tag", "Printing {{ name }}"]
