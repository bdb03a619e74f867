"""Crash safety: `oip evidence import` killed with SIGKILL in the middle of writing leaves
the database holding all of the file or none of it, and the next import works.

The import runs in its own process on a scratch database (SQLite file, or a PostgreSQL
database when the tests run on PostgreSQL). The test waits until the process is past
validation and writing observations (SQLite: its -wal file grows beyond what the sources
need; PostgreSQL: pg_stat_activity shows its open transaction inserting observations),
then kills it.
"""

from __future__ import annotations

import csv
import random
import signal
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from oip.catalogue.schema import Catalogue
from oip.evidence.records import CSV_COLUMNS
from tests.hardening.procs import ENGINES, Scratch, scratch

ROWS = 20_000
SOURCES = 300
COUNTRIES = ("AL", "BA", "XK", "ME", "MK", "RS")
STATUSES = ("met", "partial", "not_met", "not_applicable")
HEADER = list(CSV_COLUMNS)
WAL_WRITING = 2 << 20  # bytes: far more than the sources and the batch row take


def big_csv(path: Path, catalogue: Catalogue, rows: int = ROWS) -> Path:
    """`rows` valid, distinct observations (every note differs) over a pool of sources."""
    benchmarks = [b.id for _, b in catalogue.benchmarks()]
    rng = random.Random(20251121)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(rows):
            s = rng.randrange(SOURCES)
            writer.writerow(
                [
                    rng.choice(COUNTRIES),
                    rng.choice(benchmarks),
                    rng.choice(STATUSES),
                    f"20{rng.randrange(15, 25)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
                    f"https://example.org/source/{s}",
                    f"Report {s}",
                    "European Commission",
                    "2025-06-30",
                    f"excerpt {s}",
                    f"row {i}",
                ]
            )
    return path


COUNTS = (
    "from oip.evidence.models import ImportBatch, Observation, Source\n"
    "print(json.dumps([Observation.objects.count(), Source.objects.count(), "
    "ImportBatch.objects.count()]))"
)


def writing_probe(db: Scratch) -> Callable[[], bool]:
    """A function telling whether the import is now writing observations."""
    if db.engine == "sqlite":
        wal = Path(f"{db.sqlite_file}-wal")
        return lambda: wal.exists() and wal.stat().st_size > WAL_WRITING
    import psycopg

    monitor = psycopg.connect(db.url or "", autocommit=True)

    def inserting() -> bool:
        row = monitor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL "
            "AND query LIKE 'INSERT INTO \"evidence_observation\"%%'"
        ).fetchone()
        return bool(row and row[0])

    return inserting


@pytest.mark.parametrize("engine", ENGINES)
def test_import_killed_mid_write_leaves_all_or_nothing(
    engine: str, tmp_path: Path, catalogue: Catalogue
) -> None:
    data = big_csv(tmp_path / "big.csv", catalogue)
    with scratch(engine, tmp_path / "db", "crash") as db:
        db.python("from tests.hardening.dbstate import prepare\nprepare()\nprint('null')")
        probe = writing_probe(db)
        started = time.monotonic()
        process = db.popen("evidence", "import", str(data))
        try:
            while not probe():
                if process.poll() is not None:
                    pytest.fail(
                        "the import ended before it was seen writing "
                        f"(exit {process.returncode}): {process.communicate()[1][-2000:]}"
                    )
                if time.monotonic() - started > 120:
                    pytest.fail("the import was not seen writing within 120 s")
                time.sleep(0.01)
            assert process.poll() is None, "finished before it could be killed"
            process.send_signal(signal.SIGKILL)
        finally:
            if process.poll() is None:
                process.kill()
            process.communicate(timeout=30)
        assert process.returncode == -signal.SIGKILL
        killed_after = time.monotonic() - started

        if engine == "sqlite":
            with sqlite3.connect(db.sqlite_file) as conn:
                assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        observations, sources, batches = db.python(COUNTS)
        assert observations in (0, ROWS)
        if observations == 0:  # nothing of the killed import survives: no source, no batch
            assert (sources, batches) == (0, 0)

        again = db.oip("evidence", "import", str(data), timeout=180)
        assert "imported" in again.stdout
        assert db.python(COUNTS) == [ROWS, SOURCES, 1]
    print(f"killed after {killed_after:.1f} s; total {time.monotonic() - started:.1f} s")
