"""The database side of evidence writes: conflict-skipping inserts and writers' turns.

What must be unique is unique in the database (observation and source fingerprints, note
keys) and every insert here skips conflicts (`ON CONFLICT DO NOTHING`, the same syntax on
SQLite and PostgreSQL), so two writers of the same facts at the same moment store each once,
the later one waiting for the earlier one's commit and then skipping, never failing; the
counts are what the database really inserted.

Imports also take turns (`writer_turn`): SQLite's single write lock, taken at BEGIN
(IMMEDIATE) and waited for up to `OIP_DB_WAIT` seconds (its busy timeout), and on PostgreSQL a
transaction-level advisory lock waited for as long, so two imports never interleave their
inserts (which could deadlock on each other's unique keys). An import that cannot get its
turn fails with `ImportBusy`: "another import is running; nothing was written".
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, transaction

from oip.evidence.models import Observation, Source
from oip.evidence.records import RecordError, SourceRecord

#: The PostgreSQL advisory lock imports take turns on ("OIP" in ASCII).
IMPORT_LOCK = 0x4F4950
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE for a lock_timeout that expired


class ImportFailed(Exception):
    """Nothing was written; `errors` names file, record and field for every problem found."""

    def __init__(self, errors: list[RecordError], total: int) -> None:
        self.errors = errors
        self.total = total
        super().__init__(f"{total} problem(s); nothing imported")


class ImportBusy(ImportFailed):
    """Another import held the database for longer than this one could wait; nothing written."""

    def __init__(self, files: str, waited: float) -> None:
        message = (
            f"another import is running (waited {waited:g} s for it); nothing was written: "
            "run this import again when it has finished"
        )
        super().__init__([RecordError(files, "-", "-", message)], 1)


@contextlib.contextmanager
def writer_turn(files: str) -> Iterator[None]:
    """One write transaction, begun once no other import is writing (ImportBusy after
    waiting `OIP_DB_WAIT` seconds).

    SQLite takes its single write lock at BEGIN (IMMEDIATE), waiting up to its busy timeout;
    PostgreSQL waits for a transaction-level advisory lock that every import takes, so imports
    never interleave their inserts (which could deadlock on each other's unique keys).
    """
    waited = float(settings.OIP_DB_WAIT)
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL lock_timeout = {int(waited * 1000)}")
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
                    cursor.execute("SET LOCAL lock_timeout = DEFAULT")
            yield
    except OperationalError as exc:
        if _busy(exc):
            raise ImportBusy(files, waited) from exc
        raise


def _busy(exc: OperationalError) -> bool:
    if connection.vendor == "sqlite":
        return "database is locked" in str(exc)
    return getattr(exc.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE


class ObservationInsert:
    """Plain INSERTs of validated observations, many rows per call (`executemany`).

    The rows were validated in full by the first pass; building a model instance per row
    only to have `bulk_create` take it apart again was half of the import's time. Values
    are adapted with the backend's own operations, so they are stored exactly as the ORM
    would store them (SQLite keeps naive UTC text, PostgreSQL timestamptz). A row whose
    fingerprint is stored already (by anyone, committed or about to be) is skipped by the
    database (`ON CONFLICT DO NOTHING`, same syntax on both engines), and `write` returns how
    many rows were really inserted.
    """

    COLUMNS = (
        "country_id",
        "benchmark_id",
        "status",
        "observed_on",
        "recorded_at",
        "source_id",
        "note",
        "recorded_by",
        "batch_id",
        "fingerprint",
        "supersedes_id",
    )

    def __init__(self, recorded_at: dt.datetime, recorded_by: str, batch_id: int | None) -> None:
        ops = connection.ops
        self.recorded_at = ops.adapt_datetimefield_value(recorded_at)
        self.recorded_by = recorded_by
        self.batch_id = batch_id
        self.days: dict[dt.date, Any] = {}
        self.adapt_day = ops.adapt_datefield_value
        table = connection.ops.quote_name(Observation._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(c) for c in self.COLUMNS)
        self.sql = (
            f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(self.COLUMNS))}) "  # noqa: S608 - fixed names
            "ON CONFLICT DO NOTHING"
        )

    def row(
        self,
        country: str,
        benchmark: str,
        status: str,
        observed_on: dt.date,
        source_id: int,
        note: str,
        fingerprint: str,
        supersedes_id: int | None = None,
    ) -> tuple[Any, ...]:
        day = self.days.get(observed_on)
        if day is None:
            day = self.days[observed_on] = self.adapt_day(observed_on)
        return (
            country,
            benchmark,
            status,
            day,
            self.recorded_at,
            source_id,
            note,
            self.recorded_by,
            self.batch_id,
            fingerprint,
            supersedes_id,
        )

    def write(self, rows: list[tuple[Any, ...]]) -> int:
        """Insert `rows`, skipping stored fingerprints; return how many were inserted."""
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, rows)
            # Both drivers sum the rows each statement inserted (0 for a skipped conflict).
            return int(cursor.rowcount)


def store_sources(sources: dict[str, SourceRecord]) -> dict[str, int]:
    """Store the sources not stored yet; return fingerprint -> id for all of them.

    Inserted in fingerprint order, skipping conflicts, so a concurrent writer of the same
    sources waits for the other's commit and then reads its ids, and never fails.
    """
    ids: dict[str, int] = {}
    fingerprints = sorted(sources)
    for start in range(0, len(fingerprints), 900):
        chunk = fingerprints[start : start + 900]
        ids.update(Source.objects.filter(fingerprint__in=chunk).values_list("fingerprint", "id"))
    missing = [
        Source(
            kind=sources[fp].kind,
            url=sources[fp].url,
            title=sources[fp].title,
            publisher=sources[fp].publisher,
            published_on=sources[fp].published_on,
            excerpt=sources[fp].excerpt,
            fingerprint=fp,
        )
        for fp in fingerprints
        if fp not in ids
    ]
    if missing:
        Source.objects.bulk_create(missing, batch_size=900, ignore_conflicts=True)
        new = [s.fingerprint for s in missing]
        for start in range(0, len(new), 900):
            chunk = new[start : start + 900]
            ids.update(
                Source.objects.filter(fingerprint__in=chunk).values_list("fingerprint", "id")
            )
    return ids
