"""`Evaluation.history`: a standing over time as exact intervals, and the new questions
`achieved` and `benchmark_states` (exact values on the builders' catalogue, then properties)."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import pytest
from engine_builders import CATALOGUE, cyber_up_to, day, ob
from hypothesis import given, settings
from hypothesis import strategies as st
from test_conditionality_properties import AREAS, COUNTRIES, PROBES, observation_lists

from oip.conditionality import (
    SATISFIED,
    SATISFIED_STATUSES,
    Observation,
    TierInterval,
    evaluate,
    tier_steps,
)
from oip.vocabulary import BENCHMARK_STATUSES

ONE_DAY = dt.timedelta(days=1)


def _notice_then_fall() -> list[Observation]:
    """ME: tier 1 on day 0, tier 2 on day 10, cyber-ops fails on day 100 (90 days' grace)."""
    return [
        *cyber_up_to(1, 0),
        *(ob(b, "met", 10) for b in ("cyber-integrity", "cyber-ops")),
        ob("cyber-ops", "not_met", 100),
    ]


def test_history_gives_each_stretch_of_unchanged_tier_and_status() -> None:
    evaluation = evaluate(CATALOGUE, _notice_then_fall())

    assert evaluation.history("ME", "cyber") == (
        TierInterval(day(0), day(10), 1, 1, "stable"),
        TierInterval(day(10), day(100), 2, 2, "stable"),
        TierInterval(day(100), day(190), 2, 1, "on_notice"),
        TierInterval(day(190), day(365), 1, 1, "stable"),
        TierInterval(day(365), day(455), 1, 0, "on_notice"),  # cyber-drill lapses after a year
        TierInterval(day(455), None, 0, 0, "stable"),
    )


def test_history_within_a_window_starts_and_ends_with_it() -> None:
    evaluation = evaluate(CATALOGUE, _notice_then_fall())

    assert evaluation.history("ME", "cyber", since=day(-30), until=day(150)) == (
        TierInterval(day(-30), day(0), 0, 0, "stable"),
        TierInterval(day(0), day(10), 1, 1, "stable"),
        TierInterval(day(10), day(100), 2, 2, "stable"),
        TierInterval(day(100), day(151), 2, 1, "on_notice"),
    )
    assert evaluation.history("ME", "cyber", since=day(120), until=day(120)) == (
        TierInterval(day(120), day(121), 2, 1, "on_notice"),
    )
    assert evaluation.history("ME", "cyber", since=day(50)) == (
        TierInterval(day(50), day(100), 2, 2, "stable"),
        TierInterval(day(100), day(190), 2, 1, "on_notice"),
        TierInterval(day(190), day(365), 1, 1, "stable"),
        TierInterval(day(365), day(455), 1, 0, "on_notice"),
        TierInterval(day(455), None, 0, 0, "stable"),
    )
    assert evaluation.history("ME", "cyber", since=day(5), until=day(4)) == ()


def test_history_merges_stretches_that_differ_only_in_what_is_not_drawn() -> None:
    """A second integrity breach while suspended changes `suspended_by`, not the interval."""
    observations = [
        *cyber_up_to(3, 0),
        ob("cyber-integrity", "not_met", 20),
        ob("cyber-ops", "not_met", 30),
    ]
    evaluation = evaluate(CATALOGUE, observations)

    assert evaluation.history("ME", "cyber", until=day(40)) == (
        TierInterval(day(0), day(20), 3, 3, "stable"),
        TierInterval(day(20), day(41), 1, 1, "suspended"),
    )


def test_history_of_a_standing_that_never_changed_is_empty_or_one_flat_interval() -> None:
    evaluation = evaluate(CATALOGUE, [ob("cyber-law", "partial", 3)])

    assert evaluation.history("AL", "cyber") == ()
    assert evaluation.history("ME", "cyber", since=day(0)) == (
        TierInterval(day(0), None, 0, 0, "stable"),
    )


def test_tier_steps_are_the_points_a_step_chart_draws() -> None:
    evaluation = evaluate(CATALOGUE, _notice_then_fall())

    window = evaluation.history("ME", "cyber", since=day(-30), until=day(400))

    assert tier_steps(window) == (
        (day(-30), 0),
        (day(0), 1),
        (day(10), 2),  # the notice from day 100 keeps tier 2: no point
        (day(190), 1),
        (day(400), 1),  # the line reaches the window's last day
    )
    assert tier_steps(evaluation.history("ME", "cyber")) == (
        (day(0), 1),
        (day(10), 2),
        (day(190), 1),
        (day(455), 0),
    )
    assert tier_steps(evaluation.history("ME", "cyber", since=day(190), until=day(190))) == (
        (day(190), 1),
    )
    assert tier_steps(()) == ()


def test_history_refuses_unknown_ids() -> None:
    evaluation = evaluate(CATALOGUE, [])

    with pytest.raises(KeyError):
        evaluation.history("XX", "cyber")
    with pytest.raises(KeyError):
        evaluation.history("ME", "nowhere")


def test_achieved_is_every_benchmark_satisfied_and_a_lapse_undoes_it() -> None:
    observations = [
        ob("cyber-law", "met", 0),
        ob("cyber-drill", "met", 0),  # valid 365 days
        ob("fdi-a", "not_applicable", 0),
        ob("fdi-b", "partial", 0),
    ]
    evaluation = evaluate(CATALOGUE, observations)

    assert evaluation.achieved("ME", "cyber-t1-law", day(364)) is True
    assert evaluation.achieved("ME", "cyber-t1-law", day(365)) is False
    assert evaluation.achieved("ME", "cyber-t1-law", day(-1)) is False
    assert evaluation.achieved("ME", "fdi-t1-a", day(0)) is True
    assert evaluation.achieved("ME", "fdi-t1-b", day(0)) is False
    assert evaluation.achieved("AL", "cyber-t1-law", day(0)) is False
    with pytest.raises(KeyError):
        evaluation.achieved("ME", "no-such-target", day(0))


def test_benchmark_states_are_the_area_in_catalogue_order() -> None:
    evaluation = evaluate(CATALOGUE, [ob("cyber-door", "partial", 0)])

    states = evaluation.benchmark_states("ME", "cyber", day(0))

    assert [(s.benchmark, s.status) for s in states] == [
        ("cyber-law", "unknown"),
        ("cyber-drill", "unknown"),
        ("cyber-door", "partial"),
        ("cyber-integrity", "unknown"),
        ("cyber-ops", "unknown"),
        ("cyber-record", "unknown"),
    ]
    assert evaluation.benchmark_states("ME", "empty", day(0)) == ()


def test_satisfied_is_an_explicit_word_for_every_status() -> None:
    assert dict(SATISFIED) == {
        "met": True,
        "partial": False,
        "not_met": False,
        "expired": False,  # a met past its validity needs renewing: not satisfied
        "not_applicable": True,
        "presumed": True,  # a presumed integrity benchmark with no breach recorded
        "unknown": False,
    }
    assert set(SATISFIED) == set(BENCHMARK_STATUSES)
    assert SATISFIED_STATUSES == ("met", "not_applicable", "presumed")


@settings(max_examples=150, deadline=None)
@given(observation_lists())
def test_history_agrees_with_the_standing_on_every_day_it_covers(
    observations: list[Observation],
) -> None:
    evaluation = evaluate(CATALOGUE, observations)
    for country in COUNTRIES:
        for area in AREAS:
            intervals = evaluation.history(country, area)
            changes = evaluation.changes(dt.date.max, countries=[country], areas=[area])
            if not intervals:
                assert changes == []
                continue
            assert intervals[0].start == changes[0].on
            assert intervals[-1].end is None
            for previous, following in pairwise(intervals):
                assert previous.end == following.start
                assert previous[2:] != following[2:]  # merged: neighbours always differ
            for interval in intervals:
                last = interval.end - ONE_DAY if interval.end is not None else interval.start
                for on in {interval.start, last}:
                    s = evaluation.standing(country, area, on)
                    assert (s.tier, s.raw_tier, s.status) == interval[2:]
            assert {c.on for c in changes} <= {i.start for i in intervals}


@settings(max_examples=100, deadline=None)
@given(
    observation_lists(),
    st.sampled_from(PROBES),
    st.integers(min_value=0, max_value=500),
)
def test_a_window_of_the_history_covers_exactly_its_days(
    observations: list[Observation], since: dt.date, length: int
) -> None:
    evaluation = evaluate(CATALOGUE, observations)
    until = since + dt.timedelta(days=length)
    for country in COUNTRIES:
        for area in AREAS:
            window = evaluation.history(country, area, since=since, until=until)

            assert window[0].start == since
            assert window[-1].end == until + ONE_DAY
            for interval in window:
                assert interval.end is not None
                for on in (interval.start, interval.end - ONE_DAY):
                    s = evaluation.standing(country, area, on)
                    assert (s.tier, s.raw_tier, s.status) == interval[2:]


@settings(max_examples=100, deadline=None)
@given(observation_lists(), st.sampled_from(PROBES))
def test_achieved_agrees_with_the_standings_achieved_targets(
    observations: list[Observation], on: dt.date
) -> None:
    evaluation = evaluate(CATALOGUE, observations)
    for s in evaluation.standings(on, countries=list(COUNTRIES)):
        for target in CATALOGUE.targets_in(s.area):
            assert evaluation.achieved(s.country, target.id, on) == (
                target.id in s.achieved_targets
            )


@settings(max_examples=100, deadline=None)
@given(observation_lists(), st.sampled_from(PROBES), st.integers(min_value=0, max_value=500))
def test_tier_steps_give_the_held_tier_on_every_day_of_the_window(
    observations: list[Observation], since: dt.date, length: int
) -> None:
    evaluation = evaluate(CATALOGUE, observations)
    until = since + dt.timedelta(days=length)
    for country in COUNTRIES:
        for area in AREAS:
            steps = tier_steps(evaluation.history(country, area, since=since, until=until))

            assert steps[0][0] == since
            assert steps[-1][0] == until
            for (on, tier), (following, _) in pairwise(steps):
                assert on < following
                assert evaluation.standing(country, area, on).tier == tier
                assert evaluation.standing(country, area, following - ONE_DAY).tier == tier
