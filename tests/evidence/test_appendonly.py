"""Append-only evidence, enforced by the database and by every ORM path (oip.site.appendonly).

Raw SQL runs on the test run's engine (SQLite, or PostgreSQL with DATABASE_URL); each refused
statement runs in a savepoint so the test's transaction survives the error on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import IntegrityError, connection, models, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oip.evidence.models import ContextNote, ImportBatch, Observation, Source
from oip.site.appendonly import (
    AppendOnlyError,
    AppendOnlyManager,
    AppendOnlyModel,
    expected_triggers,
    installed_triggers,
    trigger_sql,
)
from tests.hardening.procs import ENGINES, scratch
from tests.scenario import import_scenario, scenario_yaml

pytestmark = pytest.mark.django_db

APPEND_ONLY = [Source, ImportBatch, Observation, ContextNote]
NOTE = """context_notes:
  - key: summit-2025
    country: ME
    title: A summit
    body: Leaders met.
    noted_on: 2025-05-01
    source: {url: 'https://example.org/summit', title: Summit, publisher: EU}
"""


@pytest.fixture
def stored(tmp_path: Path) -> None:
    """One row in every append-only table."""
    import_scenario(tmp_path)
    notes = tmp_path / "notes.yaml"
    notes.write_text(NOTE, encoding="utf-8")
    from oip.evidence.actions import import_evidence

    import_evidence([notes], recorded_by="test")


def table_rows(model: type[models.Model]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{model._meta.db_table}" ORDER BY id')
        return [tuple(row) for row in cursor.fetchall()]


def refused(sql: str, params: list[Any] | None = None) -> str:
    """Run `sql`, which must be refused; return the database's message."""
    with (
        pytest.raises(IntegrityError) as caught,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)
    return str(caught.value)


@pytest.mark.parametrize("model", APPEND_ONLY, ids=lambda m: m.__name__)
def test_raw_update_and_delete_are_refused_by_the_database(
    stored: None, model: type[models.Model]
) -> None:
    table = model._meta.db_table
    before = table_rows(model)
    assert before, "the fixture stores a row in every table"
    message = refused(f'UPDATE "{table}" SET id = id')
    assert f"{table} is append-only: UPDATE refused" in message
    message = refused(f'DELETE FROM "{table}" WHERE id = %s', [before[0][0]])
    assert f"{table} is append-only: DELETE refused" in message
    refused(f'DELETE FROM "{table}"')
    assert table_rows(model) == before


COLUMNS = [(model, field) for model in APPEND_ONLY for field in model._meta.concrete_fields]
TEXT = st.text(st.characters(blacklist_characters="\x00", codec="utf-8"), max_size=8)


def values_for(field: models.Field[Any, Any]) -> st.SearchStrategy[Any]:
    """Values of the column's own type and length (PostgreSQL checks them before triggers)."""
    if isinstance(field, models.ForeignKey):
        return values_for(field.target_field)
    if isinstance(field, models.DateTimeField):
        return st.datetimes(timezones=st.just(dt.UTC))
    if isinstance(field, models.DateField):
        return st.dates()
    if isinstance(field, models.CharField):
        return TEXT.filter(lambda text: len(text) <= field.max_length)
    if isinstance(field, models.TextField):
        return TEXT
    return st.integers(0, 10**6)  # ids, foreign keys and counts


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_no_column_of_any_append_only_table_can_be_updated(stored: None, data: Any) -> None:
    # The fixture's rows are shared by the examples: each refused UPDATE leaves them as they
    # were, which is what every example asserts.
    model, field = data.draw(st.sampled_from(COLUMNS), label="column")
    value = data.draw(st.none() | values_for(field), label="value")
    before = table_rows(model)
    table = model._meta.db_table
    refused(f'UPDATE "{table}" SET "{field.column}" = %s', [value])
    assert table_rows(model) == before


def test_every_append_only_table_has_its_triggers() -> None:
    concrete = [m for m in apps.get_models() if issubclass(m, AppendOnlyModel)]
    evidence = [m for m in concrete if m._meta.app_label == "evidence"]
    assert sorted(m.__name__ for m in evidence) == sorted(m.__name__ for m in APPEND_ONLY)
    for model in concrete:
        table = model._meta.db_table
        assert installed_triggers(table) == expected_triggers(table, connection.vendor)


def test_every_append_only_model_refuses_through_both_managers(stored: None) -> None:
    for model in APPEND_ONLY:
        assert isinstance(model._base_manager, AppendOnlyManager), model
        for manager in (model.objects, model._base_manager):
            rows = manager.all()
            with pytest.raises(AppendOnlyError):
                rows.update(id=1)
            with pytest.raises(AppendOnlyError):
                rows.delete()
            with pytest.raises(AppendOnlyError):
                rows.bulk_update(list(rows), ["id"])
            with pytest.raises(AppendOnlyError):
                manager.update_or_create(id=rows[0].pk)
        instance = model.objects.first()
        with pytest.raises(AppendOnlyError):
            instance.delete()
        with pytest.raises(AppendOnlyError):
            instance.save()


