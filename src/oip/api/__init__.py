"""The read-only JSON API under /api/v1/ (OpenAPI schema at /api/v1/openapi.json).

One django-ninja `Router` per domain, each in its own module (`catalogue`, `standings`,
`region`, `changes`, `evidence`), mounted here on one `NinjaAPI`; the exchange will mount its
own, authenticated router the same way (`auth=` on its router). Every operation:

- takes its query parameters from `oip.api.parameters` (one date rule, identifier patterns,
  bounds), and refuses any parameter it does not declare (422);
- documents its 404 and 422 answers in the OpenAPI schema;
- answers HEAD like GET, without the body (`urls()`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI

from oip.api import catalogue, changes, evidence, exchange_performance, region, standings
from oip.api.parameters import refuse_unknown_parameters
from oip.exchange import api as exchange_api

api = NinjaAPI(
    title="OIP API",
    version="1",
    description=(
        "Read-only data of the Operational Integration Platform: the catalogue of the Menu, "
        "the evidence, each country's standing per area, the region's analytics and the "
        "changes of standing, as of any date. Dates are ISO 8601 (YYYY-MM-DD), from "
        "2000-01-01 to today. A query parameter an endpoint does not list is refused (422)."
    ),
    urls_namespace="api",
)
api.add_decorator(refuse_unknown_parameters, mode="operation")
for domain in (catalogue, standings, region, changes, evidence):
    api.add_router("", domain.router)
api.add_router("exchange/", exchange_api.router)
api.add_router("", exchange_performance.router)


def answer_head_like_get(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wrap a view so HEAD gets GET's status and headers (Content-Length too), without a body."""

    @wraps(view)
    def head_or_other(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method != "HEAD":
            return view(request, *args, **kwargs)
        request.method = "GET"
        try:
            response = view(request, *args, **kwargs)
        finally:
            request.method = "HEAD"
        if not response.streaming:
            length = len(response.content)  # type: ignore[attr-defined]
            response.content = b""  # type: ignore[attr-defined]
            response["Content-Length"] = str(length)
        return response

    return head_or_other


def urls() -> tuple[list[URLPattern | URLResolver], str, str]:
    """The API's URL patterns for `include()`-style mounting, HEAD answered like GET."""
    patterns, app_name, namespace = api.urls
    wrapped: list[URLPattern | URLResolver] = [
        URLPattern(p.pattern, answer_head_like_get(p.callback), p.default_args, p.name)
        if isinstance(p, URLPattern)
        else p
        for p in patterns
    ]
    return wrapped, app_name, namespace
