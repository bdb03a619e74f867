"""The security headers of every answer, pages and static files alike.

Pages get them from `SecurityHeadersMiddleware` (and X-Frame-Options from Django's clickjacking
middleware); static files are answered by WhiteNoise before those middlewares run, so WhiteNoise
adds the same headers itself through `static_headers` (`WHITENOISE_ADD_HEADERS_FUNCTION`). No
Django import here: the settings module imports this one.
"""

from __future__ import annotations

from collections.abc import MutableMapping

# No inline scripts anywhere: pages are server-rendered, charts are inline SVG.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
PERMISSIONS_POLICY = "geolocation=(), camera=(), microphone=()"
X_FRAME_OPTIONS = "DENY"

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}


def static_headers(headers: MutableMapping[str, str], path: str, url: str) -> None:
    """WhiteNoise's hook: give a static file the page headers and X-Frame-Options."""
    for name, value in SECURITY_HEADERS.items():
        headers[name] = value
    headers["X-Frame-Options"] = X_FRAME_OPTIONS
    headers["X-Content-Type-Options"] = "nosniff"
