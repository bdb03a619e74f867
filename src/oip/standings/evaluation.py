"""The engine's evaluation of all evidence, read once per data version and cached.

`data_version()` changes with every import and every catalogue load, so a cached
`Evaluation` is never stale: the key it is cached under simply stops being asked for.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from typing import Any

from django.db import connection

from oip.catalogue.fetch import current_catalogue
from oip.conditionality import Evaluation, evaluate
from oip.conditionality.types import Observation as CoreObservation
from oip.evidence.models import Observation
from oip.standings.version import data_version, forget_data_version

_CACHE_SIZE = 8
_lock = threading.Lock()
_evaluations: OrderedDict[tuple[str, str], Evaluation] = OrderedDict()


def load_observations(known_at: dt.datetime | None = None) -> list[CoreObservation]:
    """Return every observation (recorded by `known_at`, if given) as core values, except
    those superseded by a correction recorded by then (`Observation.supersedes`): a
    correction takes its observation out from the correction's `recorded_at` on, and as known
    before it the observation still counts.

    This is the engine's whole input, read on every new data version, so it skips the ORM's
    per-row conversions: one plain query returning dates and timestamps as ISO text, each
    distinct value parsed once (a batch shares one timestamp; ten years have ~3,650 days).
    """
    table = Observation._meta.db_table
    if connection.vendor == "postgresql":
        columns = (
            "observed_on::text, "
            "to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"
        )
    else:
        columns = "CAST(observed_on AS TEXT), CAST(recorded_at AS TEXT)"
    # Ordered as the (country, benchmark, observed_on) index lies: cheap for the database,
    # and the engine groups and sorts already-ordered runs at C speed.
    # One query: the few corrections are probed through the index on supersedes_id.
    corrected = f"SELECT 1 FROM {table} c WHERE c.supersedes_id = {table}.id"  # noqa: S608 - no user input
    params: list[Any] = []
    if known_at is not None:
        corrected += " AND c.recorded_at <= %s"
        params.append(connection.ops.adapt_datetimefield_value(known_at))
    sql = (
        f"SELECT country_id, benchmark_id, status, {columns}, id FROM {table} "  # noqa: S608 - no user input
        f"WHERE NOT EXISTS ({corrected}) "
        "ORDER BY country_id, benchmark_id, observed_on"
    )
    days: dict[str, dt.date] = {}
    stamps: dict[str, dt.datetime] = {}
    observations: list[CoreObservation] = []
    append = observations.append
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(50_000):
            for country, benchmark, status, observed_on, recorded_at, pk in rows:
                stamp = stamps.get(recorded_at)
                if stamp is None:
                    stamp = stamps[recorded_at] = dt.datetime.fromisoformat(recorded_at).replace(
                        tzinfo=dt.UTC
                    )
                if known_at is not None and stamp > known_at:
                    continue
                day = days.get(observed_on)
                if day is None:
                    day = days[observed_on] = dt.date.fromisoformat(observed_on)
                append(CoreObservation(country, benchmark, status, day, stamp, pk))
    return observations


def evaluation(known_at: dt.datetime | None = None, *, fresh: bool = False) -> Evaluation:
    """Return the engine's evaluation of all evidence (as known at `known_at`), cached.

    Cached under the data version, so it reflects every write this process made at once and
    another process's write within `OIP_DATA_VERSION_TTL` seconds. `fresh=True` re-reads the
    data version from the database first, so the answer includes every write committed before
    the call, in any process (the exchange's access decisions use it).
    """
    if fresh:
        forget_data_version()
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


def clear_cache(**_signal: object) -> None:
    """Forget every cached evaluation and the memoised data version (also a signal receiver)."""
    forget_data_version()
    with _lock:
        _evaluations.clear()
