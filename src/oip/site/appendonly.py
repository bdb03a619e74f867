"""Append-only tables: rows are inserted, never updated or deleted, by the ORM or by raw SQL.

One reusable base for every table that is a record (evidence, and the exchange's journal):

- `AppendOnlyModel`: `save()` always INSERTs (saving a row that exists raises the database's
  IntegrityError), `delete()` raises `AppendOnlyError`, fixtures (`loaddata`, which saves with
  `raw=True`) are refused by a `pre_save` receiver, and both managers (`objects`, and
  `_base_manager`, which Django uses for related objects and `refresh_from_db`) hand out an
  `AppendOnlyQuerySet` whose `update()`/`delete()` raise. A concrete subclass that declares its
  own `Meta` must inherit `AppendOnlyModel.Meta` to keep `base_manager_name` (a test checks
  every subclass).
- `AppendOnlyTriggers(table, ...)`: a migration operation installing database triggers that
  refuse UPDATE and DELETE on both engines, so raw SQL cannot change a record either. The
  refusal is an integrity error (SQLite `RAISE(ABORT)`, PostgreSQL SQLSTATE 23001), which
  Django raises as `django.db.IntegrityError`. SQLite alters a table by rebuilding it, which
  drops its triggers: a later migration altering one of these tables ends with this operation
  again (a test checks that every append-only table has its triggers).

What stays possible is wiping a whole database, an operator's act like dropping it: on
PostgreSQL `TRUNCATE` (Django's `flush`, and `pg_restore --clean`, which drops the tables); on
SQLite Django's `flush` (the `flush` command of `oip.site` declares the purge with
`purge_allowed`) and restoring a file. See docs/decisions.md, "The evidence store under
concurrency".
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any, TypeVar

from django.db import connections, models, transaction
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState
from django.db.models.signals import pre_save
from django.dispatch import receiver

#: SQLite only: a table (not a model, so `flush` never empties it) that holds a row only
#: inside a transaction that declared a whole-database purge (`purge_allowed`).
PURGE_TABLE = "oip_append_only_purge"
PG_FUNCTION = "oip_refuse_append_only_change"
TABLE_NAME = re.compile(r"[a-z_][a-z0-9_]*")


class AppendOnlyError(Exception):
    """Raised on any attempt, through the ORM, to change or remove an append-only row."""


def _refuse(model: type[models.Model], what: str) -> AppendOnlyError:
    return AppendOnlyError(
        f"{model.__name__} rows are append-only: {what} refused; record a newer row instead"
    )


_M = TypeVar("_M", bound=models.Model)


class AppendOnlyQuerySet(models.QuerySet[_M]):
    """A query set that reads and inserts but never updates or deletes."""

    def update(self, **kwargs: Any) -> int:
        raise _refuse(self.model, "update")

    def _update(self, values: Any) -> Any:
        raise _refuse(self.model, "update")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        raise _refuse(self.model, "bulk_update")

    def update_or_create(self, *args: Any, **kwargs: Any) -> Any:
        raise _refuse(self.model, "update_or_create")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise _refuse(self.model, "delete")

    def _raw_delete(self, using: Any) -> int:
        raise _refuse(self.model, "delete")


class AppendOnlyManager(models.Manager[_M]):
    """The only manager of an append-only model; also its base manager."""

    def get_queryset(self) -> AppendOnlyQuerySet[_M]:
        return AppendOnlyQuerySet(self.model, using=self._db)


class AppendOnlyModel(models.Model):
    """Abstract base of append-only tables (see the module docstring for the guarantees)."""

    objects = AppendOnlyManager()

    class Meta:
        abstract = True
        base_manager_name = "objects"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("force_update") or kwargs.get("update_fields") is not None:
            raise _refuse(type(self), "update")
        if not self._state.adding:
            raise _refuse(type(self), f"saving {type(self).__name__} {self.pk} again")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise _refuse(type(self), f"deleting {type(self).__name__} {self.pk}")


@receiver(pre_save)
def refuse_fixtures(sender: type[models.Model], raw: bool = False, **_kwargs: Any) -> None:
    """Refuse `loaddata` for append-only models (fixtures save with raw=True, bypassing
    save(), and could otherwise write rows that no import validated)."""
    if raw and issubclass(sender, AppendOnlyModel):
        raise _refuse(sender, "loading a fixture")


# Triggers


def _trigger_name(table: str, action: str) -> str:
    return f"oip_append_only_{table}_{action}"


def trigger_sql(vendor: str, table: str) -> list[str]:
    """The statements that make `table` append-only on `vendor` ("sqlite" or "postgresql").

    Idempotent (IF NOT EXISTS / OR REPLACE), so a later migration that rebuilds the table
    (SQLite's ALTER by copy drops its triggers) can run them again.
    """
    if not TABLE_NAME.fullmatch(table):
        raise ValueError(f"not a plain table name: {table!r}")
    quoted = f'"{table}"'
    if vendor == "sqlite":
        refused = f"{table} is append-only: %s refused; record a newer row instead"
        return [
            f"CREATE TABLE IF NOT EXISTS {PURGE_TABLE} (purging INTEGER NOT NULL)",
            f'CREATE TRIGGER IF NOT EXISTS "{_trigger_name(table, "update")}" '
            f"BEFORE UPDATE ON {quoted} "
            f"BEGIN SELECT RAISE(ABORT, '{refused % 'UPDATE'}'); END",
            f'CREATE TRIGGER IF NOT EXISTS "{_trigger_name(table, "delete")}" '  # noqa: S608 - a checked name
            f"BEFORE DELETE ON {quoted} "
            f"WHEN NOT EXISTS (SELECT 1 FROM {PURGE_TABLE}) "
            f"BEGIN SELECT RAISE(ABORT, '{refused % 'DELETE'}'); END",
        ]
    if vendor == "postgresql":
        return [
            f"CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only: % refused; record a newer row instead', "
            "TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation'; END $$",
            f'CREATE OR REPLACE TRIGGER "{_trigger_name(table, "change")}" '
            f"BEFORE UPDATE OR DELETE ON {quoted} "
            f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()",
        ]
    raise NotImplementedError(f"append-only triggers support SQLite and PostgreSQL, not {vendor}")


def drop_trigger_sql(vendor: str, table: str) -> list[str]:
    """The statements that undo `trigger_sql` for `table` (the function and table stay)."""
    if vendor == "sqlite":
        return [
            f'DROP TRIGGER IF EXISTS "{_trigger_name(table, "update")}"',
            f'DROP TRIGGER IF EXISTS "{_trigger_name(table, "delete")}"',
        ]
    if vendor == "postgresql":
        return [f'DROP TRIGGER IF EXISTS "{_trigger_name(table, "change")}" ON "{table}"']
    raise NotImplementedError(f"append-only triggers support SQLite and PostgreSQL, not {vendor}")


def installed_triggers(table: str, using: str = "default") -> set[str]:
    """The names of the append-only triggers present on `table` (for checks and tests)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [table],
            )
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [table],
            )
        return {name for (name,) in cursor.fetchall() if name.startswith("oip_append_only_")}


