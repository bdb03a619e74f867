"""The evidence: observations with their sources (paginated), and dated context notes."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from oip.api.parameters import Day, Page, Selection, check_selection
from oip.api.schemas import ContextNoteOut, ErrorOut, EvidencePage, ValidationErrorOut
from oip.catalogue.schema import CountryCode, Identifier
from oip.evidence import serialize
from oip.vocabulary import ObservationStatus

router = Router(tags=["evidence"])


class EvidenceFilter(Selection, Page):
    benchmark: Identifier | None = None
    status: ObservationStatus | None = None


class NoteFilter(Schema):
    as_of: Day | None = None
    country: CountryCode | None = None
    area: Identifier | None = None


@router.get(
    "/evidence",
    response={200: EvidencePage, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Observations",
)
def evidence(request: HttpRequest, filters: Query[EvidenceFilter]) -> dict[str, Any]:
    """Observations (newest fact first) with their sources, filtered; paginated by
    `limit` (1..500, default 100) and `offset`."""
    check_selection(filters.country, filters.area)
    rows = serialize.observations(
        as_of=filters.as_of,
        known_at=filters.known_at,
        country=filters.country,
        area=filters.area,
        benchmark=filters.benchmark,
        status=filters.status,
    )
    page = rows[filters.offset : filters.offset + filters.limit]
    return {
        "count": rows.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "results": [serialize.observation_dict(o) for o in page],
    }


@router.get(
    "/context-notes",
    response={200: list[ContextNoteOut], 404: ErrorOut, 422: ValidationErrorOut},
    summary="Context notes",
)
def context_notes(request: HttpRequest, filters: Query[NoteFilter]) -> list[dict[str, Any]]:
    """Dated, sourced context that is not a benchmark, for a country (with the regional
    notes) and an area (with the notes for all areas)."""
    check_selection(filters.country, filters.area)
    rows = serialize.context_notes(country=filters.country, area=filters.area, as_of=filters.as_of)
    return [serialize.context_note_dict(n) for n in rows]
