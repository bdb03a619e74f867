"""The data version: a short key that changes whenever evidence or the catalogue changes.

Every cache of a read path is keyed on it, so nothing cached outlives the data it was read from.
It is the row every writer bumps inside its own transaction (`oip.site.models`), so it changes
exactly when a write commits, whatever ids the write took and in whatever order concurrent
writes commit.
"""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.db.models import Max

from oip.evidence.models import ImportBatch, Observation
from oip.site.models import read_data_version

_version_memo: tuple[float, str] | None = None


def data_version() -> str:
    """Return a short key that changes whenever the evidence or the catalogue changes.

    Memoised in this process for `settings.OIP_DATA_VERSION_TTL` seconds (default 2): a
    cached page then costs no query at all. A write in this process forgets the memo at
    once (`forget_data_version`); another process's write shows within the TTL.
    """
    global _version_memo
    memo = _version_memo
    now = time.monotonic()
    if memo is not None and now - memo[0] < settings.OIP_DATA_VERSION_TTL:
        return memo[1]
    version = read_data_version()
    _version_memo = (now, version)
    return version


def forget_data_version(**_signal: object) -> None:
    """Drop the memoised data version (connected to `oip.site.signals.data_changed`)."""
    global _version_memo
    _version_memo = None


def last_updated() -> dt.datetime | None:
    """Return when evidence was last recorded (None before any import)."""
    newest: dt.datetime | None = Observation.objects.aggregate(t=Max("recorded_at"))["t"]
    batch: dt.datetime | None = ImportBatch.objects.aggregate(t=Max("recorded_at"))["t"]
    candidates = [t for t in (newest, batch) if t is not None]
    return max(candidates) if candidates else None
