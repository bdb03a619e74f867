"""The exchange's only scheduled job: one idempotent pass over the clocks (EXCHANGE.md §6.6.5)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TickReport:
    """What one tick did, as counts."""

    now: dt.datetime
    open_items: int = 0
    reminders: int = 0
    written: int = 0
    enqueued: int = 0
    withdrawals: int = 0


def tick(now: dt.datetime) -> TickReport:
    """One pass at `now` (filled in once the store's models exist)."""
    return TickReport(now=now)
