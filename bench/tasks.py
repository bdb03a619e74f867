"""One measurement per process: `python -m bench.tasks <task> [options]` prints one JSON line.

`bench.run` starts each task in a fresh child process with the database chosen by the
environment (`OIP_VAR` for SQLite, `DATABASE_URL` for PostgreSQL), so the peak memory a task
reports (`max_rss_mb`, from `getrusage(RUSAGE_SELF)`) is that task's alone.

Tasks:
    generate  --catalogue-dir DIR --out CSV [--n N] [--seed S]   the seeded import CSV
    import    --csv CSV                                           `oip evidence import`, timed
    bulk                                                          the plain bulk-insert baseline
    engine    [--repeat R]                                        standings, series, DB load
    pages     --url U ... [--requests N] [--max-seconds S]        server-side page times
    reports                                                       bench/bench_reports.py, if any

Every task prints exactly one line of JSON on stdout (last line); anything else goes to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import re
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

Result = dict[str, Any]


def max_rss_mb() -> float:
    """Return this process's peak resident set size in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(samples: Sequence[float], p: float) -> float:
    """Return the nearest-rank `p`-th percentile (0-100) of `samples` (not empty)."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    """Return the wall time of one call of `run`, in seconds, and its result."""
    started = time.perf_counter()
    value = run()
    return time.perf_counter() - started, value


def setup_django() -> None:
    """Configure Django from the environment (`OIP_VAR` / `DATABASE_URL`)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oip.settings")
    import django

    django.setup()


# -- generate ---------------------------------------------------------------------------------


def task_generate(args: argparse.Namespace) -> Result:
    """Write the seeded import CSV for the bench catalogue in `--catalogue-dir`."""
    from bench.generate import generate_observations, write_csv
    from oip.catalogue.loader import load_catalogue

    catalogue = load_catalogue(args.catalogue_dir)
    seconds, observations = timed(
        lambda: generate_observations(
            catalogue, n=args.n, countries=len(catalogue.countries), years=10, seed=args.seed
        )
    )
    write_csv(observations, args.out)
    return {
        "rows": len(observations),
        "countries": len(catalogue.countries),
        "benchmarks": sum(1 for _ in catalogue.benchmarks()),
        "generate_s": seconds,
        "catalogue_version": catalogue.version,
    }


# -- import and its baseline ------------------------------------------------------------------


def task_import(args: argparse.Namespace) -> Result:
    """Run `oip evidence import CSV` in this process; return its wall time and peak memory."""
    setup_django()
    from django.core.management import call_command

    out = io.StringIO()
    cpu_started = time.process_time()
    seconds, _ = timed(
        lambda: call_command("evidence", "import", str(args.csv), by="bench", stdout=out)
    )
    cpu_s = time.process_time() - cpu_started
    from oip.evidence.models import Observation, Source

    return {
        "seconds": seconds,
        "cpu_s": cpu_s,
        "output": out.getvalue().strip(),
        "observations": Observation.objects.count(),
        "sources": Source.objects.count(),
        "max_rss_mb": max_rss_mb(),
    }


SOURCE_COLUMNS = (
    "id",
    "kind",
    "url",
    "title",
    "publisher",
    "published_on",
    "excerpt",
    "fingerprint",
)
SCRATCH = {"evidence_source": "bench_scratch_source", "evidence_observation": "bench_scratch_obs"}


def _sqlite_scratch_ddl(cursor: Any, table: str, scratch: str) -> list[str]:
    """Return the CREATE statements of `table` and its indexes, renamed for `scratch`."""
    cursor.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL"
        " ORDER BY type DESC",  # the table before its indexes
        (table,),
    )
    statements = []
    for kind, name, sql in cursor.fetchall():
        if kind == "table":
            statements.append(sql.replace(f'"{table}"', f'"{scratch}"', 1))
        else:
            renamed = sql.replace(f'"{name}"', f'"{scratch}_{name}"', 1)
            statements.append(renamed.replace(f'"{table}"', f'"{scratch}"'))
    return statements


