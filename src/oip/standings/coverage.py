"""How much of the catalogue the evidence covers.

`coverage()` counts, per country x area, the benchmarks with evidence and those not assessed
(no observation at all: `unknown`), and splits the assessed ones by their status at the date,
with the engine's semantics (a lapsed `met` counts as `expired`, never `not_met`).

"Not assessed" and `not_met` are kept apart on purpose: an empty cell is not a failing grade.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from oip.catalogue.fetch import current_catalogue
from oip.standings.evaluation import evaluation
from oip.vocabulary import BENCHMARK_STATUSES


@dataclass(frozen=True, slots=True)
class CoverageRow:
    """Evidence coverage of one area's benchmarks in one country at `as_of`.

    `benchmarks == with_evidence + unknown + presumed` and
    `with_evidence == met + partial + not_met + expired + not_applicable`: an `expired` benchmark
    (a `met` past its validity) is never counted `not_met`; `lapsed` equals `expired` (the
    older name, kept for readers of this field). `presumed` ones rest on no observation. `newest` is the latest `observed_on` among the
    observations in force (None when nothing is assessed).
    """

    country: str
    area: str
    as_of: dt.date
    benchmarks: int
    with_evidence: int
    unknown: int
    met: int
    partial: int
    not_met: int
    not_applicable: int
    lapsed: int
    newest: dt.date | None
    expired: int = 0
    presumed: int = 0


def coverage(as_of: dt.date) -> list[CoverageRow]:
    """Return one row per country x area (catalogue order) describing the evidence at `as_of`.

    An observation counts when its `observed_on <= as_of`; statuses are the engine's
    (`oip.standings.evaluation.evaluation()`, one query for the observations, cached per data version).
    """
    catalogue = current_catalogue()
    engine = evaluation()
    rows: list[CoverageRow] = []
    for country in catalogue.country_codes():
        for area in catalogue.areas:
            counts = dict.fromkeys(BENCHMARK_STATUSES, 0)
            lapsed = 0
            total = 0
            newest: dt.date | None = None
            for target in catalogue.targets_in(area.id):
                for benchmark in target.benchmarks:
                    total += 1
                    state = engine.benchmark_state(country, benchmark.id, as_of)
                    counts[state.status] += 1
                    if state.lapsed_on is not None:
                        lapsed += 1
                    if state.observed_on is not None and (
                        newest is None or state.observed_on > newest
                    ):
                        newest = state.observed_on
            rows.append(
                CoverageRow(
                    country=country,
                    area=area.id,
                    as_of=as_of,
                    benchmarks=total,
                    with_evidence=total - counts["unknown"] - counts["presumed"],
                    unknown=counts["unknown"],
                    met=counts["met"],
                    partial=counts["partial"],
                    not_met=counts["not_met"],
                    not_applicable=counts["not_applicable"],
                    lapsed=lapsed,
                    newest=newest,
                    expired=counts["expired"],
                    presumed=counts["presumed"],
                )
            )
    return rows
