"""Seeded generator of realistic evidence for benchmarking the conditionality engine.

`generate_observations(catalogue, n, countries, years, seed)` returns `Observation`s: per
country a pace of reform, per benchmark a date from which it is met (later for higher tiers and
slower countries), preceded by `not_met`/`partial` reports; `met` reports are renewed at
irregular intervals, so benchmarks with `validity_days` sometimes lapse; occasional setbacks
(integrity ones included) and a few `not_applicable` benchmarks. The same seed gives the same
data.

CLI: writes the import CSV of docs/contracts.md ("oip evidence import"):

    python bench/generate.py --out var/bench-observations.csv [--n 200000] [--synthetic]

It loads the real catalogue (`oip.catalogue.loader.load_catalogue`) unless `--synthetic`, or if
that is not available, and adds the non-catalogue countries to it.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from oip.catalogue.schema import Catalogue, Country
from oip.conditionality.types import Observation, ObservationStatus
from oip.evidence.records import CSV_COLUMNS

END = dt.date(2026, 11, 21)
COUNTRY_NAMES: dict[str, str] = {
    "AL": "Albania",
    "BA": "Bosnia and Herzegovina",
    "XK": "Kosovo",
    "ME": "Montenegro",
    "MK": "North Macedonia",
    "RS": "Serbia",
    "UA": "Ukraine",
    "MD": "Moldova",
    "GE": "Georgia",
    "TR": "Türkiye",
}
PUBLISHERS = ("European Commission", "ENISA", "Official Gazette", "Ministry of Interior", "EPPO")


def country_codes(catalogue: Catalogue, count: int) -> list[str]:
    """Return `count` country codes: the catalogue's first, then the other candidates."""
    codes = list(catalogue.country_codes())
    for code in COUNTRY_NAMES:
        if code not in codes:
            codes.append(code)
    if count > len(codes):
        raise ValueError(f"at most {len(codes)} countries are known to the generator")
    return codes[:count]


def extend_countries(catalogue: Catalogue, codes: Sequence[str]) -> Catalogue:
    """Return `catalogue` with any of `codes` it lacks appended to its countries."""
    known = set(catalogue.country_codes())
    extra = tuple(
        Country(code=code, name=COUNTRY_NAMES.get(code, code))
        for code in codes
        if code not in known
    )
    return catalogue.model_copy(update={"countries": catalogue.countries + extra})


