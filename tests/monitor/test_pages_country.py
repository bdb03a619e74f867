"""A country page's read model, built without a database from the scenario's evaluation."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oip.catalogue.schema import Catalogue
from oip.conditionality import Evaluation
from oip.conditionality.types import Assessed
from oip.monitor.pages import country, values
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
    # compared field by field: the score and its change are asserted on the area standing
    expected = Cell(
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
        score=50.0,
        change_12m=20.0,
    )
    fields = [f.name for f in dataclasses.fields(expected)]
    assert {f: getattr(eppo.cell, f) for f in fields} == {f: getattr(expected, f) for f in fields}
    assert (eppo.score, eppo.change_12m) == (50.0, 20.0)
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


# -- what is in place, what is missing, the age of evidence (issue 12) -----------------------

OLD_SOURCE = {**SOURCE, "id": 8, "title": "Old report", "published_on": "2019-05-01"}


@pytest.fixture(scope="module")
def dated(catalogue: Catalogue, scenario_evaluation: Evaluation) -> country.CountryPage:
    """ME on 2025-02-01 with the sources of two states given: id 1 (the working arrangement)
    from a 2019 source, id 6 (joint training) from a 2025 one; the others without a source."""
    observations = {
        1: {
            **OBSERVATION,
            "id": 1,
            "benchmark": "eppo.working-arrangement.signed",
            "target": "eppo.working-arrangement",
            "observed_on": "2024-01-10",
            "source": OLD_SOURCE,
        },
        6: OBSERVATION,
    }
    notes = [NOTE, {**NOTE, "key": "me-eppo", "area": "eppo", "title": "EPPO context"}]
    return country.build(
        catalogue,
        scenario_evaluation,
        dt.date(2025, 2, 1),
        "ME",
        first_observed=dt.date(2024, 1, 10),
        notes=notes,
        observations=observations,
    )


def test_country_page_puts_in_place_first_achieved_and_met(dated: country.CountryPage) -> None:
    eppo = _eppo(dated)
    assert [
        (g.target, g.tier, g.achieved, [(d.row.benchmark, d.row.status) for d in g.rows])
        for g in eppo.in_place
    ] == [
        ("eppo.working-arrangement", 1, True, [("eppo.working-arrangement.signed", "met")]),
        # not achieved (its reachability test lapsed): only the met benchmark is in place
        ("eppo.contact-points", 1, False, [("eppo.contact-points.designated", "met")]),
        (
            "eppo.coordination-meetings-observer",
            2,
            True,
            [
                ("eppo.coordination-meetings-observer.agreed", "met"),
                ("eppo.coordination-meetings-observer.attended", "met"),
            ],
        ),
        ("eppo.joint-training", 2, True, [("eppo.joint-training.attended", "met")]),
    ]
    assert [(area, g.target) for area, g in dated.achieved] == [
        ("EPPO", "eppo.working-arrangement"),
        ("EPPO", "eppo.coordination-meetings-observer"),
        ("EPPO", "eppo.joint-training"),
    ]
    assert dated.met_count == 5
    # the other eight areas have no evidence: nothing in place there
    assert [a.cell.area for a in dated.areas if a.in_place] == ["eppo"]


def test_country_page_dates_each_state_and_ages_its_source(dated: country.CountryPage) -> None:
    eppo = _eppo(dated)
    signed = eppo.in_place[0].rows[0]
    assert signed.source == Source(
        8, "https://example.org/eppo", "Old report", "EPPO", dt.date(2019, 5, 1), ""
    )
    assert (signed.row.observed_on, signed.source_on, signed.age_words, signed.stale) == (
        dt.date(2024, 1, 10),
        dt.date(2019, 5, 1),
        "source from 2019, 5 years old",
        True,
    )
    designated = eppo.in_place[1].rows[0]  # no source given: aged by the day observed
    assert (designated.source, designated.source_on, designated.age_words, designated.stale) == (
        None,
        dt.date(2024, 1, 10),
        "source from 2024, 1 year old",
        False,
    )


def test_country_page_splits_missing_with_and_without_evidence(dated: country.CountryPage) -> None:
    eppo = _eppo(dated)
    [group] = eppo.missing_assessed
    [reachable] = group.rows
    assert (group.target, group.achieved) == ("eppo.contact-points", False)
    # a lapsed met is stale whatever its source's age, and keeps its own status words
    assert (
        reachable.row.benchmark,
        reachable.row.status,
        reachable.row.status_words,
        reachable.row.lapsed_on,
        reachable.stale,
    ) == (
        "eppo.contact-points.reachable",
        "expired",  # needs renewing: never "not met"
        "expired (needs renewing)",
        dt.date(2025, 1, 9),
        True,
    )
    # Catalogue 2026.2: the information-handling benchmarks are presumed (no breach recorded),
    # so not missing; the C2 response times are.
    assert eppo.not_assessed_count == 4
    assert [(g.target, [r.benchmark for r in g.rows]) for g in eppo.not_assessed] == [
        (
            "eppo.regular-liaison",
            [
                "eppo.regular-liaison.in-place",
                "eppo.regular-liaison.used",
                "eppo.regular-liaison.response-times",
            ],
        ),
        ("eppo.case-coordination", ["eppo.case-coordination.cases"]),
    ]
    # the split covers the engine's missing list exactly
    assert sum(len(g.rows) for g in eppo.missing) == 1 + eppo.not_assessed_count


def test_country_page_puts_notes_beside_their_area(dated: country.CountryPage) -> None:
    assert [n.key for n in _eppo(dated).notes] == ["me-eppo"]
    assert [n.key for n in dated.general_notes] == ["me-context"]
    assert [a.cell.area for a in dated.areas if a.notes] == ["eppo"]


def test_country_page_observation_ids_are_those_the_states_rest_on(
    catalogue: Catalogue, scenario_evaluation: Evaluation
) -> None:
    ids = country.observation_ids(catalogue, scenario_evaluation, dt.date(2025, 2, 1), "ME")
    assert ids == frozenset({1, 2, 3, 4, 5, 6})
    later = country.observation_ids(catalogue, scenario_evaluation, dt.date(2025, 9, 1), "ME")
    assert later == frozenset({1, 2, 4, 6, 7, 8, 9, 10, 11, 12, 14})
    with pytest.raises(KeyError):
        country.observation_ids(catalogue, scenario_evaluation, dt.date(2025, 9, 1), "XX")


def test_country_page_timeline_moves_only_with_a_change(
    catalogue: Catalogue, scenario_evaluation: Evaluation, dated: country.CountryPage
) -> None:
    assert dated.timeline_moves is True
    flat = country.build(
        catalogue,
        scenario_evaluation,
        dt.date(2024, 1, 20),
        "ME",
        first_observed=dt.date(2024, 1, 10),
    )
    assert flat.timeline == (
        country.TimelinePoint(dt.date(2024, 1, 10), "EPPO", 1),
        country.TimelinePoint(dt.date(2024, 1, 20), "EPPO", 1),
    )
    assert flat.timeline_moves is False


DAYS = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31))


def _anniversary(day: dt.date, years: int) -> dt.date:
    # 29 February's anniversary in a common year is 1 March
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


@given(DAYS, DAYS)
def test_years_between_counts_whole_anniversaries(earlier: dt.date, later: dt.date) -> None:
    years = values.years_between(earlier, later)
    if later <= earlier:
        assert years == 0
    else:
        assert _anniversary(earlier, years) <= later < _anniversary(earlier, years + 1)


@given(DAYS, DAYS, DAYS)
def test_stale_evidence_stays_stale(source_on: dt.date, as_of: dt.date, later: dt.date) -> None:
    """Staleness only grows with the page's date, and a source is stale exactly from its third
    anniversary."""
    first, second = sorted((as_of, later))
    if values.is_stale(first, source_on):
        assert values.is_stale(second, source_on)
    assert values.is_stale(as_of, source_on) == (as_of >= _anniversary(source_on, 3))


def test_staleness_and_age_words_exact() -> None:
    assert values.STALE_AFTER_YEARS == 3
    on = dt.date(2023, 12, 1)
    assert values.is_stale(dt.date(2026, 11, 30), on) is False
    assert values.is_stale(dt.date(2026, 12, 1), on) is True
    assert values.is_stale(dt.date(2026, 11, 30), None) is False
    assert values.is_stale(dt.date(2026, 11, 30), None, lapsed_on=dt.date(2026, 10, 1)) is True
    assert values.is_stale(dt.date(2026, 9, 30), None, lapsed_on=dt.date(2026, 10, 1)) is False
    assert values.age_words(dt.date(2019, 3, 1), dt.date(2026, 11, 30)) == (
        "source from 2019, 7 years old"
    )
    assert values.age_words(dt.date(2025, 11, 30), dt.date(2026, 11, 30)) == (
        "source from 2025, 1 year old"
    )
    assert values.age_words(dt.date(2026, 1, 5), dt.date(2026, 11, 30)) == (
        "source from 2026, less than a year old"
    )
    assert values.age_words(None, dt.date(2026, 11, 30)) == ""


def test_country_and_target_pages_mark_kosovo_with_the_designation(
    client: Any, scenario: None
) -> None:
    note = 'href="#kosovo-note" class="designation-mark"'
    kosovo = client.get("/countries/XK/").content.decode()
    assert f"<h1>Kosovo<a {note}" in kosovo
    assert 'id="kosovo-note"' in kosovo
    # the six in the nav of every country page, and the target's matrix rows
    assert client.get("/countries/ME/").content.decode().count(note) == 1
    assert client.get("/targets/eppo.working-arrangement/").content.decode().count(note) == 1


# -- graded progress beside the tier (issue 12) ----------------------------------------------


def test_country_page_shows_score_assessed_and_progress_within_the_next_tier(
    dated: country.CountryPage,
) -> None:
    eppo = _eppo(dated)
    # 13 benchmarks, 3 presumed left out: 5 met of 10 counted (1 expired, 4 unknown count 0)
    assert (eppo.score, eppo.change_12m, eppo.assessed) == (50.0, 20.0, Assessed(13, 6))
    assert eppo.score_words == "50 of 100 · 6 of 13 assessed"
    assert eppo.change_words == "+20 in 12 months"
    # tier 2 held on notice: the next tier is 3, with no core target
    assert eppo.progress_words == "tier 3: 0 of 2 targets achieved"
    tier1 = eppo.progress[0]
    assert (tier1.targets, tier1.achieved, tier1.core, tier1.core_achieved) == (2, 1, 2, 1)
    assert (tier1.benchmarks["expired"], tier1.benchmarks["not_met"]) == (1, 0)
    assert country.progress_words(tier1) == "tier 1: 1 of 2 targets achieved, core 1 of 2"
    # not assessed: no score number, no change, no "0 of n achieved"
    cyber = next(a for a in dated.areas if a.cell.area == "cyber")
    assert (cyber.assessed, cyber.score_words, cyber.change_words, cyber.progress_words) == (
        Assessed(36, 0),
        None,
        None,
        None,
    )
    assert [a.cell.area for a in dated.areas if a.score_words] == ["eppo"]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (5.0, "+5 in 12 months"),
        (-2.5, "\u2212" + "2.5 in 12 months"),
        (0.0, "no change in 12 months"),
        (0.1, "+0.1 in 12 months"),
    ],
)
def test_change_words_exact(change: float, words: str) -> None:
    assert country.change_words(change) == words


@given(st.integers(min_value=0, max_value=1000))
def test_number_words_round_trips_one_decimal(tenths: int) -> None:
    value = tenths / 10
    words = country.number_words(value)
    assert float(words) == value
    assert not words.endswith(".0")
