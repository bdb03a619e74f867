"""An area's page: targets by tier, who achieved them, gaps, EU-side blockers, priorities."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from oip.monitor import fetch
from oip.monitor.views.common import frame, monitor_page


@monitor_page
def area(request: HttpRequest, as_of: dt.date, area: str) -> HttpResponse:
    data = fetch.area_data(area, as_of)
    return render(request, "monitor/area.html", frame(request, as_of, data=data, nav="area"))
