"""The optimised engine agrees with a naive day-by-day model of the rules in `docs/contracts.md`.

The reference recomputes every benchmark's status from scratch each day and steps the
notice/suspension rules one day at a time: no event sweep, no tie or lapse shortcuts. Evidence
is drawn densely (many same-day records, short gaps) to exercise ties and lapses. The rules of
catalogue 2026.2 are in it too: `expired`, `presumed`, core targets with a quorum below 1,
suspension only on a confirmed breach, and the score (rule 6).
"""

from __future__ import annotations

import datetime as dt

from engine_builders import AREAS as BUILDER_AREAS
from engine_builders import LIAISON, LIAISON_CORE, LIAISON_PRESUMED, START, UTC, build_catalogue
from hypothesis import given, settings
from hypothesis import strategies as st

from oip.conditionality import Observation, evaluate

HORIZON = 460
# The builders' catalogue with short validity periods, so that lapses happen within the horizon.
SHORT_VALIDITY = {"cyber-drill": 30, "cyber-ops": 45, "fdi-b": 20, "liaison-training": 40}
CATALOGUE = build_catalogue(
    {
        area: (
            quorum,
            grace,
            [
                (tid, tier, who, [(b, kind, SHORT_VALIDITY.get(b, v), bw) for b, kind, v, bw in bs])
                for tid, tier, who, bs in targets
            ],
        )
        for area, (quorum, grace, targets) in {**BUILDER_AREAS, **LIAISON}.items()
    },
    core=LIAISON_CORE,
    presumed=LIAISON_PRESUMED,
)
COUNTRIES = ("AL", "ME")
AREAS = ("cyber", "fdi", "gap", "liaison")
BY_ID = CATALOGUE.benchmark_index()


def reference_status(observations: list[Observation], benchmark: str, on: dt.date) -> str:
    seen = [o for o in observations if o.benchmark == benchmark and o.observed_on <= on]
    if not seen:
        return "presumed" if BY_ID[benchmark][1].presumed else "unknown"
    winner = max(seen, key=lambda o: (o.observed_on, o.recorded_at, o.id))
    validity = BY_ID[benchmark][1].validity_days
    if winner.status == "met" and validity and winner.observed_on + dt.timedelta(validity) <= on:
        return "expired"
    return winner.status


def reference_score(statuses: list[str]) -> float | None:
    counted = [s for s in statuses if s not in ("not_applicable", "presumed")]
    if not counted:
        return None
    points = sum(1.0 if s == "met" else 0.5 if s == "partial" else 0.0 for s in counted)
    return round(100 * points / len(counted), 1)


def reference_raw_tier(area: str, satisfied: dict[str, bool]) -> int:
    targets = CATALOGUE.targets_in(area)
    top = max((t.tier for t in targets), default=0)
    quorum = CATALOGUE.area(area).quorum
    raw = 0
    for level in range(1, top + 1):
        at_level = [t for t in targets if t.tier == level]
        achieved = [t for t in at_level if all(satisfied[b.id] for b in t.benchmarks)]
        if at_level and len(achieved) / len(at_level) < quorum:
            break
        if any(t.core and t not in achieved for t in at_level):
            break
        raw = level
    return raw


def reference_history(
    observations: list[Observation], country: str, area: str
) -> dict[dt.date, tuple[object, ...]]:
    """Return (tier, raw, status, since, notice_until, suspended_by, score) for every day."""
    mine = [o for o in observations if o.country == country]
    benchmarks = [(t, b) for t in CATALOGUE.targets_in(area) for b in t.benchmarks]
    grace = dt.timedelta(CATALOGUE.area(area).grace_days)
    held, status, notice_until, since = 0, "stable", None, None
    suspended: list[str] = []
    was_breached = {b.id: False for _, b in benchmarks}
    history = {}
    for offset in range(HORIZON):
        day = START + dt.timedelta(offset)
        statuses = {b.id: reference_status(mine, b.id, day) for _, b in benchmarks}
        satisfied = {b: s in ("met", "not_applicable", "presumed") for b, s in statuses.items()}
        breached = {
            b.id: b.kind == "integrity" and statuses[b.id] == "not_met" for _, b in benchmarks
        }
        raw = reference_raw_tier(area, satisfied)
        before = (held, status)
        # Only a confirmed breach suspends: an integrity benchmark newly observed not_met.
        stopped = [
            b.id
            for t, b in benchmarks
            if breached[b.id] and not was_breached[b.id] and t.tier <= held
        ]
        suspended = [b.id for _, b in benchmarks if b.id in suspended and not satisfied[b.id]]
        suspended += [b for b in stopped if b not in suspended]
        if suspended:
            held = min(raw, min(BY_ID[b][0].tier for b in suspended) - 1)
            status, notice_until = "suspended", None
        elif status == "suspended" or raw >= held:
            held, status, notice_until = raw, "stable", None
        else:
            if status == "stable":
                status, notice_until = "on_notice", day + grace
            if notice_until is not None and notice_until <= day:
                held, status, notice_until = raw, "stable", None
        if (held, status) != before:
            since = day
        was_breached = breached
        order = [b.id for _, b in benchmarks]
        history[day] = (
            held,
            raw,
            status,
            since,
            notice_until,
            tuple(sorted(suspended, key=order.index)),
            reference_score(list(statuses.values())),
        )
    return history


@st.composite
def dense_observations(draw: st.DrawFn) -> list[Observation]:
    benchmarks = [b.id for t, b in CATALOGUE.benchmarks() if t.area in AREAS]
    found = []
    for _ in range(draw(st.integers(min_value=0, max_value=45))):
        observed_on = START + dt.timedelta(draw(st.integers(min_value=0, max_value=420)) // 6 * 6)
        found.append(
            Observation(
                country=draw(st.sampled_from(COUNTRIES)),
                benchmark=draw(st.sampled_from(benchmarks)),
                status=draw(
                    st.sampled_from(
                        ("met", "met", "met", "partial", "not_met", "not_met", "not_applicable")
                    )
                ),
                observed_on=observed_on,
                recorded_at=dt.datetime(2024, 1, 1, tzinfo=UTC)
                + dt.timedelta(hours=draw(st.integers(min_value=0, max_value=3))),
                id=draw(st.integers(min_value=0, max_value=3)),
            )
        )
    return found


@settings(max_examples=50, deadline=None)
@given(dense_observations())
def test_engine_agrees_with_day_by_day_reference(observations: list[Observation]) -> None:
    evaluation = evaluate(CATALOGUE, observations)

    for country in COUNTRIES:
        for area in AREAS:
            expected = reference_history(observations, country, area)
            for day, values in expected.items():
                s = evaluation.standing(country, area, day)
                got = (
                    s.tier,
                    s.raw_tier,
                    s.status,
                    s.since,
                    s.notice_until,
                    s.suspended_by,
                    s.score,
                )
                assert got == values, (country, area, day)
                for state in s.holding + s.missing:
                    assert state.status == reference_status(
                        [o for o in observations if o.country == country], state.benchmark, day
                    )
