"""A country's page: per area its tier, what holds it, what is missing for the next tier and
who must act; its tiers over time, its changes, evidence and context notes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from oip.catalogue.schema import Catalogue
from oip.conditionality import Evaluation, tier_steps
from oip.conditionality.types import BenchmarkState
from oip.monitor.pages.evidence import EvidenceRow, Source, evidence_row, source
from oip.monitor.pages.values import (
    BenchmarkRow,
    Cell,
    ChangeRow,
    CountryRef,
    TargetGroup,
    benchmark_row,
    cell,
    country_refs,
    coverage_counts,
    grouped,
    latest_changes,
)
from oip.presentation import labels
from oip.region import who_must_act
from oip.vocabulary import Who

EVIDENCE_SHOWN = 100
CHANGES_SHOWN = 20
TIMELINE_YEARS = 8


@dataclass(frozen=True)
class AreaStanding:
    """The country's standing in one area, explained."""

    cell: Cell
    next_tier_words: str | None
    holding: tuple[TargetGroup, ...]
    missing: tuple[TargetGroup, ...]
    missing_words: str
    suspended_by: tuple[BenchmarkRow, ...]


@dataclass(frozen=True)
class Note:
    """A context note (`country` None: about the whole region; `noted_on` None: undated)."""

    key: str
    country: str | None
    area: str
    title: str
    body: str
    noted_on: dt.date | None
    source: Source


@dataclass(frozen=True)
class TimelinePoint:
    """A row of the tier timeline chart: the tier held in an area (short name) on a date."""

    date: dt.date
    area: str
    tier: int

    def as_row(self) -> dict[str, object]:
        """The chart's row shape (the date in ISO form)."""
        return {"date": self.date.isoformat(), "area": self.area, "tier": self.tier}


@dataclass(frozen=True)
class CountryPage:
    """A country's page at `as_of`. `evidence` holds the newest observations (at most
    EVIDENCE_SHOWN) of the `evidence_count` recorded up to `as_of`."""

    as_of: dt.date
    country: CountryRef
    countries: tuple[CountryRef, ...]
    areas: tuple[AreaStanding, ...]
    evidence: tuple[EvidenceRow, ...]
    evidence_count: int
    notes: tuple[Note, ...]
    changes: tuple[ChangeRow, ...]
    timeline: tuple[TimelinePoint, ...]


def missing_words(states: Sequence[BenchmarkState], country_name: str) -> str:
    """Return "5 benchmarks: 2 for Montenegro, 3 for the EU" (who must act, in the words of
    `labels.who_words`, the country first; zeros left out)."""
    if not states:
        return "nothing"
    counts = who_must_act(states)
    order: tuple[Who, ...] = ("country", "eu", "joint")
    parts = [
        f"{n} for {labels.who_words(who, country_name)}"
        for who in order
        if (n := counts.count(who))
    ]
    total = counts.total
    return f"{total} benchmark{'s' if total != 1 else ''}: {', '.join(parts)}"


def timeline(
    catalogue: Catalogue,
    evaluation: Evaluation,
    code: str,
    as_of: dt.date,
    first_observed: dt.date | None,
) -> tuple[TimelinePoint, ...]:
    """Return the held tier of `code` per area from `first_observed` (the country's earliest
    observation, at most TIMELINE_YEARS back) to `as_of`: one point where each run of equal
    tiers starts and one on `as_of` (`oip.conditionality.tier_steps`), by date then area.

    Empty without evidence by `as_of`; an area with no evidence by `as_of` is "not assessed",
    not tier 0, and is left out rather than drawn as a flat line at 0. KeyError for an unknown
    country.
    """
    if code not in catalogue.country_codes():
        raise KeyError(code)
    if first_observed is None or first_observed > as_of:
        return ()
    since = max(first_observed, dt.date(as_of.year - TIMELINE_YEARS, as_of.month, 1))
    assessed = coverage_counts(catalogue, evaluation, as_of, countries=[code])
    points: list[tuple[dt.date, int, TimelinePoint]] = []
    for rank, area in enumerate(catalogue.areas):
        if not assessed[(code, area.id)][0]:
            continue
        short = labels.area_short(catalogue, area.id)
        steps = tier_steps(evaluation.history(code, area.id, since=since, until=as_of))
        points.extend((day, rank, TimelinePoint(day, short, tier)) for day, tier in steps)
    points.sort(key=lambda p: (p[0], p[1]))
    return tuple(p[2] for p in points)


def note(plain: Mapping[str, Any]) -> Note:
    """Return a context note from its plain shape (`serialize.context_note_dict`)."""
    noted_on = plain["noted_on"]
    return Note(
        key=plain["key"],
        country=plain["country"],
        area=plain["area"],
        title=plain["title"],
        body=plain["body"],
        noted_on=dt.date.fromisoformat(noted_on) if isinstance(noted_on, str) else noted_on,
        source=source(plain["source"]),
    )


def build(
    catalogue: Catalogue,
    evaluation: Evaluation,
    as_of: dt.date,
    code: str,
    *,
    first_observed: dt.date | None = None,
    evidence: Sequence[Mapping[str, Any]] = (),
    evidence_count: int = 0,
    notes: Sequence[Mapping[str, Any]] = (),
) -> CountryPage:
    """Return the page of the country `code` at `as_of`. KeyError for an unknown country.

    The evidence comes in as the reader fetched it, in the plain shapes of
    `oip.evidence.serialize`: `evidence` the newest observations up to `as_of` (only the first
    EVIDENCE_SHOWN are kept), `evidence_count` how many there are in all, `notes` the context
    notes for the country up to `as_of`, `first_observed` its earliest observation (the start
    of the timeline).
    """
    names = {c.code: c.name for c in catalogue.countries}
    if code not in names:
        raise KeyError(code)
    name = names[code]
    coverage = coverage_counts(catalogue, evaluation, as_of, countries=[code])
    areas = []
    for s in evaluation.standings(as_of, countries=[code]):
        areas.append(
            AreaStanding(
                cell=cell(catalogue, s, coverage),
                next_tier_words=(
                    labels.tier_words(catalogue, s.next_tier) if s.next_tier else None
                ),
                holding=grouped(catalogue, s.holding, name),
                missing=grouped(catalogue, s.missing, name),
                missing_words=missing_words(s.missing, name),
                suspended_by=tuple(
                    benchmark_row(catalogue, evaluation.benchmark_state(code, b, as_of), name)
                    for b in s.suspended_by
                ),
            )
        )
    return CountryPage(
        as_of=as_of,
        country=CountryRef(code, name),
        countries=country_refs(catalogue),
        areas=tuple(areas),
        evidence=tuple(evidence_row(catalogue, o) for o in evidence[:EVIDENCE_SHOWN]),
        evidence_count=evidence_count,
        notes=tuple(note(n) for n in notes),
        changes=latest_changes(catalogue, evaluation, as_of, country=code, limit=CHANGES_SHOWN),
        timeline=timeline(catalogue, evaluation, code, as_of, first_observed),
    )
