"""The change list's read call: the changes of standing and the evidence events up to a date,
cached per data version like every other read (`oip.monitor.reads.cached`)."""

from __future__ import annotations

import datetime as dt

from oip.catalogue.fetch import current_catalogue
from oip.evidence.models import Observation
from oip.monitor.pages import changes as changes_page
from oip.monitor.reads import cached
from oip.standings.evaluation import evaluation


def recorded(
    as_of: dt.date,
    *,
    country: str | None = None,
    area: str | None = None,
    since: dt.date | None = None,
    count: int = changes_page.EVIDENCE_SHOWN + 1,
) -> tuple[changes_page.Recorded, ...]:
    """Return the `count` observations recorded last (newest first) whose fact is observed by
    `as_of`, for `country`/`area` if given, recorded on or after `since` (UTC) if given
    (1 query)."""
    rows = Observation.objects.filter(observed_on__lte=as_of)
    if country:
        rows = rows.filter(country_id=country)
    if area:
        rows = rows.filter(benchmark__area=area)
    if since:
        rows = rows.filter(recorded_at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=dt.UTC))
    found = rows.order_by("-recorded_at", "-id").values_list(
        "id",
        "country_id",
        "benchmark_id",
        "status",
        "observed_on",
        "recorded_at",
        "supersedes_id",
        "supersedes__observed_on",
    )[:count]
    return tuple(changes_page.Recorded(*row) for row in found)


def changes(
    as_of: dt.date,
    *,
    category: changes_page.EventCategory | None = None,
    since: dt.date | None = None,
    country: str | None = None,
    area: str | None = None,
    limit: int | None = None,
) -> changes_page.ChangesPage:
    """The events up to `as_of`, newest first (see `oip.monitor.pages.changes.build`).
    KeyError for an unknown country or area."""
    catalogue = current_catalogue()

    def build() -> changes_page.ChangesPage:
        rows = (
            recorded(as_of, country=country, area=area, since=since)
            if category != "standing"
            else ()
        )
        return changes_page.build(
            catalogue,
            evaluation(),
            as_of,
            recorded=rows,
            category=category,
            country=country,
            area=area,
            since=since,
            limit=limit,
        )

    return cached(("events", as_of, category, since, country, area, limit), build)
