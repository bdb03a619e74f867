"""The compiled catalogue, the quorum arithmetic and one timeline on their own (no sweep)."""

from __future__ import annotations

import datetime as dt

from engine_builders import CATALOGUE, day, ob
from hypothesis import given
from hypothesis import strategies as st

from oip.conditionality.model import compile_catalogue, targets_needed
from oip.conditionality.timeline import SATISFIED_VALUE, STATUS_CODE, UNSATISFIED, Timeline
from oip.vocabulary import OBSERVATION_STATUSES

MODELS = compile_catalogue(CATALOGUE)


def test_targets_needed_is_the_quorum_share_rounded_up() -> None:
    assert [targets_needed(3, q) for q in (0.0, 0.3, 0.5, 2 / 3, 0.67, 1.0)] == [0, 1, 2, 2, 3, 3]
    assert targets_needed(0, 1.0) == 0


@given(st.integers(min_value=0, max_value=60), st.floats(min_value=0.0, max_value=1.0))
def test_targets_needed_is_the_fewest_that_meet_the_quorum(targets: int, quorum: float) -> None:
    needed = targets_needed(targets, quorum)

    assert 0 <= needed <= targets
    if targets:
        assert needed / targets >= quorum
        assert needed == 0 or (needed - 1) / targets < quorum


def test_each_area_is_compiled_with_its_tiers_quorum_and_grace() -> None:
    fdi, gap, empty = MODELS["fdi"], MODELS["gap"], MODELS["empty"]

    assert list(MODELS) == ["cyber", "fdi", "gap", "empty"]
    assert (fdi.grace, fdi.max_tier, fdi.targets_per_tier, fdi.needed_per_tier) == (
        dt.timedelta(days=30),
        2,
        (0, 3, 1),
        (0, 2, 1),
    )
    assert (gap.targets_per_tier, gap.needed_per_tier) == ((0, 1, 0, 1), (0, 1, 0, 1))
    assert (empty.max_tier, empty.targets, empty.benchmarks) == (0, (), ())
    assert [(b.id, b.target_index, b.local_index, b.tier, b.who) for b in fdi.benchmarks] == [
        ("fdi-a", 0, 0, 1, "country"),
        ("fdi-b", 1, 1, 1, "country"),
        ("fdi-c", 2, 2, 1, "country"),
        ("fdi-pilot", 3, 3, 2, "eu"),
    ]
    integrity = next(b for b in MODELS["cyber"].benchmarks if b.id == "cyber-integrity")
    assert (integrity.is_integrity, integrity.who) == (True, "country")


def test_an_empty_tier_below_the_top_one_is_reached_and_next_tier_skips_nothing() -> None:
    gap = MODELS["gap"]

    no_core = [0, 0, 0, 0]  # the area has no core target
    assert gap.raw_tier([0, 1, 0, 0], no_core) == 2
    assert gap.raw_tier([0, 1, 0, 1], no_core) == 3
    assert gap.raw_tier([0, 0, 0, 1], no_core) == 0  # cumulative: no tier 3 without tier 1
    assert (gap.next_tier(0), gap.next_tier(1), gap.next_tier(2), gap.next_tier(3)) == (
        1,
        None,
        3,
        None,
    )


def test_every_observation_status_has_a_byte_of_its_own() -> None:
    assert set(STATUS_CODE) == set(OBSERVATION_STATUSES)
    assert len(set(STATUS_CODE.values())) == len(STATUS_CODE)


def test_a_timeline_flips_on_satisfied_changes_ties_and_lapses_only() -> None:
    spec = next(b for b in MODELS["cyber"].benchmarks if b.id == "cyber-drill")  # valid 365 days
    observations = [
        ob("cyber-drill", "partial", 0, id=1),
        ob("cyber-drill", "not_met", 5, id=2),  # unsatisfied, no integrity: no flip
        ob("cyber-drill", "met", 10, recorded=11, id=3),
        ob("cyber-drill", "partial", 10, recorded=12, id=4),  # recorded later: wins day 10
        ob("cyber-drill", "met", 20, id=5),
        ob("cyber-drill", "not_applicable", 30, id=6),  # still satisfied: no flip
        ob("cyber-drill", "met", 100, id=7),  # lapses on day 465
    ]

    timeline = Timeline(spec, list(reversed(observations)))

    assert list(zip(timeline.flip_dates, timeline.flip_values, strict=True)) == [
        (day(20), SATISFIED_VALUE),
        (day(465), UNSATISFIED),
    ]
    assert [timeline.status(day(d)) for d in (-1, 0, 5, 10, 20, 30, 464, 465)] == [
        "unknown",
        "partial",
        "not_met",
        "partial",
        "met",
        "not_applicable",
        "met",
        "expired",  # a lapsed met needs renewing: never "not_met"
    ]
    assert timeline.state(day(465)).lapsed_on == day(465)
    assert [timeline.changed_on(day(d)) for d in (5, 10, 30, 31, 465)] == [
        True,
        True,
        True,
        False,
        True,
    ]
