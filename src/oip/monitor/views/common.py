"""What every monitor page shares: the `as_of` date, the page frame and the error pages.

Citations and permalinks name the host the request came to (`request.build_absolute_uri`,
checked against ALLOWED_HOSTS by Django) unless `OIP_PUBLIC_URL` is set; the page cache is
therefore keyed by host as well as by URL.

Decision: a malformed or out-of-range `?as_of=` answers **400** with a page that says what
was wrong and offers the date control again, rather than silently showing today: a citation
must never show a different date from the one its URL asks for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec, cast

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_safe

from oip.catalogue.fetch import CatalogueNotLoaded
from oip.monitor.freshness import data_dates
from oip.presentation.designation import KOSOVO, KOSOVO_NOTE
from oip.site import dates
from oip.site.clock import today
from oip.standings.version import data_version

P = ParamSpec("P")

_KINDS = {"code": "country", "area": "area", "target": "target"}


class BadDate(ValueError):
    """The `as_of` parameter is not a usable date; the message says why, for the reader."""


def parse_as_of(request: HttpRequest) -> dt.date:
    """Return `?as_of=` as a date (today when absent or empty), by the one date rule.

    BadDate, with `oip.site.dates`' explanation, if it is not YYYY-MM-DD, is before
    2000-01-01 or is after today (the evidence only records facts that have happened).
    """
    try:
        return dates.parse_as_of(request.GET.get("as_of"))
    except dates.DateRefused as refused:
        raise BadDate(str(refused)) from None


def public_base(request: HttpRequest) -> str:
    """Return the scheme and host that citations and permalinks start with, without a
    trailing slash: `OIP_PUBLIC_URL` if set, else the host this request came to."""
    if settings.OIP_PUBLIC_URL_SET:
        return str(settings.OIP_PUBLIC_URL)
    return request.build_absolute_uri("/").rstrip("/")


# What every page's frame carries whatever the date: Kosovo's code (to mark the name with an
# asterisk) and its designation footnote (printed once, in the footer).
SHARED: dict[str, Any] = {"kosovo": KOSOVO, "kosovo_note": KOSOVO_NOTE}


def frame(request: HttpRequest, as_of: dt.date, **extra: Any) -> dict[str, Any]:
    """Return the context every page's frame needs: the date control, 'as of', 'data last
    updated' (the newest recorded evidence and the newest observed fact) and a permalink
    (this URL with `as_of` made explicit, on the public base)."""
    params = request.GET.copy()
    params["as_of"] = as_of.isoformat()
    # Hidden fields of the date form: the page's other parameters survive a date change.
    kept = [(k, v) for k, v in request.GET.items() if k != "as_of"]
    return {
        "as_of": as_of,
        "today": today(),
        "is_today": as_of == today(),
        "data_dates": data_dates(),
        "permalink": f"{public_base(request)}{request.path}?{params.urlencode()}",
        "kept_params": kept,
        # Links between pages carry the date only when it is not today, so that browsing
        # "today" stays live while a dated page links to the same date everywhere.
        "as_of_query": "" if as_of == today() else f"?as_of={as_of.isoformat()}",
        "as_of_explicit": f"?as_of={as_of.isoformat()}",
        "as_of_amp": "" if as_of == today() else f"&as_of={as_of.isoformat()}",
        **SHARED,
        **extra,
    }


def error_page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    """Render the monitor's error page (with navigation and a fresh date control)."""
    context = {
        "as_of": today(),
        "today": today(),
        "is_today": True,
        "data_dates": None,
        "permalink": None,
        **SHARED,
        "kept_params": [],
        "as_of_query": "",
        "as_of_amp": "",
        "error_title": title,
        "error_message": message,
        "status": status,
    }
    return render(request, "monitor/error.html", context, status=status)


PAGE_TTL = 3600


def _page_key(request: HttpRequest) -> str | None:
    """The cache key of a whole public page: its host and URL, today's date and the data
    version (the host because permalinks and citations name it).

    Pages are the same for every reader (public, no login, no forms that post), so the
    rendered bytes are reused until the next import changes the data version. A page that
    cannot even get a data version (no catalogue) is not cached.
    """
    try:
        version = data_version()
    except CatalogueNotLoaded:
        return None
    address = f"{public_base(request)}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode("utf-8")).hexdigest()[:32]
    return f"page:{version}:{today().isoformat()}:{request.method}:{digest}"


def monitor_page(
    view: Callable[Concatenate[HttpRequest, dt.date, P], HttpResponseBase],
) -> Callable[Concatenate[HttpRequest, P], HttpResponseBase]:
    """Wrap a page view: GET/HEAD only; parse `as_of` (400 page if bad); turn a KeyError (an
    unknown country, area or target) into the 404 page and a missing catalogue into 503."""

    @require_safe
    @wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        try:
            as_of = parse_as_of(request)
        except BadDate as exc:
            return error_page(request, 400, "That date cannot be shown", str(exc))
        key = _page_key(request)
        cached = cache.get(key) if key else None
        if cached is not None:
            content, headers = cached
            hit = HttpResponse(content)
            for name, value in headers:
                hit.headers[name] = value
            return hit
        try:
            response = view(request, as_of, *args, **kwargs)
        except KeyError as exc:
            kind = next((_KINDS[k] for k in kwargs if k in _KINDS), "page")
            return error_page(
                request, 404, "Not found", f"There is no {kind} “{exc.args[0]!s}” in the catalogue."
            )
        except CatalogueNotLoaded:
            return error_page(
                request, 503, "No data yet", "No catalogue is loaded yet: run `oip catalogue load`."
            )
        if key and response.status_code == 200 and isinstance(response, HttpResponse):
            cache.set(key, (response.content, list(response.headers.items())), PAGE_TTL)
        return response

    return cast(Callable[Concatenate[HttpRequest, P], HttpResponseBase], wrapper)
