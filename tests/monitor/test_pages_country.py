"""A country page's read model, built without a database from the scenario's evaluation."""

from __future__ import annotations

import datetime as dt

import pytest

from oip.catalogue.schema import Catalogue
from oip.conditionality import Evaluation
from oip.monitor.pages import country
from oip.monitor.pages.evidence import EvidenceRow, Source
from oip.monitor.pages.values import BenchmarkRow, Cell, CountryRef

EPPO = "European Public Prosecutor's Office (EPPO)"
SOURCE = {
    "id": 7,
    "url": "https://example.org/eppo",
    "title": "EPPO annual report",
    "publisher": "EPPO",
    "published_on": "2025-10-01",
    "excerpt": "",
}
OBSERVATION = {
    "id": 6,
    "country": "ME",
    "benchmark": "eppo.joint-training.attended",
    "target": "eppo.joint-training",
    "area": "eppo",
    "status": "met",
    "observed_on": "2024-03-01",
    "recorded_at": "2025-10-02T00:00:00+00:00",
    "recorded_by": "test",
    "note": "two sessions",
    "source": SOURCE,
}
NOTE = {
    "key": "me-context",
    "country": None,
    "area": "",
    "title": "Regional context",
    "body": "Why it matters.",
    "noted_on": None,
    "source": SOURCE,
}


def _eppo(page: country.CountryPage) -> country.AreaStanding:
    return next(a for a in page.areas if a.cell.area == "eppo")


@pytest.fixture(scope="module")
def on_notice(catalogue: Catalogue, scenario_evaluation: Evaluation) -> country.CountryPage:
    return country.build(
        catalogue,
        scenario_evaluation,
        dt.date(2025, 2, 1),
        "ME",
        first_observed=dt.date(2024, 1, 10),
        evidence=[OBSERVATION],
        evidence_count=12,
        notes=[NOTE],
    )


def test_country_page_names_the_country_and_lists_every_area(
    on_notice: country.CountryPage,
) -> None:
    assert on_notice.country == CountryRef("ME", "Montenegro")
    assert [c.code for c in on_notice.countries] == ["AL", "BA", "XK", "ME", "MK", "RS"]
    assert len(on_notice.areas) == 9


def test_country_page_on_notice_keeps_the_tier_until_the_grace_ends(
    on_notice: country.CountryPage,
) -> None:
    eppo = _eppo(on_notice)
    assert eppo.cell == Cell(
        country="ME",
        country_name="Montenegro",
        area="eppo",
        area_title=EPPO,
        area_short="EPPO",
        tier=2,
        tier_name="structural",
        raw_tier=0,
        status="on_notice",
        since=dt.date(2025, 1, 9),
        notice_until=dt.date(2025, 4, 9),
        next_tier=3,
        assessed=6,
        benchmarks=13,  # catalogue 2026.2: C1 on the contact points, C2 on the liaison
    )
    assert (eppo.cell.status_mark, eppo.cell.status_words) == ("⚠", "on notice")
    assert eppo.next_tier_words == "tier 3 · transformational"
    assert eppo.suspended_by == ()


def test_country_page_says_what_holds_the_tier_and_what_is_missing(
    on_notice: country.CountryPage,
) -> None:
    eppo = _eppo(on_notice)
    assert [(g.target, g.tier, [r.benchmark for r in g.rows]) for g in eppo.holding] == [
        ("eppo.working-arrangement", 1, ["eppo.working-arrangement.signed"]),
        (
            "eppo.coordination-meetings-observer",
            2,
            [
                "eppo.coordination-meetings-observer.agreed",
                "eppo.coordination-meetings-observer.attended",
            ],
        ),
        ("eppo.joint-training", 2, ["eppo.joint-training.attended"]),
    ]
    attended = eppo.holding[1].rows[1]
    assert (attended.status, attended.who, attended.observed_on, attended.valid_until) == (
        "met",
        "joint",
        dt.date(2024, 3, 1),
        dt.date(2025, 5, 25),
    )
    assert attended.observation_id == 5
    assert [(r.benchmark, r.status, r.who_words) for g in eppo.missing for r in g.rows] == [
        # Catalogue 2026.2: the lapsed test is expired, never not met; information handling is
        # presumed (not missing); the C2 response times are not assessed.
        ("eppo.contact-points.reachable", "expired", "the EU and Montenegro together"),
        ("eppo.regular-liaison.in-place", "unknown", "the EU and Montenegro together"),
        ("eppo.regular-liaison.used", "unknown", "the EU and Montenegro together"),
        ("eppo.regular-liaison.response-times", "unknown", "Montenegro"),
        ("eppo.case-coordination.cases", "unknown", "the EU and Montenegro together"),
    ]
    assert (
        eppo.missing_words == "5 benchmarks: 1 for Montenegro, 4 for the EU and Montenegro together"
    )


