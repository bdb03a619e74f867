"""The conditionality rules of `docs/contracts.md`, one behaviour per test, exact values."""

from __future__ import annotations

import datetime as dt

import pytest
from engine_builders import CATALOGUE, UTC, cyber_up_to, day, ob

from oip.conditionality import (
    BenchmarkState,
    Change,
    benchmark_state,
    changes,
    evaluate,
    standing,
    standings,
    standings_series,
)

# -- benchmark status ------------------------------------------------------------------------


def test_benchmark_without_observation_is_unknown() -> None:
    state = benchmark_state(CATALOGUE, "ME", "cyber-law", [], day(0))

    assert state == BenchmarkState(
        benchmark="cyber-law",
        target="cyber-t1-law",
        tier=1,
        who="country",
        kind="legal",
        status="unknown",
    )


def test_latest_observation_on_or_before_date_wins() -> None:
    observations = [
        ob("cyber-law", "not_met", 0, id=1),
        ob("cyber-law", "met", 10, id=2),
        ob("cyber-law", "partial", 20, id=3),
    ]

    statuses = [
        benchmark_state(CATALOGUE, "ME", "cyber-law", observations, day(d)).status
        for d in (0, 9, 10, 19, 20, 500)
    ]

    assert statuses == ["not_met", "not_met", "met", "met", "partial", "partial"]


def test_observation_dated_after_as_of_is_not_yet_counted() -> None:
    state = benchmark_state(CATALOGUE, "ME", "cyber-law", [ob("cyber-law", "met", 5)], day(4))

    assert state.status == "unknown"


def test_same_day_later_record_wins() -> None:
    observations = [
        ob("cyber-law", "met", 0, recorded=3, id=1),
        ob("cyber-law", "not_met", 0, recorded=2, id=2),
    ]

    state = benchmark_state(CATALOGUE, "ME", "cyber-law", observations, day(0))

    assert (state.status, state.observation_id) == ("met", 1)


def test_same_day_same_record_time_higher_id_wins() -> None:
    observations = [
        ob("cyber-law", "met", 0, recorded=3, id=7),
        ob("cyber-law", "not_met", 0, recorded=3, id=8),
    ]

    state = benchmark_state(CATALOGUE, "ME", "cyber-law", observations, day(0))

    assert (state.status, state.observation_id) == ("not_met", 8)


def test_same_day_tie_is_resolved_before_the_next_day() -> None:
    observations = [
        ob("gap-1", "met", 10, recorded=12, id=1),
        ob("gap-1", "not_met", 10, recorded=11, id=2),
        ob("gap-1", "not_met", 20, id=3),
    ]

    on_tie_day = standing(CATALOGUE, "ME", "gap", observations, day(10))
    next_day = standing(CATALOGUE, "ME", "gap", observations, day(20))

    assert (on_tie_day.raw_tier, on_tie_day.tier) == (2, 2)
    assert (next_day.raw_tier, next_day.tier) == (0, 0)


def test_benchmark_state_honours_known_at() -> None:
    observations = [
        ob("cyber-law", "met", 0, recorded=0),
        ob("cyber-law", "not_met", 5, recorded=9),
    ]
    before_import = dt.datetime.combine(day(8), dt.time(12), UTC)

    state = benchmark_state(
        CATALOGUE, "ME", "cyber-law", observations, day(6), known_at=before_import
    )

    assert state.status == "met"


def test_met_lapses_after_validity_days() -> None:
    observations = [ob("cyber-drill", "met", 0, id=4)]

    before = benchmark_state(CATALOGUE, "ME", "cyber-drill", observations, dt.date(2024, 12, 30))
    on_lapse = benchmark_state(CATALOGUE, "ME", "cyber-drill", observations, dt.date(2024, 12, 31))

    assert before == BenchmarkState(
        benchmark="cyber-drill",
        target="cyber-t1-law",
        tier=1,
        who="country",
        kind="operational",
        status="met",
        observed_on=dt.date(2024, 1, 1),
        lapsed_on=None,
        observation_id=4,
        valid_until=dt.date(2024, 12, 31),
    )
    assert on_lapse == BenchmarkState(
        benchmark="cyber-drill",
        target="cyber-t1-law",
        tier=1,
        who="country",
        kind="operational",
        status="expired",  # rule 1: a lapsed met is expired (needs renewing), never not_met
        observed_on=dt.date(2024, 1, 1),
        lapsed_on=dt.date(2024, 12, 31),
        observation_id=4,
        valid_until=dt.date(2024, 12, 31),
    )


