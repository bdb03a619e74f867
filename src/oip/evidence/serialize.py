"""Evidence rows as plain data (API, downloads, reports share these shapes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

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
    """An observation as plain data.

    `supersedes`: the id of the observation it corrects, or None. `superseded_by`: the id of
    the first correction of it (as known then), or None, read from the `superseded_by`
    annotation that `observations()` and `with_corrections()` add; an observation read
    without it shows None, which is true of every observation the engine counts as known now.
    """
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
        "fingerprint": observation.fingerprint,
        "supersedes": observation.supersedes_id,
        "superseded_by": getattr(observation, "superseded_by", None),
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


def with_corrections(
    rows: QuerySet[Observation], known_at: dt.datetime | None = None
) -> QuerySet[Observation]:
    """`rows` annotated with `superseded_by`: the id of the first correction of each
    (recorded by `known_at`, if given), or None. A subquery: no query per row."""
    first = Observation.objects.filter(supersedes=OuterRef("pk"))
    if known_at is not None:
        first = first.filter(recorded_at__lte=known_at)
    return rows.annotate(
        superseded_by=Subquery(first.order_by("recorded_at", "id").values("id")[:1])
    )


def observations(
    *,
    as_of: dt.date | None = None,
    known_at: dt.datetime | None = None,
    country: str | None = None,
    area: str | None = None,
    benchmark: str | None = None,
    status: str | None = None,
) -> QuerySet[Observation]:
    """Return the observations matching the filters, newest fact first, sources joined,
    superseded ones included and marked (`superseded_by`, as known at `known_at`)."""
    rows = with_corrections(
        Observation.objects.select_related("source", "benchmark"), known_at
    ).order_by("-observed_on", "-recorded_at", "-id")
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
    rows = ContextNote.objects.select_related("source").order_by("-noted_on", "id")
    if country:
        rows = rows.filter(Q(country_id=country) | Q(country__isnull=True))
    if area:
        rows = rows.filter(Q(area=area) | Q(area=""))
    if as_of is not None:
        rows = rows.filter(Q(noted_on__lte=as_of) | Q(noted_on__isnull=True))
    return rows
