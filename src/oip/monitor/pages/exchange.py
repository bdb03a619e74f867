"""The "Liaison exchange" page: the exchange's published performance (EXCHANGE.md §6.10.3).

A read model from explicit inputs: the public figures (`oip.exchange.performance`'s read,
already aggregated, lagged 90 days and thresholded by the pure `oip.liaison.performance`) and the catalogue's names. `selection` narrows
the page to one country, area and quarter, the address the sources of generated observations
cite (`/exchange/performance/AL/cyber/2026Q2`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from oip.liaison.performance import AuditHeadOfDay, BodyRow, PublicPerformance, QuarterRow

__all__ = ["ExchangePage", "Selection", "build"]

QUARTER = re.compile(r"^(19|20)\d\dQ[1-4]$")


@dataclass(frozen=True, slots=True)
class Selection:
    country: str
    area: str
    quarter: str


@dataclass(frozen=True, slots=True)
class ExchangeRow:
    """One published row with the names the reader sees."""

    country_name: str
    area_title: str
    figures: QuarterRow


@dataclass(frozen=True, slots=True)
class ExchangePage:
    as_of: dt.date
    lag_days: int
    published_through: str | None
    rows: tuple[ExchangeRow, ...]
    bodies: tuple[BodyRow, ...]
    audit_head: AuditHeadOfDay | None
    selection: Selection | None


def build(
    performance: PublicPerformance,
    countries: Mapping[str, str],
    areas: Mapping[str, str],
    selection: Selection | None = None,
) -> ExchangePage:
    """The page; KeyError for a selection naming an unknown country, area or quarter."""
    if selection is not None:
        if selection.country not in countries:
            raise KeyError(selection.country)
        if selection.area not in areas:
            raise KeyError(selection.area)
        if not QUARTER.match(selection.quarter):
            raise KeyError(selection.quarter)
    rows = tuple(
        ExchangeRow(countries.get(r.country, r.country), areas.get(r.area, r.area), r)
        for r in performance.metrics.rows
        if selection is None
        or (r.country, r.area, r.quarter) == (selection.country, selection.area, selection.quarter)
    )
    bodies = tuple(
        b for b in performance.metrics.bodies if selection is None or b.quarter == selection.quarter
    )
    return ExchangePage(
        as_of=performance.today,
        lag_days=performance.lag_days,
        published_through=performance.metrics.published_through,
        rows=rows,
        bodies=bodies,
        audit_head=performance.audit_head,
        selection=selection,
    )
