"""Crash safety: `oip evidence import` killed with SIGKILL in the middle of writing leaves
the database holding all of the file or none of it, and the next import works.

The import runs in its own process on a scratch database (SQLite file, or a PostgreSQL
database when the tests run on PostgreSQL). The test waits until the process is past
validation and writing observations (SQLite: its -wal file grows beyond what the sources
need; PostgreSQL: pg_stat_activity shows its open transaction inserting observations),
then kills it.
"""

from __future__ import annotations

import signal
import sqlite3
import time
from pathlib import Path

import pytest

from oip.catalogue.schema import Catalogue
from tests.hardening.procs import (
    COUNTS,
    ENGINES,
    ROWS,
    SOURCES,
    big_csv,
    scratch,
    wait_until_writing,
    writing_probe,
)


@pytest.mark.parametrize("engine", ENGINES)
def test_import_killed_mid_write_leaves_all_or_nothing(
    engine: str, tmp_path: Path, catalogue: Catalogue
) -> None:
    data = big_csv(tmp_path / "big.csv", catalogue)
    with scratch(engine, tmp_path / "db", "crash") as db:
        db.python("from tests.hardening.dbstate import prepare\nprepare()\nprint('null')")
        started = time.monotonic()
        process = db.popen("evidence", "import", str(data))
        try:
            wait_until_writing(process, writing_probe(db))
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
