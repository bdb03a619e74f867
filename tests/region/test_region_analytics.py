"""Region analytics over the engine's standings: exact values on a small catalogue.

Only evidence counts (docs/contracts.md, "Region analytics"): RS has none at all here, so it is
"not assessed" and enters no mean; gaps, blockers and priorities rest on observations."""

from __future__ import annotations

import datetime as dt

import pytest

from oip.catalogue.schema import Catalogue
from oip.conditionality import Assessed, BenchmarkState, Observation, Standing, standings
from oip.region import (
    AreaDivergence,
    Blocker,
    Gap,
    Priority,
    blockers,
    divergence,
    priorities,
    region,
    uniformity_gaps,
)

UTC = dt.UTC
START = dt.date(2024, 1, 1)
NOW = START + dt.timedelta(days=400)
YEAR_AGO = START + dt.timedelta(days=35)


def _benchmark(bid: str, who: str | None = None) -> dict[str, object]:
    return {"id": bid, "kind": "legal", "statement": bid, "accepted_evidence": "e", "who": who}


CATALOGUE = Catalogue.model_validate(
    {
        "version": "test",
        "countries": [{"code": c, "name": c} for c in ("AL", "ME", "RS")],
        "tiers": [],
        "instruments": [],
        "bodies": [],
        "areas": [
            {"id": "cyber", "title": "Cyber"},
            {"id": "fdi", "title": "FDI", "quorum": 0.5},
        ],
        "targets": [
            {
                "id": "cyber-t1-law",
                "area": "cyber",
                "tier": 1,
                "title": "t",
                "who": "country",
                "benchmarks": [_benchmark("cyber-law"), _benchmark("cyber-drill")],
            },
            {
                "id": "cyber-t1-door",
                "area": "cyber",
                "tier": 1,
                "title": "t",
                "who": "eu",
                "benchmarks": [_benchmark("cyber-door")],
            },
            {
                "id": "cyber-t2-exchange",
                "area": "cyber",
                "tier": 2,
                "title": "t",
                "who": "joint",
                "benchmarks": [_benchmark("cyber-integrity", "country"), _benchmark("cyber-ops")],
            },
            {
                "id": "cyber-t3-record",
                "area": "cyber",
                "tier": 3,
                "title": "t",
                "who": "country",
                "benchmarks": [_benchmark("cyber-record")],
            },
            *(
                {
                    "id": f"fdi-t1-{x}",
                    "area": "fdi",
                    "tier": 1,
                    "title": "t",
                    "who": "country",
                    "benchmarks": [_benchmark(f"fdi-{x}")],
                }
                for x in ("a", "b", "c")
            ),
            {
                "id": "fdi-t2-pilot",
                "area": "fdi",
                "tier": 2,
                "title": "t",
                "who": "eu",
                "benchmarks": [_benchmark("fdi-pilot")],
            },
        ],
    }
)

CYBER_BY_TIER = (
    ("cyber-law", "cyber-drill", "cyber-door"),
    ("cyber-integrity", "cyber-ops"),
    ("cyber-record",),
)


def _met(country: str, benchmarks: tuple[str, ...], on: dt.date) -> list[Observation]:
    recorded = dt.datetime.combine(on, dt.time(12), UTC)
    return [Observation(country, b, "met", on, recorded) for b in benchmarks]


def _cyber(country: str, tier: int, on: dt.date) -> list[Observation]:
    return [o for group in CYBER_BY_TIER[:tier] for o in _met(country, group, on)]


OBSERVATIONS = [
    *_cyber("AL", 3, START + dt.timedelta(days=300)),
    *_cyber("ME", 1, START + dt.timedelta(days=300)),
]
NOW_STANDINGS = standings(CATALOGUE, OBSERVATIONS, NOW)
YEAR_AGO_STANDINGS = standings(CATALOGUE, OBSERVATIONS, YEAR_AGO)


def _observed(country: str, benchmark: str, status: str, on: dt.date = START) -> Observation:
    return Observation(
        country,
        benchmark,
        status,
        on,
        dt.datetime.combine(on, dt.time(12), UTC),  # type: ignore[arg-type]
    )


def _standing(country: str, area: str, tier: int, score: float = 50.0) -> Standing:
    return Standing(
        country,
        area,
        NOW,
        tier,
        tier,
        "stable",
        None,
        None,
        None,
        score=score,
        assessed=Assessed(6, 3),
    )


