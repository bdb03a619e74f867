"""The rules the pages and reports share, once each in the pure core: milestone progress,
who must act, coverage, leaders and trailing, a year earlier, who achieved a target.

Exact values on the engine builders' catalogue, then hypothesis properties.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conditionality.engine_builders import CATALOGUE as BASE
from tests.conditionality.engine_builders import START, cyber_up_to, day, ob

from oip.catalogue.schema import Catalogue
from oip.conditionality import BenchmarkState, Observation, evaluate
from oip.region import (
    CountryMilestone,
    Coverage,
    MilestoneProgress,
    WhoMustAct,
    achieved_by,
    area_coverage,
    coverage,
    leaders,
    milestone_progress,
    region,
    region_at,
    trailing,
    who_must_act,
    year_earlier,
)
from oip.vocabulary import BENCHMARK_STATUSES, WHO

CATALOGUE = Catalogue.model_validate(
    {
        **BASE.model_dump(),
        "milestones": [
            {
                "id": "cyber-start",
                "title": "Cyber start",
                "due": "2024-12-31",
                "targets": ["cyber-t1-law", "cyber-t1-door"],
            },
            {"id": "fdi-one", "title": "FDI one", "due": "2024-01-11", "targets": ["fdi-t1-a"]},
            {"id": "nothing", "title": "Nothing to do", "due": "2025-01-01"},
        ],
    }
)


def _state(benchmark: str, who: str, status: str) -> BenchmarkState:
    return BenchmarkState(benchmark, "t", 1, who, "legal", status)  # type: ignore[arg-type]


# -- milestones -------------------------------------------------------------------------------


def test_milestone_progress_counts_the_targets_the_engine_says_are_achieved() -> None:
    observations = [*cyber_up_to(1, 0, "ME"), ob("cyber-law", "met", 0, "AL")]
    observations += [ob("fdi-a", "met", 0, c) for c in ("AL", "RS")]
    on = day(20)
    standings = evaluate(CATALOGUE, observations).standings(on)

    progress = milestone_progress(CATALOGUE, standings, on)

    assert progress == (
        MilestoneProgress(
            milestone="cyber-start",
            due=dt.date(2024, 12, 31),
            targets=("cyber-t1-law", "cyber-t1-door"),
            days_left=345,
            countries=(
                CountryMilestone("AL", (), 2),  # cyber-drill unassessed: cyber-t1-law not achieved
                CountryMilestone("ME", ("cyber-t1-law", "cyber-t1-door"), 2),
                CountryMilestone("RS", (), 2),
            ),
        ),
        MilestoneProgress(
            milestone="fdi-one",
            due=dt.date(2024, 1, 11),
            targets=("fdi-t1-a",),
            days_left=-10,
            countries=(
                CountryMilestone("AL", ("fdi-t1-a",), 1),
                CountryMilestone("ME", (), 1),
                CountryMilestone("RS", ("fdi-t1-a",), 1),
            ),
        ),
        MilestoneProgress(
            milestone="nothing",
            due=dt.date(2025, 1, 1),
            targets=(),
            days_left=346,
            countries=(
                CountryMilestone("AL", (), 0),
                CountryMilestone("ME", (), 0),
                CountryMilestone("RS", (), 0),
            ),
        ),
    )
    assert progress[0].achieved_by == ("ME",)
    assert progress[0].left_out == ("AL", "RS")
    assert progress[1].achieved_by == ("AL", "RS")
    assert progress[2].achieved_by == ()  # a milestone without targets is reached by no one
    me = progress[0].countries[1]
    assert (me.done, me.reached, me.started) == (2, True, True)


def test_milestone_progress_for_some_countries_in_the_order_given() -> None:
    standings = evaluate(CATALOGUE, cyber_up_to(1, 0, "RS")).standings(day(0))

    progress = milestone_progress(CATALOGUE, standings, day(0), countries=["RS", "AL"])

    assert [c.country for c in progress[0].countries] == ["RS", "AL"]
    assert progress[0].achieved_by == ("RS",)
    partly = milestone_progress(
        CATALOGUE, evaluate(CATALOGUE, [ob("cyber-door", "met", 0)]).standings(day(0)), day(0)
    )[0].countries[1]
    assert (partly.done, partly.reached, partly.started) == (1, False, True)


# -- who must act -----------------------------------------------------------------------------


def test_who_must_act_counts_eu_country_and_joint_apart() -> None:
    missing = [
        _state("a", "eu", "unknown"),
        _state("b", "joint", "not_met"),
        _state("c", "joint", "unknown"),
        _state("d", "country", "partial"),
    ]

    counts = who_must_act(missing)

    assert counts == WhoMustAct(eu=1, country=1, joint=2, not_assessed=2)
    assert counts.total == 4
    assert counts.acting == ("eu", "country", "joint")
    assert who_must_act([]) == WhoMustAct(0, 0, 0, 0)
    assert who_must_act([_state("d", "country", "partial")]).acting == ("country",)


def test_who_must_act_on_a_real_standing() -> None:
    standing = evaluate(CATALOGUE, [ob("cyber-law", "met", 0)]).standing("ME", "cyber", day(0))

    assert who_must_act(standing.missing) == WhoMustAct(
        eu=1, country=1, joint=0, not_assessed=2
    )  # cyber-drill (country), cyber-door (eu): tier 1 is next


@dataclass(frozen=True)
class _Row:
    """A report's row: who must act and the status, as plain strings."""

    who: str
    status: str


