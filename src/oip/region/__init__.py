"""Region analytics over the engine's standings. Pure: no Django."""

from oip.region.analytics import (
    AreaDivergence,
    Blocker,
    Gap,
    Priority,
    RegionSummary,
    blockers,
    divergence,
    priorities,
    region,
    uniformity_gaps,
)

__all__ = [
    "AreaDivergence",
    "Blocker",
    "Gap",
    "Priority",
    "RegionSummary",
    "blockers",
    "divergence",
    "priorities",
    "region",
    "uniformity_gaps",
]
