"""Each country's standing per area at a date: what holds it and what the next tier needs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from oip.api.parameters import Selection, check_selection
from oip.api.schemas import ErrorOut, StandingOut, ValidationErrorOut
from oip.site import clock
from oip.standings.standing import standings_data

router = Router(tags=["standings"])


@router.get(
    "/standings",
    response={200: list[StandingOut], 404: ErrorOut, 422: ValidationErrorOut},
    summary="Standings",
)
def standings(request: HttpRequest, filters: Query[Selection]) -> list[dict[str, Any]]:
    """Every country x area standing at `as_of` (default today), with what holds it and what
    is missing for the next tier; `known_at` counts only evidence recorded by then."""
    check_selection(filters.country, filters.area)
    return standings_data(
        filters.as_of or clock.today(),
        filters.known_at,
        countries=[filters.country] if filters.country else None,
        areas=[filters.area] if filters.area else None,
    )
