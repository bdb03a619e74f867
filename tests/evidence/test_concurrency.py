"""Two writers at the same moment, as real processes on a scratch database of each engine.

- two imports of the same file store each fact once, and their counts add up;
- an import racing another writer of the same source and observation (the admin's path, which
  takes no import turn) waits for its commit, then skips what it stored: no IntegrityError;
- a second import that cannot get its turn says so, exit 1, nothing written, no traceback;
- an admin login during a long import waits for its turn instead of answering 500.
"""

from __future__ import annotations

import dataclasses
import json
import re
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from oip.catalogue.schema import Catalogue
from tests.hardening.procs import (
    ENGINES,
    PROJECT,
    ROWS,
    SOURCES,
    Scratch,
    big_csv,
    postgres_scratch,
    running_on_postgres,
    scratch,
    wait_until_writing,
    writing_probe,
)

PREPARE = "from tests.hardening.dbstate import prepare\nprepare()\nprint('null')"
STORED = (
    "from django.db.models import Count\n"
    "from oip.evidence.models import ImportBatch, Observation, Source\n"
    "print(json.dumps({\n"
    "    'observations': Observation.objects.count(),\n"
    "    'distinct': Observation.objects.values('fingerprint').distinct().count(),\n"
    "    'sources': Source.objects.count(),\n"
    "    'batches': ImportBatch.objects.count(),\n"
    "    'in_batches': Observation.objects.filter(batch__isnull=False).count(),\n"
    "}))"
)
IMPORTED = re.compile(r"imported (\d+) observation\(s\), skipped (\d+) already recorded")


def counts_of(result: subprocess.CompletedProcess[str] | tuple[int, str, str]) -> tuple[int, int]:
    """(created, skipped) from `oip evidence import`'s output; fails on a traceback."""
    returncode, out, err = (
        result if isinstance(result, tuple) else (result.returncode, result.stdout, result.stderr)
    )
    assert "Traceback" not in err, err[-3000:]
    assert returncode == 0, err[-3000:]
    found = IMPORTED.search(out)
    assert found, out
    return int(found[1]), int(found[2])


def finish(process: subprocess.Popen[str], timeout: float = 300) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def waiting(db: Scratch, query_prefix: str) -> Callable[[], bool]:
    """PostgreSQL: a probe telling whether a session waits on a lock running `query_prefix`."""
    import psycopg

    monitor = psycopg.connect(db.url or "", autocommit=True)

    def blocked() -> bool:
        row = monitor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query LIKE %s",
            [query_prefix.replace("%", r"\%") + "%"],
        ).fetchone()
        return bool(row and row[0])

    return blocked


@pytest.mark.parametrize("engine", ENGINES)
def test_two_imports_of_the_same_file_at_once_store_each_fact_once(
    engine: str, tmp_path: Path, catalogue: Catalogue
) -> None:
    rows = 6000
    data = big_csv(tmp_path / "same.csv", catalogue, rows)
    with scratch(engine, tmp_path / "db", "h1_twice") as db:
        db.python(PREPARE)
        first = db.popen("evidence", "import", str(data))
        second = db.popen("evidence", "import", str(data))
        results = [counts_of(finish(first)), counts_of(finish(second))]
        stored = db.python(STORED)
    assert sum(created for created, _ in results) == rows
    assert sum(skipped for _, skipped in results) == rows
    assert sorted(results) == [(0, rows), (rows, 0)]  # one wrote it all, the other skipped
    assert stored == {
        "observations": rows,
        "distinct": rows,
        "sources": SOURCES,
        "batches": 1,  # the import that created nothing leaves no batch
        "in_batches": rows,
    }


HOLD_ADMIN_WRITE = """
import sys, datetime as dt
from django.db import transaction
from oip.evidence.actions import record_observation
from oip.evidence.records import SourceRecord
source = SourceRecord(url="https://example.org/race", title="Race report", publisher="EC",
                      published_on=dt.date(2025, 6, 30), excerpt="", kind="public")
with transaction.atomic():
    recorded = record_observation(country="ME", benchmark=sys.argv[1], status="met",
                                  observed_on=dt.date(2024, 1, 10), source=source, note="",
                                  recorded_by="admin:racer")
    print(json.dumps(recorded.created), flush=True)
    sys.stdin.readline()  # hold the transaction open until the test says so
"""


