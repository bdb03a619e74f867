"""Helpers for the hardening tests: run `oip` in a separate process on a scratch database.

A scratch database is an SQLite file under a temporary OIP_VAR, or (when the tests run on
PostgreSQL) a PostgreSQL database created and dropped around the test. Running the
commands in their own process keeps them away from pytest's test database and lets a test
kill one mid-write.
"""

from __future__ import annotations

import csv
import json
import os
import random
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from oip.catalogue.schema import Catalogue
from oip.evidence.records import CSV_COLUMNS

BIN = Path(sys.executable).parent
OIP = str(BIN / "oip")
PROJECT = Path(__file__).resolve().parents[2]


def running_on_postgres() -> bool:
    """True when the test run's DATABASE_URL points at PostgreSQL."""
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for a child process: no OIP_* or DATABASE_URL of ours, plus `extra`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("OIP_") and k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["DJANGO_SETTINGS_MODULE"] = "oip.settings"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


@dataclass(frozen=True)
class Scratch:
    """A scratch database: `env` selects it for a child process (OIP_VAR, DATABASE_URL)."""

    engine: str
    env: Mapping[str, str]
    var: Path
    url: str | None = None
    name: str | None = None

    def oip(
        self, *args: str, check: bool = True, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        """Run `oip ARGS` on this database; with `check`, fail the test on a non-zero exit."""
        result = subprocess.run(
            [OIP, *args],
            env=dict(self.env),
            cwd=self.var,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode != 0:
            pytest.fail(f"oip {' '.join(args)} exited {result.returncode}:\n{result.stderr}")
        return result

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [OIP, *args],
            env=dict(self.env),
            cwd=self.var,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def python(self, code: str, timeout: float = 120) -> Any:
        """Run `code` after django.setup() on this database; return the JSON it prints."""
        prelude = "import django, json\ndjango.setup()\n"
        result = subprocess.run(
            [sys.executable, "-c", prelude + code],
            env=dict(self.env),
            cwd=PROJECT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            pytest.fail(f"python snippet exited {result.returncode}:\n{result.stderr}")
        return json.loads(result.stdout)

    @property
    def sqlite_file(self) -> Path:
        return self.var / "oip.sqlite3"


@contextmanager
def sqlite_scratch(var: Path) -> Iterator[Scratch]:
    """An SQLite database file under `var` (created on first use)."""
    var.mkdir(parents=True, exist_ok=True)
    yield Scratch("sqlite", clean_env(OIP_VAR=str(var), OIP_ENV="test"), var)


@contextmanager
def postgres_scratch(var: Path, label: str) -> Iterator[Scratch]:
    """A new PostgreSQL database on the server of the run's DATABASE_URL, dropped afterwards."""
    import psycopg

    base = urlsplit(os.environ["DATABASE_URL"])
    name = f"oip_{label}_{uuid.uuid4().hex[:8]}"
    admin_url = urlunsplit(base._replace(path="/postgres"))
    url = urlunsplit(base._replace(path=f"/{name}"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    var.mkdir(parents=True, exist_ok=True)
    try:
        yield Scratch(
            "postgresql",
            clean_env(OIP_VAR=str(var), OIP_ENV="test", DATABASE_URL=url),
            var,
            url,
            name,
        )
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


ENGINES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=pytest.mark.skipif(
            not running_on_postgres(), reason="runs when the tests run on PostgreSQL (DATABASE_URL)"
        ),
    ),
]


@contextmanager
def scratch(engine: str, var: Path, label: str) -> Iterator[Scratch]:
    """A scratch database of `engine` ("sqlite" or "postgresql")."""
    if engine == "sqlite":
        with sqlite_scratch(var) as db:
            yield db
    else:
        with postgres_scratch(var, label) as db:
            yield db


# Big imports, and telling when one is writing

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


def wait_until_writing(
    process: subprocess.Popen[str], probe: Callable[[], bool], deadline: float = 120
) -> None:
    """Return once `probe()` says the import `process` is writing; fail the test if the
    process ends first or nothing is seen within `deadline` seconds."""
    started = time.monotonic()
    while not probe():
        if process.poll() is not None:
            pytest.fail(
                "the import ended before it was seen writing "
                f"(exit {process.returncode}): {process.communicate()[1][-2000:]}"
            )
        if time.monotonic() - started > deadline:
            pytest.fail(f"the import was not seen writing within {deadline} s")
        time.sleep(0.01)
