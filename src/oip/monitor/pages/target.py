"""A target's page: its benchmarks and one matrix of countries x benchmarks, each cell the
benchmark's state in the country with the observation it rests on and that observation's
source."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from oip.catalogue.schema import Catalogue
from oip.conditionality import Evaluation
from oip.monitor.pages.evidence import EvidenceRow, evidence_row
from oip.monitor.pages.values import (
    AreaRef,
    BenchmarkRow,
    area_ref,
    benchmark_row,
    country_names,
)
from oip.presentation import labels


@dataclass(frozen=True)
class BodyRef:
    """An EU body and what its legal framework allows third countries."""

    id: str
    name: str
    access: str


@dataclass(frozen=True)
class InstrumentRef:
    """An instrument of operational integration (A-G)."""

    code: str
    name: str


@dataclass(frozen=True)
class BenchmarkInfo:
    """A benchmark of the target as the catalogue states it."""

    id: str
    kind: str
    kind_words: str
    statement: str
    accepted_evidence: str
    validity_days: int | None
    who_words: str


@dataclass(frozen=True)
class TargetInfo:
    """The target as the catalogue states it."""

    id: str
    title: str
    tier: int
    tier_words: str
    who: str
    who_words: str
    scope: str
    source: str
    area: AreaRef
    bodies: tuple[BodyRef, ...]
    instruments: tuple[InstrumentRef, ...]
    benchmarks: tuple[BenchmarkInfo, ...]


@dataclass(frozen=True)
class EvidencedRow:
    """A benchmark's state in a country and the observation it rests on (None: no evidence)."""

    row: BenchmarkRow
    observation: EvidenceRow | None


@dataclass(frozen=True)
class TargetCountry:
    """A country's state on the target: `achieved` is the engine's verdict at the date;
    `assessed` says some benchmark has evidence."""

    code: str
    name: str
    achieved: bool
    assessed: bool
    rows: tuple[EvidencedRow, ...]


@dataclass(frozen=True)
class TargetPage:
    """A target's page at `as_of`."""

    as_of: dt.date
    target: TargetInfo
    countries: tuple[TargetCountry, ...]

    @property
    def statuses(self) -> tuple[str, ...]:
        """The benchmark states the matrix shows, in vocabulary order (for its legend)."""
        shown = {item.row.status for c in self.countries for item in c.rows}
        return tuple(s for s in labels.BENCHMARK_STATUS if s in shown)

    @property
    def observed_count(self) -> int:
        """How many cells of the matrix rest on an observation."""
        return sum(item.observation is not None for c in self.countries for item in c.rows)


def observation_ids(
    catalogue: Catalogue, evaluation: Evaluation, as_of: dt.date, target: str
) -> frozenset[int]:
    """Return the ids of the observations the target's benchmark states rest on at `as_of`
    (what the reader must fetch for `build`). KeyError for an unknown target."""
    record = catalogue.target(target)
    return frozenset(
        state.observation_id
        for code in catalogue.country_codes()
        for b in record.benchmarks
        if (state := evaluation.benchmark_state(code, b.id, as_of)).observation_id
    )


def _info(catalogue: Catalogue, target: str) -> TargetInfo:
    record = catalogue.target(target)
    bodies = {b.id: b for b in catalogue.bodies}
    instruments = {i.code: i.name for i in catalogue.instruments}
    return TargetInfo(
        id=record.id,
        title=record.title,
        tier=record.tier,
        tier_words=labels.tier_words(catalogue, record.tier),
        who=record.who,
        who_words=labels.who_words(record.who),
        scope=record.scope,
        source=record.source,
        area=area_ref(catalogue, record.area),
        bodies=tuple(
            BodyRef(b, bodies[b].name, bodies[b].third_country_access)
            for b in record.bodies
            if b in bodies
        ),
        instruments=tuple(InstrumentRef(i, instruments.get(i, i)) for i in record.instruments),
        benchmarks=tuple(
            BenchmarkInfo(
                id=b.id,
                kind=b.kind,
                kind_words=labels.KIND_LABEL.get(b.kind, b.kind),
                statement=b.statement,
                accepted_evidence=b.accepted_evidence,
                validity_days=b.validity_days,
                who_words=labels.who_words(record.benchmark_who(b)),
            )
            for b in record.benchmarks
        ),
    )


def _evidence(
    catalogue: Catalogue, observations: Mapping[int, Mapping[str, Any]], pk: int | None
) -> EvidenceRow | None:
    found = observations.get(pk) if pk is not None else None
    return evidence_row(catalogue, found) if found is not None else None


def build(
    catalogue: Catalogue,
    evaluation: Evaluation,
    as_of: dt.date,
    target: str,
    *,
    observations: Mapping[int, Mapping[str, Any]],
) -> TargetPage:
    """Return the page of the target `target` at `as_of`. KeyError for an unknown target.

    `observations` maps the ids of `observation_ids(...)` to their plain shape
    (`oip.evidence.serialize.observation_dict`); a missing one reads as no evidence.
    """
    record = catalogue.target(target)
    names = country_names(catalogue)
    countries = []
    for code in catalogue.country_codes():
        states = [evaluation.benchmark_state(code, b.id, as_of) for b in record.benchmarks]
        rows = tuple(
            EvidencedRow(
                benchmark_row(catalogue, s, names[code]),
                _evidence(catalogue, observations, s.observation_id),
            )
            for s in states
        )
        countries.append(
            TargetCountry(
                code=code,
                name=names[code],
                achieved=evaluation.achieved(code, record.id, as_of),
                assessed=any(s.status != "unknown" for s in states),
                rows=rows,
            )
        )
    return TargetPage(as_of=as_of, target=_info(catalogue, target), countries=tuple(countries))