def test_renewal_before_lapse_keeps_met() -> None:
    observations = [ob("cyber-drill", "met", 0), ob("cyber-drill", "met", 300)]

    state = benchmark_state(CATALOGUE, "ME", "cyber-drill", observations, dt.date(2025, 1, 15))

    assert (state.status, state.observed_on, state.valid_until) == (
        "met",
        day(300),
        day(665),
    )


def test_benchmark_without_validity_never_lapses() -> None:
    state = benchmark_state(CATALOGUE, "ME", "cyber-law", [ob("cyber-law", "met", 0)], day(5000))

    assert (state.status, state.lapsed_on, state.valid_until) == ("met", None, None)


# -- targets and raw tiers -------------------------------------------------------------------


def test_target_needs_every_benchmark_met() -> None:
    observations = [ob("cyber-law", "met", 0), ob("cyber-door", "met", 0)]

    result = standing(CATALOGUE, "ME", "cyber", observations, day(1))

    assert result.achieved_targets == ("cyber-t1-door",)
    assert result.raw_tier == 0


def test_not_applicable_counts_as_satisfied() -> None:
    observations = [
        ob("cyber-law", "not_applicable", 0),
        ob("cyber-drill", "met", 0),
        ob("cyber-door", "met", 0),
    ]

    result = standing(CATALOGUE, "ME", "cyber", observations, day(1))

    assert result.achieved_targets == ("cyber-t1-law", "cyber-t1-door")
    assert (result.raw_tier, result.tier) == (1, 1)


def test_tiers_are_cumulative() -> None:
    observations = [ob(b, "met", 0) for b in ("cyber-integrity", "cyber-ops", "cyber-record")]

    result = standing(CATALOGUE, "ME", "cyber", observations, day(1))

    assert result.achieved_targets == ("cyber-t2-exchange", "cyber-t3-record")
    assert (result.raw_tier, result.tier) == (0, 0)


def test_quorum_allows_partial_tier() -> None:
    one = [ob("fdi-a", "met", 0)]
    two = [*one, ob("fdi-b", "met", 0)]

    assert standing(CATALOGUE, "ME", "fdi", one, day(1)).raw_tier == 0
    assert standing(CATALOGUE, "ME", "fdi", two, day(1)).raw_tier == 1
    assert standing(CATALOGUE, "ME", "fdi", [*two, ob("fdi-pilot", "met", 0)], day(1)).tier == 2


def test_tier_level_without_targets_counts_as_satisfied_below_the_top() -> None:
    lower = standing(CATALOGUE, "ME", "gap", [ob("gap-1", "met", 0)], day(1))
    both = standing(CATALOGUE, "ME", "gap", [ob("gap-1", "met", 0), ob("gap-3", "met", 0)], day(1))
    top_only = standing(CATALOGUE, "ME", "gap", [ob("gap-3", "met", 0)], day(1))

    assert (lower.tier, lower.next_tier) == (2, 3)
    assert (both.tier, both.next_tier) == (3, None)
    assert top_only.tier == 0


def test_area_without_targets_stays_at_tier_zero() -> None:
    result = standing(CATALOGUE, "ME", "empty", cyber_up_to(3, 0), day(1))

    assert (result.tier, result.raw_tier, result.next_tier, result.missing) == (0, 0, None, ())


# -- held tier: advancing, notice, falling ---------------------------------------------------


def test_no_evidence_means_tier_zero_stable_since_never() -> None:
    result = standing(CATALOGUE, "ME", "cyber", [], day(0))

    assert (result.tier, result.raw_tier, result.status, result.since) == (0, 0, "stable", None)
    assert result.notice_until is None


def test_advancing_is_immediate() -> None:
    result = standing(CATALOGUE, "ME", "cyber", cyber_up_to(2, 10), day(10))

    assert (result.tier, result.status, result.since) == (2, "stable", day(10))


def test_raw_drop_puts_standing_on_notice() -> None:
    observations = [*cyber_up_to(1, 0), ob("cyber-law", "not_met", 100)]

    result = standing(CATALOGUE, "ME", "cyber", observations, day(189))

    assert (result.tier, result.raw_tier, result.status) == (1, 0, "on_notice")
    assert (result.since, result.notice_until) == (day(100), day(190))


def test_tier_falls_after_grace_period() -> None:
    observations = [*cyber_up_to(1, 0), ob("cyber-law", "not_met", 100)]

    result = standing(CATALOGUE, "ME", "cyber", observations, day(190))

    assert (result.tier, result.raw_tier, result.status) == (0, 0, "stable")
    assert (result.since, result.notice_until) == (day(190), None)


