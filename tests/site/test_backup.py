"""`oip backup` / `oip restore`: a backup restored into an empty database gives back the
same evidence rows and the same standings, on SQLite and on PostgreSQL; restore refuses a
database with data (unless --force), another engine's backup, junk and damaged files.

Each test works on scratch databases in separate processes (see procs.py), never on
pytest's test database.
"""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest

from oip.catalogue.schema import Catalogue
from tests.hardening.procs import ENGINES, Scratch, scratch, sqlite_scratch
from tests.scenario import EVENTS, scenario_yaml


def extra_evidence(directory: Path, catalogue: Catalogue) -> Path:
    """Observations for AL and RS in the first area, and a context note."""
    area = catalogue.areas[0].id
    benchmarks = [b.id for t in catalogue.targets_in(area) for b in t.benchmarks][:4]
    source = (
        "{url: 'https://example.org/r', title: Progress report, publisher: EC, "
        "published_on: 2025-11-04}"
    )
    lines = ["observations:"]
    for country in ("AL", "RS"):
        for i, benchmark in enumerate(benchmarks):
            status = "met" if i % 2 == 0 or country == "AL" else "partial"
            lines.append(
                f"  - {{country: {country}, benchmark: {benchmark}, status: {status}, "
                f"observed_on: 2024-0{i + 1}-15, source: {source}, note: 'row {i}'}}"
            )
    lines += [
        "context_notes:",
        f"  - {{key: attack-2022, country: ME, area: {area}, title: Cyber attack, "
        f"body: Government systems down for weeks, noted_on: 2022-08-20, source: {source}}}",
    ]
    path = directory / "extra.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def scenario_file(directory: Path, published: str = "2025-10-01") -> Path:
    path = directory / f"scenario-{published}.yaml"
    path.write_text(scenario_yaml().replace("2025-10-01", published), encoding="utf-8")
    return path


SNAPSHOT = "from tests.hardening.dbstate import snapshot\nprint(json.dumps(snapshot()))"


