"""Named write actions on evidence. Nothing else writes observations, sources or notes.

`import_evidence` validates every record of every file first (streaming, so a 200,000-row CSV
stays small in memory), then writes all of it in one transaction, or nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from oip.catalogue.fetch import current_catalogue
from oip.evidence.models import ContextNote, ImportBatch, Observation, Source
from oip.evidence.records import (
    Checker,
    ContextRecord,
    FileProblem,
    ObservationRecord,
    RecordError,
    SourceRecord,
    check,
    read_file,
)
from oip.site.signals import announce_data_changed

BATCH_SIZE = 5000
MAX_REPORTED_ERRORS = 500


class ImportFailed(Exception):
    """Nothing was written; `errors` names file, record and field for every problem found."""

    def __init__(self, errors: list[RecordError], total: int) -> None:
        self.errors = errors
        self.total = total
        super().__init__(f"{total} problem(s); nothing imported")


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: int
    skipped: int
    context_created: int
    context_skipped: int
    batch_id: int | None
    files: tuple[str, ...] = field(default=())


def _validated(
    paths: Sequence[Path], checker: Checker
) -> Iterable[ObservationRecord | ContextRecord | RecordError]:
    for path in paths:
        try:
            for kind, label, raw in read_file(path):
                result = check(checker, kind, str(path), label, raw)
                if isinstance(result, list):
                    yield from result
                else:
                    yield result
        except FileProblem as problem:
            yield problem.error


def import_evidence(
    paths: Sequence[Path | str],
    *,
    recorded_by: str,
    today: dt.date | None = None,
) -> ImportResult:
    """Import observations and context notes from YAML/CSV files: all of them, or nothing.

    Raises ImportFailed (nothing written) if any record of any file is invalid. Records
    identical to one already stored (or earlier in the same import) are skipped and counted.
    """
    files = [Path(p) for p in paths]
    catalogue = current_catalogue()
    now = timezone.now()
    checker = Checker(catalogue, today or timezone.localdate(now))

    # Pass 1: validate everything, keep only the distinct sources and the errors.
    errors: list[RecordError] = []
    total_errors = 0
    sources: dict[str, SourceRecord] = {}
    for item in _validated(files, checker):
        if isinstance(item, RecordError):
            total_errors += 1
            if len(errors) < MAX_REPORTED_ERRORS:
                errors.append(item)
        else:
            sources.setdefault(item.source.fingerprint, item.source)
    if total_errors:
        raise ImportFailed(errors, total_errors)

    # Pass 2: the files validated; write them in one transaction.
    with transaction.atomic():
        source_ids = _store_sources(sources)
        known = set(
            Observation.objects.values_list("fingerprint", flat=True).iterator(chunk_size=20_000)
        )
        known_notes = set(ContextNote.objects.values_list("key", flat=True))
        batch = ImportBatch.objects.create(
            files=", ".join(str(f) for f in files), recorded_at=now, recorded_by=recorded_by[:150]
        )
        created = skipped = notes_created = notes_skipped = 0
        pending: list[tuple[Any, ...]] = []
        insert = _ObservationInsert(now, recorded_by[:150], batch.pk)
        for item in _validated(files, checker):
            if isinstance(item, RecordError):  # pragma: no cover - the files changed under us
                raise ImportFailed([item], 1)
            if isinstance(item, ContextRecord):
                if item.key in known_notes:
                    notes_skipped += 1
                    continue
                known_notes.add(item.key)
                ContextNote.objects.create(
                    key=item.key,
                    country_id=item.country,
                    area=item.area,
                    title=item.title,
                    body=item.body,
                    noted_on=item.noted_on,
                    source_id=source_ids[item.source.fingerprint],
                    recorded_at=now,
                )
                notes_created += 1
                continue
            fingerprint = item.fingerprint
            if fingerprint in known:
                skipped += 1
                continue
            known.add(fingerprint)
            pending.append(
                insert.row(
                    item.country,
                    item.benchmark,
                    item.status,
                    item.observed_on,
                    source_ids[item.source.fingerprint],
                    item.note,
                    fingerprint,
                )
            )
            if len(pending) >= BATCH_SIZE:
                created += insert.write(pending)
                pending = []
        if pending:
            created += insert.write(pending)
        batch_id: int | None = batch.pk
        if created == 0 and notes_created == 0:
            # Nothing new: leave no trace of an empty batch (the transaction rolls it back).
            transaction.set_rollback(True)
            batch_id = None
        else:
            _record_counts(batch, created, skipped)
    announce_data_changed()
    return ImportResult(
        created, skipped, notes_created, notes_skipped, batch_id, tuple(map(str, files))
    )


class _ObservationInsert:
    """Plain multi-row INSERTs of validated observations.

    The rows were validated in full by the first pass; building a model instance per row
    only to have `bulk_create` take it apart again was half of the import's time. Values
    are adapted with the backend's own operations, so they are stored exactly as the ORM
    would store them (SQLite keeps naive UTC text, PostgreSQL timestamptz).
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
    )

    def __init__(self, recorded_at: dt.datetime, recorded_by: str, batch_id: int) -> None:
        ops = connection.ops
        self.recorded_at = ops.adapt_datetimefield_value(recorded_at)
        self.recorded_by = recorded_by
        self.batch_id = batch_id
        self.days: dict[dt.date, Any] = {}
        self.adapt_day = ops.adapt_datefield_value
        table = connection.ops.quote_name(Observation._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(c) for c in self.COLUMNS)
        self.sql = (
            f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(self.COLUMNS))})"  # noqa: S608 - fixed names
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
        )

    def write(self, rows: list[tuple[Any, ...]]) -> int:
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, rows)
        return len(rows)


