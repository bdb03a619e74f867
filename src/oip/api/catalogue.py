"""The catalogue (the Menu) currently loaded, in the export contract's format."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from oip.api.schemas import ValidationErrorOut
from oip.catalogue.fetch import current_catalogue
from oip.catalogue.loader import export_data

router = Router(tags=["catalogue"])


@router.get(
    "/catalogue", response={200: dict[str, Any], 422: ValidationErrorOut}, summary="The catalogue"
)
def catalogue(request: HttpRequest) -> dict[str, Any]:
    """The catalogue currently loaded, in the export contract's format (no parameters)."""
    return export_data(current_catalogue())
