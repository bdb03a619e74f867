"""The region's figures as pages show them: each area's spread and trend, the uniformity gaps,
the EU-side blockers, the next-step priorities and the milestones' progress.

Shared by the overview and an area's page; `build` gathers them all for the whole region (the
regional report).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from oip import region as rules
from oip.catalogue.schema import Catalogue
from oip.conditionality import Evaluation, Standing
from oip.monitor.pages.values import (
    Cause,
    CountryRef,
    TargetRef,
    benchmark_index,
    causes,
    country_names,
    country_refs,
)
from oip.presentation import labels
from oip.region import AreaDivergence, divergence, milestone_progress, year_earlier

#: Fewer countries than this assessed in an area: too little to judge whether it has two speeds.
JUDGE_QUORUM = 3
TOO_LITTLE = "too little assessed to judge"


@dataclass(frozen=True)
class CountryTier:
    """A country's held tier in an area (a point of the divergence chart)."""

    country: str
    tier: int


@dataclass(frozen=True)
class AreaSpread:
    """How far apart the countries' held tiers are in one area, against a year earlier.

    `trend` is the change of the mean tier (None without a year-earlier standing) and
    `trend_words` says it; `trend_label` is about the spread (converging, diverging, steady).
    `score_mean`/`score_spread` are over the assessed countries' scores; `assessed` of `total`
    countries have evidence in the area. With fewer than `JUDGE_QUORUM` assessed the panel
    does not judge (`judged` false: "too little assessed to judge").
    """

    area: str
    title: str
    short: str
    tiers: tuple[CountryTier, ...]
    mean: float
    spread: int
    two_speed: bool
    year_ago_mean: float | None
    year_ago_spread: int | None
    trend: float | None
    trend_label: str
    trend_words: str
    score_mean: float = 0.0
    score_spread: float = 0.0
    assessed: int = 0
    total: int = 0

    @property
    def judged(self) -> bool:
        """Whether enough countries are assessed in the area to judge its speeds."""
        return self.assessed >= JUDGE_QUORUM

    @property
    def verdict(self) -> str:
        """The panel's words: "two speeds", "one speed" or "too little assessed to judge"."""
        if not self.judged:
            return TOO_LITTLE
        return "two speeds" if self.two_speed else "one speed"


@dataclass(frozen=True)
class DivergencePoint:
    """A row of the divergence chart: a country's tier in an area (short name)."""

    area: str
    country: str
    tier: int

    def as_row(self) -> dict[str, object]:
        """The chart's row shape."""
        return {"area": self.area, "country": self.country, "tier": self.tier}


@dataclass(frozen=True)
class MilestoneRow:
    """A milestone with the countries that achieved all its targets by the date."""

    id: str
    title: str
    due: dt.date
    description: str
    targets: tuple[TargetRef, ...]
    achieved_by: tuple[CountryRef, ...]
    left_out: tuple[CountryRef, ...]
    count: int
    total: int
    days_left: int


@dataclass(frozen=True)
class Gap:
    """A target achieved by some of the countries standing in its area but not all."""

    area: str
    target: str
    title: str
    tier: int
    achieved_by: tuple[CountryRef, ...]
    left_out: tuple[CountryRef, ...]
    not_assessed: tuple[CountryRef, ...] = ()  # no evidence on the target: not "left out"


@dataclass(frozen=True)
class Blocker:
    """An unmet benchmark where the EU side must act, and the countries it holds back."""

    area: str
    benchmark: str
    statement: str
    target: str
    title: str
    who: str
    who_words: str
    countries: tuple[CountryRef, ...]


@dataclass(frozen=True)
class Priority:
    """A country one or two benchmarks from its next tier in an area, and those benchmarks."""

    country: str
    name: str
    area: str
    tier: int
    next_tier: int
    next_tier_words: str
    missing: tuple[Cause, ...]


@dataclass(frozen=True)
class RegionFigures:
    """The whole region at `as_of`: every area's spread (and the divergence chart's rows), the
    gaps, blockers and priorities of every area, and the milestones."""

    as_of: dt.date
    spreads: tuple[AreaSpread, ...]
    divergence: tuple[DivergencePoint, ...]
    gaps: tuple[Gap, ...]
    blockers: tuple[Blocker, ...]
    priorities: tuple[Priority, ...]
    milestones: tuple[MilestoneRow, ...]


def trend_words(trend: float | None) -> str:
    """Return "mean +0.5 on a year earlier", or "no data a year earlier" for None."""
    if trend is None:
        return "no data a year earlier"
    return f"mean {'+' if trend > 0 else ''}{trend:g} on a year earlier"


