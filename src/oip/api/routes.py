"""The read-only JSON API under /api/v1/ (OpenAPI schema at /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI

from oip.catalogue.fetch import current_catalogue
from oip.catalogue.loader import export_data

api = NinjaAPI(
    title="OIP API",
    version="1",
    description="Read-only data of the Operational Integration Platform: the catalogue, "
    "evidence, standings, region analytics and changes, as of any date.",
    urls_namespace="api",
)


@api.get("/catalogue", tags=["catalogue"])
def catalogue(request: HttpRequest) -> dict[str, Any]:
    """The catalogue currently loaded, in the export contract's format."""
    return export_data(current_catalogue())
