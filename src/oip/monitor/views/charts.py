"""Chart downloads: each chart on a page as SVG, PNG and its data as CSV.

`/countries/<code>/timeline.<svg|png|csv>` and `/divergence.<svg|png|csv>`, both at `?as_of=`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.http import HttpRequest, HttpResponse

from oip.monitor import figures, reads
from oip.monitor.views.common import monitor_page
from oip.presentation import charts

CONTENT_TYPES = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "csv": "text/csv; charset=utf-8",
}
SVG_NAMESPACE = 'xmlns="http://www.w3.org/2000/svg"'


def _respond(kind: str, rows: Sequence[Mapping[str, object]], fmt: str, name: str) -> HttpResponse:
    if fmt == "svg":
        svg = figures.chart_svg(kind, rows)
        if SVG_NAMESPACE not in svg[:500]:  # a standalone file needs the namespace
            svg = svg.replace("<svg", f"<svg {SVG_NAMESPACE}", 1)
        body: str | bytes = '<?xml version="1.0" encoding="utf-8"?>\n' + svg
    elif fmt == "png":
        body = charts.render_png(figures.chart(kind, rows))
    else:
        body = charts.chart_csv(rows)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@monitor_page
def timeline(request: HttpRequest, as_of: dt.date, code: str, fmt: str) -> HttpResponse:
    """The tier timeline of a country (monthly, per area) up to `as_of`."""
    rows = [p.as_row() for p in reads.country_timeline(code, as_of)]
    return _respond("timeline", rows, fmt, f"oip-timeline-{code}-{as_of.isoformat()}")


@monitor_page
def divergence(request: HttpRequest, as_of: dt.date, fmt: str) -> HttpResponse:
    """The region's divergence (each country's tier per area) at `as_of`."""
    rows = [p.as_row() for p in reads.divergence(as_of)]
    return _respond("divergence", rows, fmt, f"oip-divergence-{as_of.isoformat()}")
