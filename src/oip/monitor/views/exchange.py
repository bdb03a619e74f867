"""The "Liaison exchange" page: what the exchange measured, aggregated and lagged."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from oip.catalogue.fetch import current_catalogue
from oip.exchange.performance import public_performance
from oip.monitor.pages import exchange as exchange_page
from oip.monitor.views.common import frame, monitor_page


@monitor_page
def performance(
    request: HttpRequest,
    as_of: dt.date,
    code: str | None = None,
    area: str | None = None,
    quarter: str | None = None,
) -> HttpResponse:
    """The published quarters as of `as_of`; with a country, area and quarter, that row only."""
    catalogue = current_catalogue()
    countries = {c.code: c.name for c in catalogue.countries}
    areas = {a.id: a.title for a in catalogue.areas}
    selection = (
        exchange_page.Selection(code, area, quarter)
        if code is not None and area is not None and quarter is not None
        else None
    )
    figures = public_performance(dt.datetime.combine(as_of, dt.time(12), dt.UTC))
    page = exchange_page.build(figures, countries, areas, selection)
    return render(
        request, "monitor/exchange.html", frame(request, as_of, nav="exchange", data=page)
    )
