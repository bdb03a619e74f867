"""Backup and restore of the whole database: SQLite online backup, PostgreSQL pg_dump.

A backup is the engine's own format, so it stays usable with the engine's own tools:
- SQLite: a plain SQLite database file, copied with SQLite's online backup API
  (`sqlite3.Connection.backup`), which gives a consistent snapshot while the server runs
  and an import writes (WAL mode);
- PostgreSQL: a `pg_dump --format=custom` archive.

Both formats start with a magic string ("SQLite format 3\\0", "PGDMP"), which is the header
restore reads to tell them apart: restoring one engine's backup into the other fails with a
clear `BackupError` before anything is touched. Next to the backup a sidecar
`<FILE>.meta.json` records the engine, the time, the row counts and a SHA-256 of the file;
restore checks that checksum when the sidecar is there (it is optional: a bare file restores).

Restore refuses to overwrite a database that holds data (`database_is_empty`) unless forced.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from django.db import connections

from oip.site.signals import data_changed

Engine = Literal["sqlite", "postgresql"]

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
SIDECAR_SUFFIX = ".meta.json"
FORMAT_VERSION = 1

# Tables `migrate` fills by itself: rows there do not make a database "hold data".
BOOKKEEPING_TABLES = frozenset(
    {
        "django_migrations",
        "django_content_type",
        "auth_permission",
        "django_site",
        "sqlite_sequence",
    }
)

ENGINE_NAMES: dict[Engine, str] = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupError(Exception):
    """The backup or restore could not be done; the message says why. Nothing was changed."""


@dataclass(frozen=True, slots=True)
class BackupResult:
    path: Path
    engine: Engine
    size: int
    sha256: str
    counts: dict[str, int]


@dataclass(frozen=True, slots=True)
class RestoreResult:
    path: Path
    engine: Engine
    counts: dict[str, int]


def database_engine(using: str = "default") -> Engine:
    """Return which engine the connection `using` runs on; BackupError for any other."""
    vendor = connections[using].vendor
    if vendor == "sqlite":
        return "sqlite"
    if vendor == "postgresql":
        return "postgresql"
    raise BackupError(f"backup supports SQLite and PostgreSQL, not {vendor}")


def backup_engine(path: Path) -> Engine:
    """Return the engine a backup file was made from, read from its header.

    Raises BackupError if the file is missing or is neither an SQLite database nor a
    pg_dump custom-format archive.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BackupError(f"{path}: cannot read: {exc.strerror}") from exc
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError(
        f"{path}: not an OIP backup (neither an SQLite database nor a pg_dump custom archive)"
    )


def table_counts(using: str = "default") -> dict[str, int]:
    """Return the number of rows of every table of the database (bookkeeping included)."""
    connection = connections[using]
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = int(cursor.fetchone()[0])
    return counts


def database_is_empty(using: str = "default") -> bool:
    """True when no table holds a row, apart from the ones `migrate` fills by itself.

    A new database, and one just migrated, are empty; one with a loaded catalogue, an
    observation or a user is not.
    """
    return not any(n for table, n in table_counts(using).items() if table not in BOOKKEEPING_TABLES)


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def backup_database(path: Path | str, *, using: str = "default") -> BackupResult:
    """Write a consistent backup of the database to `path` (replacing it) and its sidecar.

    The file appears complete or not at all (written beside it, then renamed). Raises
    BackupError when the engine's tool fails.
    """
    target = Path(path)
    engine = database_engine(using)
    counts = table_counts(using)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _temporary_beside(target) as partial:
        if engine == "sqlite":
            _sqlite_backup(using, partial)
        else:
            _pg_dump(connections[using].settings_dict, partial)
        os.replace(partial, target)
    digest = _sha256(target)
    size = target.stat().st_size
    meta = {
        "oip_backup": FORMAT_VERSION,
        "engine": engine,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "size": size,
        "sha256": digest,
        "counts": counts,
    }
    sidecar_path(target).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return BackupResult(target, engine, size, digest, counts)


