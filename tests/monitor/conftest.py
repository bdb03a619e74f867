"""Fixtures of the monitor's Django tests: fresh caches, and the EPPO scenario for Montenegro."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache

from oip.catalogue.schema import Catalogue
from oip.conditionality import Evaluation, evaluate
from oip.conditionality.types import Observation
from oip.standings.evaluation import clear_cache
from tests.scenario import EVENTS, import_scenario


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


RECORDED_AT = dt.datetime(2025, 10, 2, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def scenario_evaluation(catalogue: Catalogue) -> Evaluation:
    """The engine's evaluation of the scenario's observations, made without a database (the
    page builders need nothing else); observation ids follow the scenario's order from 1."""
    observations = [
        Observation("ME", benchmark, status, dt.date.fromisoformat(day), RECORDED_AT, k)  # type: ignore[arg-type]
        for k, (benchmark, status, day) in enumerate(EVENTS, start=1)
    ]
    return evaluate(catalogue, observations)
