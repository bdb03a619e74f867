"""The overview: map, grid, two speeds, latest changes, milestones."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from oip.monitor import figures, reads
from oip.monitor.views.common import error_page, frame, monitor_page


@monitor_page
def overview(request: HttpRequest, as_of: dt.date) -> HttpResponse:
    """The overview at `?as_of=`, its map coloured for `?area=` (default: the first area)."""
    area = request.GET.get("area") or None
    try:
        page = reads.overview(as_of, area)
    except KeyError:
        return error_page(request, 404, "Not found", f"There is no area “{area}” in the catalogue.")
    map_svg = figures.area_map(
        page.map_cells,
        names={c.code: c.name for c in page.countries},
        area_title=page.area.title,
        as_of=as_of,
        id_prefix="overview-map",
    )
    context = frame(
        request,
        as_of,
        data=page,
        nav="overview",
        map_svg=map_svg,
        divergence_svg=figures.chart_svg("divergence", [p.as_row() for p in page.divergence]),
        divergence_url=reverse("monitor:divergence", args=["svg"]).removesuffix(".svg"),
    )
    return render(request, "monitor/overview.html", context)