def test_who_must_act_counts_any_rows_with_a_who_and_a_status() -> None:
    rows = [_Row("joint", "partial"), _Row("eu", "not_met"), _Row("joint", "unknown")]

    assert who_must_act(rows) == WhoMustAct(eu=1, country=0, joint=2, not_assessed=1)
    with pytest.raises(ValueError, match="'both' is none of eu, country, joint"):
        who_must_act([_Row("both", "partial")])


@given(st.lists(st.tuples(st.sampled_from(WHO), st.sampled_from(BENCHMARK_STATUSES))))
def test_every_missing_benchmark_is_counted_once_for_its_own_party(
    drawn: list[tuple[str, str]],
) -> None:
    counts = who_must_act([_state(str(k), who, status) for k, (who, status) in enumerate(drawn)])

    assert counts.total == len(drawn)
    for who in WHO:
        assert counts.count(who) == sum(1 for w, _ in drawn if w == who)
    assert counts.not_assessed == sum(1 for _, s in drawn if s == "unknown")
    assert counts.acting == tuple(w for w in WHO if any(x == w for x, _ in drawn))


# -- coverage ---------------------------------------------------------------------------------


def test_coverage_counts_each_status_and_keeps_not_assessed_apart() -> None:
    observations = [
        ob("cyber-law", "met", 0),
        ob("cyber-drill", "met", 0),  # lapses on day 365
        ob("cyber-door", "partial", 100),
        ob("cyber-ops", "not_applicable", 50),
    ]
    evaluation = evaluate(CATALOGUE, observations)

    rows = coverage(CATALOGUE, evaluation, day(400), countries=["ME"], areas=["cyber", "empty"])

    assert rows == [
        Coverage(
            country="ME",
            area="cyber",
            as_of=day(400),
            benchmarks=6,
            with_evidence=4,
            unknown=2,
            met=1,
            partial=1,
            not_met=0,  # the lapsed drill is expired, never counted not met
            not_applicable=1,
            lapsed=1,
            newest=day(100),
            expired=1,
        ),
        Coverage("ME", "empty", day(400), 0, 0, 0, 0, 0, 0, 0, 0, None),
    ]
    assert rows[0].is_assessed
    assert not rows[1].is_assessed
    everything = coverage(CATALOGUE, evaluation, day(400))
    assert [(r.country, r.area) for r in everything] == [
        (c, a.id) for c in CATALOGUE.country_codes() for a in CATALOGUE.areas
    ]
    with pytest.raises(KeyError):
        coverage(CATALOGUE, evaluation, day(0), countries=["XX"])


def test_coverage_before_any_evidence_is_not_assessed() -> None:
    evaluation = evaluate(CATALOGUE, [ob("cyber-law", "met", 10)])

    (row,) = coverage(CATALOGUE, evaluation, day(9), countries=["ME"], areas=["cyber"])

    assert (row.with_evidence, row.unknown, row.newest, row.is_assessed) == (0, 6, None, False)


@given(st.lists(st.sampled_from(BENCHMARK_STATUSES)), st.lists(st.integers(0, 800)))
def test_coverage_adds_up(statuses: list[str], offsets: list[int]) -> None:
    dates = [day(o) for o in offsets] + [None] * len(statuses)
    states = [
        BenchmarkState(
            f"b{k}",
            "t",
            1,
            "country",
            "legal",
            status,  # type: ignore[arg-type]
            observed_on=None if status in ("unknown", "presumed") else dates[k],
        )
        for k, status in enumerate(statuses)
    ]

    row = area_coverage("ME", "cyber", day(0), states)

    assert row.benchmarks == len(states) == row.with_evidence + row.unknown + row.presumed
    assert row.with_evidence == (
        row.met + row.partial + row.not_met + row.expired + row.not_applicable
    )
    assert row.is_assessed == any(s not in ("unknown", "presumed") for s in statuses)
    observed = [s.observed_on for s in states if s.observed_on is not None]
    assert row.newest == (max(observed) if observed else None)


# -- leaders and trailing ---------------------------------------------------------------------


def test_leaders_and_trailing_name_every_country_at_the_top_and_the_bottom() -> None:
    tiers = {"AL": 1, "BA": 3, "ME": 3, "RS": 0, "XK": 0}

    assert leaders(tiers) == ("BA", "ME")
    assert trailing(tiers) == ("RS", "XK")
    assert leaders({"AL": 2, "ME": 2}) == trailing({"AL": 2, "ME": 2}) == ("AL", "ME")
    assert leaders({}) == trailing({}) == ()


