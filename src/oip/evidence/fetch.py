"""Read paths for evidence and the engine's results, cached per data version.

`data_version()` changes with every import and every catalogue load, so a cached
`Evaluation` is never stale: the key it is cached under simply stops being asked for.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict

from django.db.models import Max

from oip.catalogue.fetch import current_catalogue, current_version
from oip.conditionality import Evaluation, evaluate
from oip.conditionality.types import Observation as CoreObservation
from oip.evidence.models import ContextNote, ImportBatch, Observation

_CACHE_SIZE = 8
_lock = threading.Lock()
_evaluations: OrderedDict[tuple[str, str], Evaluation] = OrderedDict()


def data_version() -> str:
    """Return a short key that changes whenever the evidence or the catalogue changes."""
    catalogue = current_version()
    newest = Observation.objects.aggregate(n=Max("id"))["n"] or 0
    notes = ContextNote.objects.aggregate(n=Max("id"))["n"] or 0
    return f"{catalogue.pk}.{catalogue.content_hash[:8]}.{newest}.{notes}"


def last_updated() -> dt.datetime | None:
    """Return when evidence was last recorded (None before any import)."""
    newest: dt.datetime | None = Observation.objects.aggregate(t=Max("recorded_at"))["t"]
    batch: dt.datetime | None = ImportBatch.objects.aggregate(t=Max("recorded_at"))["t"]
    candidates = [t for t in (newest, batch) if t is not None]
    return max(candidates) if candidates else None


def load_observations(known_at: dt.datetime | None = None) -> list[CoreObservation]:
    """Return every observation (recorded by `known_at`, if given) as core values."""
    rows = Observation.objects.order_by().values_list(
        "country_id", "benchmark_id", "status", "observed_on", "recorded_at", "id"
    )
    if known_at is not None:
        rows = rows.filter(recorded_at__lte=known_at)
    return [
        CoreObservation(country, benchmark, status, observed_on, recorded_at, pk)
        for country, benchmark, status, observed_on, recorded_at, pk in rows.iterator(
            chunk_size=10_000
        )
    ]


def evaluation(known_at: dt.datetime | None = None) -> Evaluation:
    """Return the engine's evaluation of all evidence (as known at `known_at`), cached."""
    key = (data_version(), known_at.isoformat() if known_at else "")
    with _lock:
        cached = _evaluations.get(key)
        if cached is not None:
            _evaluations.move_to_end(key)
            return cached
    result = evaluate(current_catalogue(), load_observations(known_at), known_at=known_at)
    with _lock:
        _evaluations[key] = result
        while len(_evaluations) > _CACHE_SIZE:
            _evaluations.popitem(last=False)
    return result


def clear_cache() -> None:
    with _lock:
        _evaluations.clear()
