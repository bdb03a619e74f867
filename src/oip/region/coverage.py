"""How much of each area the evidence covers, per country, from the engine's benchmark states.

"Not assessed" (no observation at all: `unknown`), `expired` and `not_met` are kept apart on purpose: an
empty cell is not a failing grade. Pure: no Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from oip.catalogue.schema import Catalogue
from oip.conditionality import Evaluation
from oip.conditionality.types import BenchmarkState
from oip.vocabulary import BENCHMARK_STATUSES

__all__ = ["Coverage", "area_coverage", "coverage"]


@dataclass(frozen=True, slots=True)
class Coverage:
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

    @property
    def is_assessed(self) -> bool:
        """Whether any benchmark of the area has evidence: without, the area is "not
        assessed", never "tier 0"."""
        return self.with_evidence > 0


def area_coverage(
    country: str, area: str, as_of: dt.date, states: Iterable[BenchmarkState]
) -> Coverage:
    """Return the coverage of `states`, the states of every benchmark of `area` at `as_of`."""
    counts = dict.fromkeys(BENCHMARK_STATUSES, 0)
    lapsed = total = 0
    newest: dt.date | None = None
    for state in states:
        total += 1
        counts[state.status] += 1
        lapsed += state.lapsed_on is not None
        if state.observed_on is not None and (newest is None or state.observed_on > newest):
            newest = state.observed_on
    return Coverage(
        country=country,
        area=area,
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


def coverage(
    catalogue: Catalogue,
    evaluation: Evaluation,
    as_of: dt.date,
    countries: Sequence[str] | None = None,
    areas: Sequence[str] | None = None,
) -> list[Coverage]:
    """Return one `Coverage` per country x area (catalogue order; all if None) at `as_of`.

    An observation counts when its `observed_on <= as_of`; statuses are the engine's (a lapsed
    `met` counts as `expired`, and as lapsed). KeyError for an unknown country or area.
    """
    selected_countries = catalogue.country_codes() if countries is None else countries
    selected_areas = [a.id for a in catalogue.areas] if areas is None else areas
    return [
        area_coverage(country, area, as_of, evaluation.benchmark_states(country, area, as_of))
        for country in selected_countries
        for area in selected_areas
    ]
