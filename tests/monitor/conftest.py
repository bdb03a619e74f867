"""Fixtures of the monitor's Django tests: fresh caches, and the EPPO scenario for Montenegro."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache

from oip.standings.evaluation import clear_cache
from tests.scenario import import_scenario


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    # Rolled-back test transactions can reuse row ids, and so the data_version cache keys.
    cache.clear()
    clear_cache()
    yield
    cache.clear()
    clear_cache()


@pytest.fixture
def scenario(db: None, tmp_path: Path) -> None:
    """Montenegro's EPPO history (tests/scenario.py): tier 1, 2, on notice, fell, 3, suspended."""
    import_scenario(tmp_path)
