"""Which countries achieved a target, as the engine says. Pure: no Django.

A target is achieved when every one of its benchmarks is satisfied; the engine decides it once
(`Standing.achieved_targets`, `Evaluation.achieved`), and nothing else re-derives it.
"""

from __future__ import annotations

from collections.abc import Sequence

from oip.catalogue.schema import Catalogue
from oip.conditionality.types import Standing

__all__ = ["achieved_by"]


def achieved_by(
    catalogue: Catalogue, standings: Sequence[Standing], target: str
) -> tuple[str, ...]:
    """Return the countries whose standing lists `target` as achieved, in catalogue order.

    `standings` may hold any countries and areas (one date); KeyError for an unknown target.
    """
    catalogue.target(target)
    countries = {s.country for s in standings if target in s.achieved_targets}
    return tuple(code for code in catalogue.country_codes() if code in countries)
