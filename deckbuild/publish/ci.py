"""``deckbuild ci github``: a GitHub Actions workflow that keeps decks, images and the site in step.

On a pull request it builds every deck, checks them in Chromium and fails, listing them, when slide
images are stale (``shots --check`` needs no browser).  On the default branch it takes the images in
``N`` shards (a matrix; ``--shard I/N`` splits the decks by slide count, and each deck's images and
manifest come from one shard, so the artifacts merge by copying), commits them back (or uploads them
as an artifact when the token cannot push), and publishes the site with GitHub Pages' own actions.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import DeckError
from ..files import write_file
from ..settings import Settings

WORKFLOW = Path(".github/workflows/decks.yml")

_TEMPLATE = """\
# Written by `deckbuild ci github`: edit it as you like; deckbuild will not write over it.
# Pull requests: build every deck, check it in Chromium, fail if slide images are stale.
# The default branch: take the images in @SHARDS@ shard(s), commit them back, publish @SITE@/ on Pages.
name: decks

on:
  pull_request:
  push:
  workflow_dispatch:

permissions:
  contents: read

concurrency:
  group: decks-${{ github.ref }}
  cancel-in-progress: ${{ github.event_name == 'pull_request' }}  # never cut a commit-back or a deploy short

env:
  DECKBUILD: "@PACKAGE@"  # what pip installs; see docs/ci.md
  PIP_DISABLE_PIP_VERSION_CHECK: "1"

jobs:
  check:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
@INSTALL@
      - name: Build every deck
        run: deckbuild build --strict
      - name: Check the decks in Chromium
        run: deckbuild check
      - name: Are the slide images current?
        run: deckbuild shots --check

  shots:
    if: github.event_name != 'pull_request' && github.ref_name == github.event.repository.default_branch
    runs-on: ubuntu-latest
    strategy:
      fail-fast: true
      matrix:
        shard: [@SHARD_LIST@]
    steps:
      - uses: actions/checkout@v4
@INSTALL@
      - name: Take this shard's slide images
        run: deckbuild shots --shard ${{ matrix.shard }}/@SHARDS@
      - uses: actions/upload-artifact@v4
        with:
          name: shots-${{ matrix.shard }}
          path: @SHOTS@/
          include-hidden-files: true  # the manifests, one per deck
          retention-days: 1

  publish:
    needs: shots
    runs-on: ubuntu-latest
    permissions:
      contents: write
    steps:
      - uses: actions/checkout@v4
@INSTALL@
      - name: Merge the shards' images
        uses: actions/download-artifact@v4
        with:
          pattern: shots-*
          path: @SHOTS@/
          merge-multiple: true
      - name: Build the site (decks, thumbnails, index) and tidy images of decks that are gone
        run: |
          deckbuild shots
          deckbuild build
      - name: Commit the images back
        id: commit
        run: |
          git config user.name "github-actions[bot]"
          git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
          git add --all -- "@SHOTS@"
          if git diff --cached --quiet; then
            echo "No image changed."
          elif git commit -m "Update slide images (deckbuild shots)" && git push; then
            echo "Pushed the new images."
          else
            echo "pushed=no" >> "$GITHUB_OUTPUT"
            echo "::warning::the token cannot push; the images are uploaded as the slide-images artifact"
          fi
      - name: Upload the images the token could not push
        if: steps.commit.outputs.pushed == 'no'
        uses: actions/upload-artifact@v4
        with:
          name: slide-images
          path: @SHOTS@/
          include-hidden-files: true
@PAGES@

  pages:
    needs: publish
    runs-on: ubuntu-latest
    permissions:
      pages: write
      id-token: write
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""

_INSTALL = """\
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Cache pip's downloads and Playwright's Chromium
        uses: actions/cache@v4
        with:
          path: |
            ~/.cache/pip
            ~/.cache/ms-playwright
          key: deckbuild-${{ runner.os }}-${{ hashFiles('.github/workflows/decks.yml') }}
      - name: Install deckbuild and a Chromium
        run: |
          python -m pip install "$DECKBUILD"
          python -m playwright install --with-deps chromium
          deckbuild setup"""


_PAGES_SITE = """\
      - uses: actions/upload-pages-artifact@v3
        with:
          path: @SITE@/"""

# A Jekyll blog (a _config.yml at the top): Pages publishes the blog built with the decks in it, so the
# decks stay at /@SITE@/<slug>/ where the posts link to them, and the blog is still published.
_PAGES_JEKYLL = """\
      - name: Build the blog with Jekyll (the decks in @SITE@/ are published with it)
        uses: actions/jekyll-build-pages@v1
        with:
          source: ./
          destination: ./_site
      - uses: actions/upload-pages-artifact@v3
        with:
          path: _site/"""


def render_workflow(project: Settings, *, shards: int = 1, package: str = "deckbuild") -> str:
    """The workflow's text for this project's folders."""
    if not 1 <= shards <= 64:
        raise DeckError(f"--shards must be from 1 to 64, not {shards}")
    if any(c in package for c in '"\\\n$`'):
        raise DeckError("--package must be a plain pip requirement", hint=f"got {package!r}")
    root = project.root or Path.cwd()
    values = {
        # first: the Pages steps hold placeholders of their own (@SITE@)
        "@PAGES@": _PAGES_JEKYLL if (root / "_config.yml").is_file() else _PAGES_SITE,
        "@SHARDS@": str(shards),
        "@SHARD_LIST@": ", ".join(str(i) for i in range(1, shards + 1)),
        "@SITE@": _relative(project.site, root),
        "@SHOTS@": _relative(project.shots, root),
        "@PACKAGE@": package,
        "@INSTALL@": _INSTALL,
    }
    text = _TEMPLATE
    for key, value in values.items():
        text = text.replace(key, value)
    return text


def _relative(folder: Path, root: Path) -> str:
    """A project folder as the workflow names it: relative to the repository's top, plain characters."""
    where = Path(os.path.relpath(folder.absolute(), root.absolute())).as_posix()
    if where.startswith("..") or any(c in where for c in "\"'\\\n$`*?[]{}:#"):
        raise DeckError(
            f"the folder {folder} cannot be named in the workflow",
            hint="keep site and shots inside the repository, with plain names (deckbuild.toml)",
        )
    return where


def write_workflow(project: Settings, *, shards: int = 1, package: str = "deckbuild") -> Path:
    """Write ``.github/workflows/decks.yml`` at the project's root; never over an existing file."""
    root = project.root or Path.cwd()
    path = root / WORKFLOW
    text = render_workflow(project, shards=shards, package=package)
    if path.exists() or path.is_symlink():
        raise DeckError(
            "exists; deckbuild does not write over it",
            path=path,
            hint="delete or rename it first to get a new one, or edit it by hand",
        )
    for parent in (root / ".github", root / ".github" / "workflows"):
        if parent.is_symlink():
            raise DeckError("is a symlink; deckbuild does not write through links", path=parent)
    write_file(path, text.encode("utf-8"), replace=False)  # whole, and only if no file has appeared meanwhile
    return path
