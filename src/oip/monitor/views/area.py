"""An area's page: targets by tier, who achieved them, gaps, EU-side blockers, priorities."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from oip.monitor import figures, reads
from oip.monitor.views.common import frame, monitor_page


@monitor_page
def area(request: HttpRequest, as_of: dt.date, area: str) -> HttpResponse:
    page = reads.area(area, as_of)
    map_svg = figures.area_map(
        page.cells,
        names={c.country: c.country_name for c in page.cells},
        area_title=page.area.title,
        as_of=as_of,
        id_prefix="area-map",
    )
    context = frame(request, as_of, data=page, nav="area", map_svg=map_svg)
    return render(request, "monitor/area.html", context)