def task_bulk(args: argparse.Namespace) -> Result:
    """Time a plain bulk insert of the imported rows into scratch copies of their tables.

    The rows are the very tuples the import wrote (sources and observations, ids included),
    read back first; the insert is `executemany` (SQLite) or `COPY` (PostgreSQL) into fresh
    copies of `evidence_source` and `evidence_observation` with the same columns and indexes,
    in one transaction. This is the floor any import of these rows has to pay.
    """
    setup_django()
    from django.db import connection

    connection.ensure_connection()
    raw: Any = connection.connection
    vendor = connection.vendor
    from oip.evidence.writing import ObservationInsert

    # The same columns the importer writes (it lets the database assign `id`).
    observation_columns = ("id", *ObservationInsert.COLUMNS)
    columns = {"evidence_source": SOURCE_COLUMNS, "evidence_observation": observation_columns}
    rows: dict[str, list[tuple[Any, ...]]] = {}
    with connection.cursor() as cursor:
        for table, cols in columns.items():
            cursor.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY id")
            rows[table] = cursor.fetchall()
    try:
        if vendor == "sqlite":
            cursor = raw.cursor()
            for table, scratch in SCRATCH.items():
                cursor.execute(f'DROP TABLE IF EXISTS "{scratch}"')
                for statement in _sqlite_scratch_ddl(cursor, table, scratch):
                    cursor.execute(statement)

            def insert() -> None:
                cursor.execute("BEGIN IMMEDIATE")
                for table, scratch in SCRATCH.items():
                    cols = columns[table]
                    marks = ", ".join("?" for _ in cols)
                    cursor.executemany(
                        f'INSERT INTO "{scratch}" ({", ".join(cols)}) VALUES ({marks})',
                        rows[table],
                    )
                cursor.execute("COMMIT")

            method = "executemany"
        elif vendor == "postgresql":
            with raw.cursor() as cursor:
                for table, scratch in SCRATCH.items():
                    cursor.execute(f"DROP TABLE IF EXISTS {scratch}")
                    cursor.execute(f"CREATE TABLE {scratch} (LIKE {table} INCLUDING ALL)")

            def insert() -> None:
                with raw.transaction(), raw.cursor() as cursor:
                    for table, scratch in SCRATCH.items():
                        copy_sql = f"COPY {scratch} ({', '.join(columns[table])}) FROM STDIN"
                        with cursor.copy(copy_sql) as copy:
                            for row in rows[table]:
                                copy.write_row(row)

            method = "COPY"
        else:
            raise SystemExit(f"unsupported database vendor {vendor!r}")
        seconds, _ = timed(insert)
    finally:
        with connection.cursor() as cleanup:
            for scratch in SCRATCH.values():
                cleanup.execute(f"DROP TABLE IF EXISTS {scratch}")
    return {
        "seconds": seconds,
        "method": method,
        "sources": len(rows["evidence_source"]),
        "observations": len(rows["evidence_observation"]),
        "max_rss_mb": max_rss_mb(),
    }


# -- engine -----------------------------------------------------------------------------------


def task_engine(args: argparse.Namespace) -> Result:
    """Time the engine on the observations in the database.

    - `load_and_one_date_s`: the pages' read path, cold, in a fresh process:
      `evaluation()` (data version, catalogue, every observation, the engine) then all
      standings at END;
    - `load_s` / `raw_fetch_s`: `load_observations()` against a bare cursor `fetchall()` of
      the same columns (its baseline);
    - `one_date_s`: `standings(catalogue, observations, END)` (best of `--repeat`, cold: the
      grouping and sweep from the raw observations) against one pass grouping them by
      (country, benchmark) into a dict of lists (its baseline: the least any evaluation does);
    - `series_s`: the monthly series over 10 years (120 dates, best of 3, cold);
    - `max_rss_mb`: this process's peak memory.
    """
    setup_django()
    from django.db import connection

    from bench.bench_engine import best_of, monthly
    from bench.generate import END
    from oip.catalogue.fetch import current_catalogue
    from oip.conditionality import standings, standings_series
    from oip.standings.evaluation import clear_cache, evaluation, load_observations

    cpu_started = time.process_time()
    load_and_one, first = timed(lambda: evaluation().standings(END))
    load_and_one_cpu = time.process_time() - cpu_started
    clear_cache()  # one copy of the observations in memory, not two
    catalogue = current_catalogue()
    load_s, observations = timed(load_observations)

    def raw_fetch() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT country_id, benchmark_id, status, observed_on, recorded_at, id"
                " FROM evidence_observation"
            )
            return len(cursor.fetchall())

    raw_fetch_s, _, _ = best_of(3, raw_fetch)
    one_date_s, one_date_median, one_date_cpu_s = best_of(
        args.repeat, lambda: standings(catalogue, observations, END)
    )

    def group() -> int:
        groups: dict[tuple[str, str], list[Any]] = {}
        for o in observations:
            groups.setdefault((o.country, o.benchmark), []).append(o)
        return len(groups)

    group_s, _, _ = best_of(3, group)
    dates = monthly(END, 120)
    series_s, series_median, series_cpu_s = best_of(
        3, lambda: standings_series(catalogue, observations, dates)
    )
    return {
        "observations": len(observations),
        "standings": len(first),
        "countries": len(catalogue.countries),
        "areas": len(catalogue.areas),
        "as_of": END.isoformat(),
        "load_and_one_date_s": load_and_one,
        "load_and_one_date_cpu_s": load_and_one_cpu,
        "load_s": load_s,
        "raw_fetch_s": raw_fetch_s,
        "one_date_s": one_date_s,
        "one_date_median_s": one_date_median,
        "one_date_cpu_s": one_date_cpu_s,
        "group_s": group_s,
        "series_dates": len(dates),
        "series_s": series_s,
        "series_median_s": series_median,
        "series_cpu_s": series_cpu_s,
        "max_rss_mb": max_rss_mb(),
    }


# -- pages ------------------------------------------------------------------------------------


