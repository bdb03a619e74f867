"""Benchmark the conditionality engine on 200,000 generated observations.

    PYTHONPATH=src .venv/bin/python bench/bench_engine.py [--n 200000] [--synthetic]

Prints, best of `--repeat` runs:
- all standings at one date, cold (grouping, sorting, sweeping from the raw observations, in
  import order; target <= 100 ms), the same with the observations already ordered by
  `observed_on` (as a shell query can return them), and warm (from a cached `Evaluation`, as
  the web layer serves it);
- the monthly series over 10 years, 120 dates, cold (target <= 2 s);
- the change feed;
- every country x area's tier history over the same 10 years, cold (`Evaluation.history`, the
  charts' exact intervals, against the monthly series it replaces);
- peak memory (tracemalloc, in a separate run, and the process's max RSS).
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import (
    END,
    country_codes,
    extend_countries,
    generate_observations,
    load_bench_catalogue,
)
from oip.conditionality import Evaluation, evaluate, standings, standings_series

TARGET_ONE_DATE_S = 0.100
TARGET_SERIES_S = 2.0


def monthly(end: dt.date, count: int) -> list[dt.date]:
    """Return `count` month-end-aligned dates (same day of month, clamped to 28) up to `end`."""
    dates = []
    year, month = end.year, end.month
    for _ in range(count):
        dates.append(dt.date(year, month, min(end.day, 28)))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return dates[::-1]


def best_of(repeat: int, run: Callable[[], Any]) -> tuple[float, float, float]:
    """Return the best and median wall time and the best CPU time of `repeat` runs, in s.

    CPU time (this process only) is shown because shared machines make wall time noisy.
    """
    walls, cpus = [], []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu_started)
    return min(walls), statistics.median(walls), min(cpus)


def histories(evaluation: Evaluation, dates: list[dt.date]) -> int:
    """Return the number of tier intervals of every country x area from `dates[0]` to the last."""
    catalogue = evaluation.catalogue
    return sum(
        len(evaluation.history(country, area.id, since=dates[0], until=dates[-1]))
        for country in catalogue.country_codes()
        for area in catalogue.areas
    )


def main() -> int:
    parser = argparse.ArgumentParser(description="Benchmark the conditionality engine.")
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--synthetic", action="store_true", help="use the synthetic catalogue")
    args = parser.parse_args()

    catalogue = load_bench_catalogue(args.synthetic)
    catalogue = extend_countries(catalogue, country_codes(catalogue, 10))
    started = time.perf_counter()
    observations = generate_observations(catalogue, n=args.n)
    generated_in = time.perf_counter() - started
    benchmarks = sum(1 for _ in catalogue.benchmarks())
    print(
        f"catalogue {catalogue.version!r}: {len(catalogue.areas)} areas, "
        f"{len(catalogue.targets)} targets, {benchmarks} benchmarks, "
        f"{len(catalogue.countries)} countries; {len(observations)} observations "
        f"(generated in {generated_in:.2f} s)"
    )
    dates = monthly(END, 120)

    one_cold = best_of(args.repeat, lambda: standings(catalogue, observations, END))
    cached = evaluate(catalogue, observations)
    cached.standings(END)
    one_warm = best_of(args.repeat, lambda: cached.standings(END))
    by_date = sorted(observations, key=lambda o: (o.observed_on, o.recorded_at, o.id))
    one_sorted = best_of(args.repeat, lambda: standings(catalogue, by_date, END))
    series_cold = best_of(args.repeat, lambda: standings_series(catalogue, observations, dates))
    feed = best_of(args.repeat, lambda: evaluate(catalogue, observations).changes(until=END))
    history = best_of(args.repeat, lambda: histories(evaluate(catalogue, observations), dates))

    result = standings(catalogue, observations, END)
    tiers = [s.tier for s in result]
    statuses = {s: sum(x.status == s for x in result) for s in ("stable", "on_notice", "suspended")}
    print(
        f"{len(result)} standings at {END}: tiers 0-3 = {[tiers.count(t) for t in range(4)]}, "
        f"{statuses}; {len(cached.changes(until=END))} changes over the period"
    )

    def report(label: str, timing: tuple[float, float, float], target: float | None = None) -> None:
        best, median, cpu = timing
        verdict = "" if target is None else (" OK" if best <= target else " OVER TARGET (wall)")
        goal = "" if target is None else f"  target <= {target * 1000:.0f} ms"
        print(
            f"{label:<46} wall best {best * 1000:7.1f} ms, median {median * 1000:7.1f} ms; "
            f"cpu best {cpu * 1000:7.1f} ms{goal}{verdict}"
        )

    report("all standings at one date, cold", one_cold, TARGET_ONE_DATE_S)
    report("  same, observations passed by observed_on", one_sorted, TARGET_ONE_DATE_S)
    report("all standings at one date, cached Evaluation", one_warm)
    report("monthly series, 120 dates, cold", series_cold, TARGET_SERIES_S)
    report("change feed, cold", feed)
    report("tier histories over the 120 months, cold", history)

    tracemalloc.start()
    standings_series(catalogue, observations, dates)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    max_rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"peak memory of the series run (tracemalloc): {peak / 2**20:.1f} MiB; "
        f"process max RSS (incl. the observations): {max_rss_kib / 1024:.1f} MiB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