def test_divergence_gives_tiers_mean_spread_and_two_speed_flag() -> None:
    result = divergence(CATALOGUE, "cyber", NOW_STANDINGS, YEAR_AGO_STANDINGS)

    # RS has no evidence: named, but out of the means and spreads. A year earlier nobody had
    # any evidence, so there is no trend.
    assert result == AreaDivergence(
        area="cyber",
        as_of=NOW,
        tiers={"AL": 3, "ME": 1, "RS": 0},
        mean=2.0,
        spread=2,
        two_speed=True,
        year_ago_mean=None,
        trend=None,
        trend_label="steady",
        year_ago_spread=None,
        scores={"AL": 100.0, "ME": 50.0, "RS": 0.0},
        score_mean=75.0,
        score_spread=50.0,
        year_ago_score_mean=None,
        score_trend=None,
        not_assessed=("RS",),
    )


def test_two_speed_on_scores_alone() -> None:
    now = [_standing("AL", "cyber", 1, 80.0), _standing("ME", "cyber", 1, 40.0)]
    close = [_standing("AL", "cyber", 1, 79.0), _standing("ME", "cyber", 1, 40.0)]

    wide = divergence(CATALOGUE, "cyber", now, close)
    narrow = divergence(CATALOGUE, "cyber", close, close)

    assert (wide.spread, wide.score_spread, wide.two_speed) == (0, 40.0, True)
    assert (narrow.spread, narrow.score_spread, narrow.two_speed) == (0, 39.0, False)
    assert (wide.score_mean, wide.year_ago_score_mean, wide.score_trend) == (60.0, 59.5, 0.5)


def test_divergence_is_steady_when_spread_is_unchanged() -> None:
    result = divergence(CATALOGUE, "fdi", NOW_STANDINGS, YEAR_AGO_STANDINGS)

    # Nobody has evidence on FDI: nothing to average, nothing to compare.
    assert (result.mean, result.spread, result.two_speed) == (0.0, 0, False)
    assert (result.trend, result.trend_label) == (None, "steady")
    assert result.not_assessed == ("AL", "ME", "RS")


def test_divergence_is_converging_when_spread_narrows() -> None:
    now = [_standing("AL", "cyber", 2), _standing("ME", "cyber", 2), _standing("RS", "cyber", 1)]
    before = [
        _standing("RS", "cyber", 0),
        _standing("ME", "cyber", 1),
        _standing("AL", "cyber", 2),
    ]

    result = divergence(CATALOGUE, "cyber", now, before)

    assert result.tiers == {"AL": 2, "ME": 2, "RS": 1}
    assert (result.mean, result.spread, result.two_speed) == (1.67, 1, False)
    assert (result.year_ago_mean, result.year_ago_spread) == (1.0, 2)
    assert (result.trend, result.trend_label) == (0.67, "converging")
    assert (result.score_spread, result.score_trend) == (0.0, 0.0)


def test_divergence_without_year_ago_standings_has_no_trend() -> None:
    result = divergence(CATALOGUE, "cyber", [_standing("AL", "cyber", 1)], [])

    assert (result.year_ago_mean, result.trend, result.trend_label) == (None, None, "steady")


def test_divergence_of_unknown_area_raises_key_error() -> None:
    with pytest.raises(KeyError):
        divergence(CATALOGUE, "nowhere", NOW_STANDINGS, YEAR_AGO_STANDINGS)


def test_uniformity_gaps_name_nobody_left_out_without_evidence() -> None:
    # RS has no evidence at all, ME none on the tier-2 and tier-3 targets: not assessed.
    assert uniformity_gaps(CATALOGUE, NOW_STANDINGS) == [
        Gap("cyber", "cyber-t1-law", 1, ("AL", "ME"), (), ("RS",)),
        Gap("cyber", "cyber-t1-door", 1, ("AL", "ME"), (), ("RS",)),
        Gap("cyber", "cyber-t2-exchange", 2, ("AL",), (), ("ME", "RS")),
        Gap("cyber", "cyber-t3-record", 3, ("AL",), (), ("ME", "RS")),
    ]


def test_uniformity_gaps_name_those_left_out_with_evidence() -> None:
    observations = [
        *OBSERVATIONS,
        _observed("ME", "cyber-ops", "not_met"),
        _observed("RS", "cyber-door", "partial"),
    ]

    result = uniformity_gaps(CATALOGUE, standings(CATALOGUE, observations, NOW, areas=["cyber"]))

    assert result == [
        Gap("cyber", "cyber-t1-law", 1, ("AL", "ME"), (), ("RS",)),
        Gap("cyber", "cyber-t1-door", 1, ("AL", "ME"), ("RS",), ()),
        Gap("cyber", "cyber-t2-exchange", 2, ("AL",), ("ME",), ("RS",)),
        Gap("cyber", "cyber-t3-record", 3, ("AL",), (), ("ME", "RS")),
    ]


