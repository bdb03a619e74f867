"""`oip backup` / `oip restore`: a backup restored into an empty database gives back the
same evidence rows and the same standings, on SQLite and on PostgreSQL.

Each test works on scratch databases in separate processes (see procs.py), never on
pytest's test database.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from oip.catalogue.schema import Catalogue
from tests.hardening.procs import ENGINES, Scratch, scratch, sqlite_scratch
from tests.scenario import EVENTS, scenario_yaml

DATES = sorted({day for _, _, day in EVENTS} | {"2024-01-09", "2025-01-09", "2025-04-09", "2026-01-01"})

SNAPSHOT = f"""
import datetime as dt
from oip.catalogue.models import CatalogueVersion
from oip.evidence.fetch import evaluation
from oip.evidence.models import ContextNote, ImportBatch, Observation, Source

def rows(model):
    return [[str(v) for v in row] for row in model._base_manager.order_by("id").values_list()]

evaluated = evaluation()
print(json.dumps({{
    "standings": {{d: repr(evaluated.standings(dt.date.fromisoformat(d))) for d in {DATES!r}}},
    "observations": rows(Observation),
    "sources": rows(Source),
    "batches": rows(ImportBatch),
    "notes": rows(ContextNote),
    "catalogue": [[v.id, v.version, v.content_hash] for v in CatalogueVersion.objects.order_by("id")],
}}))
"""


def snapshot(db: Scratch) -> dict[str, Any]:
    """Every standing at DATES (full repr: tiers, explanations, observation ids) and every
    evidence row, read in a fresh process."""
    return db.python(SNAPSHOT)


def extra_evidence(directory: Path, catalogue: Catalogue) -> Path:
    """Observations for AL and RS in the first area, and a context note, beside the scenario."""
    area = catalogue.areas[0].id
    benchmarks = [b.id for t in catalogue.targets_in(area) for b in t.benchmarks][:4]
    source = "{url: 'https://example.org/r', title: Progress report, publisher: EC, published_on: 2025-11-04}"
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


def loaded(db: Scratch, catalogue: Catalogue) -> None:
    """Migrate, load the catalogue, import the EPPO scenario and the extra evidence."""
    db.oip("migrate", "--noinput", "-v0")
    db.oip("catalogue", "load")
    scenario = db.var / "scenario.yaml"
    scenario.write_text(scenario_yaml(), encoding="utf-8")
    db.oip("evidence", "import", str(scenario), str(extra_evidence(db.var, catalogue)))


@pytest.mark.parametrize("engine", ENGINES)
def test_restore_into_an_empty_database_gives_identical_rows_and_standings(
    engine: str, tmp_path: Path, catalogue: Catalogue
) -> None:
    backup = tmp_path / "oip.backup"
    with scratch(engine, tmp_path / "src", "bksrc") as source:
        loaded(source, catalogue)
        before = snapshot(source)
        assert len(before["observations"]) == len(EVENTS) + 8
        assert len(before["notes"]) == 1
        source.oip("backup", str(backup))
    meta = json.loads((tmp_path / "oip.backup.meta.json").read_text())
    assert meta["engine"] == engine
    assert meta["counts"]["evidence_observation"] == len(EVENTS) + 8

    # The source database is gone; the backup is all there is. Restore into a brand-new one.
    with scratch(engine, tmp_path / "dst", "bkdst") as target:
        result = target.oip("restore", str(backup))
        assert "restored" in result.stdout
        after = snapshot(target)
        assert after == before
        # The restored database is a working one: sequences continue, imports append.
        more = target.var / "more.yaml"
        more.write_text(scenario_yaml().replace("2025-10-01", "2025-10-02"), encoding="utf-8")
        target.oip("evidence", "import", str(more))
        grown = snapshot(target)
        assert len(grown["observations"]) == len(before["observations"]) + len(EVENTS)
        assert grown["observations"][: len(before["observations"])] == before["observations"]


@pytest.mark.parametrize("engine", ENGINES)
def test_restore_refuses_a_database_with_data_unless_forced(
    engine: str, tmp_path: Path, catalogue: Catalogue
) -> None:
    backup = tmp_path / "empty-catalogue.backup"
    with scratch(engine, tmp_path / "db", "bkforce") as db:
        db.oip("migrate", "--noinput", "-v0")
        db.oip("catalogue", "load")
        db.oip("backup", str(backup))  # catalogue only, no evidence
        scenario = db.var / "scenario.yaml"
        scenario.write_text(scenario_yaml(), encoding="utf-8")
        db.oip("evidence", "import", str(scenario))
        with_evidence = snapshot(db)

        refused = db.oip("restore", str(backup), check=False)
        assert refused.returncode == 1
        assert "not empty" in refused.stderr and "--force" in refused.stderr
        assert snapshot(db) == with_evidence

        db.oip("restore", "--force", str(backup))
        forced = snapshot(db)
        assert forced["observations"] == [] and forced["batches"] == []
        assert forced["catalogue"] == with_evidence["catalogue"]


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

        db.oip("migrate", "--noinput", "-v0")
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
        db.oip("migrate", "--noinput", "-v0")
        writer = sqlite3.connect(db.sqlite_file, isolation_level=None)
        try:
            writer.execute("BEGIN IMMEDIATE")
            writer.execute("INSERT INTO auth_group (name) VALUES ('uncommitted')")
            db.oip("backup", str(tmp_path / "during.backup"), timeout=30)
            writer.execute("COMMIT")
        finally:
            writer.close()
        db.oip("backup", str(tmp_path / "after.backup"))
    for name, expected in (("during.backup", []), ("after.backup", [("uncommitted",)])):
        with sqlite3.connect(tmp_path / name) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert copy.execute("SELECT name FROM auth_group").fetchall() == expected
            assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
