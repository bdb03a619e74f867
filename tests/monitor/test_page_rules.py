"""Properties of the small rules the pages apply: timeline sampling, who-must-act words, trend
words and evidence coverage."""

from __future__ import annotations

import datetime as dt
import itertools
import re

from hypothesis import given
from hypothesis import strategies as st

from oip.catalogue.loader import load_catalogue
from oip.conditionality import evaluate
from oip.conditionality.types import BenchmarkState, Observation
from oip.monitor.pages import country
from oip.monitor.pages.region import trend_words
from oip.monitor.pages.values import coverage_counts
from oip.vocabulary import OBSERVATION_STATUSES, WHO

CATALOGUE = load_catalogue()
BENCHMARKS = sorted(CATALOGUE.benchmark_index())
days = st.dates(min_value=dt.date(2010, 1, 1), max_value=dt.date(2030, 12, 31))


EPPO_BENCHMARKS = sorted(b for b in BENCHMARKS if b.startswith("eppo."))


@given(
    st.lists(
        st.tuples(st.sampled_from(EPPO_BENCHMARKS), st.sampled_from(OBSERVATION_STATUSES), days),
        min_size=1,
        max_size=20,
    ),
    days,
)
def test_timeline_points_are_the_held_tier_where_it_changes_and_on_the_date(
    facts: list[tuple[str, str, dt.date]], as_of: dt.date
) -> None:
    stamp = dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
    observations = [
        Observation("ME", b, s, d, stamp, k)  # type: ignore[arg-type]
        for k, (b, s, d) in enumerate(facts, start=1)
    ]
    engine = evaluate(CATALOGUE, observations)
    first = min(d for _b, _s, d in facts)
    points = country.timeline(CATALOGUE, engine, "ME", as_of, first)
    if first > as_of:
        assert points == ()
        return
    since = max(first, dt.date(as_of.year - country.TIMELINE_YEARS, as_of.month, 1))
    assert [p.area for p in points] == ["EPPO"] * len(points)
    assert points[0].date == since
    assert points[-1].date == as_of
    assert [p.date for p in points] == sorted({p.date for p in points})
    for point in points:
        assert point.tier == engine.standing("ME", "eppo", point.date).tier
    runs = points[:-1] if len(points) > 1 else points
    assert all(a.tier != b.tier for a, b in itertools.pairwise(runs))
    for day in (since, as_of):  # no change of tier between two points goes undrawn
        held = [p.tier for p in points if p.date <= day]
        assert held[-1] == engine.standing("ME", "eppo", day).tier


def _state(who: str) -> BenchmarkState:
    return BenchmarkState(
        benchmark="b",
        target="t",
        tier=1,
        who=who,  # type: ignore[arg-type]
        kind="legal",
        status="unknown",
    )


@given(st.lists(st.sampled_from(WHO), max_size=30))
def test_missing_words_count_each_actor_and_sum_to_the_total(whos: list[str]) -> None:
    words = country.missing_words([_state(w) for w in whos], "Montenegro")
    if not whos:
        assert words == "nothing"
        return
    total, _, parts = words.partition(": ")
    assert total == f"{len(whos)} benchmark{'s' if len(whos) != 1 else ''}"
    found = {label: int(n) for n, label in re.findall(r"(\d+) for ([^,]+)", parts)}
    expected = {
        label: whos.count(who)
        for who, label in (
            ("country", "Montenegro"),
            ("eu", "the EU"),
            ("joint", "the EU and Montenegro together"),
        )
        if whos.count(who)
    }
    assert found == expected


@given(st.none() | st.floats(min_value=-3, max_value=3, allow_nan=False).map(lambda x: round(x, 2)))
def test_trend_words_show_the_sign_of_a_rise(trend: float | None) -> None:
    words = trend_words(trend)
    if trend is None:
        assert words == "no data a year earlier"
    elif trend > 0:
        assert words == f"mean +{trend:g} on a year earlier"
    else:
        assert words == f"mean {trend:g} on a year earlier"


@given(
    st.lists(
        st.tuples(
            st.sampled_from(("AL", "ME")),
            st.sampled_from(BENCHMARKS),
            st.sampled_from(OBSERVATION_STATUSES),
            days,
        ),
        max_size=25,
    ),
    days,
)
def test_coverage_counts_the_benchmarks_observed_by_the_date(
    facts: list[tuple[str, str, str, dt.date]], as_of: dt.date
) -> None:
    stamp = dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
    observations = [
        Observation(c, b, s, d, stamp, k)  # type: ignore[arg-type]
        for k, (c, b, s, d) in enumerate(facts, start=1)
    ]
    counts = coverage_counts(CATALOGUE, evaluate(CATALOGUE, observations), as_of)
    index = CATALOGUE.benchmark_index()
    for (code, area), (assessed, total) in counts.items():
        observed = {
            b for c, b, _s, d in facts if c == code and d <= as_of and index[b][0].area == area
        }
        assert assessed == len(observed)
        assert total == sum(len(t.benchmarks) for t in CATALOGUE.targets_in(area))
    assert len(counts) == len(CATALOGUE.countries) * len(CATALOGUE.areas)
