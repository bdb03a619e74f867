"""An area's page: its rules, its targets by tier with who achieved each, the countries' tiers,
the spread, the uniformity gaps, the EU-side blockers and the next-step priorities."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from oip.catalogue.schema import Catalogue, Target
from oip.conditionality import Evaluation
from oip.monitor.pages.region import AreaSpread, spreads
from oip.monitor.pages.values import (
    AreaRef,
    Cause,
    Cell,
    ChangeRow,
    CountryRef,
    area_refs,
    benchmark_index,
    causes,
    cell,
    country_refs,
    coverage_counts,
    latest_changes,
)
from oip.presentation import labels
from oip.region import achieved_by, blockers, priorities, uniformity_gaps

CHANGES_SHOWN = 10


@dataclass(frozen=True)
class AreaRules:
    """An area and the rules its tiers follow (`quorum` a share, 0 < quorum <= 1)."""

    id: str
    title: str
    short: str
    description: str
    quorum: float
    grace_days: int
    source: str
    menu_row: str | None


@dataclass(frozen=True)
class TargetRow:
    """A target of the area with who must act and the countries that achieved it."""

    id: str
    title: str
    tier: int
    who: str
    who_words: str
    bodies: tuple[str, ...]
    instruments: tuple[str, ...]
    scope: str
    achieved_by: tuple[CountryRef, ...]
    left_out: tuple[CountryRef, ...]


@dataclass(frozen=True)
class TierTargets:
    """A tier of the area: its name, its definition and its targets."""

    level: int
    name: str
    definition: str
    targets: tuple[TargetRow, ...]


@dataclass(frozen=True)
class Gap:
    """A target achieved by some of the countries but not all."""

    target: str
    title: str
    tier: int
    achieved_by: tuple[CountryRef, ...]
    left_out: tuple[CountryRef, ...]


@dataclass(frozen=True)
class Blocker:
    """An unmet benchmark where the EU side must act, and the countries it holds back."""

    benchmark: str
    statement: str
    target: str
    title: str
    who: str
    who_words: str
    countries: tuple[CountryRef, ...]


@dataclass(frozen=True)
class Priority:
    """A country one or two benchmarks from its next tier, and those benchmarks."""

    country: str
    name: str
    area: str
    tier: int
    next_tier: int
    next_tier_words: str
    missing: tuple[Cause, ...]


@dataclass(frozen=True)
class AreaPage:
    """An area's page at `as_of`."""

    as_of: dt.date
    area: AreaRules
    areas: tuple[AreaRef, ...]
    cells: tuple[Cell, ...]
    tiers: tuple[TierTargets, ...]
    divergence: AreaSpread
    gaps: tuple[Gap, ...]
    blockers: tuple[Blocker, ...]
    priorities: tuple[Priority, ...]
    changes: tuple[ChangeRow, ...]


def _target_row(catalogue: Catalogue, target: Target, achieved: Sequence[str]) -> TargetRow:
    bodies = {b.id: b.name for b in catalogue.bodies}
    return TargetRow(
        id=target.id,
        title=target.title,
        tier=target.tier,
        who=target.who,
        who_words=labels.who_words(target.who),
        bodies=tuple(bodies.get(b, b) for b in target.bodies),
        instruments=tuple(target.instruments),
        scope=target.scope,
        achieved_by=country_refs(catalogue, achieved),
        left_out=country_refs(
            catalogue, [c for c in catalogue.country_codes() if c not in achieved]
        ),
    )


def build(catalogue: Catalogue, evaluation: Evaluation, as_of: dt.date, area: str) -> AreaPage:
    """Return the page of the area `area` at `as_of`. KeyError for an unknown area."""
    record = catalogue.area(area)
    index = benchmark_index(catalogue)
    names = {c.code: c.name for c in catalogue.countries}
    standings = evaluation.standings(as_of, areas=[area])
    coverage = coverage_counts(catalogue, evaluation, as_of)
    tiers = tuple(
        TierTargets(
            level=tier.level,
            name=tier.name,
            definition=tier.definition,
            targets=tuple(
                _target_row(catalogue, t, achieved_by(catalogue, standings, t.id))
                for t in catalogue.targets_in(area)
                if t.tier == tier.level
            ),
        )
        for tier in catalogue.tiers
    )
    return AreaPage(
        as_of=as_of,
        area=AreaRules(
            id=record.id,
            title=record.title,
            short=labels.area_short(catalogue, area),
            description=record.description,
            quorum=record.quorum,
            grace_days=record.grace_days,
            source=record.source,
            menu_row=record.menu_row,
        ),
        areas=area_refs(catalogue),
        cells=tuple(cell(catalogue, s, coverage) for s in standings),
        tiers=tiers,
        divergence=spreads(catalogue, evaluation, as_of, [area], now=standings)[0],
        gaps=tuple(
            Gap(
                target=g.target,
                title=catalogue.target(g.target).title,
                tier=g.tier,
                achieved_by=country_refs(catalogue, g.achieved_by),
                left_out=country_refs(catalogue, g.left_out),
            )
            for g in uniformity_gaps(catalogue, standings)
        ),
        blockers=tuple(
            Blocker(
                benchmark=b.benchmark,
                statement=index[b.benchmark][1].statement,
                target=b.target,
                title=catalogue.target(b.target).title,
                who=b.who,
                who_words=labels.who_words(b.who),
                countries=country_refs(catalogue, b.countries),
            )
            for b in blockers(catalogue, standings)
        ),
        priorities=tuple(
            Priority(
                country=p.country,
                name=names[p.country],
                area=p.area,
                tier=p.tier,
                next_tier=p.next_tier,
                next_tier_words=labels.tier_words(catalogue, p.next_tier),
                missing=causes(catalogue, p.missing),
            )
            for p in priorities(catalogue, standings)
        ),
        changes=latest_changes(catalogue, evaluation, as_of, area=area, limit=CHANGES_SHOWN),
    )