def test_no_gap_when_nobody_or_everybody_has_the_target() -> None:
    everyone = [o for c in ("AL", "ME", "RS") for o in _cyber(c, 1, START)]

    result = uniformity_gaps(CATALOGUE, standings(CATALOGUE, everyone, NOW, areas=["cyber"]))

    assert result == []


def test_blockers_need_evidence_of_a_closed_door() -> None:
    # Every EU-side benchmark missing here is unknown: nobody has looked, so nothing blocks.
    assert blockers(CATALOGUE, NOW_STANDINGS) == []


def test_blockers_list_only_benchmarks_the_eu_side_must_act_on() -> None:
    observations = [
        *OBSERVATIONS,
        _observed("RS", "cyber-door", "not_met"),
        _observed("RS", "cyber-law", "not_met"),  # the country's to act on: no blocker
        _observed("ME", "cyber-ops", "partial"),
    ]

    result = blockers(CATALOGUE, standings(CATALOGUE, observations, NOW))

    assert result == [
        Blocker("cyber", "cyber-t1-door", "cyber-door", "eu", ("RS",)),
        Blocker("cyber", "cyber-t2-exchange", "cyber-ops", "joint", ("ME",)),
    ]


def test_blocker_names_every_country_missing_it() -> None:
    observations = [_observed(c, "cyber-door", "not_met") for c in ("AL", "ME", "RS")]

    result = blockers(CATALOGUE, standings(CATALOGUE, observations, YEAR_AGO))

    assert result == [Blocker("cyber", "cyber-t1-door", "cyber-door", "eu", ("AL", "ME", "RS"))]


def test_an_expired_benchmark_never_blocks() -> None:
    expired = BenchmarkState(
        "cyber-door", "cyber-t1-door", 1, "eu", "legal", "expired", START, NOW, 1, NOW
    )
    standing = Standing("ME", "cyber", NOW, 0, 0, "stable", None, None, 1, missing=(expired,))

    assert blockers(CATALOGUE, [standing]) == []


def test_priorities_need_evidence_on_every_benchmark_they_name() -> None:
    # Every benchmark to the next tier is unknown here: no priority rests on evidence.
    assert priorities(CATALOGUE, NOW_STANDINGS) == []


def test_priorities_are_countries_one_or_two_benchmarks_from_next_tier() -> None:
    observations = [
        *OBSERVATIONS,
        _observed("AL", "fdi-a", "not_met"),
        _observed("AL", "fdi-b", "partial"),
        _observed("ME", "cyber-integrity", "partial"),
        _observed("ME", "cyber-ops", "not_met"),
    ]

    assert priorities(CATALOGUE, standings(CATALOGUE, observations, NOW)) == [
        Priority("AL", "fdi", 0, 1, ("fdi-a", "fdi-b")),
        Priority("ME", "cyber", 1, 2, ("cyber-integrity", "cyber-ops")),
    ]


def test_priorities_with_quorum_count_only_the_cheapest_targets() -> None:
    observations = [*_met("ME", ("fdi-b",), START), _observed("ME", "fdi-a", "partial")]

    result = priorities(CATALOGUE, standings(CATALOGUE, observations, NOW, countries=["ME"]))

    assert result == [Priority("ME", "fdi", 0, 1, ("fdi-a",))]


def test_priorities_sort_by_distance_then_country() -> None:
    observations = [
        *_met("RS", ("fdi-b",), START),
        _observed("RS", "fdi-a", "not_met"),
        *_cyber("AL", 1, START + dt.timedelta(300)),
        _observed("AL", "cyber-integrity", "partial"),
        _observed("AL", "cyber-ops", "not_met"),
        _observed("AL", "fdi-a", "partial"),
        _observed("AL", "fdi-b", "partial"),
        _observed("ME", "fdi-a", "not_met"),
        _observed("ME", "fdi-b", "not_met"),
    ]

    result = priorities(CATALOGUE, standings(CATALOGUE, observations, NOW))

    assert [(p.country, p.area, len(p.missing)) for p in result] == [
        ("RS", "fdi", 1),
        ("AL", "cyber", 2),
        ("AL", "fdi", 2),
        ("ME", "fdi", 2),
    ]


def test_region_summarises_every_area() -> None:
    result = region(CATALOGUE, NOW, NOW_STANDINGS, YEAR_AGO_STANDINGS)

    assert result.as_of == NOW
    assert [d.area for d in result.areas] == ["cyber", "fdi"]
    assert result.areas[0] == divergence(CATALOGUE, "cyber", NOW_STANDINGS, YEAR_AGO_STANDINGS)
    assert result.gaps == tuple(uniformity_gaps(CATALOGUE, NOW_STANDINGS))
    assert result.blockers == tuple(blockers(CATALOGUE, NOW_STANDINGS))
    assert result.priorities == tuple(priorities(CATALOGUE, NOW_STANDINGS))
