"""Named write actions on evidence. Nothing else writes observations, sources or notes.

`import_evidence` validates every record of every file first (streaming, so a 200,000-row CSV
stays small in memory), then writes all of it in one transaction, or nothing.

Concurrency (`oip.evidence.writing`): what must be unique is unique in the database and every
insert skips conflicts, so concurrent writers store each fact once and each reports what it
really inserted; imports take turns, and one that cannot get its turn fails with `ImportBusy`,
nothing written. Every write bumps the data version (`oip.site.models.bump_data_version`)
inside its transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from django.db import transaction

from oip.catalogue.fetch import current_catalogue
from oip.evidence.corrections import resolve_corrections
from oip.evidence.models import ContextNote, ImportBatch, Observation
from oip.evidence.records import (
    Checker,
    ContextRecord,
    EvidenceFile,
    FileProblem,
    ObservationRecord,
    RecordError,
    SourceRecord,
    check,
    read_file,
)
from oip.evidence.writing import (
    ImportBusy,
    ImportFailed,
    ObservationInsert,
    store_sources,
    writer_turn,
)
from oip.site import clock
from oip.site.models import bump_data_version
from oip.site.signals import announce_data_changed

__all__ = [
    "ImportBusy",
    "ImportFailed",
    "ImportResult",
    "Recorded",
    "check_observation",
    "import_evidence",
    "record_observation",
    "stored_observation",
]

BATCH_SIZE = 5000
MAX_REPORTED_ERRORS = 500


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: int
    skipped: int
    context_created: int
    context_skipped: int
    batch_id: int | None
    files: tuple[str, ...] = field(default=())


Validated = tuple[str, str, ObservationRecord | ContextRecord | RecordError]


def _validated(paths: Sequence[EvidenceFile], checker: Checker) -> Iterable[Validated]:
    """Every record of every file as (file, record label, checked record or error)."""
    for path in paths:
        try:
            for kind, label, raw in read_file(path):
                result = check(checker, kind, str(path), label, raw)
                if isinstance(result, list):
                    for error in result:
                        yield str(path), label, error
                else:
                    yield str(path), label, result
        except FileProblem as problem:
            yield str(path), problem.error.record, problem.error


@dataclass
class _Plan:
    """What the first pass learnt: the distinct sources, the notes by key, the counts read."""

    sources: dict[str, SourceRecord] = field(default_factory=dict)
    notes: dict[str, tuple[ContextRecord, str, str]] = field(default_factory=dict)
    observations_read: int = 0
    notes_read: int = 0
    notes_stored: set[str] = field(default_factory=set)  # keys this import inserted
    # Corrections: (file, record label, country, reference to the observation corrected).
    corrections: list[tuple[str, str, str, str]] = field(default_factory=list)


def import_evidence(
    paths: Sequence[Path | str],
    *,
    recorded_by: str,
    today: dt.date | None = None,
    recorded_at: dt.datetime | None = None,
) -> ImportResult:
    """Import observations and context notes from YAML/CSV files: all of them, or nothing.

    The rows are recorded at `recorded_at` (default: now), the time from which they are known
    (`--known-at`); the shipped baseline passes its edition's date (`oip.evidence.baseline`).

    Raises ImportFailed (nothing written) if any record of any file is invalid, if a
    context note reuses the key of a stored or imported note with other content (a key names
    one note for ever), or if a record supersedes an observation that is not stored (by
    fingerprint or id; one in the same import does not count: import it first) or that is
    of another country. A correction may move a fact to another benchmark of its country. Raises ImportBusy (nothing written) when another import kept the
    database for longer than `OIP_DB_WAIT` seconds. Records identical to one already stored,
    or earlier in the same import, or stored meanwhile by a concurrent import, are skipped and
    counted: `created` is what this import really inserted.
    """
    files = [Path(p) for p in paths]
    # Each file is read once: both passes below read the same bytes, whatever happens on disk.
    snapshots = [EvidenceFile(f) for f in files]
    label = ", ".join(str(f) for f in files)
    catalogue = current_catalogue()
    now = clock.now()
    known_from = recorded_at or now
    checker = Checker(catalogue, today or clock.today())

    # Pass 1: validate everything, keep only the distinct sources, the notes and the errors.
    plan = _Plan()
    errors: list[RecordError] = []
    total_errors = 0
    for file, record, item in _validated(snapshots, checker):
        problem: RecordError | None = None
        if isinstance(item, RecordError):
            problem = item
        elif isinstance(item, ContextRecord):
            plan.notes_read += 1
            problem = _note_clash(plan.notes, item, file, record)
        else:
            plan.observations_read += 1
            if item.supersedes:
                plan.corrections.append((file, record, item.country, item.supersedes))
        if problem is not None:
            total_errors += 1
            if len(errors) < MAX_REPORTED_ERRORS:
                errors.append(problem)
        elif not isinstance(item, RecordError):
            plan.sources.setdefault(item.source.fingerprint, item.source)
    corrected: dict[str, tuple[int, str]] = {}
    if not total_errors:
        errors = _stored_note_clashes(plan.notes)
        corrected, correction_errors = resolve_corrections(plan.corrections)
        errors += correction_errors
        total_errors = len(errors)
    if total_errors:
        raise ImportFailed(errors, total_errors)

    # Pass 2: the files validated; write them in one transaction, on our turn.
    with writer_turn(label):
        source_ids = store_sources(plan.sources)
        batch = ImportBatch.objects.create(
            files=label,
            recorded_at=now,
            recorded_by=recorded_by[:150],
            observations_read=plan.observations_read,
            notes_read=plan.notes_read,
        )
        # Facts already committed are certainly conflicts: not sending them keeps a re-import
        # fast. Whatever else conflicts (a concurrent writer's) the database skips.
        known = set(
            Observation.objects.values_list("fingerprint", flat=True).iterator(chunk_size=20_000)
        )
        created = notes_created = 0
        pending: list[tuple[Any, ...]] = []
        insert = ObservationInsert(known_from, recorded_by[:150], batch.pk)
        for _file, _record, item in _validated(snapshots, checker):
            if isinstance(item, RecordError):  # pragma: no cover - the files changed under us
                raise ImportFailed([item], 1)
            if isinstance(item, ContextRecord):
                notes_created += _store_note(item, source_ids, batch, known_from, plan)
                continue
            supersedes_id = None
            if item.supersedes:
                supersedes_id, target = corrected[item.supersedes]
                item = replace(item, supersedes=target)  # the fingerprint names it, not an id
            if item.fingerprint in known:
                continue
            known.add(item.fingerprint)
            pending.append(
                insert.row(
                    item.country,
                    item.benchmark,
                    item.status,
                    item.observed_on,
                    source_ids[item.source.fingerprint],
                    item.note,
                    item.fingerprint,
                    supersedes_id,
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
            bump_data_version()
            announce_data_changed()
    return ImportResult(
        created,
        plan.observations_read - created,
        notes_created,
        plan.notes_read - notes_created,
        batch_id,
        tuple(map(str, files)),
    )


# Context notes: a key names one note for ever.


def _note_content(note: ContextRecord) -> tuple[Any, ...]:
    return (
        note.country,
        note.area,
        note.title,
        note.body,
        note.noted_on,
        note.source.fingerprint,
    )


def _clash(key: str, file: str, record: str, elsewhere: str) -> RecordError:
    return RecordError(
        file,
        record,
        "key",
        f"{key!r} already names {elsewhere} with other content; a key names one note for "
        "ever: give the corrected note a new key",
    )


def _note_clash(
    notes: dict[str, tuple[ContextRecord, str, str]], note: ContextRecord, file: str, record: str
) -> RecordError | None:
    seen = notes.setdefault(note.key, (note, file, record))
    if seen[0] == note or _note_content(seen[0]) == _note_content(note):
        return None
    return _clash(note.key, file, record, f"the note of {seen[1]}: {seen[2]}")


def _stored_note_clashes(notes: dict[str, tuple[ContextRecord, str, str]]) -> list[RecordError]:
    """Errors for the imported notes whose key is stored with other content."""
    keys = list(notes)
    errors: list[RecordError] = []
    for start in range(0, len(keys), 900):
        stored = ContextNote.objects.filter(key__in=keys[start : start + 900]).values_list(
            "key", "country_id", "area", "title", "body", "noted_on", "source__fingerprint"
        )
        for key, *content in stored:
            note, file, record = notes[key]
            if tuple(content) != _note_content(note):
                errors.append(_clash(key, file, record, "a stored note"))
    return sorted(errors, key=lambda e: (e.file, e.record))


def _store_note(
    note: ContextRecord,
    source_ids: dict[str, int],
    batch: ImportBatch,
    now: dt.datetime,
    plan: _Plan,
) -> int:
    """Insert `note` unless its key is stored; 1 if inserted, 0 if the same note was there.

    A note stored meanwhile by a concurrent import with other content fails the import.
    """
    if note.key in plan.notes_stored:
        return 0  # the same note twice in this import: stored the first time
    ContextNote.objects.bulk_create(
        [
            ContextNote(
                key=note.key,
                country_id=note.country,
                area=note.area,
                title=note.title,
                body=note.body,
                noted_on=note.noted_on,
                source_id=source_ids[note.source.fingerprint],
                recorded_at=now,
                batch=batch,
            )
        ],
        ignore_conflicts=True,
    )
    stored = ContextNote.objects.filter(key=note.key).values_list(
        "batch_id", "country_id", "area", "title", "body", "noted_on", "source__fingerprint"
    )[0]
    if stored[0] == batch.pk:
        plan.notes_stored.add(note.key)
        return 1
    if tuple(stored[1:]) != _note_content(note):  # pragma: no cover - a concurrent import
        _, file, record = plan.notes[note.key]
        raise ImportFailed([_clash(note.key, file, record, "a note stored meanwhile")], 1)
    return 0


@dataclass(frozen=True, slots=True)
class Recorded:
    """What `record_observation` did: the stored observation, and whether it is new."""

    observation: Observation
    created: bool


def check_observation(
    *,
    country: str,
    benchmark: str,
    status: str,
    observed_on: dt.date,
    source: SourceRecord,
    note: str,
) -> ObservationRecord:
    """Validate one observation like an imported record (file "admin"); ImportFailed if not."""
    checker = Checker(current_catalogue(), clock.today())
    raw = {
        "country": country,
        "benchmark": benchmark,
        "status": status,
        "observed_on": observed_on.isoformat(),
        "source": {
            "kind": source.kind,
            "url": source.url,
            "title": source.title,
            "publisher": source.publisher,
            "published_on": source.published_on.isoformat() if source.published_on else "",
            "excerpt": source.excerpt,
        },
        "note": note,
    }
    result = checker.observation(raw, "admin", "observation")
    if isinstance(result, list):
        raise ImportFailed(result, len(result))
    return result


def stored_observation(record: ObservationRecord) -> Observation | None:
    """The stored observation identical to `record`, if there is one."""
    return Observation.objects.filter(fingerprint=record.fingerprint).first()


def record_observation(
    *,
    country: str,
    benchmark: str,
    status: str,
    observed_on: dt.date,
    source: SourceRecord,
    note: str,
    recorded_by: str,
) -> Recorded:
    """Record one observation (the admin's path), validated like an imported record.

    Raises ImportFailed (nothing written) naming the field of every problem. An observation
    identical to a stored one is not stored again: the stored one is returned, `created`
    false.
    """
    result = check_observation(
        country=country,
        benchmark=benchmark,
        status=status,
        observed_on=observed_on,
        source=source,
        note=note,
    )
    with transaction.atomic():
        source_id = store_sources({result.source.fingerprint: result.source})[
            result.source.fingerprint
        ]
        insert = ObservationInsert(clock.now(), recorded_by[:150], None)
        created = insert.write(
            [
                insert.row(
                    result.country,
                    result.benchmark,
                    result.status,
                    result.observed_on,
                    source_id,
                    result.note,
                    result.fingerprint,
                )
            ]
        )
        if created:
            bump_data_version()
            announce_data_changed()
        stored = Observation.objects.get(fingerprint=result.fingerprint)
    return Recorded(stored, bool(created))