def test_restored_within_grace_period() -> None:
    observations = [
        *cyber_up_to(1, 0),
        ob("cyber-law", "not_met", 100),
        ob("cyber-law", "met", 150),
    ]

    result = standing(CATALOGUE, "ME", "cyber", observations, day(300))

    assert (result.tier, result.status, result.since, result.notice_until) == (
        1,
        "stable",
        day(150),
        None,
    )
    assert [c.kind for c in changes(CATALOGUE, observations, until=day(300))] == [
        "advanced",
        "on_notice",
        "restored",
    ]


def test_remedy_on_the_last_day_of_grace_restores() -> None:
    observations = [
        *cyber_up_to(1, 0),
        ob("cyber-law", "not_met", 100),
        ob("cyber-law", "met", 190),
    ]

    result = standing(CATALOGUE, "ME", "cyber", observations, day(190))

    assert (result.tier, result.status, result.since) == (1, "stable", day(190))


def test_advancing_during_notice_ends_it() -> None:
    observations = [
        *cyber_up_to(2, 0),
        ob("cyber-ops", "not_met", 100),
        ob("cyber-ops", "met", 120),
        ob("cyber-record", "met", 120),
    ]

    result = standing(CATALOGUE, "ME", "cyber", observations, day(130))

    assert (result.tier, result.status, result.since, result.notice_until) == (
        3,
        "stable",
        day(120),
        None,
    )


def test_tier_falls_to_the_raw_tier_at_the_end_of_grace() -> None:
    observations = [
        *cyber_up_to(3, 0),
        ob("cyber-record", "not_met", 100),
        ob("cyber-ops", "not_met", 120),
    ]

    during = standing(CATALOGUE, "ME", "cyber", observations, day(150))
    after = standing(CATALOGUE, "ME", "cyber", observations, day(190))

    assert (during.tier, during.raw_tier, during.notice_until) == (3, 1, day(190))
    assert (after.tier, after.raw_tier, after.status) == (1, 1, "stable")


def test_zero_grace_falls_at_once() -> None:
    observations = [ob("gap-1", "met", 0), ob("gap-1", "not_met", 10)]

    result = standing(CATALOGUE, "ME", "gap", observations, day(10))

    assert (result.tier, result.status, result.since) == (0, "stable", day(10))
    assert changes(CATALOGUE, observations, until=day(10), areas=["gap"]) == [
        Change("ME", "gap", day(0), "advanced", 0, 2, ("gap-1",)),
        Change("ME", "gap", day(10), "fell", 2, 0, ("gap-1",)),
    ]


def test_validity_lapse_puts_standing_on_notice() -> None:
    observations = cyber_up_to(1, 0)

    result = standing(CATALOGUE, "ME", "cyber", observations, dt.date(2025, 1, 1))

    assert (result.tier, result.status, result.since, result.notice_until) == (
        1,
        "on_notice",
        dt.date(2024, 12, 31),
        dt.date(2025, 3, 31),
    )
    assert changes(CATALOGUE, observations, until=dt.date(2025, 12, 31)) == [
        Change("ME", "cyber", day(0), "advanced", 0, 1, ("cyber-law", "cyber-drill", "cyber-door")),
        Change("ME", "cyber", dt.date(2024, 12, 31), "on_notice", 1, 1, ("cyber-drill",)),
        Change("ME", "cyber", dt.date(2025, 3, 31), "fell", 1, 0, ("cyber-drill",)),
    ]


# -- integrity -------------------------------------------------------------------------------


def test_integrity_lapse_suspends_at_once() -> None:
    observations = [*cyber_up_to(3, 0), ob("cyber-integrity", "not_met", 50)]

    result = standing(CATALOGUE, "ME", "cyber", observations, day(50))

    assert (result.tier, result.raw_tier, result.status, result.since) == (
        1,
        1,
        "suspended",
        day(50),
    )
    assert (result.notice_until, result.suspended_by) == (None, ("cyber-integrity",))
    assert changes(CATALOGUE, observations, until=day(50), since=day(50)) == [
        Change("ME", "cyber", day(50), "suspended", 3, 1, ("cyber-integrity",)),
    ]


