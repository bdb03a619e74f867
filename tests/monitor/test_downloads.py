"""Downloads: CSV parses, JSON equals the API for the same date, every file carries a citation."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.test import Client

from oip.site.arguments import today

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at")]

CITATION = re.compile(
    r"^OIP, (standings|evidence) as of 2025-02-01, retrieved \d{4}-\d{2}-\d{2}, http\S+\?as_of=2025-02-01$"
)


def download(client: Client, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return response


def content(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def rows(response: Any) -> list[dict[str, str]]:
    """The CSV's rows; `utf-8-sig` skips the byte-order mark the downloads start with."""
    return list(csv.DictReader(io.StringIO(content(response).decode("utf-8-sig"))))


def test_standings_json_equals_the_api_plus_citation(client: Client, scenario: None) -> None:
    body = download(client, "/downloads/standings.json?as_of=2025-02-01").json()
    api = download(client, "/api/v1/standings?as_of=2025-02-01").json()
    assert body["data"] == api
    assert body["as_of"] == "2025-02-01"
    assert CITATION.match(body["citation"])
    assert body["citation"].startswith(
        "OIP, standings as of 2025-02-01, retrieved " + today().isoformat()
    )


def test_evidence_json_equals_every_api_page(client: Client, scenario: None) -> None:
    body = download(client, "/downloads/evidence.json?as_of=2025-02-01").json()
    api = download(client, "/api/v1/evidence?as_of=2025-02-01&limit=500").json()
    assert body["data"] == api["results"]
    assert len(body["data"]) == api["count"] == 6  # observed by 2025-02-01
    assert CITATION.match(body["citation"])


def test_evidence_json_filters_by_country(client: Client, scenario: None) -> None:
    assert download(client, "/downloads/evidence.json?country=AL").json()["data"] == []
    assert client.get("/downloads/evidence.json?country=XX").status_code == 400


def test_catalogue_json_equals_the_api(client: Client, scenario: None) -> None:
    body = download(client, "/downloads/catalogue.json").json()
    assert body["data"] == download(client, "/api/v1/catalogue").json()
    assert re.match(
        r"^OIP, catalogue 2026\.2, retrieved \d{4}-\d{2}-\d{2}, http\S+$", body["citation"]
    )


def test_standings_csv_parses_one_row_per_country_and_area(
    client: Client, scenario: None, catalogue: Any
) -> None:
    response = download(client, "/downloads/standings.csv?as_of=2025-02-01")
    parsed = rows(response)
    assert len(parsed) == len(catalogue.countries) * len(catalogue.areas)
    me = next(r for r in parsed if r["country"] == "ME" and r["area"] == "eppo")
    assert (me["tier"], me["raw_tier"], me["status"], me["notice_until"], me["assessed"]) == (
        "2",
        "0",
        "on_notice",
        "2025-04-09",
        "true",
    )
    assert me["tier_name"] == "structural"
    al = next(r for r in parsed if r["country"] == "AL" and r["area"] == "eppo")
    # Not assessed reads so in every tier cell, never 0 or "none".
    assert (al["tier"], al["tier_name"], al["raw_tier"], al["score"]) == (
        "not assessed",
        "not assessed",
        "not assessed",
        "not assessed",
    )
    assert (al["assessed"], al["assessed_benchmarks"]) == ("false", "0")
    fell = rows(download(client, "/downloads/standings.csv?as_of=2025-04-10"))
    me_fell = next(r for r in fell if r["country"] == "ME" and r["area"] == "eppo")
    assert (me_fell["tier"], me_fell["tier_name"]) == ("0", "no tier yet")
    assert CITATION.match(response["X-OIP-Citation"])
    assert response["Content-Disposition"] == 'attachment; filename="oip-standings-2025-02-01.csv"'
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_evidence_csv_parses_and_starts_with_the_import_columns(
    client: Client, scenario: None
) -> None:
    response = download(client, "/downloads/evidence.csv?as_of=2025-02-01")
    parsed = rows(response)
    assert len(parsed) == 6
    assert list(parsed[0])[:10] == [
        "country",
        "benchmark",
        "status",
        "observed_on",
        "source_url",
        "source_title",
        "source_publisher",
        "source_published_on",
        "source_excerpt",
        "note",
    ]
    assert parsed[0]["source_url"] == "https://example.org/eppo"
    assert CITATION.match(response["X-OIP-Citation"])


