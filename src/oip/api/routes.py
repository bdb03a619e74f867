"""The read-only JSON API under /api/v1/ (OpenAPI schema at /api/v1/openapi.json).

Thin handlers over the named read paths; every list is filterable and every endpoint
accepts `as_of` (and, where it matters, `known_at`) so any past state can be cited.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import NinjaAPI, Query, Schema
from ninja.errors import HttpError
from pydantic import AfterValidator

from oip.api.schemas import (
    ChangeOut,
    ContextNoteOut,
    EvidencePage,
    RegionOut,
    StandingOut,
)
from oip.catalogue.fetch import current_catalogue
from oip.catalogue.loader import export_data
from oip.conditionality.present import change_dict
from oip.evidence import serialize
from oip.site.arguments import today
from oip.standings.evaluation import evaluation
from oip.standings.region import region_data
from oip.standings.standing import standings_data

api = NinjaAPI(
    title="OIP API",
    version="1",
    description=(
        "Read-only data of the Operational Integration Platform: the catalogue of the Menu, "
        "the evidence, each country's standing per area, the region's analytics and the "
        "changes of standing, as of any date. Dates are ISO 8601 (YYYY-MM-DD)."
    ),
    urls_namespace="api",
)

MAX_LIMIT = 500
MAX_OFFSET = 1_000_000_000
# Dates the engine can compute with: a year back (trends), notice periods forward.
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2999, 12, 31)


def _in_range(value: dt.date | None) -> dt.date | None:
    day = value.date() if isinstance(value, dt.datetime) else value
    if day is not None and not EARLIEST <= day <= LATEST:
        raise ValueError(f"must be between {EARLIEST.isoformat()} and {LATEST.isoformat()}")
    return value


Day = Annotated[dt.date, AfterValidator(_in_range)]
Moment = Annotated[dt.datetime, AfterValidator(_in_range)]


class AsOf(Schema):
    as_of: Day | None = None
    known_at: Moment | None = None


class StandingFilter(AsOf):
    country: str | None = None
    area: str | None = None


class ChangeFilter(Schema):
    since: Day | None = None
    until: Day | None = None
    known_at: Moment | None = None
    country: str | None = None
    area: str | None = None
    kind: Literal["advanced", "on_notice", "restored", "fell", "suspended"] | None = None


class EvidenceFilter(AsOf):
    country: str | None = None
    area: str | None = None
    benchmark: str | None = None
    status: Literal["met", "partial", "not_met", "not_applicable"] | None = None
    limit: int = 100
    offset: int = 0


class NoteFilter(Schema):
    as_of: Day | None = None
    country: str | None = None
    area: str | None = None


def _check_selection(country: str | None, area: str | None) -> None:
    catalogue = current_catalogue()
    if country is not None and country not in catalogue.country_codes():
        raise HttpError(404, f"unknown country {country!r}")
    if area is not None and area not in {a.id for a in catalogue.areas}:
        raise HttpError(404, f"unknown area {area!r}")


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


@api.get("/catalogue", tags=["catalogue"], summary="The catalogue (the Menu)")
def catalogue(request: HttpRequest) -> dict[str, Any]:
    """The catalogue currently loaded, in the export contract's format."""
    return export_data(current_catalogue())


@api.get("/standings", response=list[StandingOut], tags=["standings"], summary="Standings")
def standings(request: HttpRequest, filters: Query[StandingFilter]) -> list[dict[str, Any]]:
    """Every country x area standing at `as_of` (default today), with what holds it and what
    is missing for the next tier; `known_at` counts only evidence recorded by then."""
    _check_selection(filters.country, filters.area)
    return standings_data(
        filters.as_of or today(),
        _aware(filters.known_at),
        countries=[filters.country] if filters.country else None,
        areas=[filters.area] if filters.area else None,
    )


@api.get("/region", response=RegionOut, tags=["region"], summary="Region analytics")
def region(request: HttpRequest, filters: Query[AsOf]) -> dict[str, Any]:
    """Per area: tiers, mean, spread, two speeds, trend; uniformity gaps, EU-side blockers
    and priorities, at `as_of`."""
    return region_data(filters.as_of or today(), _aware(filters.known_at))


@api.get("/changes", response=list[ChangeOut], tags=["changes"], summary="Changes of standing")
def changes(request: HttpRequest, filters: Query[ChangeFilter]) -> list[dict[str, Any]]:
    """Every change of standing (advanced, on notice, restored, fell, suspended) between
    `since` and `until` (default: all up to today), with its cause."""
    _check_selection(filters.country, filters.area)
    found = evaluation(_aware(filters.known_at)).changes(
        filters.until or today(),
        since=filters.since,
        countries=[filters.country] if filters.country else None,
        areas=[filters.area] if filters.area else None,
    )
    return [change_dict(c) for c in found if filters.kind is None or c.kind == filters.kind]


@api.get("/evidence", response=EvidencePage, tags=["evidence"], summary="Observations")
def evidence(request: HttpRequest, filters: Query[EvidenceFilter]) -> dict[str, Any]:
    """Observations (newest fact first) with their sources, filtered; paginated by
    `limit` (at most 500) and `offset`."""
    _check_selection(filters.country, filters.area)
    if not 1 <= filters.limit <= MAX_LIMIT or not 0 <= filters.offset <= MAX_OFFSET:
        raise HttpError(422, f"limit must be 1..{MAX_LIMIT} and offset 0..{MAX_OFFSET}")
    rows = serialize.observations(
        as_of=filters.as_of,
        known_at=_aware(filters.known_at),
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


@api.get(
    "/context-notes", response=list[ContextNoteOut], tags=["evidence"], summary="Context notes"
)
def context_notes(request: HttpRequest, filters: Query[NoteFilter]) -> list[dict[str, Any]]:
    """Dated, sourced context that is not a benchmark, for a country (with the regional
    notes) and an area (with the notes for all areas)."""
    _check_selection(filters.country, filters.area)
    rows = serialize.context_notes(country=filters.country, area=filters.area, as_of=filters.as_of)
    return [serialize.context_note_dict(n) for n in rows]
