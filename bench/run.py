"""`make bench`: every speed figure with its target, on SQLite and PostgreSQL, in one table.

    .venv/bin/python -m bench.run [--n 200000] [--seconds 3] [--only sqlite|postgresql]

Prepares a bench catalogue (the shipped one plus UA MD GE TR, version "2026.1-bench") and a
seeded CSV of generated observations (bench/generate.py), then for each database: migrates a
fresh one, loads the catalogue and the baseline evidence, and measures — each measurement in a
fresh child process (`python -m bench.tasks ...`) — the pages on the baseline data, the import
of the CSV and its plain bulk-insert baseline, the engine, the pages on the full data, the real
server under wrk (bench/loadtest.py) and, if bench/bench_reports.py exists, the reports.

Prints one table (figure | database | measured | target | ratio/baseline | verdict) and writes
everything to bench/out/results.json. Exit status 1 if any figure fails its target.
See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from bench import loadtest

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BUDGET_S = 570.0  # make bench must stay under 10 minutes
EXTRA_COUNTRIES = (("UA", "Ukraine"), ("MD", "Moldova"), ("GE", "Georgia"), ("TR", "Türkiye"))
BENCH_VERSION = "2026.1-bench"
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
OVERVIEW = "/"
LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
IMPORT_TARGET_S = {"sqlite": 30.0, "postgresql": 60.0}
#: The liaison exchange's bench modules (each exposes `rows()`; see Bench.liaison).
LIAISON = (
    "bench_liaison_templates",
    "bench_liaison_access",
    "bench_liaison_clocks",
    "bench_liaison_metrics",
    "bench_exchange_tick",
    "bench_exchange_store",
)


@dataclass
class Row:
    """One line of the table: a figure on one database, its target and its verdict."""

    figure: str
    database: str
    measured: str
    target: str = ""
    ratio: str = ""
    verdict: str = "-"
    value: float | None = None
    limit: float | None = None
    unit: str = ""


class Clock:
    """The run's time budget: how long so far, and how much is left."""

    def __init__(self, budget: float) -> None:
        self.started = time.monotonic()
        self.budget = budget

    def elapsed(self) -> float:
        """Seconds since the run started."""
        return time.monotonic() - self.started

    def left(self) -> float:
        """Seconds left in the budget (never negative)."""
        return max(0.0, self.budget - self.elapsed())


CLOCK = Clock(BUDGET_S)


def say(message: str) -> None:
    """Print a progress line (with the elapsed time) on stderr."""
    print(f"[{CLOCK.elapsed():5.0f}s] {message}", file=sys.stderr, flush=True)


def memory_row(figure: str, db: str, max_rss_mb: float) -> Row:
    """A peak-memory figure against the issues' 500 MB limit."""
    return Row(
        figure,
        db,
        f"{max_rss_mb:.0f} MB",
        "<= 500 MB",
        "",
        judge(max_rss_mb, 500.0),
        max_rss_mb,
        500.0,
        "MB",
    )


def judge(value: float | None, limit: float | None, at_least: bool = False) -> str:
    """Return "ok" or "FAIL" for `value` against `limit` ("-" without a limit)."""
    if limit is None:
        return "-"
    if value is None:
        return "FAIL"
    return "ok" if (value >= limit if at_least else value <= limit) else "FAIL"


def ms(seconds: float) -> str:
    """Format seconds as milliseconds."""
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def times(value: float, base: float) -> str:
    """Format `value / base` as a multiple ("x12.3"), or "n/a" if `base` is zero."""
    return f"x{value / base:.1f}" if base > 0 else "n/a"


# -- children ---------------------------------------------------------------------------------


