"""The values several pages share — a standing cell, a benchmark row, a change — and their builders.

Every value is a frozen dataclass holding what a page shows, words included, so a template
(or a report) reads attributes and decides nothing. Builders take the catalogue and the
engine's values explicitly; nothing here reads a global, a request or the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from oip.catalogue.schema import Benchmark, Catalogue, Target
from oip.conditionality import Evaluation, Standing
from oip.conditionality.types import BenchmarkState, Change
from oip.presentation import labels
from oip.region import coverage


@dataclass(frozen=True)
class CountryRef:
    """A country as pages name and link it."""

    code: str
    name: str


@dataclass(frozen=True)
class AreaRef:
    """An area as pages name and link it: its title and the short form for narrow headers."""

    id: str
    title: str
    short: str


@dataclass(frozen=True)
class TargetRef:
    """A target as pages name and link it."""

    id: str
    title: str


@dataclass(frozen=True)
class Cell:
    """One country's standing in one area at a date, ready to show.

    `assessed` counts the area's benchmarks with at least one observation by `as_of`; with
    none the standing is "not assessed" rather than "tier 0": no evidence is not evidence of
    absence. `score` (0-100, one decimal) and `change_12m` come from the standing; a score is
    shown only for an assessed area.
    """

    country: str
    country_name: str
    area: str
    area_title: str
    area_short: str
    tier: int
    tier_name: str
    raw_tier: int
    status: str
    since: dt.date | None
    notice_until: dt.date | None
    next_tier: int | None
    assessed: int
    benchmarks: int
    suspended_by: tuple[str, ...] = ()
    score: float | None = None
    change_12m: float | None = None

    @property
    def is_assessed(self) -> bool:
        return self.assessed > 0

    @property
    def score_text(self) -> str | None:
        """The score as shown ("20", "37.5"), None when not assessed or without a score."""
        if not self.is_assessed or self.score is None:
            return None
        return f"{self.score:g}"

    @property
    def assessed_words(self) -> str:
        """How much of the area rests on evidence: "3/11 assessed"."""
        return f"{self.assessed}/{self.benchmarks} assessed"

    @property
    def summary(self) -> str:
        """Tier, score and coverage in one line: "0 no tier yet · 20 · 3/11 assessed";
        "not assessed" alone without evidence."""
        if not self.is_assessed:
            return labels.NOT_ASSESSED
        parts = [f"{self.tier} {self.words}"]
        if self.score_text is not None:
            parts.append(self.score_text)
        parts.append(self.assessed_words)
        return " · ".join(parts)

    @property
    def map_tier(self) -> int | None:
        """The tier for the map: None when not assessed."""
        return self.tier if self.is_assessed else None

    @property
    def mark(self) -> str:
        return str(self.tier) if self.is_assessed else "?"

    @property
    def words(self) -> str:
        if not self.is_assessed:
            return labels.NOT_ASSESSED
        return self.tier_name if self.tier else labels.NO_TIER_YET

    @property
    def css(self) -> str:
        return f"tier-{self.tier}" if self.is_assessed else "tier-na"

    @property
    def status_mark(self) -> str:
        return labels.STANDING_STATUS[self.status][0]

    @property
    def status_words(self) -> str:
        return labels.STANDING_STATUS[self.status][1]

    @property
    def is_stable(self) -> bool:
        return self.status == "stable"


@dataclass(frozen=True)
class BenchmarkRow:
    """A benchmark's state for one country, with the words to show it."""

    benchmark: str
    statement: str
    kind: str
    who: str
    who_words: str
    status: str
    observed_on: dt.date | None
    lapsed_on: dt.date | None
    valid_until: dt.date | None
    observation_id: int | None

    @property
    def status_mark(self) -> str:
        return labels.BENCHMARK_STATUS[self.status][0]

    @property
    def status_words(self) -> str:
        return labels.BENCHMARK_STATUS[self.status][1]

    @property
    def kind_words(self) -> str:
        return labels.KIND_LABEL.get(self.kind, self.kind)


@dataclass(frozen=True)
class TargetGroup:
    """Benchmark rows grouped under their target (in the order the rows came)."""

    target: str
    title: str
    tier: int
    rows: tuple[BenchmarkRow, ...] = ()


