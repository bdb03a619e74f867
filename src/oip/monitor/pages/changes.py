"""The change feed: every change of standing up to a date, newest first, narrowed by country,
area and start date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from oip.catalogue.schema import Catalogue
from oip.conditionality import Evaluation
from oip.monitor.pages.values import (
    AreaRef,
    ChangeRow,
    CountryRef,
    area_refs,
    country_refs,
    latest_changes,
)


@dataclass(frozen=True)
class ChangesPage:
    """The changes up to `as_of` matching the filters (None: not narrowed), and the choices
    of the filter form."""

    as_of: dt.date
    changes: tuple[ChangeRow, ...]
    countries: tuple[CountryRef, ...]
    areas: tuple[AreaRef, ...]
    country: str | None
    area: str | None
    since: dt.date | None


def build(
    catalogue: Catalogue,
    evaluation: Evaluation,
    as_of: dt.date,
    *,
    country: str | None = None,
    area: str | None = None,
    since: dt.date | None = None,
    limit: int | None = None,
) -> ChangesPage:
    """Return the changes of standing up to `as_of` (at most `limit`, newest first).

    KeyError for an unknown country or area.
    """
    return ChangesPage(
        as_of=as_of,
        changes=latest_changes(
            catalogue, evaluation, as_of, since=since, country=country, area=area, limit=limit
        ),
        countries=country_refs(catalogue),
        areas=area_refs(catalogue),
        country=country,
        area=area,
        since=since,
    )
