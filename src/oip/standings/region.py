"""Read path for the region's analytics at a date, as JSON-ready data (cached per version)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.core.cache import cache

from oip.catalogue.fetch import current_catalogue
from oip.region import region, year_earlier
from oip.standings.evaluation import evaluation
from oip.standings.version import data_version


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def region_data(as_of: dt.date, known_at: dt.datetime | None = None) -> dict[str, Any]:
    """Return the region summary at `as_of` (divergence per area, gaps, blockers, priorities)."""
    key = f"region:{data_version()}:{as_of.isoformat()}:{known_at.isoformat() if known_at else ''}"
    cached = cache.get(key)
    if cached is not None:
        return dict(cached)
    catalogue = current_catalogue()
    engine = evaluation(known_at)
    summary = region(
        catalogue, as_of, engine.standings(as_of), engine.standings(year_earlier(as_of))
    )
    data = {
        "as_of": as_of.isoformat(),
        "areas": [_plain(dataclasses.asdict(a)) for a in summary.areas],
        "gaps": [_plain(dataclasses.asdict(g)) for g in summary.gaps],
        "blockers": [_plain(dataclasses.asdict(b)) for b in summary.blockers],
        "priorities": [_plain(dataclasses.asdict(p)) for p in summary.priorities],
    }
    cache.set(key, data)
    return data