def task_pages(args: argparse.Namespace) -> Result:
    """Time the WSGI handler in-process (django.test.Client) on each `--url`.

    Per URL: two warm-up requests (the first fills the per-process caches), then up to
    `--requests` timed requests, stopping early after `--max-seconds` (`--target-seconds`
    for the `--target-url`, the page with a target, so it gets its full count).
    """
    setup_django()
    from django.test import Client

    client = Client()
    pages: dict[str, Result] = {}
    for url in args.url:
        statuses: list[int] = []
        times: list[float] = []
        for _ in range(2):
            statuses.append(client.get(url).status_code)
        allowed = args.target_seconds if url == args.target_url else args.max_seconds
        budget = time.perf_counter() + allowed
        while len(times) < args.requests and time.perf_counter() < budget:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            statuses.append(response.status_code)
        pages[url] = {
            "status": sorted(set(statuses)),
            "ok": all(200 <= s < 300 for s in statuses),
            "n": len(times),
            "p50_ms": percentile(times, 50) * 1000,
            "p95_ms": percentile(times, 95) * 1000,
            "mean_ms": statistics.fmean(times) * 1000,
        }
    # The page cache makes the figures above cache hits; also time the overview rebuilt from
    # the (still cached) evaluation, as after an import: data assembly and rendering.
    from django.core.cache import cache

    rebuilt: list[float] = []
    if args.target_url:
        for _ in range(min(args.requests, 30)):
            cache.clear()
            started = time.perf_counter()
            client.get(args.target_url)
            rebuilt.append(time.perf_counter() - started)
    uncached = (
        {
            "n": len(rebuilt),
            "p50_ms": percentile(rebuilt, 50) * 1000,
            "p95_ms": percentile(rebuilt, 95) * 1000,
        }
        if rebuilt
        else None
    )
    return {"pages": pages, "uncached": uncached, "max_rss_mb": max_rss_mb()}


# -- reports ----------------------------------------------------------------------------------


REPORT_LINE = re.compile(
    r"^(?P<figure>\S.*?PDF.*?)\s+cold\s+(?P<cold>[\d.]+)\s+warm\s+(?P<warm>[\d.]+)"
    r"\s+target <=\s*(?P<target>[\d.]+)"
)


def task_reports(args: argparse.Namespace) -> Result:
    """Run bench/bench_reports.py in this process; parse what it printed.

    It builds its own scratch SQLite database with the baseline data and prints one line per
    report ("country PDF (ME)   cold 6.31  warm 2.80  target <= 5.0 ..."); each becomes a
    figure with its cold and warm seconds and its target. Running it here, not in a further
    child, makes `max_rss_mb` the reports' own peak memory.
    """
    script = Path(__file__).resolve().parent / "bench_reports.py"
    if not script.exists():
        return {"missing": True}
    from bench import bench_reports

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        returncode = bench_reports.main()
    figures = []
    for line in out.getvalue().splitlines():
        match = REPORT_LINE.match(line.strip())
        if match:
            figures.append(
                {
                    "figure": match["figure"].strip(),
                    "cold_s": float(match["cold"]),
                    "warm_s": float(match["warm"]),
                    "target_s": float(match["target"]),
                }
            )
    return {
        "returncode": returncode,
        "figures": figures,
        "stdout": out.getvalue()[-4000:],
        "max_rss_mb": max_rss_mb(),
    }


# -- command line -----------------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    """Return the command-line parser: one sub-command per task."""
    main = argparse.ArgumentParser(
        prog="python -m bench.tasks", description=__doc__.splitlines()[0]
    )
    sub = main.add_subparsers(dest="task", required=True)
    generate = sub.add_parser("generate")
    generate.add_argument("--catalogue-dir", type=Path, required=True)
    generate.add_argument("--out", type=Path, required=True)
    generate.add_argument("--n", type=int, default=200_000)
    generate.add_argument("--seed", type=int, default=42)
    importer = sub.add_parser("import")
    importer.add_argument("--csv", type=Path, required=True)
    sub.add_parser("bulk")
    engine = sub.add_parser("engine")
    engine.add_argument("--repeat", type=int, default=5)
    pages = sub.add_parser("pages")
    pages.add_argument("--url", action="append", required=True)
    pages.add_argument("--requests", type=int, default=50)
    pages.add_argument("--max-seconds", type=float, default=5.0)
    pages.add_argument("--target-url", default="/")
    pages.add_argument("--target-seconds", type=float, default=20.0)
    sub.add_parser("reports")
    return main


TASKS: dict[str, Callable[[argparse.Namespace], Result]] = {
    "generate": task_generate,
    "import": task_import,
    "bulk": task_bulk,
    "engine": task_engine,
    "pages": task_pages,
    "reports": task_reports,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one task and print its result as one JSON line on stdout."""
    args = parser().parse_args(argv)
    # Anything the code under test prints must not be mistaken for the result line.
    with contextlib.redirect_stdout(sys.stderr):
        result = TASKS[args.task](args)
    result = {"task": args.task, **result}
    print(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