@dataclass(frozen=True)
class Cause:
    """A benchmark named as the cause of a change of standing."""

    benchmark: str
    statement: str
    target: str


@dataclass(frozen=True)
class ChangeRow:
    """A change of standing with the words to show it."""

    country: str
    country_name: str
    area: str
    area_title: str
    area_short: str
    on: dt.date
    kind: str
    kind_mark: str
    kind_words: str
    tier_before: int
    tier_after: int
    tier_before_words: str
    tier_after_words: str
    cause: tuple[Cause, ...]


# -- builders ----------------------------------------------------------------------------------

_indexes: dict[int, tuple[Catalogue, dict[str, tuple[Target, Benchmark]]]] = {}


def benchmark_index(catalogue: Catalogue) -> dict[str, tuple[Target, Benchmark]]:
    """Return `catalogue.benchmark_index()`, built once per catalogue object (it is immutable)."""
    found = _indexes.get(id(catalogue))
    if found is None or found[0] is not catalogue:
        found = (catalogue, catalogue.benchmark_index())
        _indexes.clear()  # one catalogue is current at a time; keep no stale ones alive
        _indexes[id(catalogue)] = found
    return found[1]


def country_names(catalogue: Catalogue) -> dict[str, str]:
    """Return each country's name by code."""
    return {c.code: c.name for c in catalogue.countries}


def country_refs(
    catalogue: Catalogue, codes: Iterable[str] | None = None
) -> tuple[CountryRef, ...]:
    """Return the countries `codes` (default: all, in catalogue order) as references."""
    names = country_names(catalogue)
    return tuple(
        CountryRef(c, names[c]) for c in (catalogue.country_codes() if codes is None else codes)
    )


def area_ref(catalogue: Catalogue, area: str) -> AreaRef:
    """Return the area `area` as a reference; KeyError for an unknown area."""
    return AreaRef(area, catalogue.area(area).title, labels.area_short(catalogue, area))


def area_refs(catalogue: Catalogue) -> tuple[AreaRef, ...]:
    """Return every area, in catalogue order, as references."""
    return tuple(area_ref(catalogue, a.id) for a in catalogue.areas)


def coverage_counts(
    catalogue: Catalogue,
    evaluation: Evaluation,
    as_of: dt.date,
    countries: Sequence[str] | None = None,
) -> dict[tuple[str, str], tuple[int, int]]:
    """Return (benchmarks with an observation by `as_of`, benchmarks) per (country, area),
    from `oip.region.coverage` (the engine's states: `unknown` is not assessed)."""
    return {
        (r.country, r.area): (r.with_evidence, r.benchmarks)
        for r in coverage(catalogue, evaluation, as_of, countries=countries)
    }


def cell(
    catalogue: Catalogue,
    standing: Standing,
    coverage: Mapping[tuple[str, str], tuple[int, int]],
) -> Cell:
    """Return `standing` as a cell, with its coverage from `coverage_counts`."""
    assessed, total = coverage.get((standing.country, standing.area), (0, 0))
    area = catalogue.area(standing.area)
    return Cell(
        country=standing.country,
        country_name=country_names(catalogue)[standing.country],
        area=standing.area,
        area_title=area.title,
        area_short=labels.area_short(catalogue, standing.area),
        tier=standing.tier,
        tier_name=catalogue.tier_name(standing.tier),
        raw_tier=standing.raw_tier,
        status=standing.status,
        since=standing.since,
        notice_until=standing.notice_until,
        next_tier=standing.next_tier,
        assessed=assessed,
        benchmarks=total,
        suspended_by=standing.suspended_by,
        score=standing.score,
        change_12m=standing.change_12m,
    )


def cells(catalogue: Catalogue, evaluation: Evaluation, as_of: dt.date) -> tuple[Cell, ...]:
    """Return every country x area standing at `as_of` as cells, in catalogue order."""
    coverage = coverage_counts(catalogue, evaluation, as_of)
    return tuple(cell(catalogue, s, coverage) for s in evaluation.standings(as_of))


