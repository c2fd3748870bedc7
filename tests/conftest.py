"""Shared fixtures: the project's own paths, and one real Chromium for the browser tests."""

from __future__ import annotations

import json
import os
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


def _fastest_first(items: list[pytest.Item]) -> None:
    """In mutmut's run of a mutant (`-x`, in `mutants/`), the tests that start no Chromium run first, then the test
    files cheapest first by the stats run's timings (each file whole, in pytest's order, so a module-scoped fixture
    is set up once): a killed mutant costs its cheapest killing test rather than whichever came first."""
    stats = Path("mutmut-stats.json")
    if not stats.is_file():
        return
    durations = json.loads(stats.read_text(encoding="utf-8")).get("duration_by_test", {})
    per_file: dict[str, float] = {}
    for item in items:
        per_file[item.nodeid.partition("::")[0]] = per_file.get(item.nodeid.partition("::")[0], 0.0) + durations.get(
            item.nodeid, 0.0
        )
    order = {id(item): index for index, item in enumerate(items)}
    items.sort(
        key=lambda item: (
            item.get_closest_marker("browser") is not None,
            per_file[item.nodeid.partition("::")[0]],
            order[id(item)],
        )
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`make mutation`'s first phase: with DECKBUILD_MUTATION_FAST=1, a mutant is tried by the tests that start no
    Chromium only (those not marked `browser`); its survivors are tried again by all their tests in the second phase.

    Only mutmut's runs of a mutant are narrowed (it names the mutant in MUTANT_UNDER_TEST), never its stats run, so
    the map of which test covers which function stays whole.
    """
    if "__mutmut_" not in os.environ.get("MUTANT_UNDER_TEST", ""):
        return
    _fastest_first(items)
    if os.environ.get("DECKBUILD_MUTATION_FAST") != "1":
        return
    slow = [item for item in items if item.get_closest_marker("browser") is not None]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if item.get_closest_marker("browser") is None]