def _spread(catalogue: Catalogue, found: AreaDivergence) -> AreaSpread:
    return AreaSpread(
        area=found.area,
        title=catalogue.area(found.area).title,
        short=labels.area_short(catalogue, found.area),
        tiers=tuple(CountryTier(c, t) for c, t in found.tiers.items()),
        mean=found.mean,
        spread=found.spread,
        two_speed=found.two_speed,
        year_ago_mean=found.year_ago_mean,
        year_ago_spread=found.year_ago_spread,
        trend=found.trend,
        trend_label=found.trend_label,
        trend_words=trend_words(found.trend),
        score_mean=found.score_mean,
        score_spread=found.score_spread,
        assessed=len(found.tiers) - len(found.not_assessed),
        total=len(found.tiers),
    )


def spreads(
    catalogue: Catalogue,
    evaluation: Evaluation,
    as_of: dt.date,
    areas: Sequence[str] | None = None,
    *,
    now: Sequence[Standing] | None = None,
) -> tuple[AreaSpread, ...]:
    """Return the spread of `areas` (default: every area, catalogue order) at `as_of`.

    `now`: the standings at `as_of` when the caller has them already (those of other areas
    are ignored); they are computed otherwise.
    """
    selected = list(areas) if areas is not None else [a.id for a in catalogue.areas]
    if now is None:
        now = evaluation.standings(as_of, areas=selected)
    before = evaluation.standings(year_earlier(as_of), areas=selected)
    return tuple(_spread(catalogue, divergence(catalogue, a, now, before)) for a in selected)


def divergence_points(
    catalogue: Catalogue, spread_rows: Sequence[AreaSpread]
) -> tuple[DivergencePoint, ...]:
    """Return the divergence chart's rows: every country's tier per area."""
    return tuple(DivergencePoint(a.short, t.country, t.tier) for a in spread_rows for t in a.tiers)


def milestones(
    catalogue: Catalogue, standings: Sequence[Standing], as_of: dt.date
) -> tuple[MilestoneRow, ...]:
    """Return each milestone with the countries whose `standings` achieved all its targets
    (`oip.region.milestone_progress`)."""
    titles = {m.id: m for m in catalogue.milestones}
    return tuple(
        MilestoneRow(
            id=p.milestone,
            title=titles[p.milestone].title,
            due=p.due,
            description=titles[p.milestone].description,
            targets=tuple(TargetRef(t, catalogue.target(t).title) for t in p.targets),
            achieved_by=country_refs(catalogue, p.achieved_by),
            left_out=country_refs(catalogue, p.left_out),
            count=len(p.achieved_by),
            total=len(p.countries),
            days_left=p.days_left,
        )
        for p in milestone_progress(catalogue, standings, as_of)
    )


def gaps(catalogue: Catalogue, standings: Sequence[Standing]) -> tuple[Gap, ...]:
    """Return the uniformity gaps of `standings` (`oip.region.uniformity_gaps`) with titles."""
    return tuple(
        Gap(
            area=g.area,
            target=g.target,
            title=catalogue.target(g.target).title,
            tier=g.tier,
            achieved_by=country_refs(catalogue, g.achieved_by),
            left_out=country_refs(catalogue, g.left_out),
            not_assessed=country_refs(catalogue, g.not_assessed),
        )
        for g in rules.uniformity_gaps(catalogue, standings)
    )


def blockers(catalogue: Catalogue, standings: Sequence[Standing]) -> tuple[Blocker, ...]:
    """Return the EU-side blockers of `standings` (`oip.region.blockers`) with their words."""
    index = benchmark_index(catalogue)
    return tuple(
        Blocker(
            area=b.area,
            benchmark=b.benchmark,
            statement=index[b.benchmark][1].statement,
            target=b.target,
            title=catalogue.target(b.target).title,
            who=b.who,
            who_words=labels.who_words(b.who),
            countries=country_refs(catalogue, b.countries),
        )
        for b in rules.blockers(catalogue, standings)
    )


def priorities(catalogue: Catalogue, standings: Sequence[Standing]) -> tuple[Priority, ...]:
    """Return the next-step priorities of `standings` (`oip.region.priorities`) with words."""
    names = country_names(catalogue)
    return tuple(
        Priority(
            country=p.country,
            name=names[p.country],
            area=p.area,
            tier=p.tier,
            next_tier=p.next_tier,
            next_tier_words=labels.tier_words(catalogue, p.next_tier),
            missing=causes(catalogue, p.missing),
        )
        for p in rules.priorities(catalogue, standings)
    )


def build(catalogue: Catalogue, evaluation: Evaluation, as_of: dt.date) -> RegionFigures:
    """Return the whole region's figures at `as_of`."""
    now = evaluation.standings(as_of)
    found = spreads(catalogue, evaluation, as_of, now=now)
    return RegionFigures(
        as_of=as_of,
        spreads=found,
        divergence=divergence_points(catalogue, found),
        gaps=gaps(catalogue, now),
        blockers=blockers(catalogue, now),
        priorities=priorities(catalogue, now),
        milestones=milestones(catalogue, now, as_of),
    )
