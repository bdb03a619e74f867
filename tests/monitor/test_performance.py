"""The overview stays cheap once cached: no query at all. (Timings live in bench/.)"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from oip.evidence.baseline import load_baseline

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at")]


def test_cached_overview_needs_no_query(
    client: Client, settings: Any, django_assert_num_queries: Any
) -> None:
    load_baseline()
    # The data version is memoised for a TTL; a long one keeps a slow machine's count exact.
    settings.OIP_DATA_VERSION_TTL = 3600
    client.get("/?as_of=2026-01-01")
    with django_assert_num_queries(0):
        assert client.get("/?as_of=2026-01-01").status_code == 200
