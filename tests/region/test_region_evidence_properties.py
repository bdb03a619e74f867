"""Properties of the region's analytics under catalogue 2026.2's rules: only evidence counts.

An `expired` benchmark is never a blocker; a blocker is always observed `not_met` or `partial`;
nobody without evidence on a target is "left out" of it; a priority never names an unknown
benchmark; a not-assessed country never moves a mean.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conditionality.engine_builders import LIAISON_CATALOGUE, START, UTC

from oip.conditionality import Observation, evaluate
from oip.region import blockers, divergence, priorities, uniformity_gaps

CATALOGUE = LIAISON_CATALOGUE
COUNTRIES = ("AL", "ME", "RS")
BENCHMARKS = [b.id for t, b in CATALOGUE.benchmarks() if t.area in ("cyber", "liaison")]


@st.composite
def evidence(draw: st.DrawFn) -> list[Observation]:
    found = []
    for k in range(draw(st.integers(min_value=0, max_value=30))):
        found.append(
            Observation(
                country=draw(st.sampled_from(COUNTRIES)),
                benchmark=draw(st.sampled_from(BENCHMARKS)),
                status=draw(st.sampled_from(("met", "met", "partial", "not_met"))),
                observed_on=START + dt.timedelta(draw(st.integers(min_value=0, max_value=400))),
                recorded_at=dt.datetime(2024, 1, 1, tzinfo=UTC),
                id=k,
            )
        )
    return found


@settings(max_examples=100, deadline=None)
@given(evidence(), st.integers(min_value=0, max_value=900))
def test_only_evidence_makes_blockers_gaps_and_priorities(
    observations: list[Observation], offset: int
) -> None:
    on = START + dt.timedelta(offset)
    evaluation = evaluate(CATALOGUE, observations)
    now = evaluation.standings(on, areas=["cyber", "liaison"])

    for blocker in blockers(CATALOGUE, now):
        for country in blocker.countries:
            state = evaluation.benchmark_state(country, blocker.benchmark, on)
            assert state.status in ("not_met", "partial")  # never expired, never unknown
    for gap in uniformity_gaps(CATALOGUE, now):
        target = next(t for t in CATALOGUE.targets if t.id == gap.target)
        for country in gap.left_out:
            statuses = {
                evaluation.benchmark_state(country, b.id, on).status for b in target.benchmarks
            }
            assert statuses - {"unknown", "presumed"}
        assert set(gap.left_out).isdisjoint(gap.not_assessed)
    for priority in priorities(CATALOGUE, now):
        for benchmark in priority.missing:
            state = evaluation.benchmark_state(priority.country, benchmark, on)
            assert state.status not in ("unknown", "presumed")


@settings(max_examples=60, deadline=None)
@given(evidence(), st.integers(min_value=0, max_value=900))
def test_a_not_assessed_country_never_moves_a_mean(
    observations: list[Observation], offset: int
) -> None:
    on = START + dt.timedelta(offset)
    without_rs = [o for o in observations if o.country != "RS"]
    evaluation = evaluate(CATALOGUE, without_rs)
    everyone = evaluation.standings(on, areas=["liaison"])
    assessed_only = evaluation.standings(on, countries=["AL", "ME"], areas=["liaison"])

    full = divergence(CATALOGUE, "liaison", everyone, [])
    part = divergence(CATALOGUE, "liaison", assessed_only, [])

    assert "RS" in full.not_assessed
    assert (full.mean, full.spread, full.score_mean, full.score_spread, full.two_speed) == (
        part.mean,
        part.spread,
        part.score_mean,
        part.score_spread,
        part.two_speed,
    )
