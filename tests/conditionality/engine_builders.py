"""Small catalogues and observations for the engine's tests (no YAML, no Django)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from oip.catalogue.schema import Catalogue
from oip.conditionality.types import Observation, ObservationStatus

UTC = dt.UTC
START = dt.date(2024, 1, 1)

# area id -> (quorum, grace_days, targets); target: (id, tier, who, benchmarks);
# benchmark: (id, kind, validity_days, who)
AREAS: dict[
    str,
    tuple[float, int, list[tuple[str, int, str, list[tuple[str, str, int | None, str | None]]]]],
] = {
    "cyber": (
        1.0,
        90,
        [
            (
                "cyber-t1-law",
                1,
                "country",
                [("cyber-law", "legal", None, None), ("cyber-drill", "operational", 365, None)],
            ),
            ("cyber-t1-door", 1, "eu", [("cyber-door", "institutional", None, None)]),
            (
                "cyber-t2-exchange",
                2,
                "joint",
                [
                    ("cyber-integrity", "integrity", None, "country"),
                    ("cyber-ops", "operational", None, None),
                ],
            ),
            ("cyber-t3-record", 3, "country", [("cyber-record", "track_record", None, None)]),
        ],
    ),
    "fdi": (
        0.5,
        30,
        [
            ("fdi-t1-a", 1, "country", [("fdi-a", "institutional", None, None)]),
            ("fdi-t1-b", 1, "country", [("fdi-b", "institutional", None, None)]),
            ("fdi-t1-c", 1, "country", [("fdi-c", "institutional", None, None)]),
            ("fdi-t2-pilot", 2, "eu", [("fdi-pilot", "operational", None, None)]),
        ],
    ),
    "gap": (
        1.0,
        0,
        [
            ("gap-t1", 1, "country", [("gap-1", "legal", None, None)]),
            ("gap-t3", 3, "country", [("gap-3", "operational", None, None)]),
        ],
    ),
    "empty": (1.0, 90, []),
}


# An area with a core target, a presumed integrity benchmark (C1) and a quorum below 1, for the
# rules of catalogue 2026.2: tier 1 needs 2 of its 3 targets, the arrangement among them.
LIAISON: dict[
    str,
    tuple[float, int, list[tuple[str, int, str, list[tuple[str, str, int | None, str | None]]]]],
] = {
    "liaison": (
        0.5,
        60,
        [
            ("liaison-t1-arrangement", 1, "eu", [("liaison-arrangement", "legal", None, None)]),
            (
                "liaison-t1-points",
                1,
                "country",
                [
                    ("liaison-points", "institutional", None, None),
                    ("liaison-handling", "integrity", None, None),
                ],
            ),
            ("liaison-t1-training", 1, "country", [("liaison-training", "operational", 365, None)]),
            ("liaison-t2-exchange", 2, "joint", [("liaison-exchange", "operational", None, None)]),
        ],
    ),
}
LIAISON_CORE = frozenset({"liaison-t1-arrangement"})
LIAISON_PRESUMED = frozenset({"liaison-handling"})


def build_catalogue(
    areas: dict[str, Any] | None = None,
    countries: tuple[str, ...] = ("AL", "ME", "RS"),
    core: frozenset[str] = frozenset(),
    presumed: frozenset[str] = frozenset(),
) -> Catalogue:
    """Return a valid catalogue with `areas` (default `AREAS`) and `countries`; the targets
    named in `core` are core, the (integrity) benchmarks named in `presumed` presumed."""
    areas = AREAS if areas is None else areas
    targets = []
    for area_id, (_, _, area_targets) in areas.items():
        for target_id, tier, who, benchmarks in area_targets:
            targets.append(
                {
                    "id": target_id,
                    "area": area_id,
                    "tier": tier,
                    "title": target_id,
                    "who": who,
                    "core": target_id in core,
                    "benchmarks": [
                        {
                            "id": bid,
                            "kind": kind,
                            "statement": bid,
                            "accepted_evidence": "a source",
                            "validity_days": validity,
                            "who": bwho,
                            "presumed": bid in presumed,
                        }
                        for bid, kind, validity, bwho in benchmarks
                    ],
                }
            )
    return Catalogue.model_validate(
        {
            "version": "test",
            "countries": [{"code": c, "name": c} for c in countries],
            "tiers": [
                {"level": 1, "name": "incremental", "definition": "d"},
                {"level": 2, "name": "structural", "definition": "d"},
                {"level": 3, "name": "transformational", "definition": "d"},
            ],
            "instruments": [],
            "bodies": [],
            "areas": [
                {"id": a, "title": a, "quorum": q, "grace_days": g}
                for a, (q, g, _) in areas.items()
            ],
            "targets": targets,
        }
    )


CATALOGUE = build_catalogue()
LIAISON_CATALOGUE = build_catalogue(
    {**AREAS, **LIAISON}, core=LIAISON_CORE, presumed=LIAISON_PRESUMED
)


def day(offset: int) -> dt.date:
    """Return START + `offset` days."""
    return START + dt.timedelta(days=offset)


def ob(
    benchmark: str,
    status: ObservationStatus,
    on: int | dt.date,
    country: str = "ME",
    recorded: int | dt.datetime | None = None,
    id: int = 0,
) -> Observation:
    """Return an observation; dates may be given as day offsets from START.

    Recorded by default the day after it was observed, at noon UTC.
    """
    observed_on = day(on) if isinstance(on, int) else on
    if recorded is None:
        recorded_at = dt.datetime.combine(observed_on, dt.time(12), UTC) + dt.timedelta(days=1)
    elif isinstance(recorded, int):
        recorded_at = dt.datetime.combine(day(recorded), dt.time(12), UTC)
    else:
        recorded_at = recorded
    return Observation(country, benchmark, status, observed_on, recorded_at, id)


TIER_1 = ("cyber-law", "cyber-drill", "cyber-door")
TIER_2 = ("cyber-integrity", "cyber-ops")
TIER_3 = ("cyber-record",)


def cyber_up_to(tier: int, on: int, country: str = "ME") -> list[Observation]:
    """Return `met` observations on day `on` for every cyber benchmark up to `tier`."""
    benchmarks = (TIER_1, TIER_2, TIER_3)[:tier]
    return [ob(b, "met", on, country) for group in benchmarks for b in group]
