"""The overview is fast once its data is cached: p95 of 50 requests, and few queries."""

from __future__ import annotations

import statistics
import time

import pytest
from django.test import Client

from oip.evidence.baseline import load_baseline

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at")]


def test_overview_p95_within_100ms_on_the_baseline(client: Client) -> None:
    load_baseline()
    assert client.get("/").status_code == 200  # warm: evaluation, page data, chart
    timings = []
    for _ in range(50):
        start = time.perf_counter()
        response = client.get("/")
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200
    p95 = statistics.quantiles(timings, n=20)[-1]
    assert p95 <= 0.100, f"overview p95 {p95 * 1000:.1f} ms"


def test_cached_overview_needs_few_queries(
    client: Client, django_assert_max_num_queries: object
) -> None:
    load_baseline()
    client.get("/?as_of=2026-01-01")
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        assert client.get("/?as_of=2026-01-01").status_code == 200