@pytest.mark.skipif(
    not running_on_postgres(),
    reason="PostgreSQL only (DATABASE_URL): SQLite never runs two write transactions at once",
)
def test_an_import_racing_another_writer_waits_then_skips_what_it_stored(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    benchmarks = [b.id for _, b in catalogue.benchmarks()][:3]
    source = (
        "{url: 'https://example.org/race', title: Race report, publisher: EC, "
        "published_on: 2025-06-30}"
    )
    lines = ["observations:"] + [
        f"  - {{country: ME, benchmark: {b}, status: met, observed_on: 2024-01-10, "
        f"source: {source}}}"
        for b in benchmarks
    ]
    data = tmp_path / "race.yaml"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with postgres_scratch(tmp_path / "db", "h1_race") as db:
        db.python(PREPARE)
        script = tmp_path / "hold.py"
        script.write_text(
            "import django, json\ndjango.setup()\n" + HOLD_ADMIN_WRITE, encoding="utf-8"
        )
        holder = subprocess.Popen(
            [sys.executable, str(script), benchmarks[0]],
            env=dict(db.env),
            cwd=PROJECT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert holder.stdout is not None
            assert holder.stdin is not None
            assert holder.stdout.readline().strip() == "true", holder.stderr
            importer = db.popen("evidence", "import", str(data))
            # The import blocks on the source the holder inserted and has not committed.
            wait_until_writing(importer, waiting(db, 'INSERT INTO "evidence_source"'))
            holder.stdin.write("\n")
            holder.stdin.flush()
            assert holder.wait(timeout=60) == 0, holder.stderr.read() if holder.stderr else ""
        finally:
            if holder.poll() is None:
                holder.kill()
        assert counts_of(finish(importer)) == (2, 1)
        stored = db.python(STORED)
    assert stored == {
        "observations": 3,
        "distinct": 3,
        "sources": 1,
        "batches": 1,
        "in_batches": 2,
    }


@pytest.mark.parametrize("engine", ENGINES)
def test_a_second_import_that_cannot_get_its_turn_says_so_and_writes_nothing(
    engine: str, tmp_path: Path, catalogue: Catalogue
) -> None:
    big = big_csv(tmp_path / "big.csv", catalogue)
    small = tmp_path / "small.yaml"
    benchmark = next(b.id for _, b in catalogue.benchmarks())
    small.write_text(
        "observations:\n"
        f"  - {{country: AL, benchmark: {benchmark}, status: met, observed_on: 2024-01-10, "
        "source: {url: 'https://example.org/small', title: Small, publisher: EC}}\n",
        encoding="utf-8",
    )
    with scratch(engine, tmp_path / "db", "h1_turn") as db:
        db.python(PREPARE)
        impatient = dataclasses.replace(db, env={**db.env, "OIP_DB_WAIT": "0.2"})
        first = db.popen("evidence", "import", str(big))
        wait_until_writing(first, writing_probe(db))
        first.send_signal(signal.SIGSTOP)  # holds its turn, mid-write, for as long as we need
        try:
            second = impatient.oip("evidence", "import", str(small), check=False)
        finally:
            first.send_signal(signal.SIGCONT)
        assert counts_of(finish(first)) == (ROWS, 0)
        stored = db.python(STORED)
    assert second.returncode == 1
    assert "Traceback" not in second.stderr
    assert second.stdout == ""
    assert second.stderr.splitlines() == [
        f"{small}: -: -: another import is running (waited 0.2 s for it); nothing was "
        "written: run this import again when it has finished",
        "CommandError: import failed: 1 problem(s); nothing was written",
    ]
    assert stored["observations"] == ROWS  # nothing of the second import
    assert stored["batches"] == 1


LOGIN = """
import sqlite3, sys, time
from django.db import connection
from django.test import Client
client = Client()
client.get("/admin/login/")  # everything loaded: the POST below is only the login
if connection.vendor == "sqlite":  # is the import holding the write lock right now?
    probe = sqlite3.connect(connection.settings_dict["NAME"], timeout=0)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.rollback()
        import_writing = False
    except sqlite3.OperationalError:
        import_writing = True
    probe.close()
else:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_xid IS NOT NULL AND query LIKE 'INSERT INTO %%'"
        )
        import_writing = cursor.fetchone()[0] > 0
print(json.dumps(import_writing), flush=True)
started = time.monotonic()
response = client.post("/admin/login/", {"username": "root", "password": "a long secret 42",
                                         "next": "/admin/"})
print(json.dumps([response.status_code, round(time.monotonic() - started, 2)]))
"""
SUPERUSER = (
    "from django.contrib.auth import get_user_model\n"
    "get_user_model().objects.create_superuser('root', 'root@example.org', 'a long secret 42')\n"
    "print('null')"
)
#: Longer than Python's default SQLite busy timeout (5 s), with which a login failed with 500.
HELD = 6.0


@pytest.mark.parametrize("engine", ENGINES)
def test_an_admin_login_during_an_import_waits_its_turn(
    engine: str, tmp_path: Path, catalogue: Catalogue
) -> None:
    data = big_csv(tmp_path / "big.csv", catalogue)
    script = tmp_path / "login.py"
    script.write_text("import django, json\ndjango.setup()\n" + LOGIN, encoding="utf-8")
    with scratch(engine, tmp_path / "db", "h1_login") as db:
        db.python(PREPARE)
        db.python(SUPERUSER)
        importer = db.popen("evidence", "import", str(data))
        wait_until_writing(importer, writing_probe(db))
        importer.send_signal(signal.SIGSTOP)  # the import keeps the database, mid-write
        try:
            login = subprocess.Popen(
                [sys.executable, str(script)],
                env=dict(db.env),
                cwd=PROJECT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            assert login.stdout is not None
            import_writing = json.loads(login.stdout.readline() or "null")
            if engine == "sqlite":
                # The login waits for the import's turn to end, however long, and does not
                # answer (a 500 "database is locked" came after 5 s before).
                with pytest.raises(subprocess.TimeoutExpired):
                    login.wait(timeout=HELD)
        finally:
            importer.send_signal(signal.SIGCONT)
        out, err = login.communicate(timeout=120)
        counts_of(finish(importer))
    assert import_writing is True
    assert login.returncode == 0, err[-3000:]
    status, took = json.loads(out)
    print(f"login answered {status} after {took} s while an import held the database")
    assert status == 302  # logged in (and redirected), never a 500 "database is locked"