def run_task(task: str, args: Sequence[str], env: dict[str, str], timeout: float) -> dict[str, Any]:
    """Run `python -m bench.tasks <task> <args>` with `env`; return its JSON line.

    On failure returns `{"error": ...}` (the exit status and the end of stderr, or a timeout).
    """
    timeout = max(5.0, min(timeout, CLOCK.left()))
    command = [sys.executable, "-m", "bench.tasks", task, *args]
    try:
        completed = subprocess.run(
            command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return {"error": f"did not finish within {timeout:.0f} s"}
    lines = [ln for ln in completed.stdout.splitlines() if ln.startswith("{")]
    if completed.returncode != 0 or not lines:
        tail = completed.stderr.strip().splitlines()[-3:]
        return {"error": f"exit {completed.returncode}: {' / '.join(tail)[-400:]}"}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def oip(
    env: dict[str, str], *args: str, timeout: float = 120.0
) -> subprocess.CompletedProcess[str]:
    """Run an `oip` command with `env` and return the completed process."""
    return subprocess.run(
        [sys.executable, "-m", "oip.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=max(5.0, min(timeout, CLOCK.left())),
    )


# -- data -------------------------------------------------------------------------------------


def bench_catalogue(into: Path) -> Path:
    """Copy the shipped catalogue to `into`, add UA MD GE TR and label it "2026.1-bench"."""
    from oip.catalogue.loader import default_directory

    shutil.copytree(default_directory(), into, ignore=shutil.ignore_patterns("__pycache__"))
    path = into / "catalogue.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["version"] = BENCH_VERSION
    known = {c["code"] for c in data["countries"]}
    data["countries"] += [{"code": c, "name": n} for c, n in EXTRA_COUNTRIES if c not in known]
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return into


def base_env(var: Path) -> dict[str, str]:
    """Return the environment for a child: a private OIP_VAR, development mode, no DEBUG."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "OIP_VAR"}}
    env.update(
        OIP_VAR=str(var),
        OIP_ENV="development",
        OIP_DEBUG="0",
        PYTHONDONTWRITEBYTECODE="1",
        DJANGO_SETTINGS_MODULE="oip.settings",
    )
    return env


def psql(*sql: str) -> subprocess.CompletedProcess[str]:
    """Run SQL statements as the postgres user on the local server's maintenance database."""
    command = ["psql", "-h", PG_HOST, "-p", str(PG_PORT), "-U", PG_USER, "-v", "ON_ERROR_STOP=1"]
    command += ["-q", "-d", "postgres"]
    for statement in sql:
        command += ["-c", statement]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def postgres_available() -> str | None:
    """Return None if the local PostgreSQL answers, else why not."""
    if shutil.which("psql") is None:
        return "psql not installed"
    ready = subprocess.run(
        ["pg_isready", "-q", "-h", PG_HOST, "-p", str(PG_PORT)], capture_output=True, timeout=10
    )
    return None if ready.returncode == 0 else "PostgreSQL not reachable on 127.0.0.1:5432"


@contextmanager
def database(kind: str, work: Path) -> Iterator[dict[str, str]]:
    """Yield the environment of a fresh, empty database of `kind`; drop it afterwards."""
    env = base_env(work / f"{kind}-var")
    if kind == "sqlite":
        yield env
        return
    name = f"oip_bench_{os.getpid()}"
    created = psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
    if created.returncode != 0:
        raise RuntimeError(f"cannot create {name}: {created.stderr.strip()[-300:]}")
    env["DATABASE_URL"] = f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
    try:
        yield env
    finally:
        psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# -- one database -----------------------------------------------------------------------------


class Bench:
    """Collects rows and raw results while measuring one database after the other."""

    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args = args
        self.work = work
        self.rows: list[Row] = []
        self.raw: dict[str, dict[str, Any]] = {}

    def add(self, row: Row) -> None:
        """Record one row."""
        self.rows.append(row)

    def failed(self, figure: str, db: str, error: str, target: str = "") -> None:
        """Record a figure that could not be measured (verdict FAIL)."""
        self.add(Row(figure, db, f"error: {error}"[:160], target, "", "FAIL"))

    def step(
        self, db: str, name: str, run: Callable[[], dict[str, Any]], need: float
    ) -> dict[str, Any] | None:
        """Run one measurement if at least `need` seconds are left in the budget."""
        if CLOCK.left() < need:
            say(f"{db}: {name}: skipped (time budget)")
            self.add(Row(name, db, "skipped (time budget of the run)", verdict="FAIL"))
            return None
        say(f"{db}: {name} ...")
        started = time.monotonic()
        result = run()
        result["step_s"] = round(time.monotonic() - started, 1)
        self.raw.setdefault(db, {})[name] = result
        return result

    def measure(self, kind: str, catalogue: Path, csv: Path) -> None:
        """Measure every figure on a fresh database of `kind`."""
        db = LABELS[kind]
        with database(kind, self.work) as env:
            for args in (
                ("migrate", "--noinput"),
                ("catalogue", "load", "--dir", str(catalogue)),
            ):
                done = oip(env, *args)
                if done.returncode != 0:
                    self.failed(f"setup: oip {' '.join(args[:2])}", db, done.stderr.strip()[-200:])
                    return
            baseline = oip(env, "evidence", "load-baseline")
            if baseline.returncode == 0:
                self.add(
                    Row(
                        "data: baseline (oip evidence load-baseline)",
                        db,
                        baseline.stdout.strip()[:110],
                    )
                )
            else:
                self.add(
                    Row(
                        "data: baseline (oip evidence load-baseline)",
                        db,
                        "not loaded: " + baseline.stderr.strip()[-100:],
                        verdict="FAIL",
                    )
                )
            self.pages(env, db, "baseline data", 100.0)
            self.import_(env, db, kind, csv)
            self.engine(env, db)
            self.pages(env, db, f"{self.args.n:,} obs.", 300.0)
            self.server(env, db)

    def pages(self, env: dict[str, str], db: str, data: str, target_ms: float) -> None:
        """Server-side time of every page (django.test.Client), overview against its target."""
        urls = [loadtest.BASELINE, *loadtest.PATHS]
        args = [a for u in urls for a in ("--url", u)]
        args += ["--requests", str(self.args.requests), "--max-seconds", "4"]
        args += ["--target-url", OVERVIEW, "--target-seconds", "20"]
        result = self.step(db, f"pages ({data})", lambda: run_task("pages", args, env, 90), 30)
        if result is None:
            return
        if "error" in result:
            self.failed(f"page / server-side p95 ({data})", db, result["error"])
            return
        pages = result["pages"]
        base = pages[loadtest.BASELINE]
        for url in urls:
            page = pages[url]
            is_overview = url == OVERVIEW
            limit = target_ms if is_overview else None
            figure = f"page {url} server-side p50/p95 ({data})"
            if not page["ok"]:
                self.add(Row(figure, db, f"HTTP {page['status']}", "2xx", "", "FAIL"))
                continue
            self.add(
                Row(
                    figure,
                    db,
                    f"{page['p50_ms']:.1f} / {page['p95_ms']:.1f} ms (n={page['n']})",
                    f"p95 <= {target_ms:.0f} ms" if is_overview else "",
                    "baseline"
                    if url == loadtest.BASELINE
                    else f"{times(page['p95_ms'], base['p95_ms'])} /healthz p95",
                    judge(page["p95_ms"], limit),
                    page["p95_ms"],
                    limit,
                    "ms",
                )
            )

        uncached = result.get("uncached")
        if uncached:
            self.add(
                Row(
                    f"page / rebuilt, page cache cleared each time ({data})",
                    db,
                    f"{uncached['p50_ms']:.1f} / {uncached['p95_ms']:.1f} ms (n={uncached['n']})",
                    "",
                    "data assembly + render from the cached evaluation",
                    "-",
                )
            )

    def import_(self, env: dict[str, str], db: str, kind: str, csv: Path) -> None:
        """`oip evidence import` of the CSV, its peak memory and the bulk-insert baseline."""
        figure = f"import {self.args.n:,} obs. from CSV (oip evidence import)"
        target = IMPORT_TARGET_S[kind]
        result = self.step(
            db, "import", lambda: run_task("import", ["--csv", str(csv)], env, 300), 40
        )
        if result is None:
            return
        if "error" in result:
            self.failed(figure, db, result["error"], f"<= {target:.0f} s")
            return
        bulk = self.step(db, "bulk baseline", lambda: run_task("bulk", [], env, 120), 20) or {}
        if "error" in bulk:
            self.failed("baseline: plain bulk insert of the same rows", db, bulk["error"])
        elif bulk:
            self.add(
                Row(
                    "baseline: plain bulk insert of the same rows",
                    db,
                    f"{bulk['seconds']:.1f} s ({bulk['method']}, {bulk['sources']:,} sources "
                    f"+ {bulk['observations']:,} obs.)",
                    value=bulk["seconds"],
                    unit="s",
                )
            )
        ratio = (
            f"{times(result['seconds'], bulk['seconds'])} bulk insert" if "seconds" in bulk else ""
        )
        self.add(
            Row(
                figure,
                db,
                f"{result['seconds']:.1f} s (CPU {result['cpu_s']:.1f} s)",
                f"<= {target:.0f} s",
                ratio,
                judge(result["seconds"], target),
                result["seconds"],
                target,
                "s",
            )
        )
        self.add(memory_row("import: peak memory (max RSS)", db, result["max_rss_mb"]))

    def engine(self, env: dict[str, str], db: str) -> None:
        """The engine on the imported observations: one date, with loading, series, memory."""
        result = self.step(
            db, "engine", lambda: run_task("engine", ["--repeat", "5"], env, 150), 30
        )
        if result is None:
            return
        if "error" in result:
            self.failed("engine", db, result["error"])
            return
        count = f"{result['standings']} standings"
        self.add(
            Row(
                f"engine: all standings at one date ({count}), engine time",
                db,
                f"{ms(result['one_date_s'])} (CPU {ms(result['one_date_cpu_s'])})",
                "<= 100 ms",
                f"{times(result['one_date_s'], result['group_s'])} one grouping pass"
                f" ({ms(result['group_s'])})",
                judge(result["one_date_s"], 0.1),
                result["one_date_s"],
                0.1,
                "s",
            )
        )
        self.add(
            Row(
                "engine: all standings at one date, incl. loading from the DB",
                db,
                f"{ms(result['load_and_one_date_s'])} (CPU {ms(result['load_and_one_date_cpu_s'])})",
                # The issue sets this target for SQLite only; on PostgreSQL it is a reference.
                "<= 1 s" if db == "SQLite" else "(SQLite target; reference)",
                f"load {ms(result['load_s'])} = {times(result['load_s'], result['raw_fetch_s'])}"
                f" raw fetchall ({ms(result['raw_fetch_s'])})",
                judge(result["load_and_one_date_s"], 1.0) if db == "SQLite" else "-",
                result["load_and_one_date_s"],
                1.0,
                "s",
            )
        )
        self.add(
            Row(
                f"engine: monthly series, {result['series_dates']} dates over 10 years",
                db,
                f"{result['series_s']:.2f} s (CPU {result['series_cpu_s']:.2f} s)",
                "<= 2 s",
                f"{times(result['series_s'], result['one_date_s'])} one date",
                judge(result["series_s"], 2.0),
                result["series_s"],
                2.0,
                "s",
            )
        )
        self.add(
            memory_row(
                "engine: peak memory (max RSS, Django + observations + series)",
                db,
                result["max_rss_mb"],
            )
        )

    def server(self, env: dict[str, str], db: str) -> None:
        """`oip serve` under wrk: every path at 1, 20 and 100 connections, /healthz as baseline."""
        paths = list(loadtest.PATHS)
        need = (len(paths) + 1) * (len(loadtest.CONNECTIONS) * self.args.seconds + 1) + 15
        OUT.mkdir(parents=True, exist_ok=True)
        log = OUT / f"serve-{db.lower()}.log"
        log.write_text("")
        result = self.step(
            db,
            "server under wrk",
            lambda: loadtest.load_test(env, paths, loadtest.CONNECTIONS, self.args.seconds, log),
            need,
        )
        if result is None:
            return
        if result["error"]:
            self.failed("serve: oip serve under wrk", db, result["error"])
            return
        healthz = {r["connections"]: r for r in result["runs"] if r["path"] == loadtest.BASELINE}
        for path in [loadtest.BASELINE, *paths]:
            status = result["statuses"].get(path)
            if not (isinstance(status, int) and 200 <= status < 300):
                self.add(Row(f"serve {path}", db, f"HTTP {status} (not loaded)", "2xx", "", "FAIL"))
                continue
            for run in (r for r in result["runs"] if r["path"] == path):
                count = run["connections"]
                base = healthz.get(count)
                share = run["rps"] / base["rps"] if base and base["rps"] else None
                errors = run["non2xx"] + sum(run["socket_errors"].values())
                measured = (
                    f"{run['rps']:.1f} req/s; p50/p95/p99 {run['p50_ms']:.0f}/"
                    f"{run['p95_ms']:.0f}/{run['p99_ms']:.0f} ms"
                )
                if run["error"]:
                    measured = f"error: {run['error'][:80]}"
                elif run["requests"] == 0:
                    measured = "no request completed"
                elif errors:
                    bad = {k: v for k, v in run["socket_errors"].items() if v}
                    measured += f"; {run['non2xx']} non-2xx, socket errors {bad or 0}"
                target = "no errors"
                verdict = "ok" if run["ok"] else "FAIL"
                if path == OVERVIEW and count == 20:
                    target = "no errors; >= 50% of /healthz req/s"
                    if share is None or share < 0.5:
                        verdict = "FAIL"
                ratio = (
                    "baseline"
                    if path == loadtest.BASELINE
                    else (f"{share:.1%} of /healthz" if share is not None else "n/a")
                )
                self.add(
                    Row(
                        f"serve {path} @{count} conn.",
                        db,
                        measured,
                        target,
                        ratio,
                        verdict,
                        run["rps"],
                        None,
                        "req/s",
                    )
                )

    def reports(self) -> None:
        """The reports' figures from bench/bench_reports.py.

        It builds its own scratch SQLite database with the baseline data, so it runs once.
        """
        db = "SQLite (own)"
        targets = "regional PDF <= 10 s; country PDF <= 5 s"
        if not (ROOT / "bench" / "bench_reports.py").exists():
            self.add(
                Row(
                    "reports: not measured (bench_reports missing)",
                    "-",
                    "not measured",
                    targets,
                    "",
                    "-",
                )
            )
            return
        env = base_env(self.work / "reports-var")
        result = self.step(db, "reports", lambda: run_task("reports", [], env, 240), 60)
        if result is None:
            return
        if "error" in result or not result.get("figures"):
            error = result.get("error") or "no figures in: " + result.get("stdout", "")[-100:]
            self.failed("reports (bench/bench_reports.py)", db, error, targets)
            return
        for item in result["figures"]:
            worst = max(item["cold_s"], item["warm_s"])
            self.add(
                Row(
                    f"reports: {item['figure']}, build + render (bench_reports.py)",
                    db,
                    f"cold {item['cold_s']:.2f} s / warm {item['warm_s']:.2f} s",
                    f"<= {item['target_s']:g} s",
                    "",
                    judge(worst, item["target_s"]),
                    worst,
                    item["target_s"],
                    "s",
                )
            )
        self.add(Row("reports: peak memory (max RSS)", db, f"{result['max_rss_mb']:.0f} MB"))

    def liaison(self) -> None:
        """The liaison exchange's figures: each `bench/<module>.py` in LIAISON exposes `rows()`,
        a list of {figure, measured_s, target_s, baseline_s[, database]}, run in a child process
        (the pure core needs no database; a module that does builds its own)."""
        for module in LIAISON:
            if not (ROOT / "bench" / f"{module}.py").exists():
                self.add(Row(f"exchange: {module} not measured (missing)", "-", "not measured"))
                continue
            code = f"import json, bench.{module} as m; print(json.dumps(m.rows()))"
            env = base_env(self.work / f"{module}-var")
            started = time.perf_counter()
            try:
                done = subprocess.run(
                    [sys.executable, "-c", code],
                    env=env,
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    timeout=max(30.0, min(300.0, CLOCK.left())),
                    check=False,
                )
            except subprocess.TimeoutExpired:
                self.failed(f"exchange: {module}", "-", "timed out")
                continue
            self.raw[module] = {"seconds": round(time.perf_counter() - started, 1)}
            if done.returncode != 0:
                self.failed(f"exchange: {module}", "-", done.stderr.strip()[-150:])
                continue
            for item in json.loads(done.stdout.strip().splitlines()[-1]):
                measured, target = item["measured_s"], item.get("target_s")
                base = item.get("baseline_s")
                self.add(
                    Row(
                        f"exchange: {item['figure']}",
                        item.get("database", "-"),
                        ms(measured),
                        f"<= {ms(target)}" if target else "",
                        f"{times(measured, base)} a trivial loop" if base else "",
                        judge(measured, target),
                        measured,
                        target,
                        "s",
                    )
                )


# -- output -----------------------------------------------------------------------------------


COLUMNS = ("figure", "database", "measured", "target", "ratio/baseline", "verdict")


def table(rows: Sequence[Row]) -> str:
    """Render `rows` as one plain-text table."""
    cells = [(r.figure, r.database, r.measured, r.target, r.ratio, r.verdict) for r in rows]
    widths = [max(len(c[i]) for c in [COLUMNS, *cells]) for i in range(len(COLUMNS))]
    rule = "-+-".join("-" * w for w in widths)

    def line(values: Sequence[str]) -> str:
        return " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    return "\n".join([line(COLUMNS), rule, *(line(c) for c in cells)])


def load_average() -> list[float]:
    """Return the 1, 5 and 15-minute load averages (others' work on this machine shows here)."""
    return [round(x, 2) for x in os.getloadavg()]


def git_revision() -> str:
    """Return the current commit (with "+dirty" if the tree has changes), or "unknown"."""
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (rev or "unknown") + ("+dirty" if dirty else "")


def monitor(bench: Bench, args: argparse.Namespace, work: Path, kinds: Sequence[str]) -> None:
    """The monitor's figures: generated data, then each database in turn, then the reports."""
    catalogue = bench_catalogue(work / "catalogue")
    csv = work / "observations.csv"
    say(f"generating {args.n:,} observations (seed {args.seed}) ...")
    generated = run_task(
        "generate",
        [
            "--catalogue-dir",
            str(catalogue),
            "--out",
            str(csv),
            "--n",
            str(args.n),
            "--seed",
            str(args.seed),
        ],
        base_env(work / "generate-var"),
        120,
    )
    bench.raw["generate"] = generated
    if "error" in generated:
        bench.failed("data: generated CSV", "-", generated["error"])
    else:
        bench.add(
            Row(
                "data: generated CSV (bench/generate.py)",
                "-",
                f"{generated['rows']:,} obs., {generated['countries']} countries x "
                f"{generated['benchmarks']} benchmarks, 10 years, seed {args.seed}",
                "",
                f"catalogue {generated['catalogue_version']}",
            )
        )
        for kind in kinds:
            reason = postgres_available() if kind == "postgresql" else None
            if reason:
                say(f"{LABELS[kind]}: skipped ({reason})")
                bench.add(Row("all figures", LABELS[kind], f"skipped (no PostgreSQL: {reason})"))
                continue
            try:
                bench.measure(kind, catalogue, csv)
            except (RuntimeError, OSError, subprocess.SubprocessError) as error:
                bench.failed("all figures", LABELS[kind], str(error))
        bench.reports()


def main(argv: Sequence[str] | None = None) -> int:
    """Run every measurement, print the table, write bench/out/results.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000, help="generated observations")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--seconds", type=int, default=3, help="whole seconds per wrk run (wrk takes no fractions)"
    )
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    parser.add_argument("--only", choices=sorted(LABELS), action="append", help="one database")
    parser.add_argument(
        "--exchange-only", action="store_true", help="only the liaison exchange's figures"
    )
    args = parser.parse_args(argv)
    started = dt.datetime.now(dt.UTC)
    meta: dict[str, Any] = {
        "started": started.isoformat(timespec="seconds"),
        "revision": git_revision(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_start": load_average(),
        "n": args.n,
        "seed": args.seed,
        "wrk_seconds": args.seconds,
    }
    kinds = args.only or ["sqlite", "postgresql"]
    with tempfile.TemporaryDirectory(prefix="oip-bench-") as tmp:
        work = Path(tmp)
        bench = Bench(args, work)
        if args.exchange_only:
            bench.liaison()
        else:
            monitor(bench, args, work, kinds)
            bench.liaison()
    meta["load_average_end"] = load_average()
    meta["seconds"] = round(CLOCK.elapsed(), 1)
    OUT.mkdir(parents=True, exist_ok=True)
    results = {"meta": meta, "rows": [asdict(r) for r in bench.rows], "raw": bench.raw}
    (OUT / "results.json").write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    failures = [r for r in bench.rows if r.verdict == "FAIL"]
    print(
        f"OIP bench {meta['started']} rev {meta['revision']}, {meta['cpus']} CPUs, "
        f"load average {meta['load_average_start']} -> {meta['load_average_end']}, "
        f"{meta['seconds']:.0f} s"
    )
    print(table(bench.rows))
    print(f"\n{len(failures)} figure(s) FAIL; details in {OUT.relative_to(ROOT)}/results.json")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
