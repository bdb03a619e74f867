"""The downloads page and the files: standings, evidence and catalogue as CSV, zip and JSON.

See `oip.monitor.downloads` for the formats and where the citation goes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from oip.catalogue.fetch import current_catalogue
from oip.monitor import downloads
from oip.monitor.pages import downloads as downloads_page
from oip.monitor.views.common import error_page, frame, monitor_page, public_base
from oip.presentation.designation import KOSOVO_NOTE, names_kosovo
from oip.site.clock import today

CSV_TYPE = "text/csv; charset=utf-8"
JSON_TYPE = "application/json"
ZIP_TYPE = "application/zip"


def _cite(request: HttpRequest, dataset: str, as_of: dt.date, extension: str) -> tuple[str, str]:
    """Return (citation, file name) of a download; the cited URL always carries `as_of` and
    starts with the public base (`OIP_PUBLIC_URL`, else the host asked)."""
    query = request.GET.copy()
    query["as_of"] = as_of.isoformat()
    path = f"{request.path}?{query.urlencode()}"
    line = downloads.citation(dataset, as_of, path, today(), public_base(request))
    suffix = "" if dataset == "catalogue" else f"-{as_of.isoformat()}"
    return line, f"oip-{dataset}{suffix}.{extension}"


def _headers(response: HttpResponse | StreamingHttpResponse, line: str, name: str) -> None:
    response["X-OIP-Citation"] = line
    response["Content-Disposition"] = f'attachment; filename="{name}"'


def _json(
    request: HttpRequest, dataset: str, as_of: dt.date, body: object, *, kosovo: bool
) -> HttpResponse:
    line, name = _cite(request, dataset, as_of, "json")
    payload: dict[str, object] = {"citation": line, "as_of": as_of.isoformat(), "data": body}
    if kosovo:
        payload["notes"] = [f"Kosovo: {KOSOVO_NOTE}"]
    response = HttpResponse(
        json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1),
        content_type=JSON_TYPE,
    )
    _headers(response, line, name)
    return response


def _with_bom(body: Iterable[str]) -> Iterator[str]:
    yield downloads.BOM
    yield from body


def _csv(
    request: HttpRequest, dataset: str, as_of: dt.date, body: str | Iterable[str]
) -> HttpResponse | StreamingHttpResponse:
    line, name = _cite(request, dataset, as_of, "csv")
    response: HttpResponse | StreamingHttpResponse
    if isinstance(body, str):
        response = HttpResponse(downloads.BOM + body, content_type=CSV_TYPE)
    else:
        response = StreamingHttpResponse(_with_bom(body), content_type=CSV_TYPE)
    _headers(response, line, name)
    return response


def _zip(
    request: HttpRequest, dataset: str, as_of: dt.date, body: str | Iterable[str], *, kosovo: bool
) -> HttpResponse | StreamingHttpResponse:
    """The dataset's CSV and README zipped: streamed when the CSV is (the evidence), so it is
    never held whole nor page-cached; whole (and cached) otherwise."""
    line, name = _cite(request, dataset, as_of, "zip")
    csv_name = name.removesuffix(".zip") + ".csv"
    chunks = downloads.zipped(csv_name, body, downloads.readme(line, names_kosovo=kosovo))
    response: HttpResponse | StreamingHttpResponse
    if isinstance(body, str):
        response = HttpResponse(b"".join(chunks), content_type=ZIP_TYPE)
    else:
        response = StreamingHttpResponse(chunks, content_type=ZIP_TYPE)
    _headers(response, line, name)
    return response


def _evidence_filters(request: HttpRequest) -> tuple[str | None, str | None, HttpResponse | None]:
    catalogue = current_catalogue()
    country = request.GET.get("country") or None
    area = request.GET.get("area") or None
    if country is not None and country not in catalogue.country_codes():
        return (
            None,
            None,
            error_page(request, 400, "Unknown country", f"There is no country “{country}”."),
        )
    if area is not None and area not in {a.id for a in catalogue.areas}:
        return None, None, error_page(request, 400, "Unknown area", f"There is no area “{area}”.")
    return country, area, None


@monitor_page
def index(request: HttpRequest, as_of: dt.date) -> HttpResponse:
    """The list of downloads, each with its citation line."""
    page = downloads_page.build(
        current_catalogue(), as_of, retrieved=today(), public_url=public_base(request)
    )
    return render(
        request, "monitor/downloads.html", frame(request, as_of, data=page, nav="downloads")
    )


@monitor_page
def standings_json(request: HttpRequest, as_of: dt.date) -> HttpResponse:
    return _json(request, "standings", as_of, downloads.standings_json(as_of), kosovo=True)


@monitor_page
def standings_csv(request: HttpRequest, as_of: dt.date) -> HttpResponse | StreamingHttpResponse:
    return _csv(request, "standings", as_of, downloads.standings_csv(as_of))


@monitor_page
def standings_zip(request: HttpRequest, as_of: dt.date) -> HttpResponse | StreamingHttpResponse:
    return _zip(request, "standings", as_of, downloads.standings_csv(as_of), kosovo=True)


@monitor_page
def evidence_json(request: HttpRequest, as_of: dt.date) -> HttpResponse:
    country, area, problem = _evidence_filters(request)
    if problem is not None:
        return problem
    body = downloads.evidence_json(as_of, country, area)
    return _json(request, "evidence", as_of, body, kosovo=names_kosovo(country))


@monitor_page
def evidence_csv(request: HttpRequest, as_of: dt.date) -> HttpResponse | StreamingHttpResponse:
    country, area, problem = _evidence_filters(request)
    if problem is not None:
        return problem
    return _csv(request, "evidence", as_of, downloads.evidence_csv_lines(as_of, country, area))


@monitor_page
def evidence_zip(request: HttpRequest, as_of: dt.date) -> HttpResponse | StreamingHttpResponse:
    country, area, problem = _evidence_filters(request)
    if problem is not None:
        return problem
    body = downloads.evidence_csv_lines(as_of, country, area)
    return _zip(request, "evidence", as_of, body, kosovo=names_kosovo(country))


@monitor_page
def catalogue_json(request: HttpRequest, as_of: dt.date) -> HttpResponse:
    return _json(request, "catalogue", as_of, downloads.catalogue_json(), kosovo=True)


@monitor_page
def catalogue_csv(request: HttpRequest, as_of: dt.date) -> HttpResponse | StreamingHttpResponse:
    return _csv(request, "catalogue", as_of, downloads.catalogue_csv())


@monitor_page
def catalogue_zip(request: HttpRequest, as_of: dt.date) -> HttpResponse | StreamingHttpResponse:
    return _zip(request, "catalogue", as_of, downloads.catalogue_csv(), kosovo=True)
