"""A throttle on the admin login: after too many failed attempts, answer 429.

After `MAX_FAILURES` (5) failed logins for the same username, or from the same client
address, within `WINDOW_SECONDS` (15 minutes), every login POST for that username or from
that address is answered with 429 Too Many Requests, with a Retry-After header, until the
window that started at the first failure ends; the password is not even checked, so a
correct one does not get through either. A successful login clears its username's count
(not its address's, so one valid account cannot reset an address's count).

The counts live in Django's default cache. With the per-process LocMemCache each server
process counts for itself (so the limit is per process); a shared cache (Redis,
Memcached, the database cache) makes it global.

The client address is REMOTE_ADDR: behind a reverse proxy that must be the client's
address as set by the proxy (e.g. gunicorn's `--forwarded-allow-ips`), never a header the
client controls.

Wire it in MIDDLEWARE right after AuthenticationMiddleware:
`"oip.site.ratelimit.LoginThrottleMiddleware"`.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60
KEY_PREFIX = "oip:login-failures"


def _key(kind: str, value: str) -> str:
    # Hashed: usernames are arbitrary text, cache keys must be short and safe (memcached).
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"{KEY_PREFIX}:{kind}:{digest}"


def _keys(request: HttpRequest) -> list[str]:
    username = str(request.POST.get("username", "")).strip().lower()
    address = str(request.META.get("REMOTE_ADDR") or "unknown")
    keys = [_key("ip", address)]
    if username:
        keys.append(_key("user", username))
    return keys


def retry_after(request: HttpRequest) -> int | None:
    """Seconds until this login POST may be tried again, or None if it is not throttled."""
    now = time.time()
    waits = []
    for key in _keys(request):
        record = cache.get(key)
        if record is not None and record[0] >= MAX_FAILURES and record[1] > now:
            waits.append(record[1] - now)
    return math.ceil(max(waits)) if waits else None


def record_failure(request: HttpRequest) -> None:
    """Count one failed login for the POST's username and the client's address.

    A window starts with the first failure and lasts WINDOW_SECONDS; failures after it
    ended start a new one.
    """
    now = time.time()
    for key in _keys(request):
        record = cache.get(key)
        if record is None or record[1] <= now:
            count, until = 1, now + WINDOW_SECONDS
        else:
            count, until = record[0] + 1, record[1]
        cache.set(key, (count, until), timeout=math.ceil(until - now))


def record_success(request: HttpRequest) -> None:
    """Clear the failures counted for the POST's username (not for the address)."""
    username = str(request.POST.get("username", "")).strip().lower()
    if username:
        cache.delete(_key("user", username))


def _logged_in_as_posted(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    posted = str(request.POST.get("username", "")).strip().lower()
    return bool(posted) and user.get_username().lower() == posted


def _login_path() -> str | None:
    try:
        return reverse("admin:login")
    except NoReverseMatch:
        return None


class LoginThrottleMiddleware:
    """Throttle POSTs to the admin login (see the module's docstring).

    A POST that does not end in a redirect with the request's user logged in as the
    posted username counts as a failure; one that is throttled gets 429 without reaching
    the login view.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.login_path: str | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return self.get_response(request)
        if self.login_path is None:
            self.login_path = _login_path()
        if request.path != self.login_path:  # both carry the script prefix, if any
            return self.get_response(request)
        wait = retry_after(request)
        if wait is not None:
            response = HttpResponse(
                f"Too many failed login attempts. Try again in {math.ceil(wait / 60)} minute(s).\n",
                status=429,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = str(wait)
            return response
        response = self.get_response(request)
        if _logged_in_as_posted(request) and response.status_code in (301, 302, 303):
            record_success(request)
        else:
            record_failure(request)
        return response