def test_suspension_lifts_when_integrity_is_met_again() -> None:
    observations = [
        *cyber_up_to(3, 0),
        ob("cyber-integrity", "not_met", 50),
        ob("cyber-integrity", "met", 80),
    ]

    result = standing(CATALOGUE, "ME", "cyber", observations, day(80))

    assert (result.tier, result.status, result.since, result.suspended_by) == (
        3,
        "stable",
        day(80),
        (),
    )
    assert changes(CATALOGUE, observations, until=day(80), since=day(80)) == [
        Change("ME", "cyber", day(80), "advanced", 1, 3, ("cyber-integrity",)),
    ]


def test_suspension_lifted_without_tier_gain_is_restored() -> None:
    observations = [
        *cyber_up_to(2, 0),
        ob("cyber-integrity", "not_met", 50),
        ob("cyber-ops", "not_met", 60),
        ob("cyber-integrity", "met", 80),
    ]

    result = standing(CATALOGUE, "ME", "cyber", observations, day(80))

    assert (result.tier, result.status) == (1, "stable")
    assert [c.kind for c in changes(CATALOGUE, observations, until=day(80))] == [
        "advanced",
        "suspended",
        "restored",
    ]


def test_integrity_never_met_blocks_without_suspension() -> None:
    observations = [
        *cyber_up_to(1, 0),
        ob("cyber-ops", "met", 0),
        ob("cyber-integrity", "not_met", 10),
    ]

    result = standing(CATALOGUE, "ME", "cyber", observations, day(10))

    assert (result.tier, result.status, result.since, result.suspended_by) == (
        1,
        "stable",
        day(0),
        (),
    )


def test_integrity_lapse_above_held_tier_does_not_suspend() -> None:
    observations = [
        *cyber_up_to(1, 0),
        ob("cyber-integrity", "met", 0),
        ob("cyber-integrity", "not_met", 20),
    ]

    result = standing(CATALOGUE, "ME", "cyber", observations, day(20))

    assert (result.tier, result.status) == (1, "stable")


def test_integrity_breach_during_notice_suspends() -> None:
    observations = [
        *cyber_up_to(2, 0),
        ob("cyber-ops", "not_met", 10),
        ob("cyber-integrity", "not_met", 20),
    ]

    result = standing(CATALOGUE, "ME", "cyber", observations, day(20))

    assert (result.tier, result.status, result.notice_until) == (1, "suspended", None)


def test_integrity_partial_during_notice_is_no_breach_and_keeps_the_notice() -> None:
    # Rule 4: only a confirmed breach (an observed not_met) suspends; a partial does not.
    observations = [
        *cyber_up_to(2, 0),
        ob("cyber-ops", "not_met", 10),
        ob("cyber-integrity", "partial", 20),
    ]

    result = standing(CATALOGUE, "ME", "cyber", observations, day(20))

    assert (result.tier, result.status, result.notice_until) == (2, "on_notice", day(100))


# -- knowledge time --------------------------------------------------------------------------


def test_known_at_ignores_later_records() -> None:
    observations = [*cyber_up_to(1, 0), ob("cyber-law", "not_met", 100, recorded=200)]
    then = dt.datetime.combine(day(150), dt.time(12), UTC)

    shown_then = standing(CATALOGUE, "ME", "cyber", observations, day(150), known_at=then)
    known_now = standing(CATALOGUE, "ME", "cyber", observations, day(150))

    assert (shown_then.tier, shown_then.status) == (1, "stable")
    assert (known_now.tier, known_now.status, known_now.notice_until) == (1, "on_notice", day(190))


# -- explanation -----------------------------------------------------------------------------


def test_explanation_lists_missing_with_who() -> None:
    result = standing(CATALOGUE, "ME", "cyber", [ob("cyber-law", "partial", 0)], day(5))

    assert [(s.benchmark, s.target, s.who, s.status) for s in result.missing] == [
        ("cyber-law", "cyber-t1-law", "country", "partial"),
        ("cyber-drill", "cyber-t1-law", "country", "unknown"),
        ("cyber-door", "cyber-t1-door", "eu", "unknown"),
    ]
    assert (result.next_tier, result.holding) == (1, ())


def test_explanation_lists_holding_benchmarks_and_next_tier_gaps() -> None:
    result = standing(CATALOGUE, "ME", "cyber", cyber_up_to(1, 0), day(5))

    assert [s.benchmark for s in result.holding] == ["cyber-law", "cyber-drill", "cyber-door"]
    assert [(s.benchmark, s.who, s.status) for s in result.missing] == [
        ("cyber-integrity", "country", "unknown"),
        ("cyber-ops", "joint", "unknown"),
    ]
    assert result.next_tier == 2


