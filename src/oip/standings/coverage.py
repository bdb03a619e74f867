"""How much of the catalogue the evidence covers.

`coverage()` counts, per country x area, the benchmarks with evidence and those not assessed
(no observation at all: `unknown`), and splits the assessed ones by their status at the date,
with the engine's semantics (a lapsed `met` counts as `expired`, and as lapsed; never `not_met`).

"Not assessed", `expired` and `not_met` are kept apart on purpose: an empty cell is not a
failing grade, nor is evidence that needs renewing.
"""

from __future__ import annotations

import datetime as dt

from oip.catalogue.fetch import current_catalogue
from oip.region import Coverage
from oip.region import coverage as region_coverage
from oip.standings.evaluation import evaluation

#: One row of coverage: the pure core's `Coverage` (kept under its read-path name).
CoverageRow = Coverage


def coverage(as_of: dt.date) -> list[Coverage]:
    """Return one row per country x area (catalogue order) describing the evidence at `as_of`.

    The rule is the core's (`oip.region.coverage`); this read path supplies the catalogue and
    the evaluation of all evidence (one query, cached per data version).
    """
    return region_coverage(current_catalogue(), evaluation(), as_of)