def benchmark_row(
    catalogue: Catalogue, state: BenchmarkState, country_name: str | None
) -> BenchmarkRow:
    """Return a benchmark's state as a row; `country_name` words who must act."""
    _target, benchmark = benchmark_index(catalogue)[state.benchmark]
    return BenchmarkRow(
        benchmark=state.benchmark,
        statement=benchmark.statement,
        kind=benchmark.kind,
        who=state.who,
        who_words=labels.who_words(state.who, country_name),
        status=state.status,
        observed_on=state.observed_on,
        lapsed_on=state.lapsed_on,
        valid_until=state.valid_until,
        observation_id=state.observation_id,
    )


def grouped(
    catalogue: Catalogue, states: Sequence[BenchmarkState], country_name: str | None
) -> tuple[TargetGroup, ...]:
    """Return `states` as rows grouped by target, targets in order of first appearance."""
    order: dict[str, list[BenchmarkRow]] = {}
    for state in states:
        order.setdefault(state.target, []).append(benchmark_row(catalogue, state, country_name))
    groups = []
    for target_id, rows in order.items():
        target = catalogue.target(target_id)
        groups.append(TargetGroup(target_id, target.title, target.tier, tuple(rows)))
    return tuple(groups)


def causes(catalogue: Catalogue, benchmarks: Iterable[str]) -> tuple[Cause, ...]:
    """Return the benchmarks `benchmarks` (those in the catalogue) as causes."""
    index = benchmark_index(catalogue)
    return tuple(Cause(b, index[b][1].statement, index[b][0].id) for b in benchmarks if b in index)


def change_row(catalogue: Catalogue, change: Change) -> ChangeRow:
    """Return `change` with its words."""
    mark, words = labels.CHANGE_KIND[change.kind]
    return ChangeRow(
        country=change.country,
        country_name=country_names(catalogue)[change.country],
        area=change.area,
        area_title=catalogue.area(change.area).title,
        area_short=labels.area_short(catalogue, change.area),
        on=change.on,
        kind=change.kind,
        kind_mark=mark,
        kind_words=words,
        tier_before=change.tier_before,
        tier_after=change.tier_after,
        tier_before_words=labels.tier_words(catalogue, change.tier_before),
        tier_after_words=labels.tier_words(catalogue, change.tier_after),
        cause=causes(catalogue, change.cause),
    )


def latest_changes(
    catalogue: Catalogue,
    evaluation: Evaluation,
    as_of: dt.date,
    *,
    since: dt.date | None = None,
    country: str | None = None,
    area: str | None = None,
    limit: int | None = None,
) -> tuple[ChangeRow, ...]:
    """Return the changes of standing up to `as_of` (from `since`), newest first, at most
    `limit`, for one country and/or area if given. KeyError for an unknown country or area."""
    found = evaluation.changes(
        as_of,
        since=since,
        countries=[country] if country else None,
        areas=[area] if area else None,
    )
    found.reverse()
    if limit is not None:
        found = found[:limit]
    return tuple(change_row(catalogue, c) for c in found)


# -- the age of evidence -----------------------------------------------------------------------

#: A source at least this many whole years old at the page's date is marked stale.
STALE_AFTER_YEARS = 3


def years_between(earlier: dt.date, later: dt.date) -> int:
    """Return the whole years from `earlier` to `later` (0 when `later` is not after it)."""
    years = later.year - earlier.year - ((later.month, later.day) < (earlier.month, earlier.day))
    return max(years, 0)


def is_stale(as_of: dt.date, source_on: dt.date | None, lapsed_on: dt.date | None = None) -> bool:
    """Return whether evidence is stale at `as_of`: its source (`source_on`: published, or
    failing that observed) is at least STALE_AFTER_YEARS whole years old, or it has lapsed
    (its validity passed on `lapsed_on`, on or before `as_of`). No source: not stale (nothing
    to age)."""
    if lapsed_on is not None and lapsed_on <= as_of:
        return True
    return source_on is not None and years_between(source_on, as_of) >= STALE_AFTER_YEARS


def age_words(source_on: dt.date | None, as_of: dt.date) -> str:
    """Return "source from 2019, 7 years old" ("less than a year old" under one year; "" with
    no date)."""
    if source_on is None:
        return ""
    years = years_between(source_on, as_of)
    age = "less than a year old" if years < 1 else f"{years} year{'s' if years != 1 else ''} old"
    return f"source from {source_on.year}, {age}"
