"""Changes of standing between two dates, each with its cause."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from oip.api.parameters import Day, Moment, check_selection
from oip.api.schemas import ChangeOut, ErrorOut, ValidationErrorOut
from oip.catalogue.schema import CountryCode, Identifier
from oip.conditionality.present import change_dict
from oip.site import clock
from oip.standings.evaluation import evaluation
from oip.vocabulary import ChangeKind

router = Router(tags=["changes"])


class ChangeFilter(Schema):
    since: Day | None = None
    until: Day | None = None
    known_at: Moment | None = None
    country: CountryCode | None = None
    area: Identifier | None = None
    kind: ChangeKind | None = None


@router.get(
    "/changes",
    response={200: list[ChangeOut], 404: ErrorOut, 422: ValidationErrorOut},
    summary="Changes of standing",
)
def changes(request: HttpRequest, filters: Query[ChangeFilter]) -> list[dict[str, Any]]:
    """Every change of standing (advanced, on notice, restored, fell, suspended) between
    `since` and `until` (default: all up to today), with its cause."""
    check_selection(filters.country, filters.area)
    found = evaluation(filters.known_at).changes(
        filters.until or clock.today(),
        since=filters.since,
        countries=[filters.country] if filters.country else None,
        areas=[filters.area] if filters.area else None,
    )
    return [change_dict(c) for c in found if filters.kind is None or c.kind == filters.kind]
