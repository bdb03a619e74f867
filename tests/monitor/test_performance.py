"""The overview stays cheap once its data is cached: few queries. (Timings live in bench/.)"""

from __future__ import annotations

import pytest
from django.test import Client

from oip.evidence.baseline import load_baseline

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at")]


def test_cached_overview_needs_few_queries(
    client: Client, django_assert_max_num_queries: object
) -> None:
    load_baseline()
    client.get("/?as_of=2026-01-01")
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        assert client.get("/?as_of=2026-01-01").status_code == 200
