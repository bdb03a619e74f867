"""`oip changes --evidence`: the changes of standing keep their contract; the evidence events
(`recorded`) join them, dated by the day recorded, oldest first."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command

from tests.scenario import import_scenario

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def recorded(tmp_path: Path) -> None:
    with time_machine.travel(dt.datetime(2025, 10, 2, 23, 30, tzinfo=dt.UTC), tick=False):
        import_scenario(tmp_path)


def test_without_evidence_the_list_is_unchanged() -> None:
    rows = json.loads(run("changes", "--until", "2025-07-31", "--format", "json"))
    assert [(r["on"], r["kind"]) for r in rows] == [
        ("2024-01-10", "advanced"),
        ("2024-03-01", "advanced"),
        ("2025-01-09", "on_notice"),
        ("2025-04-09", "fell"),
        ("2025-06-01", "advanced"),
        ("2025-07-01", "advanced"),
    ]
    assert all(
        set(r) == {"country", "area", "on", "kind", "tier_before", "tier_after", "cause"}
        for r in rows
    )


def test_evidence_events_join_the_changes_by_the_day_recorded() -> None:
    rows = json.loads(
        run(
            "changes",
            "--since",
            "2025-07-01",
            "--until",
            "2025-07-31",
            "--evidence",
            "--format",
            "json",
        )
    )
    assert rows[0] == {
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
    }
    evidence = rows[1:]
    # every observation observed by 2025-07-31 (13 of the 14: the 2025-09-01 one is later)
    assert len(evidence) == 13
    assert evidence[0] == {
        "country": "ME",
        "area": "eppo",
        "on": "2025-10-02",
        "kind": "recorded",
        "benchmark": "eppo.working-arrangement.signed",
        "status": "met",
        "observed_on": "2024-01-10",
        "observation": evidence[0]["observation"],
    }
    assert [r["observation"] for r in evidence] == sorted(r["observation"] for r in evidence)
    assert {r["kind"] for r in evidence} == {"recorded"}


def test_evidence_since_counts_the_day_recorded_and_known_at_hides_later_records() -> None:
    later = json.loads(
        run(
            "changes",
            "--since",
            "2025-08-01",
            "--until",
            "2025-10-31",
            "--evidence",
            "--format",
            "json",
        )
    )
    assert [r["kind"] for r in later] == ["suspended"] + ["recorded"] * 14
    none = json.loads(
        run(
            "changes",
            "--since",
            "2025-10-03",
            "--until",
            "2025-10-31",
            "--evidence",
            "--format",
            "json",
        )
    )
    assert none == []
    before = json.loads(
        run(
            "changes",
            "--evidence",
            "--known-at",
            "2025-10-01",
            "--country",
            "ME",
            "--format",
            "json",
        )
    )
    assert [r for r in before if r["kind"] == "recorded"] == []
    table = run("changes", "--since", "2025-10-02", "--until", "2025-07-31", "--evidence")
    assert "recorded" in table
    assert "met (observed 2024-01-10)" in table