def test_catalogue_csv_has_one_row_per_benchmark(
    client: Client, scenario: None, catalogue: Any
) -> None:
    parsed = rows(download(client, "/downloads/catalogue.csv"))
    assert len(parsed) == sum(1 for _ in catalogue.benchmarks())
    assert {r["kind"] for r in parsed} <= {
        "legal",
        "institutional",
        "operational",
        "track_record",
        "integrity",
    }


def test_downloads_page_shows_each_citation(client: Client, scenario: None) -> None:
    page = download(client, "/downloads/?as_of=2025-02-01").content.decode()
    assert "OIP, standings as of 2025-02-01, retrieved" in page
    assert "OIP, evidence as of 2025-02-01, retrieved" in page
    for name in ("standings", "evidence", "catalogue"):
        for fmt in ("csv", "json"):
            assert f'href="/downloads/{name}.{fmt}?as_of=2025-02-01"' in page


def test_bad_date_on_a_download_is_400(client: Client, scenario: None) -> None:
    assert client.get("/downloads/standings.csv?as_of=2025-02-30").status_code == 400


ATOM = "{http://www.w3.org/2005/Atom}"


def test_atom_feed_lists_changes_newest_first(client: Client, scenario: None) -> None:
    response = download(client, "/changes/feed.atom?as_of=2025-09-30&kind=standing")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    api = download(client, "/api/v1/changes?until=2025-09-30").json()
    assert len(entries) == len(api) == 7
    assert feed.findtext(f"{ATOM}updated") == "2025-09-01T00:00:00+00:00"
    first = entries[0]
    assert first.findtext(f"{ATOM}title") == (
        "Montenegro, EPPO: suspended (tier 3 · transformational → tier 2 · structural)"
    )
    link = first.find(f"{ATOM}link")
    assert link is not None
    assert link.get("href", "").endswith("/countries/ME/?as_of=2025-09-01#area-eppo")
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids)


def test_atom_feed_bad_date_is_400(client: Client, scenario: None) -> None:
    assert client.get("/changes/feed.atom?as_of=nope").status_code == 400


def test_timeline_chart_downloads(client: Client, scenario: None) -> None:
    svg = download(client, "/countries/ME/timeline.svg?as_of=2025-09-01")
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<svg')
    ET.fromstring(svg.content)  # well-formed, standalone
    png = download(client, "/countries/ME/timeline.png?as_of=2025-09-01")
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    data = rows(download(client, "/countries/ME/timeline.csv?as_of=2025-09-01"))
    eppo = [(r["date"], r["tier"]) for r in data if r["area"] == "EPPO"]
    assert eppo[-1] == ("2025-09-01", "2")
    assert ("2025-07-01", "3") in eppo
    assert client.get("/countries/XX/timeline.svg").status_code == 404


def test_divergence_chart_downloads(client: Client, scenario: None, catalogue: Any) -> None:
    data = rows(download(client, "/divergence.csv?as_of=2024-03-01"))
    assert len(data) == len(catalogue.countries) * len(catalogue.areas)
    assert {"area": "EPPO", "country": "ME", "tier": "2"} in data
    assert download(client, "/divergence.svg?as_of=2024-03-01").content.startswith(b"<?xml")


def test_json_download_is_valid_utf8_json(client: Client, scenario: None) -> None:
    raw = download(client, "/downloads/standings.json").content
    assert json.loads(raw.decode("utf-8"))["data"]
