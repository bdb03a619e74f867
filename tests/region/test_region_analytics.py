"""Region analytics over the engine's standings: exact values on a small catalogue."""

from __future__ import annotations

import datetime as dt

import pytest

from oip.catalogue.schema import Catalogue
from oip.conditionality import Observation, Standing, standings
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


def _standing(country: str, area: str, tier: int) -> Standing:
    return Standing(country, area, NOW, tier, tier, "stable", None, None, None)


def test_divergence_gives_tiers_mean_spread_and_two_speed_flag() -> None:
    result = divergence(CATALOGUE, "cyber", NOW_STANDINGS, YEAR_AGO_STANDINGS)

    assert result == AreaDivergence(
        area="cyber",
        as_of=NOW,
        tiers={"AL": 3, "ME": 1, "RS": 0},
        mean=1.33,
        spread=3,
        two_speed=True,
        year_ago_mean=0.0,
        trend=1.33,
        trend_label="diverging",
        year_ago_spread=0,
    )


def test_divergence_is_steady_when_spread_is_unchanged() -> None:
    result = divergence(CATALOGUE, "fdi", NOW_STANDINGS, YEAR_AGO_STANDINGS)

    assert (result.mean, result.spread, result.two_speed) == (0.0, 0, False)
    assert (result.trend, result.trend_label) == (0.0, "steady")


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


def test_divergence_without_year_ago_standings_has_no_trend() -> None:
    result = divergence(CATALOGUE, "cyber", [_standing("AL", "cyber", 1)], [])

    assert (result.year_ago_mean, result.trend, result.trend_label) == (None, None, "steady")


def test_divergence_of_unknown_area_raises_key_error() -> None:
    with pytest.raises(KeyError):
        divergence(CATALOGUE, "nowhere", NOW_STANDINGS, YEAR_AGO_STANDINGS)


def test_uniformity_gaps_name_those_left_out() -> None:
    assert uniformity_gaps(CATALOGUE, NOW_STANDINGS) == [
        Gap("cyber", "cyber-t1-law", 1, ("AL", "ME"), ("RS",)),
        Gap("cyber", "cyber-t1-door", 1, ("AL", "ME"), ("RS",)),
        Gap("cyber", "cyber-t2-exchange", 2, ("AL",), ("ME", "RS")),
        Gap("cyber", "cyber-t3-record", 3, ("AL",), ("ME", "RS")),
    ]


def test_no_gap_when_nobody_or_everybody_has_the_target() -> None:
    everyone = [o for c in ("AL", "ME", "RS") for o in _cyber(c, 1, START)]

    result = uniformity_gaps(CATALOGUE, standings(CATALOGUE, everyone, NOW, areas=["cyber"]))

    assert result == []


def test_blockers_list_only_benchmarks_the_eu_side_must_act_on() -> None:
    assert blockers(CATALOGUE, NOW_STANDINGS) == [
        Blocker("cyber", "cyber-t1-door", "cyber-door", "eu", ("RS",)),
        Blocker("cyber", "cyber-t2-exchange", "cyber-ops", "joint", ("ME",)),
    ]


def test_blocker_names_every_country_missing_it() -> None:
    result = blockers(CATALOGUE, YEAR_AGO_STANDINGS)

    assert result == [Blocker("cyber", "cyber-t1-door", "cyber-door", "eu", ("AL", "ME", "RS"))]


def test_priorities_are_countries_one_or_two_benchmarks_from_next_tier() -> None:
    assert priorities(CATALOGUE, NOW_STANDINGS) == [
        Priority("AL", "fdi", 0, 1, ("fdi-a", "fdi-b")),
        Priority("ME", "cyber", 1, 2, ("cyber-integrity", "cyber-ops")),
        Priority("ME", "fdi", 0, 1, ("fdi-a", "fdi-b")),
        Priority("RS", "fdi", 0, 1, ("fdi-a", "fdi-b")),
    ]


def test_priorities_with_quorum_count_only_the_cheapest_targets() -> None:
    observations = _met("ME", ("fdi-b",), START)

    result = priorities(CATALOGUE, standings(CATALOGUE, observations, NOW, countries=["ME"]))

    assert result == [Priority("ME", "fdi", 0, 1, ("fdi-a",))]


def test_priorities_sort_by_distance_then_country() -> None:
    observations = [*_met("RS", ("fdi-b",), START), *_cyber("AL", 1, START + dt.timedelta(300))]

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