def restore_database(
    path: Path | str, *, force: bool = False, using: str = "default"
) -> RestoreResult:
    """Replace the database's content with the backup at `path`.

    Raises BackupError, changing nothing, when the file is not a backup, was made from the
    other engine, fails its sidecar's checksum, or when the database holds data and `force`
    is false. The restore itself is one transaction on PostgreSQL
    (`pg_restore --single-transaction`) and one backup-API copy on SQLite.
    """
    source = Path(path)
    engine = database_engine(using)
    made_from = backup_engine(source)
    if made_from != engine:
        raise BackupError(
            f"{source} is a {ENGINE_NAMES[made_from]} backup but the database is "
            f"{ENGINE_NAMES[engine]}: restore it into a {ENGINE_NAMES[made_from]} database "
            "(set DATABASE_URL accordingly)"
        )
    _check_sidecar(source, made_from)
    if not force and not database_is_empty(using):
        raise BackupError(
            "the database is not empty; restoring would replace its content "
            "(use --force to overwrite it)"
        )
    if engine == "sqlite":
        _sqlite_restore(using, source)
    else:
        connections[using].close()  # hold no lock that pg_restore --clean must wait for
        _pg_restore(connections[using].settings_dict, source)
    data_changed.send(sender=None)
    return RestoreResult(source, engine, table_counts(using))


# SQLite


def _raw_sqlite(using: str) -> sqlite3.Connection:
    connection = connections[using]
    connection.ensure_connection()
    raw = connection.connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def _sqlite_backup(using: str, partial: Path) -> None:
    source = _raw_sqlite(using)
    destination = sqlite3.connect(partial)
    try:
        # One step: the copy is a single snapshot, consistent even while an import writes.
        source.backup(destination)
        # A self-contained file: no -wal beside it.
        destination.execute("PRAGMA journal_mode=DELETE")
        _sqlite_integrity(destination, partial)
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite backup failed: {exc}") from exc
    finally:
        destination.close()


def _sqlite_restore(using: str, source: Path) -> None:
    try:
        backup = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{source}: cannot open: {exc}") from exc
    try:
        _sqlite_integrity(backup, source)
        target = _raw_sqlite(using)
        if target.in_transaction:
            raise BackupError("cannot restore inside a transaction")
        backup.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite restore failed: {exc}") from exc
    finally:
        backup.close()


def _sqlite_integrity(connection: sqlite3.Connection, path: Path) -> None:
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: not a readable SQLite database: {exc}") from exc
    if rows != [("ok",)]:
        problems = "; ".join(str(r[0]) for r in rows[:5])
        raise BackupError(f"{path}: SQLite integrity check failed: {problems}")


# PostgreSQL


def _pg_environment(settings_dict: Mapping[str, Any]) -> dict[str, str]:
    """The libpq environment for the Django connection (the password never on a command line)."""
    env = dict(os.environ)
    for key in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSERVICE"):
        env.pop(key, None)
    values = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
        "PGSSLMODE": (settings_dict.get("OPTIONS") or {}).get("sslmode"),
    }
    env.update({k: str(v) for k, v in values.items() if v not in (None, "")})
    return env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} not found on PATH: install the PostgreSQL client tools")
    return found


def _run(argv: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise BackupError(f"{what} failed (exit {result.returncode}): " + " / ".join(detail[-5:]))


def _pg_dump(settings_dict: Mapping[str, Any], partial: Path) -> None:
    argv = [_pg_tool("pg_dump"), "--format=custom", "--no-password", f"--file={partial}"]
    _run(argv, _pg_environment(settings_dict), "pg_dump")


def _pg_restore(settings_dict: Mapping[str, Any], source: Path) -> None:
    env = _pg_environment(settings_dict)
    argv = [
        _pg_tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-password",
        "--single-transaction",
        f"--dbname={env.get('PGDATABASE', '')}",
        str(source),
    ]
    _run(argv, env, "pg_restore")


# Files


@contextlib.contextmanager
def _temporary_beside(target: Path) -> Iterator[Path]:
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(handle)
    partial = Path(name)
    partial.unlink()  # the tools create it themselves
    try:
        yield partial
    finally:
        partial.unlink(missing_ok=True)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_sidecar(path: Path, engine: Engine) -> None:
    sidecar = sidecar_path(path)
    if not sidecar.exists():
        return
    try:
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{sidecar}: unreadable metadata: {exc}") from exc
    if not isinstance(meta, dict) or meta.get("oip_backup") != FORMAT_VERSION:
        raise BackupError(f"{sidecar}: not OIP backup metadata (format {FORMAT_VERSION})")
    if meta.get("engine") != engine:
        raise BackupError(f"{sidecar}: says engine {meta.get('engine')!r}, the file is {engine}")
    if meta.get("sha256") != _sha256(path):
        raise BackupError(f"{path}: checksum differs from {sidecar.name}: the file is damaged")
