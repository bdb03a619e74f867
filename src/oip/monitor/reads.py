"""The monitor's read calls: fetch the catalogue, the engine's evaluation and the evidence a page
lists, build the page's read model (`oip.monitor.pages`) and cache it per data version.

Results are cached in Django's cache under a key that includes `data_version()`: every import
changes it, so nothing cached is ever served stale; the old keys just stop being asked for and
expire. Unknown ids raise `KeyError`; the views turn that into a 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache
from django.db.models import Min

from oip.catalogue.fetch import current_catalogue
from oip.evidence import serialize
from oip.evidence.models import Observation
from oip.monitor.pages import area as area_page
from oip.monitor.pages import changes as changes_page
from oip.monitor.pages import country as country_page
from oip.monitor.pages import methodology as methodology_page
from oip.monitor.pages import overview as overview_page
from oip.monitor.pages import target as target_page
from oip.monitor.pages.region import DivergencePoint
from oip.monitor.pages.values import Cell, cells
from oip.standings.evaluation import evaluation
from oip.standings.version import data_version

T = TypeVar("T")


def cached(parts: Iterable[object], build: Callable[[], T]) -> T:
    """Return `build()`, cached under `parts` and the current data version."""
    key = "monitor:" + ":".join([data_version(), *(str(p) for p in parts)])
    found = cache.get(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    value = build()
    cache.set(key, value)
    return value


def overview(as_of: dt.date, area: str | None = None) -> overview_page.OverviewPage:
    """The overview at `as_of`, its map showing `area` (default: the first). KeyError for an
    unknown area."""
    catalogue = current_catalogue()
    area_id = area or catalogue.areas[0].id
    catalogue.area(area_id)
    return cached(
        ("overview", as_of, area_id),
        lambda: overview_page.build(catalogue, evaluation(), as_of, area_id),
    )


def divergence(as_of: dt.date) -> tuple[DivergencePoint, ...]:
    """The rows of the divergence chart at `as_of`."""
    catalogue = current_catalogue()
    return cached(
        ("divergence", as_of),
        lambda: overview_page.divergence(catalogue, evaluation(), as_of),
    )


def standing_cells(as_of: dt.date) -> tuple[Cell, ...]:
    """Every country x area standing at `as_of` as cells."""
    catalogue = current_catalogue()
    return cached(("cells", as_of), lambda: cells(catalogue, evaluation(), as_of))


def _first_observed(code: str) -> dt.date | None:
    first: dt.date | None = Observation.objects.filter(country_id=code).aggregate(
        d=Min("observed_on")
    )["d"]
    return first


def country_timeline(code: str, as_of: dt.date) -> tuple[country_page.TimelinePoint, ...]:
    """The tier timeline of the country `code` up to `as_of`. KeyError for an unknown country."""
    catalogue = current_catalogue()
    if code not in catalogue.country_codes():
        raise KeyError(code)
    return cached(
        ("timeline", code, as_of),
        lambda: country_page.timeline(catalogue, evaluation(), code, as_of, _first_observed(code)),
    )


def country(code: str, as_of: dt.date) -> country_page.CountryPage:
    """The page of the country `code` at `as_of`. KeyError for an unknown country."""
    catalogue = current_catalogue()
    if code not in catalogue.country_codes():
        raise KeyError(code)

    def build() -> country_page.CountryPage:
        rows = serialize.observations(as_of=as_of, country=code)
        engine = evaluation()
        ids = country_page.observation_ids(catalogue, engine, as_of, code)
        found = Observation.objects.select_related("source", "benchmark").filter(pk__in=ids)
        return country_page.build(
            catalogue,
            engine,
            as_of,
            code,
            first_observed=_first_observed(code),
            evidence=[serialize.observation_dict(o) for o in rows[: country_page.EVIDENCE_SHOWN]],
            evidence_count=rows.count(),
            notes=[
                serialize.context_note_dict(n)
                for n in serialize.context_notes(country=code, as_of=as_of)
            ],
            observations={o.pk: serialize.observation_dict(o) for o in found},
        )

    return cached(("country", code, as_of), build)


def area(area: str, as_of: dt.date) -> area_page.AreaPage:
    """The page of the area `area` at `as_of`. KeyError for an unknown area."""
    catalogue = current_catalogue()
    catalogue.area(area)
    return cached(
        ("area", area, as_of), lambda: area_page.build(catalogue, evaluation(), as_of, area)
    )


def target(target: str, as_of: dt.date) -> target_page.TargetPage:
    """The page of the target `target` at `as_of`. KeyError for an unknown target."""
    catalogue = current_catalogue()
    catalogue.target(target)

    def build() -> target_page.TargetPage:
        engine = evaluation()
        ids = target_page.observation_ids(catalogue, engine, as_of, target)
        found = Observation.objects.select_related("source", "benchmark").filter(pk__in=ids)
        return target_page.build(
            catalogue,
            engine,
            as_of,
            target,
            observations={o.pk: serialize.observation_dict(o) for o in found},
        )

    return cached(("target", target, as_of), build)


def changes(
    as_of: dt.date,
    *,
    since: dt.date | None = None,
    country: str | None = None,
    area: str | None = None,
    limit: int | None = None,
) -> changes_page.ChangesPage:
    """The changes of standing up to `as_of`, newest first. KeyError for an unknown country
    or area."""
    catalogue = current_catalogue()
    return cached(
        ("changes", as_of, since, country, area, limit),
        lambda: changes_page.build(
            catalogue,
            evaluation(),
            as_of,
            country=country,
            area=area,
            since=since,
            limit=limit,
        ),
    )


def methodology() -> methodology_page.MethodologyPage:
    """The methodology of the catalogue in use."""
    catalogue = current_catalogue()
    return cached(("methodology",), lambda: methodology_page.build(catalogue))
