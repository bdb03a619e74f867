"""A country's page: first what is in place (achieved targets, met benchmarks), then per area
its tier, what is missing for the next tier and who must act, with the context notes on that
area beside it; its tiers over time, its changes and its evidence.

Every benchmark state shown carries the date it was observed and the age of its source at the
page's date; stale evidence (`values.is_stale`) is marked. Rows without evidence ("not
assessed") are counted apart from those with evidence, so a page can fold them away."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from oip.catalogue.schema import Catalogue
from oip.conditionality import Evaluation, Standing, tier_steps
from oip.conditionality.types import Assessed, BenchmarkState, TierProgress
from oip.monitor.pages.evidence import EvidenceRow, Source, evidence_row, source
from oip.monitor.pages.values import (
    BenchmarkRow,
    Cell,
    ChangeRow,
    CountryRef,
    TargetGroup,
    age_words,
    benchmark_row,
    cell,
    country_refs,
    coverage_counts,
    grouped,
    is_stale,
    latest_changes,
)
from oip.presentation import labels
from oip.region import who_must_act
from oip.vocabulary import Who

EVIDENCE_SHOWN = 100
#: The `assessed` of an area standing built without one.
NO_BENCHMARKS = Assessed(0, 0)
CHANGES_SHOWN = 20
TIMELINE_YEARS = 8


@dataclass(frozen=True)
class DatedRow:
    """A benchmark row with the source its state rests on (None: not among the observations
    the page was given, or no evidence), the source's date (`published_on`, failing that the
    day observed), its age in words at the page's date and whether it is stale."""

    row: BenchmarkRow
    source: Source | None
    source_on: dt.date | None
    age_words: str
    stale: bool


@dataclass(frozen=True)
class DatedGroup:
    """Dated rows under their target; `achieved` is the engine's verdict on the target."""

    target: str
    title: str
    tier: int
    achieved: bool
    rows: tuple[DatedRow, ...]


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
class AreaStanding:
    """The country's standing in one area, explained.

    `holding` and `missing` are the engine's explanation (`Standing`). `in_place` holds every
    target of the area that is achieved (all its rows) or has a met benchmark (the met rows
    only), in catalogue order; `missing_assessed` the missing rows that have evidence and
    `not_assessed` those without (`not_assessed_count` of them); `notes` the context notes
    on this area."""

    cell: Cell
    next_tier_words: str | None
    holding: tuple[TargetGroup, ...]
    missing: tuple[TargetGroup, ...]
    missing_words: str
    suspended_by: tuple[BenchmarkRow, ...]
    in_place: tuple[DatedGroup, ...] = ()
    missing_assessed: tuple[DatedGroup, ...] = ()
    not_assessed: tuple[TargetGroup, ...] = ()
    not_assessed_count: int = 0
    notes: tuple[Note, ...] = ()
    score: float | None = None
    change_12m: float | None = None
    assessed: Assessed = NO_BENCHMARKS
    progress: tuple[TierProgress, ...] = ()

    @property
    def achieved(self) -> tuple[DatedGroup, ...]:
        """The achieved targets of the area."""
        return tuple(g for g in self.in_place if g.achieved)

    @property
    def score_words(self) -> str | None:
        """ "20 of 100 · 3 of 11 assessed"; None when the area is not assessed or nothing
        counts (a page never shows a score number for an area without evidence)."""
        if not self.assessed.any or self.score is None:
            return None
        return (
            f"{number_words(self.score)} of 100 · "
            f"{self.assessed.with_evidence} of {self.assessed.benchmarks} assessed"
        )

    @property
    def change_words(self) -> str | None:
        """ "+5 in 12 months", "−5 in 12 months" or "no change in 12 months"; None when the
        change is unknown or the area is not assessed."""
        if self.change_12m is None or self.score_words is None:
            return None
        return change_words(self.change_12m)

    @property
    def next_tier_progress(self) -> TierProgress | None:
        """The progress within the next tier (None at the highest tier)."""
        return next((p for p in self.progress if p.tier == self.cell.next_tier), None)

    @property
    def progress_words(self) -> str | None:
        """ "tier 1: 1 of 3 targets achieved, core 0 of 1" for the next tier (the core part
        only when the tier has core targets); None at the highest tier or when the area is not
        assessed ("0 of 8 achieved" would read as evidence of absence)."""
        p = self.next_tier_progress
        return progress_words(p) if p is not None and self.assessed.any else None


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
    general_notes: tuple[Note, ...] = ()

    @property
    def achieved(self) -> tuple[tuple[str, DatedGroup], ...]:
        """Every achieved target as (area short name, group), areas in catalogue order."""
        return tuple((a.cell.area_short, g) for a in self.areas for g in a.achieved)

    @property
    def met_count(self) -> int:
        """How many benchmarks are met (rows of `in_place` with status `met`)."""
        return sum(r.row.status == "met" for a in self.areas for g in a.in_place for r in g.rows)

    @property
    def timeline_moves(self) -> bool:
        """Whether some area's tier changes on the timeline (a flat chart says nothing)."""
        tiers: dict[str, set[int]] = {}
        for p in self.timeline:
            tiers.setdefault(p.area, set()).add(p.tier)
        return any(len(t) > 1 for t in tiers.values())


def number_words(value: float) -> str:
    """Return a score or change with at most one decimal and no trailing ".0": 20.0 -> "20"."""
    return f"{value:.1f}".removesuffix(".0")


def change_words(change: float) -> str:
    """Return "+5 in 12 months", "−2.5 in 12 months" (a true minus) or "no change in 12
    months"."""
    if change == 0:
        return "no change in 12 months"
    sign = "+" if change > 0 else "\u2212"
    return f"{sign}{number_words(abs(change))} in 12 months"


