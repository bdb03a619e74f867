"""The read-only JSON API against a real database, following the EPPO scenario."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.scenario import import_scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(tmp_path: Path) -> None:
    import_scenario(tmp_path)


def get(client: Client, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()


def me_eppo(client: Client, as_of: str) -> dict[str, Any]:
    [row] = get(client, f"/api/v1/standings?country=ME&area=eppo&as_of={as_of}")
    return row


@pytest.mark.parametrize(
    ("as_of", "tier", "raw_tier", "status", "since", "notice_until"),
    [
        ("2024-01-09", 0, 0, "stable", None, None),
        ("2024-01-10", 1, 1, "stable", "2024-01-10", None),
        ("2024-03-01", 2, 2, "stable", "2024-03-01", None),
        ("2025-01-08", 2, 2, "stable", "2024-03-01", None),
        ("2025-01-09", 2, 0, "on_notice", "2025-01-09", "2025-04-09"),
        ("2025-04-08", 2, 0, "on_notice", "2025-01-09", "2025-04-09"),
        ("2025-04-09", 0, 0, "stable", "2025-04-09", None),
        ("2025-06-01", 2, 2, "stable", "2025-06-01", None),
        ("2025-07-01", 3, 3, "stable", "2025-07-01", None),
        ("2025-09-01", 2, 2, "suspended", "2025-09-01", None),
    ],
)
def test_scenario_standings(
    client: Client,
    scenario: None,
    as_of: str,
    tier: int,
    raw_tier: int,
    status: str,
    since: str | None,
    notice_until: str | None,
) -> None:
    row = me_eppo(client, as_of)
    assert (row["tier"], row["raw_tier"], row["status"], row["since"], row["notice_until"]) == (
        tier,
        raw_tier,
        status,
        since,
        notice_until,
    )


def test_standing_explains_what_is_missing_and_who_must_act(client: Client, scenario: None) -> None:
    row = me_eppo(client, "2025-01-09")
    assert row["tier_name"] == "structural"
    assert row["next_tier"] == 3
    # Catalogue 2026.2: the lapsed contact-point test is expired (never "not met"); the
    # information-handling benchmarks are presumed (no breach recorded), so not missing; the
    # regular liaison's response times (C2) are not assessed.
    assert [(m["benchmark"], m["who"], m["status"]) for m in row["missing"]] == [
        ("eppo.contact-points.reachable", "joint", "expired"),
        ("eppo.regular-liaison.in-place", "joint", "unknown"),
        ("eppo.regular-liaison.used", "joint", "unknown"),
        ("eppo.regular-liaison.response-times", "country", "unknown"),
        ("eppo.case-coordination.cases", "joint", "unknown"),
    ]
    # 13 benchmarks, 3 presumed left out of the score: 5 met of 10 counted.
    assert (row["score"], row["change_12m"], row["assessed"], row["not_assessed"]) == (
        50.0,
        None,  # a year earlier nothing was recorded: no change to compute
        {"benchmarks": 13, "with_evidence": 6},
        False,
    )
    assert [
        (p["tier"], p["targets"], p["achieved"], p["core"], p["core_achieved"])
        for p in row["progress"]
    ] == [(1, 2, 1, 2, 1), (2, 2, 2, 0, 0), (3, 2, 0, 0, 0)]
    assert row["progress"][0]["benchmarks"] == {
        "met": 2,
        "partial": 0,
        "not_met": 0,
        "expired": 1,
        "not_applicable": 0,
        "presumed": 1,
        "unknown": 0,
    }


def test_suspension_names_the_integrity_benchmark(client: Client, scenario: None) -> None:
    row = me_eppo(client, "2025-09-01")
    assert row["suspended_by"] == ["eppo.case-coordination.information-handling"]


def test_changes_feed(client: Client, scenario: None) -> None:
    rows = get(client, "/api/v1/changes?country=ME&area=eppo&until=2026-11-21")
    assert [(c["on"], c["kind"], c["tier_before"], c["tier_after"]) for c in rows] == [
        ("2024-01-10", "advanced", 0, 1),
        ("2024-03-01", "advanced", 1, 2),
        ("2025-01-09", "on_notice", 2, 2),
        ("2025-04-09", "fell", 2, 0),
        ("2025-06-01", "advanced", 0, 2),
        ("2025-07-01", "advanced", 2, 3),
        ("2025-09-01", "suspended", 3, 2),
        # 2026-03-01: the joint training expires, but the observer target alone meets EPPO's
        # quorum (0.5) at tier 2: no change. 2026-06-01: the contact-point test expires and
        # contact points are core, so the raw tier is 0; suspended, the held tier follows the
        # raw tier at once (no grace period).
        ("2026-06-01", "fell", 2, 0),
    ]
    assert rows[2]["cause"] == ["eppo.contact-points.reachable"]
    assert rows[6]["cause"] == ["eppo.case-coordination.information-handling"]


def test_changes_filter_by_kind_and_since(client: Client, scenario: None) -> None:
    rows = get(client, "/api/v1/changes?kind=advanced&since=2025-01-01&until=2026-11-21")
    assert [(c["country"], c["on"]) for c in rows] == [("ME", "2025-06-01"), ("ME", "2025-07-01")]


def test_standings_list_every_country_and_area(client: Client, scenario: None) -> None:
    rows = get(client, "/api/v1/standings?as_of=2026-01-01")
    assert len(rows) == 6 * 9
    assert (rows[0]["country"], rows[0]["area"]) == ("AL", "cyber")


def test_evidence_is_filterable_and_paginated(client: Client, scenario: None) -> None:
    page = get(client, "/api/v1/evidence?country=ME&area=eppo&limit=2&offset=1")
    assert (page["count"], page["limit"], page["offset"]) == (14, 2, 1)
    assert [r["observed_on"] for r in page["results"]] == ["2025-07-01", "2025-07-01"]
    assert page["results"][0]["source"]["publisher"] == "EPPO"
    past = get(client, "/api/v1/evidence?country=ME&as_of=2024-02-01")
    assert past["count"] == 3


def test_region_reports_divergence(client: Client, scenario: None) -> None:
    data = get(client, "/api/v1/region?as_of=2025-07-01")
    eppo = next(a for a in data["areas"] if a["area"] == "eppo")
    assert eppo["tiers"] == {"AL": 0, "BA": 0, "XK": 0, "ME": 3, "MK": 0, "RS": 0}
    # Only ME has evidence: the others are not assessed and enter no mean or spread.
    assert eppo["not_assessed"] == ["AL", "BA", "XK", "MK", "RS"]
    assert (eppo["mean"], eppo["spread"], eppo["two_speed"]) == (3.0, 0, False)
    # ME: 11 of the 12 benchmarks counted are met (the contact points' information handling is
    # presumed, left out; the C2 response times are not assessed).
    assert (eppo["scores"]["ME"], eppo["score_mean"], eppo["score_spread"]) == (91.7, 91.7, 0.0)


def test_known_at_reproduces_what_was_known(client: Client, scenario: None, tmp_path: Path) -> None:
    before = get(client, "/api/v1/standings?country=ME&area=eppo&as_of=2025-09-01")
    recorded_at = get(client, "/api/v1/evidence?country=ME&limit=1")["results"][0]["recorded_at"]
    later = tmp_path / "later.yaml"
    later.write_text(
        "observations:\n  - {country: ME, benchmark: eppo.case-coordination.information-handling, status: met, "
        "observed_on: 2025-08-30, source: {url: 'https://example.org/fix', title: Correction, publisher: EPPO}}\n",
        encoding="utf-8",
    )
    from oip.evidence.actions import import_evidence

    import_evidence([later], recorded_by="test")
    from urllib.parse import quote

    again = get(
        client,
        f"/api/v1/standings?country=ME&area=eppo&as_of=2025-09-01&known_at={quote(recorded_at)}",
    )
    assert again == before


def test_unknown_country_is_404(client: Client) -> None:
    response = client.get("/api/v1/standings?country=FR")
    assert response.status_code == 404
    assert response.json() == {"detail": "unknown country 'FR'"}


def test_bad_date_is_422(client: Client) -> None:
    assert client.get("/api/v1/standings?as_of=2025-13-01").status_code == 422


def test_api_is_read_only(client: Client) -> None:
    assert client.post("/api/v1/standings").status_code == 405


def test_openapi_schema_lists_the_endpoints(client: Client) -> None:
    schema = get(client, "/api/v1/openapi.json")
    assert set(schema["paths"]) == {
        "/api/v1/catalogue",
        "/api/v1/standings",
        "/api/v1/region",
        "/api/v1/changes",
        "/api/v1/evidence",
        "/api/v1/context-notes",
        # The liaison exchange (tests/exchange/test_api.py).
        "/api/v1/exchange/templates",
        "/api/v1/exchange/notifications",
        "/api/v1/exchange/notifications/{notification_id}",
        "/api/v1/exchange/notifications/{notification_id}/stages/{stage}",
        "/api/v1/exchange/notifications/{notification_id}/ack",
        "/api/v1/exchange/notifications/{notification_id}/responses",
        "/api/v1/exchange/notifications/{notification_id}/requests",
        "/api/v1/exchange/notifications/{notification_id}/withdraw",
        "/api/v1/exchange/inbox",
        "/api/v1/exchange/access",
        "/api/v1/exchange/reachability-tests/{test_id}/answer",
        "/api/v1/exchange/notifications/{notification_id}/export",
        "/api/v1/exchange/recalls",
        "/api/v1/exchange/recalls/{recall_id}/attestation",
        "/api/v1/exchange/designations",
        "/api/v1/exchange/designations/{contact_point}/confirm",
    } | {p for p in schema["paths"] if p.startswith("/api/v1/exchange-")}


def test_api_docs_load_nothing_from_the_internet(client: Client) -> None:
    import re

    page = client.get("/api/v1/docs").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets == [
        "/static/ninja/swagger-ui.css",
        "/static/ninja/favicon.svg",
        "/static/ninja/favicon.png",
        "/static/ninja/swagger-ui-bundle.js",
        "/static/ninja/swagger-ui-init.js",
    ]
