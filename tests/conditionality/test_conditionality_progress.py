"""Catalogue 2026.2's rules in the engine: `expired`, `presumed`, core targets, suspension only on a
confirmed breach, and progress (per-tier counts, `score`, `assessed`, `change_12m`, the overall
score). Exact values, then properties."""

from __future__ import annotations

import datetime as dt

from engine_builders import (
    AREAS,
    CATALOGUE,
    LIAISON_CATALOGUE,
    START,
    UTC,
    build_catalogue,
    cyber_up_to,
    day,
    ob,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from oip.conditionality import Assessed, Change, Observation, evaluate, overall_score, standing
from oip.conditionality.progress import change, score, year_earlier
from oip.conditionality.types import BenchmarkState

# -- expired ---------------------------------------------------------------------------------

# The builders' cyber area with an integrity benchmark that must be renewed every 100 days.
EXPIRING_INTEGRITY = build_catalogue(
    {
        **AREAS,
        "cyber": (
            AREAS["cyber"][0],
            AREAS["cyber"][1],
            [
                (
                    tid,
                    tier,
                    who,
                    [(b, k, 100 if b == "cyber-integrity" else v, w) for b, k, v, w in bs],
                )
                for tid, tier, who, bs in AREAS["cyber"][2]
            ],
        ),
    }
)


def test_an_expired_integrity_benchmark_starts_a_notice_never_a_suspension() -> None:
    observations = cyber_up_to(2, 0)

    evaluation = evaluate(EXPIRING_INTEGRITY, observations)
    lapsed = evaluation.standing("ME", "cyber", day(100))

    assert evaluation.benchmark_state("ME", "cyber-integrity", day(100)).status == "expired"
    assert (lapsed.tier, lapsed.raw_tier, lapsed.status, lapsed.notice_until) == (
        2,
        1,
        "on_notice",
        day(190),
    )
    assert lapsed.suspended_by == ()
    assert evaluation.changes(day(400)) == [
        Change(
            "ME",
            "cyber",
            day(0),
            "advanced",
            0,
            2,
            ("cyber-law", "cyber-drill", "cyber-door", "cyber-integrity", "cyber-ops"),
        ),
        Change("ME", "cyber", day(100), "on_notice", 2, 2, ("cyber-integrity",)),
        Change("ME", "cyber", day(190), "fell", 2, 1, ("cyber-integrity",)),
        Change("ME", "cyber", day(365), "on_notice", 1, 1, ("cyber-drill",)),
    ]


def test_an_expired_benchmark_is_missing_as_expired_and_counted_apart() -> None:
    result = standing(CATALOGUE, "ME", "cyber", cyber_up_to(1, 0), day(400))

    assert [(s.benchmark, s.status) for s in result.missing] == [
        ("cyber-drill", "expired"),
        ("cyber-integrity", "unknown"),
        ("cyber-ops", "unknown"),
    ]
    counts = dict(result.progress[0].benchmarks)
    assert (counts["met"], counts["expired"], counts["not_met"]) == (2, 1, 0)


# -- presumed and core -----------------------------------------------------------------------


def test_a_presumed_benchmark_without_observation_reads_presumed_and_satisfies() -> None:
    observations = [ob("liaison-arrangement", "met", 0), ob("liaison-points", "met", 0)]

    evaluation = evaluate(LIAISON_CATALOGUE, observations)
    result = evaluation.standing("ME", "liaison", day(5))

    assert evaluation.benchmark_state("ME", "liaison-handling", day(5)) == BenchmarkState(
        benchmark="liaison-handling",
        target="liaison-t1-points",
        tier=1,
        who="country",
        kind="integrity",
        status="presumed",
    )
    assert (result.tier, result.raw_tier, result.status) == (1, 1, "stable")
    assert result.achieved_targets == ("liaison-t1-arrangement", "liaison-t1-points")


def test_a_tier_needs_its_core_targets_whatever_the_quorum() -> None:
    without_core = [ob("liaison-points", "met", 0), ob("liaison-training", "met", 0)]
    with_core = [*without_core, ob("liaison-arrangement", "met", 10)]

    held_back = standing(LIAISON_CATALOGUE, "ME", "liaison", without_core, day(5))
    reached = standing(LIAISON_CATALOGUE, "ME", "liaison", with_core, day(10))

    assert (
        held_back.tier,
        held_back.progress[0].achieved,
        held_back.progress[0].core_achieved,
    ) == (
        0,
        2,
        0,
    )
    assert (reached.tier, reached.progress[0].achieved, reached.progress[0].core_achieved) == (
        1,
        3,
        1,
    )


def test_the_quorum_alone_with_the_core_target_reaches_the_tier() -> None:
    observations = [ob("liaison-arrangement", "met", 0), ob("liaison-training", "met", 0)]

    result = standing(LIAISON_CATALOGUE, "ME", "liaison", observations, day(1))

    assert (result.tier, result.next_tier) == (1, 2)  # 2 of 3 targets >= 0.5, core achieved


def test_a_confirmed_breach_of_a_presumed_benchmark_suspends_and_a_remedy_lifts_it() -> None:
    observations = [
        ob("liaison-arrangement", "met", 0),
        ob("liaison-points", "met", 0),
        ob("liaison-handling", "not_met", 30),
        ob("liaison-handling", "met", 50),
    ]

    evaluation = evaluate(LIAISON_CATALOGUE, observations)
    suspended = evaluation.standing("ME", "liaison", day(30))

    assert (suspended.tier, suspended.status, suspended.suspended_by) == (
        0,
        "suspended",
        ("liaison-handling",),
    )
    assert evaluation.changes(day(100)) == [
        Change(
            "ME", "liaison", day(0), "advanced", 0, 1, ("liaison-arrangement", "liaison-points")
        ),
        Change("ME", "liaison", day(30), "suspended", 1, 0, ("liaison-handling",)),
        Change("ME", "liaison", day(50), "advanced", 0, 1, ("liaison-handling",)),
    ]


def test_a_partial_integrity_observation_is_no_breach() -> None:
    observations = [
        ob("liaison-arrangement", "met", 0),
        ob("liaison-points", "met", 0),
        ob("liaison-handling", "partial", 30),
    ]

    result = standing(LIAISON_CATALOGUE, "ME", "liaison", observations, day(30))

    # 1 of 3 targets left (< 0.5): the raw tier falls, the standing is on notice (grace 60).
    assert (result.tier, result.raw_tier, result.status, result.notice_until) == (
        1,
        0,
        "on_notice",
        day(90),
    )


# -- progress --------------------------------------------------------------------------------


def test_progress_score_and_assessed_exactly() -> None:
    observations = [
        ob("liaison-arrangement", "met", 0),
        ob("liaison-points", "partial", 0),
        ob("liaison-training", "met", 0),  # valid 365 days: expired on day 365
        ob("liaison-exchange", "not_applicable", 0),
    ]

    evaluation = evaluate(LIAISON_CATALOGUE, observations)
    now = evaluation.standing("ME", "liaison", day(5))
    later = evaluation.standing("ME", "liaison", day(400))

    # Counted: arrangement, points, training (handling presumed and exchange n/a left out).
    assert (now.score, now.assessed) == (83.3, Assessed(benchmarks=5, with_evidence=4))
    assert [
        (p.tier, p.targets, p.achieved, p.core, p.core_achieved, dict(p.benchmarks))
        for p in now.progress
    ] == [
        (
            1,
            3,
            2,
            1,
            1,
            {
                "met": 2,
                "partial": 1,
                "not_met": 0,
                "expired": 0,
                "not_applicable": 0,
                "presumed": 1,
                "unknown": 0,
            },
        ),
        (
            2,
            1,
            1,
            0,
            0,
            {
                "met": 0,
                "partial": 0,
                "not_met": 0,
                "expired": 0,
                "not_applicable": 1,
                "presumed": 0,
                "unknown": 0,
            },
        ),
    ]
    # A year on the training has expired: it counts nothing, (1 + 0.5 + 0) / 3.
    assert (later.score, later.change_12m) == (50.0, -33.3)
    assert now.change_12m is None  # a year earlier the area was not assessed


def test_a_not_assessed_area_scores_zero_and_says_so() -> None:
    result = standing(LIAISON_CATALOGUE, "ME", "liaison", [], day(0))

    assert (result.score, result.assessed, result.not_assessed, result.change_12m) == (
        0.0,
        Assessed(5, 0),
        True,
        None,
    )


def test_score_rules_on_states() -> None:
    def states(*statuses: str) -> list[BenchmarkState]:
        return [BenchmarkState("b", "t", 1, "country", "legal", s) for s in statuses]  # type: ignore[arg-type]

    assert score(states("met", "partial", "unknown", "expired")) == 37.5
    assert score(states("met", "not_applicable", "presumed")) == 100.0
    assert score(states("not_applicable", "presumed")) is None
    assert score(states("met", "met", "not_met")) == 66.7


def test_change_and_overall_score() -> None:
    assert change(41.7, 33.3, True) == 8.4
    assert change(41.7, 0.0, False) is None
    assert change(None, 10.0, True) is None
    assert overall_score([(50.0, True), (25.0, True), (0.0, False), (None, True)]) == 37.5
    assert overall_score([(0.0, False)]) is None
    assert year_earlier(dt.date(2028, 2, 29)) == dt.date(2027, 2, 28)


# -- properties ------------------------------------------------------------------------------

BENCHMARKS = [b.id for t, b in LIAISON_CATALOGUE.benchmarks() if t.area in ("cyber", "liaison")]


@st.composite
def evidence(draw: st.DrawFn) -> list[Observation]:
    found = []
    for k in range(draw(st.integers(min_value=0, max_value=25))):
        found.append(
            Observation(
                country="ME",
                benchmark=draw(st.sampled_from(BENCHMARKS)),
                status=draw(st.sampled_from(("met", "partial", "not_met", "not_applicable"))),
                observed_on=START + dt.timedelta(draw(st.integers(min_value=0, max_value=500))),
                recorded_at=dt.datetime(2024, 1, 1, tzinfo=UTC)
                + dt.timedelta(hours=draw(st.integers(min_value=0, max_value=3))),
                id=k,
            )
        )
    return found


@settings(max_examples=120, deadline=None)
@given(evidence(), st.sampled_from(BENCHMARKS), st.integers(min_value=0, max_value=600))
def test_adding_a_met_never_lowers_the_score_or_the_raw_tier(
    observations: list[Observation], benchmark: str, offset: int
) -> None:
    on = START + dt.timedelta(offset)
    # Recorded after everything else, so it wins its day.
    added = Observation("ME", benchmark, "met", on, dt.datetime(2030, 1, 1, tzinfo=UTC), 999)
    before = evaluate(LIAISON_CATALOGUE, observations)
    after = evaluate(LIAISON_CATALOGUE, [*observations, added])

    for area in ("cyber", "liaison"):
        for when in (on, on + dt.timedelta(30)):
            old, new = before.standing("ME", area, when), after.standing("ME", area, when)
            assert (new.score or 0.0) >= (old.score or 0.0)
            assert new.raw_tier >= old.raw_tier


@settings(max_examples=80, deadline=None)
@given(evidence(), st.randoms(use_true_random=False), st.integers(min_value=0, max_value=600))
def test_scores_do_not_depend_on_record_order(
    observations: list[Observation], rng: object, offset: int
) -> None:
    shuffled = list(observations)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    on = START + dt.timedelta(offset)

    for area in ("cyber", "liaison"):
        a = evaluate(LIAISON_CATALOGUE, observations).standing("ME", area, on)
        b = evaluate(LIAISON_CATALOGUE, shuffled).standing("ME", area, on)
        assert (a.score, a.assessed, a.progress, a.change_12m) == (
            b.score,
            b.assessed,
            b.progress,
            b.change_12m,
        )


@settings(max_examples=80, deadline=None)
@given(evidence(), st.integers(min_value=0, max_value=900))
def test_an_expired_benchmark_is_never_counted_not_met(
    observations: list[Observation], offset: int
) -> None:
    on = START + dt.timedelta(offset)
    evaluation = evaluate(LIAISON_CATALOGUE, observations)

    for area in ("cyber", "liaison"):
        result = evaluation.standing("ME", area, on)
        states = evaluation.benchmark_states("ME", area, on)
        expired = sum(s.status == "expired" for s in states)
        not_met = sum(s.status == "not_met" for s in states)
        assert sum(p.benchmarks["expired"] for p in result.progress) == expired
        assert sum(p.benchmarks["not_met"] for p in result.progress) == not_met
        assert all(s.lapsed_on is None for s in states if s.status == "not_met")
        assert all(s.status != "not_met" for s in result.missing if s.lapsed_on is not None)
