"""Public downloads of the reports: `/reports/country/<code>.pdf|.html`, `/reports/region.pdf|.html`.

GET only, `as_of` and `since` as YYYY-MM-DD query parameters. A rendered report is cached
under the data version and its parameters (PDFs take seconds), so a new import is served fresh.
"""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.http import require_GET

from oip.reports.build import Report, UnknownCountry, country_report, region_report
from oip.reports.render import render_html, render_pdf
from oip.site.arguments import today
from oip.standings.version import data_version

CACHE_SECONDS = 24 * 3600
CONTENT_TYPES = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}


class _BadDate(ValueError):
    pass


def _date(request: HttpRequest, name: str) -> dt.date | None:
    value = request.GET.get(name, "")
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _BadDate(f"{name} must be a date (YYYY-MM-DD), got {value!r}") from None


def _serve(kind: str, code: str | None, fmt: str, request: HttpRequest) -> HttpResponse:
    try:
        as_of = _date(request, "as_of") or today()
        since = _date(request, "since")
    except _BadDate as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
    if as_of > today():
        return HttpResponseBadRequest("as_of is in the future", content_type="text/plain")
    key = f"report:{data_version()}:{kind}:{code or ''}:{as_of}:{since or ''}:{fmt}"
    cached = cache.get(key)
    if cached is None:
        try:
            report: Report = (
                country_report(code, as_of, since) if code else region_report(as_of, since)
            )
        except UnknownCountry as exc:
            raise Http404(f"unknown country {exc.args[0]}") from exc
        body = render_pdf(report) if fmt == "pdf" else render_html(report).encode("utf-8")
        cached = (f"{report.filename_stem}.{fmt}", body)
        cache.set(key, cached, CACHE_SECONDS)
    filename, body = cached
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    # A download in both formats: the HTML carries its own inline print stylesheet, which the
    # site's content security policy would block if it were shown as a page of the site.
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def country(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """The country report for `code` as a download (PDF) or a page (HTML)."""
    return _serve("country", code.upper(), fmt, request)


@require_GET
def region(request: HttpRequest, fmt: str) -> HttpResponse:
    """The regional report as a download (PDF) or a page (HTML)."""
    return _serve("region", None, fmt, request)
