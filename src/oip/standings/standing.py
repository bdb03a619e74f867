"""Read path for standings as plain data: the one shape the CLI, the API and downloads share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from oip.catalogue.fetch import current_catalogue
from oip.conditionality.present import standing_dict
from oip.standings.evaluation import evaluation


def standings_data(
    as_of: dt.date,
    known_at: dt.datetime | None = None,
    countries: Sequence[str] | None = None,
    areas: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Return every selected standing at `as_of` in DESIGN.md's JSON contract, plus `assessed`.

    `assessed` = {"benchmarks": n, "with_evidence": m}: how much of the area the evidence
    covers in that country, so "not assessed" (m == 0) never reads as "not met".
    Raises KeyError for an unknown country or area.
    """
    catalogue = current_catalogue()
    engine = evaluation(known_at)
    found = engine.standings(as_of, countries=countries, areas=areas)
    benchmarks = {
        a.id: [b.id for t in catalogue.targets_in(a.id) for b in t.benchmarks]
        for a in catalogue.areas
    }
    rows = []
    for standing in found:
        row = standing_dict(catalogue, standing)
        ids = benchmarks[standing.area]
        with_evidence = sum(
            1
            for benchmark in ids
            if engine.benchmark_state(standing.country, benchmark, as_of).status != "unknown"
        )
        row["assessed"] = {"benchmarks": len(ids), "with_evidence": with_evidence}
        rows.append(row)
    return rows