def synthetic_catalogue(areas: int = 9, targets_per_area: int = 8) -> Catalogue:
    """Return a catalogue shaped like the Menu: `areas` x `targets_per_area` x 2 benchmarks.

    Tiers 1-3 per area (3/3/2 targets out of 8), a mix of benchmark kinds, validity periods on
    operational benchmarks, one integrity benchmark per area at tier 2, quorum < 1 in some areas.
    """
    whos = ("country", "eu", "joint", "country")
    targets: list[dict[str, Any]] = []
    area_rows: list[dict[str, Any]] = []
    for a in range(areas):
        area_id = f"area{a}"
        area_rows.append(
            {
                "id": area_id,
                "title": f"Area {a}",
                "quorum": 0.75 if a % 3 == 2 else 1.0,
                "grace_days": 90 if a % 2 == 0 else 60,
            }
        )
        for t in range(targets_per_area):
            tier = 1 + min(2, (t * 3) // targets_per_area)
            second_kind = "integrity" if t == targets_per_area // 2 else "operational"
            validity = None if second_kind == "integrity" else (180, 365, None)[t % 3]
            targets.append(
                {
                    "id": f"{area_id}-t{t}",
                    "area": area_id,
                    "tier": tier,
                    "title": f"Target {t} of area {a}",
                    "who": whos[(a + t) % len(whos)],
                    "benchmarks": [
                        {
                            "id": f"{area_id}-t{t}-b0",
                            "kind": ("legal", "institutional")[t % 2],
                            "statement": "A law or act is adopted.",
                            "accepted_evidence": "Official gazette.",
                        },
                        {
                            "id": f"{area_id}-t{t}-b1",
                            "kind": second_kind,
                            "statement": "It works in practice.",
                            "accepted_evidence": "Agency report.",
                            "validity_days": validity,
                            "who": "eu" if t % 5 == 3 else None,
                        },
                    ],
                }
            )
    return Catalogue.model_validate(
        {
            "version": "synthetic",
            "countries": [{"code": c, "name": COUNTRY_NAMES[c]} for c in list(COUNTRY_NAMES)[:6]],
            "tiers": [
                {"level": 1, "name": "incremental", "definition": "Incremental steps."},
                {"level": 2, "name": "structural", "definition": "Structural integration."},
                {"level": 3, "name": "transformational", "definition": "Full participation."},
            ],
            "instruments": [],
            "bodies": [],
            "areas": area_rows,
            "targets": targets,
        }
    )


def _status_at(
    rng: random.Random, day: dt.date, met_from: dt.date, integrity: bool
) -> ObservationStatus:
    """Return the reported status on `day` of a benchmark that is met from `met_from` on."""
    if day >= met_from:
        setback = 0.01 if integrity else 0.03
        if rng.random() < setback:
            return "not_met" if rng.random() < 0.6 else "partial"
        return "met"
    if (met_from - day).days < 365:
        return "partial" if rng.random() < 0.7 else "not_met"
    return "partial" if rng.random() < 0.2 else "not_met"


def generate_observations(
    catalogue: Catalogue,
    n: int = 200_000,
    countries: int = 10,
    years: int = 10,
    seed: int = 42,
) -> list[Observation]:
    """Return `n` observations over `years` years ending on END, for `countries` countries.

    The countries are the catalogue's first, then UA MD GE TR (extend the catalogue with
    `extend_countries` to evaluate them). Ids follow import order (`recorded_at`).
    """
    rng = random.Random(seed)
    codes = country_codes(catalogue, countries)
    start = END - dt.timedelta(days=365 * years)
    span = (END - start).days
    pairs = [
        (code, target, benchmark) for code in codes for target, benchmark in catalogue.benchmarks()
    ]
    pace = {code: rng.uniform(0.35, 1.0) for code in codes}
    base, extra = divmod(n, len(pairs))
    with_extra = set(rng.sample(range(len(pairs)), extra))
    end_of_day = dt.datetime.combine(END, dt.time(23, 59), dt.UTC)
    records: list[tuple[dt.datetime, str, str, ObservationStatus, dt.date]] = []
    for index, (code, target, benchmark) in enumerate(pairs):
        count = base + (index in with_extra)
        if count == 0:
            continue
        # Higher tiers and slower countries get there later, some never within the period.
        share = rng.gauss((0.1 + 0.25 * target.tier) / pace[code], 0.15)
        met_from = start + dt.timedelta(days=int(max(0.0, share) * span))
        not_applicable = rng.random() < 0.02
        integrity = benchmark.kind == "integrity"
        offsets = sorted(rng.randrange(span + 1) for _ in range(count))
        for offset in offsets:
            observed_on = start + dt.timedelta(days=offset)
            status: ObservationStatus = (
                "not_applicable"
                if not_applicable
                else _status_at(rng, observed_on, met_from, integrity)
            )
            delay = dt.timedelta(days=rng.randrange(46), seconds=rng.randrange(86_400))
            recorded_at = min(
                dt.datetime.combine(observed_on, dt.time(), dt.UTC) + delay, end_of_day
            )
            records.append((recorded_at, code, benchmark.id, status, observed_on))
    records.sort(key=lambda r: (r[0], r[1], r[2], r[4]))
    return [
        Observation(
            country=code,
            benchmark=benchmark_id,
            status=status,
            observed_on=observed_on,
            recorded_at=recorded_at,
            id=k + 1,
        )
        for k, (recorded_at, code, benchmark_id, status, observed_on) in enumerate(records)
    ]


def write_csv(observations: Sequence[Observation], path: Path) -> None:
    """Write `observations` as an import CSV (the contract's columns, one sourced row each)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for o in observations:
            published = min(o.observed_on + dt.timedelta(days=o.id % 30), END)
            writer.writerow(
                (
                    o.country,
                    o.benchmark,
                    o.status,
                    o.observed_on.isoformat(),
                    f"https://example.org/reports/{o.country.lower()}/{o.benchmark}/{o.id}",
                    f"Progress report on {o.benchmark} ({o.country})",
                    PUBLISHERS[o.id % len(PUBLISHERS)],
                    published.isoformat(),
                    f"The benchmark {o.benchmark} is {o.status.replace('_', ' ')}.",
                    "synthetic benchmark data" if o.id % 10 == 0 else "",
                )
            )


def load_bench_catalogue(synthetic: bool = False) -> Catalogue:
    """Return the real catalogue, or the synthetic one if asked or the real one is unavailable."""
    if not synthetic:
        try:
            from oip.catalogue.loader import load_catalogue

            return load_catalogue()
        except Exception as error:  # a broken catalogue must not stop a benchmark run
            print(f"real catalogue unavailable ({error!r:.200}); using synthetic", file=sys.stderr)
    return synthetic_catalogue()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("var/bench-observations.csv"))
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--countries", type=int, default=10)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--synthetic", action="store_true", help="use the synthetic catalogue")
    args = parser.parse_args(argv)
    catalogue = load_bench_catalogue(args.synthetic)
    observations = generate_observations(
        catalogue, n=args.n, countries=args.countries, years=args.years, seed=args.seed
    )
    write_csv(observations, args.out)
    print(f"wrote {len(observations)} observations to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
