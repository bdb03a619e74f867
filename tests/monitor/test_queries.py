"""Exact query counts of every list page and download: built cold, then served from the cache.

A cold build is the first request after an import (every cache empty, the catalogue already
parsed once in this process). The counts are exact so that a query added by accident (an
N+1 over countries, areas or observations) fails here. The queries of a cold build:
- 1 data version; 1 catalogue version per read that needs the catalogue (the view, the read
  call, the engine's evaluation);
- 1 for the engine's whole input (every observation), on pages that show standings;
- the page's own rows (a country's evidence: first observation, the newest rows, their count,
  the context notes; a target's observations);
- 2 for the footer's "data last updated" on HTML pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from oip.catalogue.fetch import current_catalogue
from oip.standings.evaluation import clear_cache
from oip.standings.version import forget_data_version
from tests.scenario import import_scenario

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at")]

# url -> (queries of a cold build, queries of the same request served again)
COUNTS = {
    "/": (6, 0),
    "/changes/": (8, 0),  # + the evidence events (1)
    "/changes/feed.atom": (6, 2),  # not page-cached: the filters' and the read's catalogue
    "/countries/ME/": (11, 0),  # + the observations its states rest on, for their sources (1)
    "/areas/eppo/": (6, 0),
    "/targets/eppo.working-arrangement/": (7, 0),
    "/methodology/": (4, 0),
    "/downloads/": (4, 0),
    "/downloads/standings.csv": (6, 0),
    "/downloads/standings.json": (5, 0),
    "/downloads/evidence.csv": (4, 3),  # streamed, so never page-cached
    "/downloads/evidence.json": (4, 0),
    "/downloads/catalogue.csv": (3, 0),
    "/downloads/catalogue.json": (3, 0),
    "/downloads/standings.zip": (6, 0),
    "/downloads/evidence.zip": (4, 3),  # streamed, like the evidence CSV
    "/downloads/catalogue.zip": (3, 0),
    "/about/": (3, 0),
    "/divergence.csv": (4, 0),
    "/countries/ME/timeline.csv": (5, 0),
}


def _get(client: Client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]


@pytest.mark.parametrize(("url", "counts"), COUNTS.items())
def test_page_and_download_queries_are_exact(
    client: Client,
    tmp_path: Path,
    settings: Any,
    django_assert_num_queries: DjangoAssertNumQueries,
    url: str,
    counts: tuple[int, int],
) -> None:
    import_scenario(tmp_path)
    current_catalogue()  # parsed once per process: not part of a page's cost
    # The data version is memoised for a TTL; a long one keeps a slow machine's count exact.
    settings.OIP_DATA_VERSION_TTL = 3600
    cache.clear()
    clear_cache()
    forget_data_version()
    cold, again = counts
    with django_assert_num_queries(cold):
        first = _get(client, f"{url}?as_of=2025-09-01")
    with django_assert_num_queries(again):
        assert _get(client, f"{url}?as_of=2025-09-01") == first
