"""Public downloads of the reports: `/reports/country/<code>.pdf|.html`, `/reports/region.pdf|.html`.

GET (and HEAD) only; `as_of` and `since` are YYYY-MM-DD query parameters checked by the one
date rule (`oip.site.dates`: 2000-01-01 to today, the same refusal as the pages; `since` no
later than `as_of`); a refused date is a 400 whose body is that message.

Where a report comes from, fastest first:
1. today's report with the default `since`: the shared store on disk (`oip.reports.store`),
   filled by `oip prerender` after every import, or by the first request that rendered it;
2. any other report rendered earlier by this process: the cache, under the data version;
3. otherwise it is rendered now, one at a time per process (`oip.reports.queue`), in a
   helper process under `oip serve` (`oip.reports.isolation`): when the queue is full the
   answer is 503 with Retry-After, so report requests can never occupy every server thread,
   and a render never stalls the threads that answer everything else.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.http import require_safe

from oip.catalogue.fetch import current_catalogue
from oip.reports import store
from oip.reports.build import UnknownCountry
from oip.reports.isolation import RenderFailed, render_report
from oip.reports.queue import Busy, RenderQueue
from oip.site import clock
from oip.site.dates import DateRefused, check_as_of, parse_as_of, parse_date
from oip.standings.version import data_version

CACHE_SECONDS = 24 * 3600
CONTENT_TYPES = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}

QUEUE = RenderQueue(waiting=settings.OIP_REPORT_QUEUE, wait_seconds=settings.OIP_REPORT_WAIT)


def _dates(request: HttpRequest) -> tuple[dt.date, dt.date | None]:
    as_of = parse_as_of(request.GET.get("as_of"))
    raw_since = request.GET.get("since", "")
    if not raw_since.strip():
        return as_of, None
    since = check_as_of(parse_date(raw_since, name="since"), name="since")
    if since > as_of:
        raise DateRefused(
            f"since {since.isoformat()} is after as_of {as_of.isoformat()}: "
            "changes are listed from since up to as_of."
        )
    return as_of, since


def _busy(busy: Busy) -> HttpResponse:
    response = HttpResponse(
        "Reports for other dates are being rendered; this server renders one at a time. "
        f"Try again in {busy.retry_after} seconds.\n",
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(busy.retry_after)
    response["Cache-Control"] = "no-store"
    return response


def _serve(kind: str, code: str | None, fmt: str, request: HttpRequest) -> HttpResponse:
    try:
        as_of, since = _dates(request)
    except DateRefused as exc:
        return HttpResponseBadRequest(f"{exc}\n", content_type="text/plain; charset=utf-8")
    if code is not None and code not in {c.code for c in current_catalogue().countries}:
        raise Http404(f"unknown country {code}")
    version = data_version()
    shared = as_of == clock.today() and since is None
    store_format: store.Format = "pdf" if fmt == "pdf" else "html"
    found = store.read(version, kind, code, as_of, store_format) if shared else None
    key = f"report:{version}:{kind}:{code or ''}:{as_of}:{since or ''}:{fmt}"
    if found is None:
        found = cache.get(key)
    if found is None:
        try:
            found = QUEUE.run(lambda: render_report(code, as_of, since, store_format))
        except Busy as busy:
            return _busy(busy)
        except RenderFailed:
            return _busy(Busy(5))
        except UnknownCountry as exc:
            raise Http404(f"unknown country {exc.args[0]}") from exc
        if shared:
            store.write(version, kind, code, as_of, store_format, found)
        cache.set(key, found, CACHE_SECONDS)
    response = HttpResponse(found.body, content_type=CONTENT_TYPES[fmt])
    # A download in both formats: the HTML carries its own inline print stylesheet, which the
    # site's content security policy would block if it were shown as a page of the site.
    response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
def country(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """The country report for `code` as a download (PDF or HTML)."""
    return _serve("country", code.upper(), fmt, request)


@require_safe
def region(request: HttpRequest, fmt: str) -> HttpResponse:
    """The regional report as a download (PDF or HTML)."""
    return _serve("region", None, fmt, request)
