"""The region's analytics at a date: divergence per area, gaps, EU-side blockers, priorities."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from oip.api.parameters import AsOf
from oip.api.schemas import RegionOut, ValidationErrorOut
from oip.site import clock
from oip.standings.region import region_data

router = Router(tags=["region"])


@router.get(
    "/region", response={200: RegionOut, 422: ValidationErrorOut}, summary="Region analytics"
)
def region(request: HttpRequest, filters: Query[AsOf]) -> dict[str, Any]:
    """Per area: tiers, mean, spread, two speeds, trend; uniformity gaps, EU-side blockers
    and priorities, at `as_of` (default today)."""
    return region_data(filters.as_of or clock.today(), filters.known_at)