def expected_triggers(table: str, vendor: str) -> set[str]:
    """The trigger names `trigger_sql` installs on `table` for `vendor`."""
    actions = ("update", "delete") if vendor == "sqlite" else ("change",)
    return {_trigger_name(table, action) for action in actions}


class AppendOnlyTriggers(Operation):
    """Migration operation: install the append-only triggers on `tables` (reversible)."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, *tables: str) -> None:
        self.tables = tables

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__qualname__, list(self.tables), {})

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        pass

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        for table in self.tables:
            for statement in trigger_sql(schema_editor.connection.vendor, table):
                # No parameters: the PL/pgSQL body holds `%` placeholders of its own.
                schema_editor.execute(statement, None)

    def database_backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        for table in self.tables:
            for statement in drop_trigger_sql(schema_editor.connection.vendor, table):
                schema_editor.execute(statement, None)

    def describe(self) -> str:
        return f"Refuse UPDATE and DELETE on {', '.join(self.tables)}"


@contextlib.contextmanager
def purge_allowed(using: str = "default") -> Iterator[None]:
    """Allow whole-table DELETEs on SQLite for the enclosed block, in one transaction.

    Used by `oip flush` only (Django's test runner flushes through it too). The permission is
    a row that exists only inside this transaction, so no other connection ever sees it.
    PostgreSQL needs nothing: flush there is TRUNCATE, which row triggers do not see.
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    if PURGE_TABLE not in tables:
        yield
        return
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {PURGE_TABLE} (purging) VALUES (1)")  # noqa: S608
        yield
        cursor.execute(f"DELETE FROM {PURGE_TABLE}")  # noqa: S608
