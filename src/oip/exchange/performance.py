"""The public performance of the liaison exchange: one named read for the API and the page
(EXCHANGE.md §6.10.3).

Aggregated, lagged and thresholded by the pure `oip.liaison.performance.quarter_metrics`; plus
the daily audit head (the chain's last row before today, UTC), so anyone can later check the
log was not rewritten. No login, no content, no organisation names. Cached per (day, audit
head): every act of the exchange is audited, so a new fact moves the head and the key.
"""

from __future__ import annotations

import datetime as dt
import threading

from oip.exchange.evidence import read_facts
from oip.exchange.models import AuditEvent, AuditHead, HandlingBreach, ReachabilityTest
from oip.liaison.performance import AuditHeadOfDay, PublicPerformance, quarter_metrics
from oip.site import clock

__all__ = [
    "AuditHeadOfDay",
    "PublicPerformance",
    "forget_performance",
    "has_exchange_data",
    "public_performance",
]

LAG_DAYS = 90


_lock = threading.Lock()
_cached: dict[tuple[dt.date, int, str], PublicPerformance] = {}


def forget_performance() -> None:
    """Drop the cached figures (tests, and after a restore)."""
    with _lock:
        _cached.clear()


def has_exchange_data() -> bool:
    """Whether the exchange holds anything the public figures could rest on."""
    return (
        AuditEvent.objects.exists()
        or ReachabilityTest.objects.exists()
        or HandlingBreach.objects.exists()
    )


def _audit_head(today: dt.date) -> AuditHeadOfDay | None:
    start = dt.datetime.combine(today, dt.time(), dt.UTC)
    last = AuditEvent.objects.filter(at__lt=start).order_by("-seq").first()
    if last is None:
        return None
    return AuditHeadOfDay(today - dt.timedelta(days=1), last.seq, last.hash)


def public_performance(now: dt.datetime | None = None) -> PublicPerformance:
    """The published figures as of `now` (default: now): quarters ended `LAG_DAYS` ago or more."""
    moment = now or clock.now()
    today = moment.astimezone(dt.UTC).date()
    head = AuditHead.objects.filter(pk=1).values_list("seq", "hash").first() or (0, "")
    key = (today, head[0], head[1])
    with _lock:
        cached = _cached.get(key)
    if cached is not None:
        return cached
    day_start = dt.datetime.combine(today, dt.time(), dt.UTC)
    # Facts as known at the start of the day: the figures do not move during it.
    metrics = quarter_metrics(read_facts(day_start), today, lag_days=LAG_DAYS)
    found = PublicPerformance(today, LAG_DAYS, metrics, _audit_head(today))
    with _lock:
        _cached.clear()
        _cached[key] = found
    return found