def prepared(db: Scratch, *files: Path) -> dict[str, Any]:
    """Migrate, load the catalogue, import `files`; return the snapshot."""
    paths = ", ".join(repr(str(f)) for f in files)
    return db.python(
        "from tests.hardening.dbstate import prepare, snapshot\n"
        f"prepare({paths})\nprint(json.dumps(snapshot()))"
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_backup_restores_identically_and_never_overwrites_data_unforced(
    engine: str, tmp_path: Path, catalogue: Catalogue
) -> None:
    backup = tmp_path / "oip.backup"
    with scratch(engine, tmp_path / "src", "bksrc") as source:
        before = prepared(source, scenario_file(tmp_path), extra_evidence(tmp_path, catalogue))
        assert len(before["observations"]) == len(EVENTS) + 8
        assert len(before["notes"]) == 1
        source.oip("backup", str(backup))
    meta = json.loads((tmp_path / "oip.backup.meta.json").read_text())
    assert meta["engine"] == engine
    assert meta["counts"]["evidence_observation"] == len(EVENTS) + 8

    # The source database is gone; the backup is all there is. Restore into a new one.
    with scratch(engine, tmp_path / "dst", "bkdst") as target:
        assert "restored" in target.oip("restore", str(backup)).stdout
        more = scenario_file(tmp_path, published="2025-10-02")
        after, grown = target.python(
            "from oip.evidence.actions import import_evidence\n"
            "from tests.hardening.dbstate import snapshot\n"
            "after = snapshot()\n"
            f"import_evidence([{str(more)!r}], recorded_by='test')\n"
            "print(json.dumps([after, snapshot()]))"
        )
        assert after == before
        # A working database: sequences continue, imports append.
        assert len(grown["observations"]) == len(before["observations"]) + len(EVENTS)
        assert grown["observations"][: len(before["observations"])] == before["observations"]

        # Now it holds data: restoring over it is refused, and changes nothing...
        refused = target.oip("restore", str(backup), check=False)
        assert refused.returncode == 1
        assert "not empty" in refused.stderr
        assert "--force" in refused.stderr
        assert "Traceback" not in refused.stderr
        # ... unless forced, which gives back exactly the backup's content.
        target.oip("restore", "--force", str(backup))
        assert target.python(SNAPSHOT) == before


@pytest.mark.parametrize("engine", ENGINES)
def test_restoring_the_other_engines_backup_is_a_clear_error(engine: str, tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.backup"
    if engine == "sqlite":
        foreign.write_bytes(b"PGDMP\x01\x0e\x00" + bytes(200))  # a pg_dump custom archive's header
        expected = "is a PostgreSQL backup but the database is SQLite"
    else:
        with sqlite3.connect(foreign) as conn:
            conn.execute("CREATE TABLE t (x)")
        expected = "is a SQLite backup but the database is PostgreSQL"
    with scratch(engine, tmp_path / "db", "bkforeign") as db:
        refused = db.oip("restore", "--force", str(foreign), check=False)
        assert refused.returncode == 1
        assert expected in refused.stderr
        assert "Traceback" not in refused.stderr


def test_restore_refuses_a_file_that_is_no_backup_or_is_damaged(tmp_path: Path) -> None:
    with sqlite_scratch(tmp_path / "db") as db:
        junk = tmp_path / "junk.backup"
        junk.write_bytes(b"hello, not a database\n" * 50)
        refused = db.oip("restore", str(junk), check=False)
        assert refused.returncode == 1
        assert "not an OIP backup" in refused.stderr

        backup = tmp_path / "ok.backup"
        db.oip("backup", str(backup))
        data = bytearray(backup.read_bytes())
        data[-100] ^= 0xFF  # one flipped byte: the sidecar's checksum no longer matches
        backup.write_bytes(bytes(data))
        damaged = db.oip("restore", "--force", str(backup), check=False)
        assert damaged.returncode == 1
        assert "checksum differs" in damaged.stderr


def test_sqlite_backup_is_a_consistent_snapshot_while_a_writer_holds_a_transaction(
    tmp_path: Path,
) -> None:
    """Online backup: a write transaction open in another connection neither blocks the
    backup nor leaks into it; once committed, the next backup has it."""
    with sqlite_scratch(tmp_path / "db") as db:
        writer = sqlite3.connect(db.sqlite_file, isolation_level=None)
        try:
            writer.execute("PRAGMA journal_mode=WAL")
            writer.execute("CREATE TABLE note (text TEXT)")
            writer.execute("INSERT INTO note VALUES ('committed')")
            writer.execute("BEGIN IMMEDIATE")
            writer.execute("INSERT INTO note VALUES ('uncommitted')")
            db.oip("backup", str(tmp_path / "during.backup"), timeout=60)
            writer.execute("COMMIT")
        finally:
            writer.close()
        db.oip("backup", str(tmp_path / "after.backup"))
    for name, expected in (
        ("during.backup", [("committed",)]),
        ("after.backup", [("committed",), ("uncommitted",)]),
    ):
        with sqlite3.connect(tmp_path / name) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert copy.execute("SELECT text FROM note ORDER BY rowid").fetchall() == expected
            assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)


# Backups hold password hashes and sessions: private files, never onto the live database.


@pytest.mark.parametrize("engine", ENGINES)
def test_backup_and_sidecar_are_readable_by_their_owner_only(engine: str, tmp_path: Path) -> None:
    with scratch(engine, tmp_path / "db", "bkmode") as db:
        db.python("from tests.hardening.dbstate import prepare\nprepare()\nprint('[]')")
        old = tmp_path / "old.backup"
        old.write_bytes(b"an older backup, world-readable")
        old.chmod(0o644)
        for target in (tmp_path / "new.backup", old):
            db.oip("backup", str(target))
            assert stat.S_IMODE(target.stat().st_mode) == 0o600
            assert stat.S_IMODE((target.parent / f"{target.name}.meta.json").stat().st_mode) == (
                0o600
            )


def test_a_directory_is_refused_as_the_backup_file(tmp_path: Path) -> None:
    with sqlite_scratch(tmp_path / "db") as db:
        db.python("from tests.hardening.dbstate import prepare\nprepare()\nprint('[]')")
        folder = tmp_path / "backups"
        folder.mkdir()
        refused = db.oip("backup", str(folder), check=False)
        assert refused.returncode == 1
        assert f"{folder} is a directory; give the backup file's name, e.g. {folder}/oip-" in (
            refused.stderr
        )
        assert "Traceback" not in refused.stderr
        assert list(folder.iterdir()) == []


@pytest.mark.parametrize("name", ["oip.sqlite3", "{var}/oip.sqlite3", "./x/../oip.sqlite3"])
def test_the_live_database_is_refused_as_the_backup_file(tmp_path: Path, name: str) -> None:
    with sqlite_scratch(tmp_path / "db") as db:
        (db.var / "x").mkdir()
        before = prepared(db, scenario_file(tmp_path))
        refused = db.oip("backup", name.format(var=db.var), check=False)
        assert refused.returncode == 1
        assert "is the live database" in refused.stderr
        assert "Traceback" not in refused.stderr
        assert db.python(SNAPSHOT) == before
        # Nor onto its write-ahead log.
        refused = db.oip("backup", "oip.sqlite3-wal", check=False)
        assert refused.returncode == 1
        assert "belongs to the live database" in refused.stderr


@pytest.mark.parametrize("engine", ENGINES)
def test_restore_force_refuses_a_database_that_is_not_oips(engine: str, tmp_path: Path) -> None:
    """A valid backup of some other database (right engine, right format, intact) is still
    refused, forced or not, and the OIP database is untouched."""
    foreign = tmp_path / "foreign.backup"
    with scratch(engine, tmp_path / "other", "bkother") as other:
        other.python(
            "from django.db import connection\n"
            "with connection.cursor() as c:\n"
            "    c.execute('CREATE TABLE guestbook (line TEXT)')\n"
            "    c.execute(\"INSERT INTO guestbook VALUES ('hello')\")\n"
            "print('[]')"
        )
        other.oip("backup", str(foreign))
    with scratch(engine, tmp_path / "db", "bknotoip") as db:
        before = prepared(db, scenario_file(tmp_path))
        refused = db.oip("restore", "--force", str(foreign), check=False)
        assert refused.returncode == 1
        assert "not an OIP database (no table catalogue_catalogueversion" in refused.stderr
        assert "Traceback" not in refused.stderr
        assert db.python(SNAPSHOT) == before


def test_the_live_database_is_no_backup_to_restore(tmp_path: Path) -> None:
    with sqlite_scratch(tmp_path / "db") as db:
        before = prepared(db, scenario_file(tmp_path))
        refused = db.oip("restore", "--force", str(db.sqlite_file), check=False)
        assert refused.returncode == 1
        assert "is the live database itself" in refused.stderr
        assert db.python(SNAPSHOT) == before