def test_explanation_on_notice_lists_what_lapsed() -> None:
    result = standing(CATALOGUE, "ME", "cyber", cyber_up_to(1, 0), dt.date(2025, 1, 15))

    assert [s.benchmark for s in result.holding] == ["cyber-door"]
    assert [(s.benchmark, s.status, s.lapsed_on) for s in result.missing] == [
        ("cyber-drill", "expired", dt.date(2024, 12, 31)),
        ("cyber-integrity", "unknown", None),
        ("cyber-ops", "unknown", None),
    ]


def test_top_tier_has_no_next_tier_and_nothing_missing() -> None:
    result = standing(CATALOGUE, "ME", "cyber", cyber_up_to(3, 0), day(5))

    assert (result.tier, result.next_tier, result.missing) == (3, None, ())
    assert len(result.holding) == 6


# -- collections, ordering, selection --------------------------------------------------------


def test_standings_cover_every_country_and_area_in_catalogue_order() -> None:
    result = standings(CATALOGUE, [], day(0))

    assert [(s.country, s.area) for s in result] == [
        (country, area)
        for country in ("AL", "ME", "RS")
        for area in ("cyber", "fdi", "gap", "empty")
    ]


def test_standings_selection_keeps_catalogue_order() -> None:
    result = standings(CATALOGUE, [], day(0), countries=["RS", "AL"], areas=["gap", "cyber"])

    assert [(s.country, s.area) for s in result] == [
        ("AL", "cyber"),
        ("AL", "gap"),
        ("RS", "cyber"),
        ("RS", "gap"),
    ]


def test_observations_outside_the_catalogue_are_ignored() -> None:
    observations = [
        *cyber_up_to(1, 0),
        ob("no-such-benchmark", "met", 0),
        ob("cyber-law", "not_met", 5, country="XX"),
    ]

    result = standing(CATALOGUE, "ME", "cyber", observations, day(10))

    assert result.tier == 1


def test_unknown_country_or_area_raises_key_error() -> None:
    with pytest.raises(KeyError):
        standing(CATALOGUE, "XX", "cyber", [], day(0))
    with pytest.raises(KeyError):
        standing(CATALOGUE, "ME", "nowhere", [], day(0))


def test_changes_are_sorted_by_date_country_and_area_and_filtered_inclusively() -> None:
    observations = [
        *cyber_up_to(1, 20, country="RS"),
        ob("fdi-a", "met", 20, country="AL"),
        ob("fdi-b", "met", 20, country="AL"),
        *cyber_up_to(1, 20, country="AL"),
        ob("gap-1", "met", 10, country="ME"),
        ob("gap-1", "not_met", 30, country="ME"),
    ]

    result = changes(CATALOGUE, observations, until=day(30), since=day(20))

    assert [(c.on, c.country, c.area, c.kind) for c in result] == [
        (day(20), "AL", "cyber", "advanced"),
        (day(20), "AL", "fdi", "advanced"),
        (day(20), "RS", "cyber", "advanced"),
        (day(30), "ME", "gap", "fell"),
    ]


def test_change_cause_names_every_benchmark_changed_that_day() -> None:
    observations = [*cyber_up_to(1, 0), ob("cyber-ops", "partial", 0)]

    result = changes(CATALOGUE, observations, until=day(0))

    assert result == [
        Change(
            "ME",
            "cyber",
            day(0),
            "advanced",
            0,
            1,
            ("cyber-law", "cyber-drill", "cyber-door", "cyber-ops"),
        )
    ]


def test_series_equals_pointwise() -> None:
    observations = [
        *cyber_up_to(3, 0),
        ob("cyber-integrity", "not_met", 50),
        ob("cyber-integrity", "met", 80),
        ob("fdi-a", "met", 30, country="AL"),
        ob("fdi-b", "met", 60, country="AL"),
    ]
    dates = [day(d) for d in (0, 40, 50, 60, 79, 80, 400, 500)]

    series = standings_series(CATALOGUE, observations, dates)

    assert list(series) == dates
    assert series == {d: standings(CATALOGUE, observations, d) for d in dates}


def test_evaluation_answers_repeated_questions_identically() -> None:
    evaluation = evaluate(CATALOGUE, cyber_up_to(2, 0))

    first = evaluation.standings(day(400))
    again = evaluation.standings(day(400))

    assert first == again
    result = evaluation.standing("ME", "cyber", day(400))
    assert (result.tier, result.raw_tier, result.status, result.notice_until) == (
        2,
        0,
        "on_notice",
        day(455),
    )
