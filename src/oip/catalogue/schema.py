"""The catalogue's schema: the Menu of operational integration as validated, immutable data.

Pure: imports nothing from Django. Field names follow the export contract in docs/contracts.md
("oip catalogue export --format json"); the models add only what the contract allows
(extensions, never renames).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from oip.vocabulary import (
    TIER_NAMES,
    BenchmarkKind,
    Scope,
    TargetSource,
    Who,
)

Source = TargetSource

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.-]*$", max_length=80)]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
TierLevel = Annotated[int, Field(ge=1, le=3)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Country(_Frozen):
    code: CountryCode
    name: NonEmpty


class Tier(_Frozen):
    level: TierLevel
    name: NonEmpty
    definition: NonEmpty


class Instrument(_Frozen):
    code: Annotated[str, StringConstraints(pattern=r"^[A-Z]$")]
    name: NonEmpty
    definition: NonEmpty


class Body(_Frozen):
    id: Identifier
    name: NonEmpty
    third_country_access: NonEmpty


class Area(_Frozen):
    """A policy area and its conditionality rules.

    `quorum` is the share of a tier's targets that must be achieved for the tier (0 < q <= 1);
    `grace_days` is the notice period before a lapse takes the held tier down.
    """

    id: Identifier
    title: NonEmpty
    quorum: Annotated[float, Field(gt=0.0, le=1.0)] = 1.0
    grace_days: Annotated[int, Field(ge=0, le=3650)] = 90
    source: Source = "menu"
    menu_row: str | None = None
    description: str = ""


class Benchmark(_Frozen):
    """A measurable statement of what counts as met for a target.

    `who` says who must act for it; when absent the target's `who` applies.
    `validity_days`: a `met` observation lapses that many days after it was observed.
    """

    id: Identifier
    kind: BenchmarkKind
    statement: NonEmpty
    accepted_evidence: NonEmpty
    validity_days: Annotated[int, Field(gt=0)] | None = None
    who: Who | None = None


class Target(_Frozen):
    """One target of the Menu, in its own words, in its area and tier.

    A target worded for the whole region (`scope: region`) is still assessed per country:
    has this country got it, or does it take part in it.
    """

    id: Identifier
    area: Identifier
    tier: TierLevel
    title: NonEmpty
    who: Who
    bodies: tuple[Identifier, ...] = ()
    instruments: tuple[Annotated[str, StringConstraints(pattern=r"^[A-G]$")], ...] = ()
    source: Source = "menu"
    scope: Scope = "country"
    benchmarks: Annotated[tuple[Benchmark, ...], Field(min_length=1)]

    def benchmark_who(self, benchmark: Benchmark) -> Who:
        """Return who must act for `benchmark`: its own `who`, else the target's."""
        return benchmark.who or self.who


class Milestone(_Frozen):
    id: Identifier
    title: NonEmpty
    due: dt.date
    targets: tuple[Identifier, ...] = ()
    source: Source = "memo-text"
    description: str = ""


class Catalogue(_Frozen):
    """The whole catalogue. Cross-references are checked on construction."""

    version: NonEmpty
    countries: tuple[Country, ...]
    tiers: tuple[Tier, ...]
    instruments: tuple[Instrument, ...]
    bodies: tuple[Body, ...]
    areas: tuple[Area, ...]
    milestones: tuple[Milestone, ...] = ()
    targets: tuple[Target, ...]

    @model_validator(mode="after")
    def _check_references(self) -> Catalogue:
        problems = list(reference_problems(self))
        if problems:
            raise ValueError("; ".join(message for _, message in problems))
        return self

    # -- lookups -------------------------------------------------------------------------
    def area(self, area_id: str) -> Area:
        for area in self.areas:
            if area.id == area_id:
                return area
        raise KeyError(area_id)

    def target(self, target_id: str) -> Target:
        for target in self.targets:
            if target.id == target_id:
                return target
        raise KeyError(target_id)

    def targets_in(self, area_id: str) -> tuple[Target, ...]:
        return tuple(t for t in self.targets if t.area == area_id)

    def benchmarks(self) -> Iterator[tuple[Target, Benchmark]]:
        for target in self.targets:
            for benchmark in target.benchmarks:
                yield target, benchmark

    def benchmark_index(self) -> dict[str, tuple[Target, Benchmark]]:
        return {b.id: (t, b) for t, b in self.benchmarks()}

    def country_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.countries)

    def tier_name(self, level: int) -> str:
        for tier in self.tiers:
            if tier.level == level:
                return tier.name
        return TIER_NAMES.get(level, str(level))


def reference_problems(catalogue: Catalogue) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Yield (location, message) for every broken reference or duplicate id in `catalogue`.

    Locations are paths into the export structure, e.g. ("targets", 3, "bodies", 0).
    """
    seen: dict[str, str] = {}

    def unique(
        kind: str, ident: str, loc: tuple[str | int, ...]
    ) -> Iterator[tuple[tuple[str | int, ...], str]]:
        key = f"{kind}:{ident}"
        if key in seen:
            yield loc, f"duplicate {kind} id {ident!r}"
        seen[key] = kind

    for i, country in enumerate(catalogue.countries):
        yield from unique("country", country.code, ("countries", i, "code"))
    for i, tier in enumerate(catalogue.tiers):
        yield from unique("tier", str(tier.level), ("tiers", i, "level"))
    for i, instrument in enumerate(catalogue.instruments):
        yield from unique("instrument", instrument.code, ("instruments", i, "code"))
    for i, body in enumerate(catalogue.bodies):
        yield from unique("body", body.id, ("bodies", i, "id"))
    for i, area in enumerate(catalogue.areas):
        yield from unique("area", area.id, ("areas", i, "id"))
    for i, milestone in enumerate(catalogue.milestones):
        yield from unique("milestone", milestone.id, ("milestones", i, "id"))

    body_ids = {b.id for b in catalogue.bodies}
    area_ids = {a.id for a in catalogue.areas}
    instrument_codes = {i.code for i in catalogue.instruments}
    target_ids: set[str] = set()
    for i, target in enumerate(catalogue.targets):
        yield from unique("target", target.id, ("targets", i, "id"))
        target_ids.add(target.id)
        if target.area not in area_ids:
            yield ("targets", i, "area"), f"unknown area {target.area!r}"
        for j, body_id in enumerate(target.bodies):
            if body_id not in body_ids:
                yield ("targets", i, "bodies", j), f"unknown body {body_id!r}"
        for j, code in enumerate(target.instruments):
            if code not in instrument_codes:
                yield ("targets", i, "instruments", j), f"unknown instrument {code!r}"
        for j, benchmark in enumerate(target.benchmarks):
            yield from unique("benchmark", benchmark.id, ("targets", i, "benchmarks", j, "id"))
    for i, milestone in enumerate(catalogue.milestones):
        for j, target_id in enumerate(milestone.targets):
            if target_id not in target_ids:
                yield ("milestones", i, "targets", j), f"unknown target {target_id!r}"
