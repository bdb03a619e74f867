"""Read paths for the catalogue: the version currently loaded, as a core `Catalogue`."""

from __future__ import annotations

from functools import lru_cache

from oip.catalogue.models import CatalogueVersion
from oip.catalogue.schema import Catalogue


class CatalogueNotLoaded(Exception):
    """No catalogue in the database yet: run `oip catalogue load`."""


@lru_cache(maxsize=8)
def _parse(version_id: int, content_hash: str) -> Catalogue:
    row = CatalogueVersion.objects.get(pk=version_id)
    return Catalogue.model_validate(row.content)


def current_version() -> CatalogueVersion:
    """Return the latest loaded catalogue version row, or raise CatalogueNotLoaded."""
    row = CatalogueVersion.objects.only("id", "version", "content_hash", "loaded_at").first()
    if row is None:
        raise CatalogueNotLoaded("no catalogue loaded: run `oip catalogue load`")
    return row


def current_catalogue() -> Catalogue:
    """Return the catalogue currently loaded in the database (parsed once per version)."""
    row = current_version()
    return _parse(row.pk, row.content_hash)
