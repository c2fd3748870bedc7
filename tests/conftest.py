"""Shared fixtures: the project's own paths, and one real Chromium for the browser tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "decks" / "2018-12-08_NeurIPS_MLOSS.md"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole test session, found as deckbuild finds it."""
    from deckbuild.browser.session import open_browser

    with open_browser() as launched:
        yield launched
