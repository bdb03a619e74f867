"""The overview: every country's tier in every area, one area on the map, the two-speed panel,
the latest changes and the progress of the milestones."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from oip.catalogue.schema import Catalogue
from oip.conditionality import Evaluation
from oip.monitor.pages.region import (
    AreaSpread,
    DivergencePoint,
    MilestoneRow,
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
        divergence=divergence_points(catalogue, two_speed),
        changes=latest_changes(catalogue, evaluation, as_of, limit=LATEST_CHANGES),
        milestones=milestones(catalogue, standings, as_of),
    )


def divergence(
    catalogue: Catalogue, evaluation: Evaluation, as_of: dt.date
) -> tuple[DivergencePoint, ...]:
    """Return only the divergence chart's rows at `as_of` (the chart's own download)."""
    return divergence_points(catalogue, spreads(catalogue, evaluation, as_of))
