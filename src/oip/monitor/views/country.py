"""A country's page: its tier per area, why, what is missing, its timeline and evidence."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from oip.catalogue.fetch import current_catalogue
from oip.monitor import figures, reads
from oip.monitor.pages.values import STALE_AFTER_YEARS
from oip.monitor.views.common import frame, monitor_page


@monitor_page
def country(request: HttpRequest, as_of: dt.date, code: str) -> HttpResponse:
    """The page of the country `code` (a lower-case code redirects to the canonical one)."""
    if code != code.upper() and code.upper() in current_catalogue().country_codes():
        query = request.GET.urlencode()
        return HttpResponseRedirect(f"/countries/{code.upper()}/" + (f"?{query}" if query else ""))
    page = reads.country(code, as_of)
    context = frame(
        request,
        as_of,
        data=page,
        nav="country",
        stale_years=STALE_AFTER_YEARS,
        timeline_svg=figures.chart_svg("timeline", [p.as_row() for p in page.timeline]),
        # The chart's download URLs differ only by extension: pass the common stem.
        timeline_url=reverse("monitor:timeline", args=[code, "svg"]).removesuffix(".svg"),
    )
    return render(request, "monitor/country.html", context)