def test_country_page_suspension_names_the_integrity_benchmark(
    catalogue: Catalogue, scenario_evaluation: Evaluation
) -> None:
    page = country.build(catalogue, scenario_evaluation, dt.date(2025, 9, 1), "ME")
    eppo = _eppo(page)
    assert (eppo.cell.status, eppo.cell.tier, eppo.cell.raw_tier, eppo.cell.assessed) == (
        "suspended",
        2,
        2,
        11,
    )
    statement = catalogue.benchmark_index()["eppo.case-coordination.information-handling"][1]
    assert eppo.suspended_by == (
        BenchmarkRow(
            benchmark="eppo.case-coordination.information-handling",
            statement=statement.statement,
            kind="integrity",
            who="country",
            who_words="Montenegro",
            status="not_met",
            observed_on=dt.date(2025, 9, 1),
            lapsed_on=None,
            valid_until=None,
            observation_id=14,
        ),
    )


def test_country_page_timeline_keeps_the_steps_and_the_last_date(
    on_notice: country.CountryPage,
) -> None:
    # Each change on its own day (not on the next month's first), then the date shown; the
    # notice of 2025-01-09 keeps the tier, so it draws no step.
    assert on_notice.timeline == (
        country.TimelinePoint(dt.date(2024, 1, 10), "EPPO", 1),
        country.TimelinePoint(dt.date(2024, 3, 1), "EPPO", 2),
        country.TimelinePoint(dt.date(2025, 2, 1), "EPPO", 2),
    )
    assert on_notice.timeline[0].as_row() == {"date": "2024-01-10", "area": "EPPO", "tier": 1}


def test_country_page_changes_newest_first(on_notice: country.CountryPage) -> None:
    assert [(c.on, c.kind, c.tier_before, c.tier_after) for c in on_notice.changes] == [
        (dt.date(2025, 1, 9), "on_notice", 2, 2),
        (dt.date(2024, 3, 1), "advanced", 1, 2),
        (dt.date(2024, 1, 10), "advanced", 0, 1),
    ]


def test_country_page_evidence_and_notes_are_typed(
    catalogue: Catalogue, on_notice: country.CountryPage
) -> None:
    source = Source(
        7, "https://example.org/eppo", "EPPO annual report", "EPPO", dt.date(2025, 10, 1), ""
    )
    statement = catalogue.benchmark_index()["eppo.joint-training.attended"][1].statement
    assert on_notice.evidence == (
        EvidenceRow(
            id=6,
            country="ME",
            benchmark="eppo.joint-training.attended",
            statement=statement,
            target="eppo.joint-training",
            area="eppo",
            area_short="EPPO",
            status="met",
            status_mark="✓",
            status_words="met",
            observed_on=dt.date(2024, 3, 1),
            note="two sessions",
            source=source,
        ),
    )
    assert on_notice.evidence_count == 12
    assert on_notice.notes == (
        country.Note(
            key="me-context",
            country=None,
            area="",
            title="Regional context",
            body="Why it matters.",
            noted_on=None,
            source=source,
        ),
    )


def test_country_page_shows_at_most_the_newest_evidence_rows(
    catalogue: Catalogue, scenario_evaluation: Evaluation
) -> None:
    rows = [{**OBSERVATION, "id": k} for k in range(country.EVIDENCE_SHOWN + 5)]
    page = country.build(
        catalogue, scenario_evaluation, dt.date(2025, 2, 1), "ME", evidence=rows, evidence_count=105
    )
    assert [o.id for o in page.evidence] == list(range(country.EVIDENCE_SHOWN))
    assert page.evidence_count == 105


def test_country_page_refuses_an_unknown_country(
    catalogue: Catalogue, scenario_evaluation: Evaluation
) -> None:
    with pytest.raises(KeyError):
        country.build(catalogue, scenario_evaluation, dt.date(2025, 2, 1), "XX")
    with pytest.raises(KeyError):
        country.timeline(catalogue, scenario_evaluation, "XX", dt.date(2025, 2, 1), None)


def test_country_without_evidence_draws_no_timeline(
    catalogue: Catalogue, scenario_evaluation: Evaluation
) -> None:
    page = country.build(catalogue, scenario_evaluation, dt.date(2025, 2, 1), "AL")
    assert page.timeline == ()
    assert {a.cell.assessed for a in page.areas} == {0}
    assert page.changes == ()
