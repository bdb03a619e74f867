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

Restore refuses to overwrite a database that holds data (`database_is_empty`) unless forced,
and, forced or not, refuses a file that is not an OIP database (its tables, or the archive's
table of contents, must hold OIP's core tables) before anything is touched.

A backup holds password hashes and sessions: the file and its sidecar are created readable by
their owner only (0600) and stay so. `backup_database` refuses a directory as its target (it
names the file it would suggest) and refuses the live database file itself.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from django.apps import apps
from django.db import connections

from oip.site import clock, pgtools
from oip.site.signals import data_changed

Engine = Literal["sqlite", "postgresql"]
T = TypeVar("T")

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

# Models whose tables every OIP database has (looked up in the app registry, not imported:
# the site layer sits below catalogue and evidence).
CORE_MODELS = (
    "catalogue.CatalogueVersion",
    "evidence.Observation",
    "evidence.Source",
)
PRIVATE = 0o600


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
    _check_target(target, using)
    counts = table_counts(using)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _temporary_beside(target) as partial:
        if engine == "sqlite":
            _sqlite_backup(using, partial)
        else:
            _pg(pgtools.dump, connections[using].settings_dict, partial)
        os.chmod(partial, PRIVATE)  # the tools may have recreated it with the umask's mode
        os.replace(partial, target)
    digest = _sha256(target)
    size = target.stat().st_size
    meta = {
        "oip_backup": FORMAT_VERSION,
        "engine": engine,
        "created": clock.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
        "size": size,
        "sha256": digest,
        "counts": counts,
    }
    _write_private(sidecar_path(target), json.dumps(meta, indent=2) + "\n")
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
    _check_oip_database(source, made_from)
    if engine == "sqlite" and _is_live_database(source, using):
        raise BackupError(f"{source} is the live database itself, not a backup of it")
    if not force and not database_is_empty(using):
        raise BackupError(
            "the database is not empty; restoring would replace its content "
            "(use --force to overwrite it)"
        )
    if engine == "sqlite":
        _sqlite_restore(using, source)
    else:
        connections[using].close()  # hold no lock that pg_restore --clean must wait for
        _pg(pgtools.restore, connections[using].settings_dict, source)
    data_changed.send(sender=None)
    return RestoreResult(source, engine, table_counts(using))


def core_tables() -> frozenset[str]:
    """The tables every OIP database has (see CORE_MODELS)."""
    return frozenset(apps.get_model(label)._meta.db_table for label in CORE_MODELS)


def _missing_tables(found: set[str], source: Path) -> None:
    missing = sorted(core_tables() - found)
    if missing:
        raise BackupError(
            f"{source}: not an OIP database (no table {', '.join(missing)}); nothing was restored"
        )


def _check_oip_database(source: Path, engine: Engine) -> None:
    if engine == "sqlite":
        _missing_tables(_sqlite_tables(source), source)
    else:
        _missing_tables(_pg(pgtools.archive_tables, source), source)


def _live_database_file(using: str) -> Path | None:
    connection = connections[using]
    if connection.vendor != "sqlite":
        return None
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


def _is_live_database(path: Path, using: str) -> bool:
    live = _live_database_file(using)
    if live is None or not live.exists() or not path.exists():
        return False
    return os.path.samefile(live, path)


def _check_target(target: Path, using: str) -> None:
    if target.is_dir():
        suggestion = target / f"oip-{clock.today().isoformat()}.backup"
        raise BackupError(
            f"{target} is a directory; give the backup file's name, e.g. {suggestion}"
        )
    live = _live_database_file(using)
    candidates = [target, sidecar_path(target)]  # neither may be the live database
    if live is not None and any(
        _is_live_database(c, using) or c.resolve() == live.resolve() for c in candidates
    ):
        raise BackupError(
            f"{target} is the live database; write the backup to another file, "
            "e.g. var/backups/oip.backup"
        )
    for suffix in ("-wal", "-shm", "-journal"):
        if live is not None and target.resolve() == live.resolve().with_name(live.name + suffix):
            raise BackupError(f"{target} belongs to the live database; choose another file")


def _write_private(path: Path, text: str) -> None:
    """Write `text` to `path` (replacing it) readable by the owner only, atomically."""
    with _temporary_beside(path) as partial:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(partial, path)


# SQLite


def _sqlite_tables(path: Path) -> set[str]:
    try:
        backup = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{path}: cannot open: {exc}") from exc
    try:
        rows = backup.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: not a readable SQLite database: {exc}") from exc
    finally:
        backup.close()
    return {str(row[0]) for row in rows}


def _raw_sqlite(using: str) -> sqlite3.Connection:
    connection = connections[using]
    connection.ensure_connection()
    raw = connection.connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def _sqlite_backup(using: str, partial: Path) -> None:
    source = _raw_sqlite(using)
    # Created here, private, before SQLite writes a byte into it.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
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


def _pg(tool: Callable[..., T], *args: Any) -> T:
    try:
        return tool(*args)
    except pgtools.PgToolError as exc:
        raise BackupError(str(exc)) from exc


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
