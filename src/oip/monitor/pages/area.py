"""An area's page: its rules, its targets by tier with who achieved each, the countries' tiers,
the spread, the uniformity gaps, the EU-side blockers and the next-step priorities."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from oip.catalogue.schema import Catalogue, Target
from oip.conditionality import Evaluation
from oip.monitor.pages.region import (
    AreaSpread,
    Blocker,
    Gap,
    Priority,
    blockers,
    gaps,
    priorities,
    spreads,
)
from oip.monitor.pages.values import (
    AreaRef,
    Cell,
    ChangeRow,
    CountryRef,
    area_refs,
    cell,
    country_refs,
    coverage_counts,
    latest_changes,
)
from oip.presentation import labels
from oip.region import achieved_by

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
        gaps=gaps(catalogue, standings),
        blockers=blockers(catalogue, standings),
        priorities=priorities(catalogue, standings),
        changes=latest_changes(catalogue, evaluation, as_of, area=area, limit=CHANGES_SHOWN),
    )
