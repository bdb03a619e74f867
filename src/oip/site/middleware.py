"""Security headers Django does not set itself (see oip.site.headers for their values)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from oip.site.headers import CONTENT_SECURITY_POLICY, SECURITY_HEADERS

__all__ = ["CONTENT_SECURITY_POLICY", "SecurityHeadersMiddleware"]


class SecurityHeadersMiddleware:
    """Add Content-Security-Policy, Permissions-Policy and Cross-Origin-Opener-Policy to every
    response that does not set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
