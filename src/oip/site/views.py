"""Plain endpoints outside the monitor."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Answer `ok` without touching the database: for load balancers, and the bench's baseline."""
    return HttpResponse("ok", content_type="text/plain")
