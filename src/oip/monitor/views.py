"""Public pages: thin views over named read paths."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from oip.catalogue.fetch import current_catalogue


def overview(request: HttpRequest) -> HttpResponse:
    catalogue = current_catalogue()
    areas = [(area, catalogue.targets_in(area.id)) for area in catalogue.areas]
    return render(request, "monitor/overview.html", {"catalogue": catalogue, "areas": areas})
