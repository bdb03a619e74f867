"""Properties of the conditionality rules that must hold for any evidence (hypothesis)."""

from __future__ import annotations

import datetime as dt
import random

from engine_builders import CATALOGUE, START, UTC
from hypothesis import given, settings
from hypothesis import strategies as st

from oip.conditionality import Observation, evaluate, standing, standings
from oip.conditionality.types import ObservationStatus

BENCHMARKS = tuple(b.id for _, b in CATALOGUE.benchmarks())
CYBER = tuple(b for b in BENCHMARKS if b.startswith("cyber-"))
# Weighted towards the cyber area so that notices, suspensions and restorations occur often.
DRAWN_BENCHMARKS = BENCHMARKS + CYBER * 4
COUNTRIES = ("AL", "ME")
AREAS = ("cyber", "fdi", "gap")
PROBES = tuple(START + dt.timedelta(days=d) for d in (0, 45, 120, 200, 365, 400, 500, 700, 900))


@st.composite
def observation_lists(
    draw: st.DrawFn, statuses: tuple[ObservationStatus, ...] | None = None
) -> list[Observation]:
    chosen = statuses or ("met", "met", "partial", "not_met", "not_applicable")
    count = draw(st.integers(min_value=0, max_value=40))
    found: list[Observation] = []
    if draw(st.booleans()):
        # A country that reached the top cyber tier, so later evidence can suspend or lower it.
        country = draw(st.sampled_from(COUNTRIES))
        baseline = START + dt.timedelta(days=draw(st.integers(min_value=0, max_value=100)))
        found.extend(
            Observation(
                country,
                b,
                "met",
                baseline,
                dt.datetime.combine(baseline, dt.time(8), UTC),
                id=1000 + n,
            )
            for n, b in enumerate(CYBER)
        )
    for k in range(count):
        observed = draw(st.integers(min_value=0, max_value=800))
        delay = draw(st.integers(min_value=0, max_value=120))
        observed_on = START + dt.timedelta(days=observed)
        found.append(
            Observation(
                country=draw(st.sampled_from(COUNTRIES)),
                benchmark=draw(st.sampled_from(DRAWN_BENCHMARKS)),
                status=draw(st.sampled_from(chosen)),
                observed_on=observed_on,
                recorded_at=dt.datetime.combine(observed_on, dt.time(9), UTC)
                + dt.timedelta(days=delay),
                id=k + 1,
            )
        )
    return found


@settings(max_examples=150, deadline=None)
@given(observation_lists(), st.randoms(use_true_random=False))
def test_result_does_not_depend_on_record_order(
    observations: list[Observation], shuffler: random.Random
) -> None:
    shuffled = list(observations)
    shuffler.shuffle(shuffled)
    ordered = evaluate(CATALOGUE, observations)
    reordered = evaluate(CATALOGUE, shuffled)

    for on in PROBES:
        assert ordered.standings(on) == reordered.standings(on)
    assert ordered.changes(until=PROBES[-1]) == reordered.changes(until=PROBES[-1])


@settings(max_examples=150, deadline=None)
@given(
    observation_lists(statuses=("met", "met", "partial", "not_met")),
    st.sampled_from(COUNTRIES),
    st.sampled_from(BENCHMARKS),
    st.integers(min_value=0, max_value=800),
)
def test_adding_a_met_observation_never_lowers_a_raw_tier(
    observations: list[Observation], country: str, benchmark: str, observed: int
) -> None:
    observed_on = START + dt.timedelta(days=observed)
    extra = Observation(
        country,
        benchmark,
        "met",
        observed_on,
        dt.datetime(2030, 1, 1, tzinfo=UTC),
        id=10_000,
    )
    before = evaluate(CATALOGUE, observations)
    after = evaluate(CATALOGUE, [*observations, extra])

    for on in PROBES:
        for old, new in zip(before.standings(on), after.standings(on), strict=True):
            assert new.raw_tier >= old.raw_tier


@settings(max_examples=150, deadline=None)
@given(observation_lists(), st.sampled_from(PROBES))
def test_as_of_in_the_past_is_unaffected_by_later_observations(
    observations: list[Observation], as_of: dt.date
) -> None:
    known_by_then = [o for o in observations if o.observed_on <= as_of]

    everything = evaluate(CATALOGUE, observations)
    earlier = evaluate(CATALOGUE, known_by_then)

    assert everything.standings(as_of) == earlier.standings(as_of)
    assert everything.changes(until=as_of) == earlier.changes(until=as_of)


@settings(max_examples=150, deadline=None)
@given(observation_lists(), st.integers(min_value=0, max_value=900))
def test_known_at_reproduces_what_was_shown_before_a_later_import(
    observations: list[Observation], offset: int
) -> None:
    known_at = dt.datetime.combine(START + dt.timedelta(days=offset), dt.time(12), UTC)
    first_import = [o for o in observations if o.recorded_at <= known_at]

    replayed = evaluate(CATALOGUE, observations, known_at=known_at)
    shown_then = evaluate(CATALOGUE, first_import)

    for on in PROBES:
        assert replayed.standings(on) == shown_then.standings(on)


@settings(max_examples=100, deadline=None)
@given(observation_lists())
def test_series_equals_standing_at_each_date(observations: list[Observation]) -> None:
    series = evaluate(CATALOGUE, observations).series(PROBES)

    for on in PROBES:
        assert series[on] == standings(CATALOGUE, observations, on)
        assert series[on][0] == standing(CATALOGUE, "AL", "cyber", observations, on)


@settings(max_examples=150, deadline=None)
@given(observation_lists())
def test_status_tier_and_changes_agree(observations: list[Observation]) -> None:
    evaluation = evaluate(CATALOGUE, observations)

    for on in PROBES:
        for s in evaluation.standings(on, areas=AREAS):
            if s.status == "stable":
                assert s.tier == s.raw_tier
            elif s.status == "on_notice":
                assert s.tier > s.raw_tier
                assert s.notice_until is not None
                assert s.notice_until > on
            else:
                assert s.tier <= s.raw_tier
                assert s.suspended_by != ()
            history = evaluation.changes(until=on, countries=[s.country], areas=[s.area])
            if history:
                assert (history[-1].on, history[-1].tier_after) == (s.since, s.tier)
            else:
                assert (s.since, s.tier) == (None, 0)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=400), max_size=40),
    st.integers(min_value=1, max_value=60),
)
def test_lapse_gap_search_finds_exactly_the_long_gaps(offsets: list[int], days: int) -> None:
    from oip.conditionality.timeline import gaps_longer_than as _gaps_longer_than

    dates = sorted(START + dt.timedelta(days=o) for o in offsets)
    validity = dt.timedelta(days=days)
    naive = [k for k in range(len(dates) - 1) if dates[k] + validity < dates[k + 1]]

    assert _gaps_longer_than(dates, validity) == naive + ([len(dates) - 1] if dates else [])
