"""Benchmark the evidence rules and the public figures over 5 years of generated exchange facts.

    PYTHONPATH=src .venv/bin/python bench/bench_liaison_metrics.py [--n 1000000]

`rows()` returns one dict per figure (keys figure, measured_s, target_s, baseline_s); the
baseline is a trivial loop touching every fact once. Target (EXCHANGE.md §6.16): recomputing
everything (every observation to record and every published quarter, all countries x areas x
quarters, 5 years) <= 10 s for 1,000,000 events.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from oip.catalogue.loader import default_directory, load_catalogue
from oip.liaison.evidence_map import shipped_evidence_map
from oip.liaison.metrics import (
    BreachDecision,
    ClockOutcome,
    ExceptionalDelivery,
    Facts,
    ReachabilityResult,
    TemplateUse,
    observations,
)
from oip.liaison.performance import quarter_metrics

TARGET_S = 10.0
COUNTRIES = ("AL", "BA", "ME", "MK", "RS", "XK", "UA", "MD", "GE", "TR")
AREAS = {
    "cyber": ("enisa", "cyber-incident"),
    "fdi": ("commission-dgs", "fdi-notification"),
    "eppo": ("eppo", "eppo-referral"),
    "fimi": ("eeas-stratcom", "fimi-alert"),
    "financial-integrity": ("fiu-platform", "aml-exchange"),
}
#: The tier-1 integrity benchmark (C1) of each area, which a GREEN or AMBER breach hits.
C1 = {
    area: f"{target}.information-handling"
    for area, target in (
        ("cyber", "cyber.csirt-networks"),
        ("fdi", "fdi.screening-authority"),
        ("eppo", "eppo.contact-points"),
        ("fimi", "fimi.eeas-liaison-points"),
        ("financial-integrity", "financial-integrity.liaison-points"),
    )
}
START = dt.datetime(2022, 1, 1, tzinfo=dt.UTC)
SPAN_H = 5 * 365 * 24
NOW = START + dt.timedelta(hours=SPAN_H)


def generate(n: int, seed: int = 42) -> Facts:
    """`n` events as facts: 60 % clock outcomes, 25 % uses, 10 % reachability results, the
    rest breach decisions and exceptional deliveries (the same data for a seed)."""
    rnd = random.Random(seed)
    areas = list(AREAS)
    clocks, uses, tests, breaches, exceptional = [], [], [], [], []
    for i in range(n):
        country, area = rnd.choice(COUNTRIES), rnd.choice(areas)
        body, template = AREAS[area]
        moment = START + dt.timedelta(hours=rnd.randrange(SPAN_H))
        roll = rnd.random()
        if roll < 0.6:
            met = rnd.random() < 0.9
            started = moment - dt.timedelta(hours=4)
            stopped = moment - dt.timedelta(hours=1) if met else moment + dt.timedelta(hours=2)
            side = "country" if rnd.random() < 0.7 else "eu"
            status = "met" if met else "late"
            clocks.append(
                ClockOutcome(
                    f"c{i}", country, area, side, body, "acknowledgement", status,
                    started, moment, stopped,
                )
            )  # fmt: skip
        elif roll < 0.85:
            strand = rnd.choice(("aml", "asset-recovery", "customs"))
            uses.append(
                TemplateUse(f"u{i}", country, area, template, moment, "notification", strand)
            )
        elif roll < 0.95:
            minutes = rnd.randrange(1, 60)
            result = "met" if minutes <= 30 else "not_met"
            answered = moment + dt.timedelta(minutes=minutes)
            function = rnd.choice(("fiu", "aro", "customs"))
            tests.append(
                ReachabilityResult(
                    f"t{i}", country, area, body, function, moment, dt.timedelta(minutes=30),
                    answered, result,
                )
            )  # fmt: skip
        elif roll < 0.96:
            state = rnd.choice(("confirmed", "dismissed", "remedied"))
            chosen = (C1[area],)
            breaches.append(BreachDecision(f"b{i}", country, area, state, moment, "amber", chosen))
        else:
            exceptional.append(ExceptionalDelivery(country, area, body, moment))
    recognised = frozenset(
        (c, b)
        for c in COUNTRIES
        for b in (
            "fdi.secure-channels.access",
            "fimi.ras-interface.established",
            "financial-integrity.secure-channels.connected",
        )
    )
    return Facts(tests, uses, clocks, breaches, exceptional, recognised)


def _baseline(facts: Facts) -> int:
    touched = 0
    for group in (facts.reachability, facts.uses, facts.clocks, facts.breaches, facts.exceptional):
        for fact in group:
            touched += fact.country == "AL"
    return touched


def _best(repeat: int, run: Any) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def rows(n: int = 1_000_000, repeat: int = 2) -> list[dict[str, Any]]:
    """The figures: observations, public quarters, and both together (the recompute)."""
    facts = generate(n)
    catalogue = load_catalogue(default_directory())
    validity = {b.id: b.validity_days for t in catalogue.targets for b in t.benchmarks}
    evidence_map = shipped_evidence_map()
    baseline = _best(repeat, lambda: _baseline(facts))

    def recompute() -> None:
        observations(facts, evidence_map, validity, NOW)
        quarter_metrics(facts, NOW.date())

    figures = [
        ("liaison metrics: observations to record", 0.0, lambda: observations(
            facts, evidence_map, validity, NOW
        )),
        ("liaison metrics: public quarters", 0.0, lambda: quarter_metrics(facts, NOW.date())),
        (f"liaison metrics: recompute everything, {n:,} events over 5 years", TARGET_S, recompute),
    ]  # fmt: skip
    return [
        {
            "figure": figure,
            "measured_s": round(_best(repeat, run), 3),
            "target_s": target or None,
            "baseline_s": round(baseline, 3),
        }
        for figure, target, run in figures
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2)
    options = parser.parse_args(argv)
    failed = False
    for row in rows(options.n, options.repeat):
        target = row["target_s"]
        verdict = "" if target is None else ("ok" if row["measured_s"] <= target else "FAIL")
        failed |= verdict == "FAIL"
        limit = f"<= {target} s" if target else "-"
        print(
            f"{row['figure']:<70} {row['measured_s']:>8.3f} s  {limit:<10} "
            f"(baseline {row['baseline_s']:.3f} s) {verdict}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