def progress_words(progress: TierProgress) -> str:
    """Return "tier 1: 1 of 3 targets achieved, core 0 of 1" (", core …" only with core
    targets)."""
    words = (
        f"tier {progress.tier}: {progress.achieved} of {progress.targets} "
        f"target{'s' if progress.targets != 1 else ''} achieved"
    )
    if progress.core:
        words += f", core {progress.core_achieved} of {progress.core}"
    return words


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


def observation_ids(
    catalogue: Catalogue, evaluation: Evaluation, as_of: dt.date, code: str
) -> frozenset[int]:
    """Return the ids of the observations the benchmark states of `code` rest on at `as_of`
    (what the reader fetches for `build`'s `observations`). KeyError for an unknown country."""
    if code not in catalogue.country_codes():
        raise KeyError(code)
    return frozenset(
        state.observation_id
        for area in catalogue.areas
        for state in evaluation.benchmark_states(code, area.id, as_of)
        if state.observation_id is not None
    )


def dated_row(
    row: BenchmarkRow, observations: Mapping[int, Mapping[str, Any]], as_of: dt.date
) -> DatedRow:
    """Return `row` with its source (from `observations`, plain shapes by id) and its age."""
    plain = observations.get(row.observation_id) if row.observation_id is not None else None
    found = source(plain["source"]) if plain is not None else None
    source_on = (found.published_on if found else None) or row.observed_on
    return DatedRow(
        row=row,
        source=found,
        source_on=source_on,
        age_words=age_words(source_on, as_of),
        stale=is_stale(as_of, source_on, row.lapsed_on),
    )


def _dated_groups(
    groups: Sequence[TargetGroup],
    achieved: Mapping[str, bool],
    observations: Mapping[int, Mapping[str, Any]],
    as_of: dt.date,
) -> tuple[DatedGroup, ...]:
    return tuple(
        DatedGroup(
            g.target,
            g.title,
            g.tier,
            achieved.get(g.target, False),
            tuple(dated_row(r, observations, as_of) for r in g.rows),
        )
        for g in groups
        if g.rows
    )


def _area_standing(
    catalogue: Catalogue,
    evaluation: Evaluation,
    standing: Standing,
    coverage: Mapping[tuple[str, str], tuple[int, int]],
    name: str,
    observations: Mapping[int, Mapping[str, Any]],
    notes: Sequence[Note],
) -> AreaStanding:
    code, as_of = standing.country, standing.as_of
    states = evaluation.benchmark_states(code, standing.area, as_of)
    achieved = {
        t: evaluation.achieved(code, t, as_of) for t in dict.fromkeys(s.target for s in states)
    }
    placed = [s for s in states if achieved[s.target] or s.status == "met"]
    with_evidence = [s for s in standing.missing if s.status != "unknown"]
    without = [s for s in standing.missing if s.status == "unknown"]
    return AreaStanding(
        cell=cell(catalogue, standing, coverage),
        next_tier_words=(
            labels.tier_words(catalogue, standing.next_tier) if standing.next_tier else None
        ),
        holding=grouped(catalogue, standing.holding, name),
        missing=grouped(catalogue, standing.missing, name),
        missing_words=missing_words(standing.missing, name),
        suspended_by=tuple(
            benchmark_row(catalogue, evaluation.benchmark_state(code, b, as_of), name)
            for b in standing.suspended_by
        ),
        in_place=_dated_groups(grouped(catalogue, placed, name), achieved, observations, as_of),
        missing_assessed=_dated_groups(
            grouped(catalogue, with_evidence, name), achieved, observations, as_of
        ),
        not_assessed=grouped(catalogue, without, name),
        not_assessed_count=len(without),
        notes=tuple(n for n in notes if n.area == standing.area),
        score=standing.score,
        change_12m=standing.change_12m,
        assessed=standing.assessed,
        # a plain dict for the page cache: a mappingproxy does not pickle
        progress=tuple(replace(p, benchmarks=dict(p.benchmarks)) for p in standing.progress),
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
    observations: Mapping[int, Mapping[str, Any]] | None = None,
) -> CountryPage:
    """Return the page of the country `code` at `as_of`. KeyError for an unknown country.

    The evidence comes in as the reader fetched it, in the plain shapes of
    `oip.evidence.serialize`: `evidence` the newest observations up to `as_of` (only the first
    EVIDENCE_SHOWN are kept), `evidence_count` how many there are in all, `notes` the context
    notes for the country up to `as_of`, `first_observed` its earliest observation (the start
    of the timeline), `observations` the observations the benchmark states rest on by id
    (`observation_ids`; default: those among `evidence`) for the sources and their age.
    """
    names = {c.code: c.name for c in catalogue.countries}
    if code not in names:
        raise KeyError(code)
    name = names[code]
    coverage = coverage_counts(catalogue, evaluation, as_of, countries=[code])
    if observations is None:
        observations = {o["id"]: o for o in evidence}
    all_notes = tuple(note(n) for n in notes)
    area_ids = {a.id for a in catalogue.areas}
    areas = tuple(
        _area_standing(catalogue, evaluation, s, coverage, name, observations, all_notes)
        for s in evaluation.standings(as_of, countries=[code])
    )
    return CountryPage(
        as_of=as_of,
        country=CountryRef(code, name),
        countries=country_refs(catalogue),
        areas=areas,
        evidence=tuple(evidence_row(catalogue, o) for o in evidence[:EVIDENCE_SHOWN]),
        evidence_count=evidence_count,
        notes=all_notes,
        changes=latest_changes(catalogue, evaluation, as_of, country=code, limit=CHANGES_SHOWN),
        timeline=timeline(catalogue, evaluation, code, as_of, first_observed),
        general_notes=tuple(n for n in all_notes if n.area not in area_ids),
    )
