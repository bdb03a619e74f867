"""The liaison exchange's public performance: aggregated, lagged, thresholded (no login).

Per country x area x quarter: clocks due (in buckets), on-time rate, median acknowledgement
time, reachability tests and pass rate, confirmed breaches, exceptional deliveries by the EU
side, exercises played (finished exercises, by the quarter they ended); per EU body x quarter: its own on-time rate; and the daily audit head hash. A quarter is
published 90 days after it ends; counts below 3 read "fewer than 3" and rates or medians
resting on fewer than 3 facts are null. Never content, never the names of organisations.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from oip.api.schemas import ValidationErrorOut
from oip.catalogue.schema import CountryCode, Identifier
from oip.exchange.performance import public_performance
from oip.liaison.performance import FEWER_THAN_3

router = Router(tags=["exchange"])


class PerformanceFilter(Schema):
    country: CountryCode | None = None
    area: Identifier | None = None


class QuarterOut(Schema):
    country: str
    area: str
    quarter: str
    clocks_due: str
    on_time_percent: int | None
    median_ack_minutes: int | None
    reachability_tests: int | str
    reachability_pass_percent: int | None
    confirmed_breaches: int | str
    exceptional_deliveries: int | str
    exercises_played: int | str


class BodyOut(Schema):
    body: str
    quarter: str
    clocks_due: str
    on_time_percent: int | None


class AuditHeadOut(Schema):
    day: str
    seq: int
    hash: str


class PerformanceOut(Schema):
    as_of: str
    lag_days: int
    small_count: str
    published_through: str | None
    quarters: list[QuarterOut]
    eu_bodies: list[BodyOut]
    audit_head: AuditHeadOut | None


@router.get(
    "/exchange-performance",
    response={200: PerformanceOut, 422: ValidationErrorOut},
    summary="Liaison exchange performance (public)",
)
def exchange_performance(request: HttpRequest, filters: Query[PerformanceFilter]) -> dict[str, Any]:
    """The published quarters of the liaison exchange, optionally of one country or area."""
    found = public_performance()
    rows = [
        row
        for row in found.metrics.rows
        if (filters.country is None or row.country == filters.country)
        and (filters.area is None or row.area == filters.area)
    ]
    head = found.audit_head
    return {
        "as_of": found.today.isoformat(),
        "lag_days": found.lag_days,
        "small_count": FEWER_THAN_3,
        "published_through": found.metrics.published_through,
        "quarters": [
            {
                "country": r.country,
                "area": r.area,
                "quarter": r.quarter,
                "clocks_due": r.clocks_due,
                "on_time_percent": r.on_time_percent,
                "median_ack_minutes": r.median_ack_minutes,
                "reachability_tests": r.reachability_tests,
                "reachability_pass_percent": r.reachability_pass_percent,
                "confirmed_breaches": r.confirmed_breaches,
                "exceptional_deliveries": r.exceptional_deliveries,
                "exercises_played": r.exercises_played,
            }
            for r in rows
        ],
        "eu_bodies": [
            {
                "body": b.body,
                "quarter": b.quarter,
                "clocks_due": b.clocks_due,
                "on_time_percent": b.on_time_percent,
            }
            for b in found.metrics.bodies
        ],
        "audit_head": (
            {"day": head.day.isoformat(), "seq": head.seq, "hash": head.hash} if head else None
        ),
    }
