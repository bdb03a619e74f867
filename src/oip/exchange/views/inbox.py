"""The inbox: the items the person may see, most urgent first (filled in with the store)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from oip.exchange.auth import exchange_login_required


@require_http_methods(["GET", "HEAD"])
@exchange_login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The signed-in person's inbox."""
    return render(request, "exchange/inbox.html", {"title": "Inbox", "rows": []})
