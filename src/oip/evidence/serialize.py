"""Evidence rows as plain data (API, downloads, reports share these shapes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from oip.evidence.models import ContextNote, Observation, Source


def source_dict(source: Source) -> dict[str, Any]:
    return {
        "id": source.pk,
        "kind": source.kind,
        "url": source.url,
        "title": source.title,
        "publisher": source.publisher,
        "published_on": source.published_on.isoformat() if source.published_on else None,
        "excerpt": source.excerpt,
    }


def observation_dict(observation: Observation) -> dict[str, Any]:
    return {
        "id": observation.pk,
        "country": observation.country_id,
        "benchmark": observation.benchmark_id,
        "target": observation.benchmark.target,
        "area": observation.benchmark.area,
        "status": observation.status,
        "observed_on": observation.observed_on.isoformat(),
        "recorded_at": observation.recorded_at.isoformat(),
        "recorded_by": observation.recorded_by,
        "note": observation.note,
        "source": source_dict(observation.source),
    }


def context_note_dict(note: ContextNote) -> dict[str, Any]:
    return {
        "key": note.key,
        "country": note.country_id,
        "area": note.area,
        "title": note.title,
        "body": note.body,
        "noted_on": note.noted_on.isoformat() if note.noted_on else None,
        "source": source_dict(note.source),
    }


def observations(
    *,
    as_of: dt.date | None = None,
    known_at: dt.datetime | None = None,
    country: str | None = None,
    area: str | None = None,
    benchmark: str | None = None,
    status: str | None = None,
) -> QuerySet[Observation]:
    """Return the observations matching the filters, newest fact first, sources joined."""
    rows = Observation.objects.select_related("source", "benchmark").order_by(
        "-observed_on", "-recorded_at", "-id"
    )
    if as_of is not None:
        rows = rows.filter(observed_on__lte=as_of)
    if known_at is not None:
        rows = rows.filter(recorded_at__lte=known_at)
    if country:
        rows = rows.filter(country_id=country)
    if area:
        rows = rows.filter(benchmark__area=area)
    if benchmark:
        rows = rows.filter(benchmark_id=benchmark)
    if status:
        rows = rows.filter(status=status)
    return rows


def context_notes(
    *, country: str | None = None, area: str | None = None, as_of: dt.date | None = None
) -> QuerySet[ContextNote]:
    """Return the context notes for a country (its own and the regional ones) and an area."""
    from django.db.models import Q

    rows = ContextNote.objects.select_related("source").order_by("-noted_on", "id")
    if country:
        rows = rows.filter(Q(country_id=country) | Q(country__isnull=True))
    if area:
        rows = rows.filter(Q(area=area) | Q(area=""))
    if as_of is not None:
        rows = rows.filter(Q(noted_on__lte=as_of) | Q(noted_on__isnull=True))
    return rows
