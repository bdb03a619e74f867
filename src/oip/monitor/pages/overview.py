"""The overview: what we know at a glance, every country's tier and score in every area, one area
on the map, the two-speed panel, the latest changes and the progress of the milestones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from oip.catalogue.schema import Catalogue
from oip.conditionality import Evaluation, Standing
from oip.monitor.pages.region import (
    AreaSpread,
    DivergencePoint,
    MilestoneRow,
    blockers,
    divergence_points,
    milestones,
    spreads,
)
from oip.monitor.pages.values import (
    AreaRef,
    Cell,
    ChangeRow,
    CountryRef,
    area_ref,
    area_refs,
    cell,
    country_refs,
    coverage_counts,
    latest_changes,
)

LATEST_CHANGES = 8
#: How many areas the strip names as the widest gaps.
WIDEST_GAPS = 3


@dataclass(frozen=True)
class WhatWeKnow:
    """The strip first on the overview, from the read models alone.

    `arrangements`: each milestone's headline arrangement (its first target, milestone order,
    once each) as (target id, title, how many of the `countries` achieved it); `latest_evidence`: the newest date any benchmark was
    observed by `as_of` (None before any evidence); `widest_gaps`: up to three areas with
    at least two countries assessed and a score spread above 0, widest first (catalogue order
    on a tie); `doors_closed`: the EU-side benchmarks observed not met or partial (blockers).
    """

    arrangements: tuple[tuple[str, str, int], ...]
    countries: int
    latest_evidence: dt.date | None
    widest_gaps: tuple[AreaSpread, ...]
    doors_closed: int


@dataclass(frozen=True)
class GridRow:
    """A country's row of the grid: its cells, one per area in catalogue order."""

    code: str
    name: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class OverviewPage:
    """The overview at `as_of`, its map showing `area`."""

    as_of: dt.date
    area: AreaRef
    areas: tuple[AreaRef, ...]
    countries: tuple[CountryRef, ...]
    grid: tuple[GridRow, ...]
    map_cells: tuple[Cell, ...]
    two_speed: tuple[AreaSpread, ...]
    known: WhatWeKnow
    divergence: tuple[DivergencePoint, ...]
    changes: tuple[ChangeRow, ...]
    milestones: tuple[MilestoneRow, ...]


def build(
    catalogue: Catalogue, evaluation: Evaluation, as_of: dt.date, area: str | None = None
) -> OverviewPage:
    """Return the overview at `as_of` with the map of `area` (default: the first area).

    KeyError for an unknown area.
    """
    shown = area_ref(catalogue, area or catalogue.areas[0].id)
    standings = evaluation.standings(as_of)
    coverage = coverage_counts(catalogue, evaluation, as_of)
    all_cells = [cell(catalogue, s, coverage) for s in standings]
    two_speed = spreads(catalogue, evaluation, as_of, now=standings)
    milestone_rows = milestones(catalogue, standings, as_of)
    return OverviewPage(
        as_of=as_of,
        area=shown,
        areas=area_refs(catalogue),
        countries=country_refs(catalogue),
        grid=tuple(
            GridRow(c.code, c.name, tuple(x for x in all_cells if x.country == c.code))
            for c in catalogue.countries
        ),
        map_cells=tuple(c for c in all_cells if c.area == shown.id),
        two_speed=two_speed,
        known=what_we_know(catalogue, standings, two_speed, milestone_rows),
        divergence=divergence_points(catalogue, two_speed),
        changes=latest_changes(catalogue, evaluation, as_of, limit=LATEST_CHANGES),
        milestones=milestone_rows,
    )


def what_we_know(
    catalogue: Catalogue,
    standings: Sequence[Standing],
    two_speed: Sequence[AreaSpread],
    milestone_rows: Sequence[MilestoneRow],
) -> WhatWeKnow:
    """Return the strip of `standings` (one date), its spreads and milestones (see `WhatWeKnow`)."""
    targets: dict[str, str] = {}
    for m in milestone_rows:
        if m.targets:
            targets.setdefault(m.targets[0].id, m.targets[0].title)
    observed = [st.observed_on for s in standings for st in s.states if st.observed_on is not None]
    gaps = sorted(
        (a for a in two_speed if a.assessed >= 2 and a.score_spread > 0),
        key=lambda a: -a.score_spread,
    )
    return WhatWeKnow(
        arrangements=tuple(
            (t, title, sum(1 for s in standings if t in s.achieved_targets))
            for t, title in targets.items()
        ),
        countries=len(catalogue.countries),
        latest_evidence=max(observed, default=None),
        widest_gaps=tuple(gaps[:WIDEST_GAPS]),
        doors_closed=len(blockers(catalogue, standings)),
    )


def divergence(
    catalogue: Catalogue, evaluation: Evaluation, as_of: dt.date
) -> tuple[DivergencePoint, ...]:
    """Return only the divergence chart's rows at `as_of` (the chart's own download)."""
    return divergence_points(catalogue, spreads(catalogue, evaluation, as_of))
