"""The overview: map, grid, two speeds, latest changes, milestones."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from oip.monitor import fetch
from oip.monitor.views.common import error_page, frame, monitor_page


@monitor_page
def overview(request: HttpRequest, as_of: dt.date) -> HttpResponse:
    """The overview at `?as_of=`, its map coloured for `?area=` (default: the first area)."""
    area = request.GET.get("area") or None
    try:
        data = fetch.overview_data(as_of, area)
    except KeyError:
        return error_page(request, 404, "Not found", f"There is no area “{area}” in the catalogue.")
    divergence_url = reverse("monitor:divergence", args=["svg"]).removesuffix(".svg")
    context = frame(request, as_of, data=data, nav="overview", divergence_url=divergence_url)
    return render(request, "monitor/overview.html", context)
