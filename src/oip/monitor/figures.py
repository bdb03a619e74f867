"""The pictures on the monitor's pages, drawn from their read models: the WB6 tier map and the
charts (timeline, divergence) as inline SVG, memoised on their data."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Mapping, Sequence
from typing import Any

from oip.monitor.pages.values import Cell
from oip.presentation import charts, geo


def area_map(
    cells: Sequence[Cell],
    *,
    names: Mapping[str, str],
    area_title: str,
    as_of: dt.date,
    id_prefix: str,
) -> str:
    """Return the map of `cells` (one area's), each country linked to its page at `as_of`."""
    query = f"?as_of={as_of.isoformat()}"
    return geo.map_svg(
        {c.country: c.map_tier for c in cells},
        names=names,
        title=f"{area_title}: tier of each country as of {as_of.isoformat()}",
        links={c.country: f"/countries/{c.country}/{query}" for c in cells},
        statuses={c.country: c.status for c in cells if c.status != "stable"},
        scores={c.country: c.score for c in cells},
        id_prefix=id_prefix,
    )


def chart(kind: str, rows: Sequence[Mapping[str, Any]]) -> Any:
    """Return the Altair chart of `kind` ("timeline" or "divergence") for `rows`."""
    if kind == "timeline":
        return charts.tier_timeline(rows)
    if kind == "divergence":
        return charts.divergence_chart(rows)
    raise KeyError(kind)


def chart_svg(kind: str, rows: Sequence[Mapping[str, Any]]) -> str:
    """Return the chart of `kind` for `rows` as inline SVG, memoised on the rows themselves:
    building and validating the Altair spec costs as much as a page, so a page rebuilt after
    an import redraws only the charts whose data changed."""
    return _chart_svg(kind, json.dumps(list(rows), sort_keys=True, default=str))


@functools.lru_cache(maxsize=512)
def _chart_svg(kind: str, rows_json: str) -> str:
    return charts.render_svg_cached(charts.spec_json(chart(kind, json.loads(rows_json))))
