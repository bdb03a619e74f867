"""How fresh the data is: the footer's "data last updated", told in two dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max

from oip.evidence.models import ImportBatch, Observation


@dataclass(frozen=True)
class DataDates:
    """`recorded`: when evidence was last recorded (an observation or an import batch);
    `observed`: the newest fact any observation reports (its `observed_on`). Both None before
    any import. They differ: evidence recorded today may report a fact of last year."""

    recorded: dt.datetime | None
    observed: dt.date | None


def data_dates() -> DataDates:
    """Return the newest recorded evidence and the newest observed fact (2 queries)."""
    found = Observation.objects.aggregate(t=Max("recorded_at"), d=Max("observed_on"))
    batch: dt.datetime | None = ImportBatch.objects.aggregate(t=Max("recorded_at"))["t"]
    stamps = [t for t in (found["t"], batch) if t is not None]
    return DataDates(recorded=max(stamps) if stamps else None, observed=found["d"])
