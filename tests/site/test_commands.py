"""`oip standing`, `oip region` and `oip changes` follow DESIGN.md's formats."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.scenario import import_scenario

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def scenario(tmp_path: Path) -> None:
    import_scenario(tmp_path)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_standing_json_follows_the_contract() -> None:
    [row] = json.loads(
        run(
            "standing",
            "--as-of",
            "2025-01-09",
            "--country",
            "ME",
            "--area",
            "eppo",
            "--format",
            "json",
        )
    )
    assert {
        k: row[k]
        for k in (
            "country",
            "area",
            "as_of",
            "tier",
            "tier_name",
            "raw_tier",
            "status",
            "since",
            "notice_until",
            "next_tier",
        )
    } == {
        "country": "ME",
        "area": "eppo",
        "as_of": "2025-01-09",
        "tier": 2,
        "tier_name": "structural",
        "raw_tier": 0,
        "status": "on_notice",
        "since": "2025-01-09",
        "notice_until": "2025-04-09",
        "next_tier": 3,
    }
    assert row["missing"][0] == {
        "benchmark": "eppo.contact-points.reachable",
        "target": "eppo.contact-points",
        "who": "joint",
        "status": "not_met",
    }


def test_standing_csv_has_one_row_per_country_and_area() -> None:
    rows = list(
        csv.DictReader(io.StringIO(run("standing", "--as-of", "2025-07-01", "--format", "csv")))
    )
    assert len(rows) == 54
    me = next(r for r in rows if r["country"] == "ME" and r["area"] == "eppo")
    assert (me["tier"], me["tier_name"], me["status"], me["since"]) == (
        "3",
        "transformational",
        "stable",
        "2025-07-01",
    )


def test_standing_table_reads_for_a_person() -> None:
    text = run("standing", "--as-of", "2025-09-01", "--country", "ME", "--area", "eppo")
    lines = text.splitlines()
    assert lines[0].split() == [
        "country",
        "area",
        "tier",
        "status",
        "since",
        "notice",
        "until",
        "evidence",
        "missing",
        "for",
        "next",
    ]
    assert lines[2].split()[:9] == [
        "ME",
        "eppo",
        "2",
        "structural",
        "suspended",
        "2025-09-01",
        "-",
        "11/11",
        "assessed",
    ]


def test_known_at_before_any_import_shows_nothing() -> None:
    [row] = json.loads(
        run(
            "standing",
            "--as-of",
            "2025-07-01",
            "--known-at",
            "2000-01-01T00:00:00Z",
            "--country",
            "ME",
            "--area",
            "eppo",
            "--format",
            "json",
        )
    )
    assert (row["tier"], row["status"], row["since"]) == (0, "stable", None)


def test_unknown_area_is_an_error() -> None:
    with pytest.raises(CommandError, match="unknown country or area: nowhere"):
        run("standing", "--area", "nowhere")


def test_changes_json() -> None:
    rows = json.loads(
        run("changes", "--since", "2025-04-01", "--until", "2025-07-01", "--format", "json")
    )
    assert rows == [
        {
            "country": "ME",
            "area": "eppo",
            "on": "2025-04-09",
            "kind": "fell",
            "tier_before": 2,
            "tier_after": 0,
            "cause": ["eppo.contact-points.reachable"],
        },
        {
            "country": "ME",
            "area": "eppo",
            "on": "2025-06-01",
            "kind": "advanced",
            "tier_before": 0,
            "tier_after": 2,
            "cause": [
                "eppo.contact-points.reachable",
                "eppo.coordination-meetings-observer.attended",
            ],
        },
        {
            "country": "ME",
            "area": "eppo",
            "on": "2025-07-01",
            "kind": "advanced",
            "tier_before": 2,
            "tier_after": 3,
            "cause": [
                "eppo.regular-liaison.in-place",
                "eppo.regular-liaison.used",
                "eppo.regular-liaison.information-handling",
                "eppo.case-coordination.cases",
                "eppo.case-coordination.information-handling",
            ],
        },
    ]


def test_region_json_and_table() -> None:
    data = json.loads(run("region", "--as-of", "2025-07-01", "--format", "json"))
    eppo = next(a for a in data["areas"] if a["area"] == "eppo")
    assert (eppo["mean"], eppo["spread"], eppo["two_speed"], eppo["year_ago_mean"]) == (
        0.5,
        3,
        True,
        0.33,
    )
    text = run("region", "--as-of", "2025-07-01")
    assert text.splitlines()[0] == "Region as of 2025-07-01"
    eppo_line = next(line for line in text.splitlines() if line.startswith("eppo"))
    assert eppo_line.split() == [
        "eppo",
        "0",
        "0",
        "0",
        "3",
        "0",
        "0",
        "0.50",
        "3",
        "yes",
        "+0.17",
        "(diverging)",
    ]
