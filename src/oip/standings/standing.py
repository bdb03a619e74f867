"""Standings: one (`standing()`) as the engine's value, or many as the JSON contract's rows.

`standing()` is the question every part of OIP asks — "what tier does ME hold in cyber on
date D?" — and `standings_data()` the plain-data shape the CLI, the API and downloads share.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from oip.catalogue.fetch import current_catalogue
from oip.conditionality.present import standing_dict
from oip.conditionality.types import Standing
from oip.site import clock
from oip.standings.evaluation import evaluation


def standing(
    country: str,
    area: str,
    as_of: dt.date | None = None,
    *,
    known_at: dt.datetime | None = None,
    fresh: bool = False,
) -> Standing:
    """Return `country`'s standing in `area` on `as_of` (default: today), with its explanation.

    Only evidence recorded by `known_at` counts when it is given, so any past reading can be
    reproduced. Freshness: the answer reflects every write made in this process at once, and a
    write in any other process within `OIP_DATA_VERSION_TTL` seconds (the data version is
    memoised that long); `fresh=True` bypasses that memo and reflects every write committed
    before the call — access decisions use it. KeyError for an unknown country or area.
    """
    day = as_of if as_of is not None else clock.today()
    return evaluation(known_at, fresh=fresh).standing(country, area, day)


def standings_data(
    as_of: dt.date,
    known_at: dt.datetime | None = None,
    countries: Sequence[str] | None = None,
    areas: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Return every selected standing at `as_of` in the JSON contract (docs/contracts.md).

    Each row carries the progress of rule 6: `score`, `change_12m`, `progress` per tier and
    `assessed` = {"benchmarks": n, "with_evidence": m}, how much of the area rests on an
    observation in that country, so "not assessed" (m == 0, `not_assessed` true) never reads as
    "not met". Raises KeyError for an unknown country or area.
    """
    catalogue = current_catalogue()
    found = evaluation(known_at).standings(as_of, countries=countries, areas=areas)
    return [standing_dict(catalogue, standing) for standing in found]