def test_saving_an_existing_primary_key_never_overwrites(stored: None) -> None:
    original = Observation.objects.order_by("id").first()
    before = table_rows(Observation)
    copy = Observation.objects.get(pk=original.pk)
    copy._state.adding = True  # what `Observation(pk=<existing>, ...)` looks like
    copy.status = "not_met"
    copy.fingerprint = "f" * 40
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
    fresh = Observation(
        pk=original.pk,
        country_id=original.country_id,
        benchmark_id=original.benchmark_id,
        status="not_met",
        observed_on=original.observed_on,
        recorded_at=original.recorded_at,
        source_id=original.source_id,
        recorded_by="intruder",
        fingerprint="e" * 40,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        fresh.save()
    with pytest.raises(AppendOnlyError):
        fresh.save(update_fields=["status"])
    with pytest.raises(AppendOnlyError):
        fresh.save(force_update=True)
    assert table_rows(Observation) == before


def test_fixtures_are_refused(stored: None, tmp_path: Path) -> None:
    existing = Observation.objects.order_by("id").first()
    fields = {
        "country": existing.country_id,
        "benchmark": existing.benchmark_id,
        "status": "not_met",
        "observed_on": existing.observed_on.isoformat(),
        "recorded_at": "2025-01-01T00:00:00Z",
        "source": existing.source_id,
        "note": "from a fixture",
        "recorded_by": "fixture",
        "batch": None,
        "fingerprint": "d" * 40,
    }
    before = table_rows(Observation)
    for pk in (existing.pk, 10**9):  # rewriting a row, and adding one behind the importer
        fixture = tmp_path / f"obs{pk}.json"
        fixture.write_text(
            json.dumps([{"model": "evidence.observation", "pk": pk, "fields": fields}]),
            encoding="utf-8",
        )
        with pytest.raises(AppendOnlyError, match="loading a fixture refused"):
            call_command("loaddata", str(fixture), verbosity=0)
    assert table_rows(Observation) == before


def test_trigger_sql_takes_only_plain_table_names() -> None:
    with pytest.raises(ValueError, match="not a plain table name"):
        trigger_sql("sqlite", 'evidence_observation"; DROP TABLE x; --')
    with pytest.raises(NotImplementedError):
        trigger_sql("mysql", "evidence_observation")


def test_rows_can_still_be_added(stored: None) -> None:
    source = Source.objects.first()
    batch = ImportBatch.objects.create(
        files="x", recorded_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC), recorded_by="t"
    )
    note = ContextNote.objects.create(
        key="another",
        title="t",
        body="b",
        source=source,
        recorded_at=batch.recorded_at,
        batch=batch,
    )
    assert ContextNote.objects.get(key="another").pk == note.pk


FLUSH_THEN_DELETE = """
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from oip.evidence.models import ContextNote, ImportBatch, Observation, Source
from oip.site.appendonly import PURGE_TABLE
from tests.hardening.dbstate import prepare
from tests.scenario import scenario_yaml
import os
from pathlib import Path

def counts():
    return [m.objects.count() for m in (Observation, Source, ImportBatch, ContextNote)]

path = Path(os.environ["OIP_VAR"]) / "scenario.yaml"
path.write_text(scenario_yaml(), encoding="utf-8")
prepare(str(path))
before = counts()
call_command("flush", interactive=False, verbosity=0)
flushed = counts()
prepare(str(path))
refused = []
for statement in ("DELETE FROM evidence_observation", "UPDATE evidence_source SET title = 'x'"):
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
        refused.append(False)
    except IntegrityError:
        refused.append(True)
purge_rows = None
if connection.vendor == "sqlite":
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {PURGE_TABLE}")
        purge_rows = cursor.fetchone()[0]
print(json.dumps([before, flushed, counts(), refused, purge_rows]))
"""


@pytest.mark.parametrize("engine", ENGINES)
def test_flush_empties_the_database_and_leaves_the_guard_in_place(
    engine: str, tmp_path: Path
) -> None:
    # Django's flush (and the test runner's, which calls it) is the one way to empty the
    # tables; afterwards an ordinary DELETE or UPDATE is refused again.
    with scratch(engine, tmp_path / "db", "h1_flush") as db:
        before, flushed, again, refused, purge_rows = db.python(FLUSH_THEN_DELETE)
    assert before == [14, 1, 1, 0]
    assert flushed == [0, 0, 0, 0]
    assert again == before
    assert refused == [True, True]
    assert purge_rows == (0 if engine == "sqlite" else None)


