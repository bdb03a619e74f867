"""What every report says about itself: its permalink, how to cite it, its data's freshness."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings

from oip.catalogue.schema import Catalogue
from oip.presentation.labels import NO_TIER_YET, NOT_ASSESSED
from oip.standings.version import last_updated
from oip.vocabulary import TIER_NAMES


def public_url(path: str, **params: str) -> str:
    """Return the public address of `path` with the non-empty `params` as its query."""
    query = urlencode({k: v for k, v in params.items() if v})
    return f"{settings.OIP_PUBLIC_URL}{path}" + (f"?{query}" if query else "")


def data_recorded() -> str | None:
    """Return the day evidence was last recorded (ISO), or None if none ever was."""
    stamp = last_updated()
    return stamp.date().isoformat() if stamp is not None else None


def citation(title: str, as_of: dt.date, version: str, permalink: str) -> str:
    """Return the line a reader cites the report by."""
    return (
        f"Operational Integration Platform (OIP), “{title}”, data as of {as_of.isoformat()}, "
        f"catalogue {version}. {permalink}"
    )


def tier_name(catalogue: Catalogue, level: int) -> str:
    """Return the name a report gives tier `level`: the catalogue's, "no tier yet" for 0."""
    return catalogue.tier_name(level) if level else NO_TIER_YET


def tiers(catalogue: Catalogue) -> tuple[tuple[str, str], ...]:
    """Return the (mark, words) a report shows for a standing: "not assessed" (no evidence),
    "no tier yet" (tier 0) and every tier by the catalogue's name, as the monitor shows them."""
    named = tuple((str(level), tier_name(catalogue, level)) for level in sorted(TIER_NAMES))
    return (("?", NOT_ASSESSED), *named)
