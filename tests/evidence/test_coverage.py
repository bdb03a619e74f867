"""Coverage (assessed vs not assessed, by status) and the review list of old or undated sources."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command

from oip.evidence.actions import import_evidence
from oip.evidence.review import review
from oip.standings.coverage import CoverageRow, coverage
from oip.standings.evaluation import clear_cache

pytestmark = pytest.mark.django_db

EVIDENCE = """
observations:
  - country: ME
    benchmark: eppo.working-arrangement.signed
    status: met
    observed_on: 2022-09-22
    source: {url: "https://example.org/wa", title: Working arrangement, publisher: eucrim, published_on: 2022-10-12, excerpt: signed}
  - country: ME
    benchmark: eppo.contact-points.designated
    status: not_met
    observed_on: 2023-01-10
    source: {url: "https://example.org/cp", title: No contact point, publisher: NGO, published_on: n.d., excerpt: none yet}
  - country: ME
    benchmark: eppo.contact-points.reachable
    status: met
    observed_on: 2020-01-01
    source: {url: "", title: Reachability test, publisher: EPPO, published_on: 2020-01-05, excerpt: answered}
  - country: BA
    benchmark: eppo.working-arrangement.signed
    status: partial
    observed_on: 2024-05-01
    source: {url: "https://example.org/ba", title: Negotiations, publisher: Press, published_on: 2025-06-01, excerpt: initialled}
"""


@pytest.fixture(autouse=True)
def _imported(tmp_path: Path) -> Iterator[None]:
    clear_cache()
    path = tmp_path / "evidence.yaml"
    path.write_text(EVIDENCE, encoding="utf-8")
    result = import_evidence([path], recorded_by="test")
    assert result.created == 4
    yield
    clear_cache()


def row(rows: list[CoverageRow], country: str, area: str) -> CoverageRow:
    return next(r for r in rows if (r.country, r.area) == (country, area))


def test_one_row_per_country_and_area_in_catalogue_order() -> None:
    rows = coverage(dt.date(2025, 1, 1))
    assert len(rows) == 54
    assert [(r.country, r.area) for r in rows[:2]] == [("AL", "cyber"), ("AL", "fdi")]
    assert (rows[-1].country, rows[-1].area) == ("RS", "financial-integrity")


def test_counts_by_status_at_the_date() -> None:
    me = row(coverage(dt.date(2025, 1, 1)), "ME", "eppo")
    assert me == CoverageRow(
        country="ME",
        area="eppo",
        as_of=dt.date(2025, 1, 1),
        benchmarks=13,  # catalogue 2026.2: C1 and C2 added
        with_evidence=3,
        unknown=7,
        met=1,
        partial=0,
        not_met=1,  # the recorded not_met; the met lapsed after its 365 days is expired
        not_applicable=0,
        lapsed=1,
        newest=dt.date(2023, 1, 10),
        expired=1,
        presumed=3,  # the three information-handling benchmarks: no breach recorded
    )
    ba = row(coverage(dt.date(2025, 1, 1)), "BA", "eppo")
    assert (ba.with_evidence, ba.unknown, ba.partial, ba.newest) == (1, 9, 1, dt.date(2024, 5, 1))


def test_observations_after_the_date_do_not_count() -> None:
    rows = coverage(dt.date(2022, 1, 1))
    me = row(rows, "ME", "eppo")
    assert (me.with_evidence, me.unknown, me.not_met, me.expired, me.lapsed) == (1, 9, 0, 1, 1)
    assert me.newest == dt.date(2020, 1, 1)
    ba = row(rows, "BA", "eppo")
    assert (ba.with_evidence, ba.unknown, ba.newest) == (0, 10, None)


def test_not_assessed_is_distinct_from_not_met() -> None:
    rows = coverage(dt.date(2025, 1, 1))
    al = row(rows, "AL", "eppo")
    assert (al.benchmarks, al.with_evidence, al.unknown, al.not_met) == (13, 0, 10, 0)
    me = row(rows, "ME", "eppo")
    assert (me.not_met, me.expired, me.unknown) == (1, 1, 7)
    for r in rows:
        assert r.benchmarks == r.with_evidence + r.unknown + r.presumed
        assert r.with_evidence == r.met + r.partial + r.not_met + r.expired + r.not_applicable


def test_review_lists_undated_first_then_oldest() -> None:
    rows = review(730, dt.date(2025, 1, 1))
    assert [(r.country, r.benchmark, r.published_on, r.age_days) for r in rows] == [
        ("ME", "eppo.contact-points.designated", None, None),
        ("ME", "eppo.contact-points.reachable", dt.date(2020, 1, 5), 1823),
        ("ME", "eppo.working-arrangement.signed", dt.date(2022, 10, 12), 812),
    ]
    first = rows[0]
    assert (first.status, first.source_title, first.source_url, first.source_publisher) == (
        "not_met",
        "No contact point",
        "https://example.org/cp",
        "NGO",
    )
    assert [r.benchmark for r in review(1000, dt.date(2025, 1, 1))] == [
        "eppo.contact-points.designated",
        "eppo.contact-points.reachable",
    ]


def test_review_rejects_a_negative_age() -> None:
    with pytest.raises(ValueError, match="older_than_days"):
        review(-1, dt.date(2025, 1, 1))


def test_coverage_command_json_and_table() -> None:
    out = io.StringIO()
    call_command("evidence", "coverage", "--as-of", "2025-01-01", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    me = next(r for r in data if (r["country"], r["area"]) == ("ME", "eppo"))
    assert me == {
        "country": "ME",
        "area": "eppo",
        "as_of": "2025-01-01",
        "benchmarks": 13,
        "with_evidence": 3,
        "unknown": 7,
        "met": 1,
        "partial": 0,
        "not_met": 1,
        "not_applicable": 0,
        "lapsed": 1,
        "newest": "2023-01-10",
        "expired": 1,
        "presumed": 3,
    }
    out = io.StringIO()
    call_command("evidence", "coverage", "--as-of", "2025-01-01", stdout=out)
    line = next(x for x in out.getvalue().splitlines() if x.startswith("ME       eppo"))
    assert line.split() == [
        "ME",
        "eppo",
        "13",
        "3",
        "7",
        "1",
        "0",
        "1",
        "1",
        "0",
        "3",
        "2023-01-10",
    ]


def test_review_command_json() -> None:
    out = io.StringIO()
    call_command("evidence", "review", "--older-than", "1000", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    # Relative to the real today, all but the 2025-06-01 source are older than 1000 days or n.d.
    assert [(r["benchmark"], r["published_on"]) for r in data][:1] == [
        ("eppo.contact-points.designated", None)
    ]
    assert "eppo.contact-points.reachable" in [r["benchmark"] for r in data]
