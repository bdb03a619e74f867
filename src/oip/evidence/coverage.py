"""How much of the catalogue the evidence covers, and which sources are due for re-checking.

`coverage()` counts, per country x area, the benchmarks with evidence and those not assessed
(no observation at all: `unknown`), and splits the assessed ones by their status at the date,
with the engine's semantics (a lapsed `met` counts as `not_met`, and is also counted as lapsed).
`review()` lists the observations resting on sources older than an age, or undated.

"Not assessed" and `not_met` are kept apart on purpose: an empty cell is not a failing grade.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from oip.catalogue.fetch import current_catalogue
from oip.evidence.fetch import evaluation
from oip.evidence.models import Observation


@dataclass(frozen=True, slots=True)
class CoverageRow:
    """Evidence coverage of one area's benchmarks in one country at `as_of`.

    `benchmarks == with_evidence + unknown` and
    `with_evidence == met + partial + not_met + not_applicable`; `lapsed` is the part of
    `not_met` that is a `met` past its validity. `newest` is the latest `observed_on` among the
    observations in force (None when nothing is assessed).
    """

    country: str
    area: str
    as_of: dt.date
    benchmarks: int
    with_evidence: int
    unknown: int
    met: int
    partial: int
    not_met: int
    not_applicable: int
    lapsed: int
    newest: dt.date | None


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


def coverage(as_of: dt.date) -> list[CoverageRow]:
    """Return one row per country x area (catalogue order) describing the evidence at `as_of`.

    An observation counts when its `observed_on <= as_of`; statuses are the engine's
    (`oip.evidence.fetch.evaluation()`, one query for the observations, cached per data version).
    """
    catalogue = current_catalogue()
    engine = evaluation()
    rows: list[CoverageRow] = []
    for country in catalogue.country_codes():
        for area in catalogue.areas:
            counts = {"met": 0, "partial": 0, "not_met": 0, "not_applicable": 0, "unknown": 0}
            lapsed = 0
            total = 0
            newest: dt.date | None = None
            for target in catalogue.targets_in(area.id):
                for benchmark in target.benchmarks:
                    total += 1
                    state = engine.benchmark_state(country, benchmark.id, as_of)
                    counts[state.status] += 1
                    if state.lapsed_on is not None:
                        lapsed += 1
                    if state.observed_on is not None and (
                        newest is None or state.observed_on > newest
                    ):
                        newest = state.observed_on
            rows.append(
                CoverageRow(
                    country=country,
                    area=area.id,
                    as_of=as_of,
                    benchmarks=total,
                    with_evidence=total - counts["unknown"],
                    unknown=counts["unknown"],
                    met=counts["met"],
                    partial=counts["partial"],
                    not_met=counts["not_met"],
                    not_applicable=counts["not_applicable"],
                    lapsed=lapsed,
                    newest=newest,
                )
            )
    return rows


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