MIGRATE_WITH_DUPLICATES = """
from django.core.management import call_command
from django.db import connection
from oip.catalogue.actions import load_catalogue_into_db
from oip.catalogue.loader import load_catalogue
from oip.site.appendonly import expected_triggers, installed_triggers

call_command("migrate", "site", verbosity=0)
call_command("migrate", "evidence", "0002", verbosity=0)
load_catalogue_into_db(load_catalogue())
benchmark = "eppo.working-arrangement.signed"
with connection.cursor() as cursor:
    cursor.execute(
        "INSERT INTO evidence_source (url, title, publisher, excerpt, fingerprint) "
        "VALUES ('https://example.org', 'S', 'P', '', 'src1')"
    )
    cursor.execute(
        "INSERT INTO evidence_importbatch (files, recorded_at, recorded_by, created, skipped) "
        "VALUES ('a.csv', '2025-01-01T00:00:00Z', 't', 3, 1)"
    )
    for day, fingerprint in [("2024-01-10", "fp1"), ("2024-01-10", "fp1"), ("2024-02-01", "fp2"),
                             ("2024-01-10", "fp1")]:
        cursor.execute(
            "INSERT INTO evidence_observation (country_id, benchmark_id, status, observed_on, "
            "recorded_at, source_id, note, recorded_by, batch_id, fingerprint) VALUES "
            "('ME', %s, 'met', %s, '2025-01-01T00:00:00Z', "
            "(SELECT id FROM evidence_source), '', 't', (SELECT id FROM evidence_importbatch), %s)",
            [benchmark, day, fingerprint],
        )
    cursor.execute("SELECT id, fingerprint FROM evidence_observation ORDER BY id")
    before = cursor.fetchall()
call_command("migrate", verbosity=0)
with connection.cursor() as cursor:
    cursor.execute("SELECT id, fingerprint FROM evidence_observation ORDER BY id")
    after = cursor.fetchall()
    cursor.execute("SELECT observations_read, notes_read FROM evidence_importbatch")
    batch = cursor.fetchone()
tables = ["evidence_source", "evidence_importbatch", "evidence_observation",
          "evidence_contextnote"]
triggers = all(installed_triggers(t) == expected_triggers(t, connection.vendor) for t in tables)
print(json.dumps([before, after, batch, triggers]))
"""


@pytest.mark.parametrize("engine", ENGINES)
def test_the_migration_folds_exact_duplicates_into_the_oldest_row(
    engine: str, tmp_path: Path
) -> None:
    # Concurrent imports could store the same fact twice before fingerprints were unique; the
    # migration that makes them unique keeps the oldest row of each, once, before its triggers.
    with scratch(engine, tmp_path / "db", "h1_migrate") as db:
        before, after, batch, triggers = db.python(MIGRATE_WITH_DUPLICATES)
    ids = [row[0] for row in before]
    assert [row[1] for row in before] == ["fp1", "fp1", "fp2", "fp1"]
    assert after == [[ids[0], "fp1"], [ids[2], "fp2"]]
    assert batch == [4, 0]  # what the batch read: created + skipped
    assert triggers


GUARDED = """
from django.db import IntegrityError, connection, transaction
from oip.site.appendonly import expected_triggers, installed_triggers
tables = ["evidence_source", "evidence_importbatch", "evidence_observation",
          "evidence_contextnote"]
refused = []
for statement in ("DELETE FROM evidence_observation", "UPDATE evidence_source SET title = 'x'"):
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
        refused.append(False)
    except IntegrityError:
        refused.append(True)
triggers = all(installed_triggers(t) == expected_triggers(t, connection.vendor) for t in tables)
from oip.evidence.models import Observation
print(json.dumps([Observation.objects.count(), triggers, refused]))
"""


@pytest.mark.parametrize("engine", ENGINES)
def test_a_restored_database_is_guarded_like_the_original(engine: str, tmp_path: Path) -> None:
    data = tmp_path / "scenario.yaml"
    data.write_text(scenario_yaml(), encoding="utf-8")
    with scratch(engine, tmp_path / "db", "h1_restore") as db:
        db.python(f"from tests.hardening.dbstate import prepare\nprepare({str(data)!r})\nprint(1)")
        backup = db.var / "before.backup"
        db.oip("backup", str(backup))
        db.oip("restore", "--force", str(backup))
        assert db.python(GUARDED) == [14, True, [True, True]]


def test_related_managers_cannot_detach_or_remove_rows(stored: None) -> None:
    batch = ImportBatch.objects.exclude(observations=None).first()
    before = table_rows(Observation)
    with pytest.raises(AppendOnlyError):
        batch.observations.clear()
    with pytest.raises(AppendOnlyError):
        batch.observations.all().delete()
    with pytest.raises(AppendOnlyError):
        batch.observations.update(note="x")
    assert table_rows(Observation) == before
