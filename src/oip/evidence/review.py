"""Which observations rest on old or undated sources: the list an analyst re-checks first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from oip.catalogue.fetch import current_catalogue
from oip.evidence.models import Observation


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """One observation whose source is older than the review age, or undated (`published_on` None).

    `age_days` is counted from the source's date to `today` (None when undated).
    """

    observation_id: int
    country: str
    benchmark: str
    status: str
    observed_on: dt.date
    source_title: str
    source_url: str
    source_publisher: str
    published_on: dt.date | None
    age_days: int | None


def review(older_than_days: int, today: dt.date) -> list[ReviewRow]:
    """Return observations whose source is dated before `today - older_than_days`, or undated.

    Undated (n.d.) sources come first, then the oldest source first; ties by country order,
    benchmark and observation id. Every observation is listed, superseded ones included.
    """
    if older_than_days < 0:
        raise ValueError("older_than_days must be >= 0")
    cutoff = today - dt.timedelta(days=older_than_days)
    country_order = {code: k for k, code in enumerate(current_catalogue().country_codes())}
    rows = Observation.objects.filter(
        Q(source__published_on__isnull=True) | Q(source__published_on__lt=cutoff)
    ).values_list(
        "id",
        "country_id",
        "benchmark_id",
        "status",
        "observed_on",
        "source__title",
        "source__url",
        "source__publisher",
        "source__published_on",
    )
    found = [
        ReviewRow(
            observation_id=pk,
            country=country,
            benchmark=benchmark,
            status=status,
            observed_on=observed_on,
            source_title=title,
            source_url=url,
            source_publisher=publisher,
            published_on=published_on,
            age_days=(today - published_on).days if published_on is not None else None,
        )
        for pk, country, benchmark, status, observed_on, title, url, publisher, published_on in rows
    ]
    found.sort(
        key=lambda r: (
            r.published_on is not None,
            r.published_on or dt.date.min,
            country_order.get(r.country, len(country_order)),
            r.benchmark,
            r.observation_id,
        )
    )
    return found