@given(st.dictionaries(st.sampled_from(("AL", "BA", "ME", "MK", "RS", "XK")), st.integers(0, 3)))
def test_leaders_hold_the_top_tier_and_trailing_the_bottom_one(tiers: dict[str, int]) -> None:
    top, bottom = leaders(tiers), trailing(tiers)

    assert set(top) == {c for c, t in tiers.items() if t == max(tiers.values(), default=0)}
    assert set(bottom) == {c for c, t in tiers.items() if t == min(tiers.values(), default=0)}
    assert list(top) == [c for c in tiers if c in top]  # in the order given
    assert (top == bottom) == (len(set(tiers.values())) <= 1)


# -- a year earlier ---------------------------------------------------------------------------


def test_year_earlier_is_the_same_day_and_28_february_for_29_february() -> None:
    assert year_earlier(dt.date(2026, 11, 30)) == dt.date(2025, 11, 30)
    assert year_earlier(dt.date(2024, 2, 29)) == dt.date(2023, 2, 28)
    assert year_earlier(dt.date(2025, 2, 28)) == dt.date(2024, 2, 28)
    assert year_earlier(dt.date(2025, 3, 1)) == dt.date(2024, 3, 1)


@given(st.dates(min_value=dt.date(2001, 1, 1)))
def test_year_earlier_is_one_calendar_year_back(on: dt.date) -> None:
    before = year_earlier(on)

    assert before.year == on.year - 1
    assert before.month == on.month
    assert before.day == (28 if (on.month, on.day) == (2, 29) else on.day)
    assert 365 <= (on - before).days <= 366


def test_the_region_at_a_leap_day_compares_with_28_february_a_year_before() -> None:
    leap_day, year_before = dt.date(2024, 2, 29), dt.date(2023, 2, 28)
    observations = [ob(b, "met", dt.date(2023, 3, 1), "ME") for b in ("fdi-a", "fdi-b")]
    observations += [ob(b, "met", dt.date(2024, 1, 1), "AL") for b in ("fdi-a", "fdi-c")]
    evaluation = evaluate(CATALOGUE, observations)

    summary = region_at(evaluation, leap_day)

    fdi = next(a for a in summary.areas if a.area == "fdi")
    # RS has no evidence: named with its tier 0 but out of the mean, the spread and the ranks.
    assert (fdi.tiers, fdi.mean, fdi.spread) == ({"AL": 1, "ME": 1, "RS": 0}, 1.0, 0)
    assert (fdi.year_ago_mean, fdi.year_ago_spread, fdi.trend, fdi.trend_label) == (
        None,
        None,
        None,
        "steady",
    )  # nobody assessed on 28 Feb 2023; 365 days back (1 March) would have found ME at tier 1
    assert (fdi.leaders, fdi.trailing) == (("AL", "ME"), ("AL", "ME"))
    assert summary == region(
        CATALOGUE, leap_day, evaluation.standings(leap_day), evaluation.standings(year_before)
    )


# -- who achieved a target --------------------------------------------------------------------


def test_achieved_by_lists_the_countries_the_engine_says_in_catalogue_order() -> None:
    observations = [ob("fdi-a", "met", 0, c) for c in ("RS", "AL")] + [
        ob("fdi-a", "not_met", 0, "ME")
    ]
    standings = evaluate(CATALOGUE, observations).standings(day(0))

    assert achieved_by(CATALOGUE, standings, "fdi-t1-a") == ("AL", "RS")
    assert achieved_by(CATALOGUE, standings, "fdi-t1-b") == ()
    with pytest.raises(KeyError):
        achieved_by(CATALOGUE, standings, "no-such-target")


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(("AL", "ME", "RS")),
            st.sampled_from(("fdi-a", "cyber-law", "cyber-drill", "cyber-door")),
            st.sampled_from(("met", "partial", "not_met", "not_applicable")),
            st.integers(0, 500),
        ),
        max_size=20,
    ),
    st.integers(0, 900),
)
def test_achieved_by_and_milestones_agree_with_evaluation_achieved(
    drawn: list[tuple[str, str, str, int]], offset: int
) -> None:
    observations = [
        Observation(c, b, s, day(o), dt.datetime.combine(day(o), dt.time(12), dt.UTC), k)  # type: ignore[arg-type]
        for k, (c, b, s, o) in enumerate(drawn)
    ]
    evaluation = evaluate(CATALOGUE, observations)
    on = START + dt.timedelta(days=offset)
    standings = evaluation.standings(on)

    for target in ("fdi-t1-a", "cyber-t1-law", "cyber-t1-door"):
        expected = tuple(c for c in ("AL", "ME", "RS") if evaluation.achieved(c, target, on))
        assert achieved_by(CATALOGUE, standings, target) == expected
    for row in milestone_progress(CATALOGUE, standings, on):
        for country in row.countries:
            assert country.achieved == tuple(
                t for t in row.targets if evaluation.achieved(country.country, t, on)
            )