def _record_counts(batch: ImportBatch, created: int, skipped: int) -> None:
    # ImportBatch is append-only for the application; its counts are set once, inside the
    # transaction that created it, through the base manager.
    ImportBatch._base_manager.filter(pk=batch.pk).update(created=created, skipped=skipped)


def _store_sources(sources: dict[str, SourceRecord]) -> dict[str, int]:
    """Create the sources not stored yet; return fingerprint -> id for all of them."""
    ids: dict[str, int] = {}
    fingerprints = list(sources)
    for start in range(0, len(fingerprints), 900):
        chunk = fingerprints[start : start + 900]
        ids.update(Source.objects.filter(fingerprint__in=chunk).values_list("fingerprint", "id"))
    missing = [
        Source(
            url=s.url,
            title=s.title,
            publisher=s.publisher,
            published_on=s.published_on,
            excerpt=s.excerpt,
            fingerprint=fp,
        )
        for fp, s in sources.items()
        if fp not in ids
    ]
    if missing:
        Source.objects.bulk_create(missing, batch_size=900)
        new = [s.fingerprint for s in missing]
        for start in range(0, len(new), 900):
            chunk = new[start : start + 900]
            ids.update(
                Source.objects.filter(fingerprint__in=chunk).values_list("fingerprint", "id")
            )
    return ids


def record_observation(
    *,
    country: str,
    benchmark: str,
    status: str,
    observed_on: dt.date,
    source: SourceRecord,
    note: str,
    recorded_by: str,
) -> Observation:
    """Record one observation (the admin's path); validated like an imported record."""
    checker = Checker(current_catalogue(), timezone.localdate())
    raw = {
        "country": country,
        "benchmark": benchmark,
        "status": status,
        "observed_on": observed_on,
        "source": {
            "url": source.url,
            "title": source.title,
            "publisher": source.publisher,
            "published_on": source.published_on,
            "excerpt": source.excerpt,
        },
        "note": note,
    }
    result = checker.observation(raw, "admin", "record")
    if isinstance(result, list):
        raise ImportFailed(result, len(result))
    with transaction.atomic():
        source_id = _store_sources({result.source.fingerprint: result.source})[
            result.source.fingerprint
        ]
        announce_data_changed()
        return Observation.objects.create(
            country_id=result.country,
            benchmark_id=result.benchmark,
            status=result.status,
            observed_on=result.observed_on,
            recorded_at=timezone.now(),
            source_id=source_id,
            note=result.note,
            recorded_by=recorded_by[:150],
            fingerprint=result.fingerprint,
        )
