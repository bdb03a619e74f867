"""A throttle on failed logins: after too many failures, answer 429 without checking anything.

`Throttle` is the reusable part: it counts attempts per *identity* (e.g. a normalised
username, a client address) in Django's cache. `begin()` reserves one failure on every
identity *before* the caller checks the password, so a burst of concurrent attempts cannot
all pass the check while the slow hash of the first is still running: at most `limit`
attempts per identity reach the check within a window. The caller then settles the attempt:
`succeeded()` clears the named identities (and gives back the reservation on the others),
`cancelled()` gives every reservation back (the server failed, the password was never
judged: a 5xx is never a failed login), and doing nothing keeps the failure counted. A
window starts with the first failure and lasts `window` seconds; once `limit` failures are
counted, every attempt is refused until it ends (`Throttled.retry_after`).

`LoginThrottleMiddleware` applies it to the admin login with two identities:
- the username *as Django authenticates it*: stripped and NFKC-normalised (Django's username
  field does this), and case-folded as well, so `ａdmin` (full width), `Admin` and `admin`
  share one budget;
- the client's address (`client_address`): `REMOTE_ADDR`, unless the peer is one of
  `OIP_TRUSTED_PROXIES`, in which case the right-most `X-Forwarded-For` hop that is not a
  trusted proxy (hops to its left were written by the client and prove nothing). IPv6 clients
  are counted per /64, the block one subscriber usually holds.
A successful login clears its username's failures, never its address's (so one valid account
cannot reset an address's count).

The counts live in Django's default cache: with the per-process LocMemCache each server
process counts for itself (the limit is per process); a shared cache (Redis, Memcached, the
database cache) makes it global.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import math
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse

from oip.site import clock

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60
KEY_PREFIX = "oip:throttle"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Throttled(Exception):
    """Too many failures for one of the identities; try again in `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"throttled for {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Throttle:
    """Failure counts per identity, `limit` per `window` seconds, under `scope` in the cache."""

    scope: str
    limit: int = MAX_FAILURES
    window: int = WINDOW_SECONDS

    def _keys(self, kind: str, value: str) -> tuple[str, str]:
        # Hashed: identities are arbitrary text, cache keys must be short and safe (memcached).
        digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        base = f"{KEY_PREFIX}:{self.scope}:{kind}:{digest}"
        return f"{base}:count", f"{base}:until"

    def _reserve(self, kind: str, value: str, now: float) -> tuple[int, float]:
        count_key, until_key = self._keys(kind, value)
        until = cache.get(until_key)
        if until is None or until <= now:
            # A new window. `add` is atomic: of two concurrent first failures one wins, and
            # an existing count is never reset. The end outlives the count by a second, so a
            # count can never be read against the next window's end.
            cache.add(until_key, now + self.window, timeout=self.window + 1)
            cache.add(count_key, 0, timeout=self.window)
            until = cache.get(until_key, now + self.window)
        try:
            count = cache.incr(count_key)
        except ValueError:  # expired between the add and the incr: a window of one
            cache.set(count_key, 1, timeout=self.window)
            count = 1
        return count, until

    def refund(self, kind: str, value: str) -> None:
        """Give back one reserved failure of one identity (never below zero)."""
        count_key, _ = self._keys(kind, value)
        try:
            if (cache.get(count_key) or 0) > 0:
                cache.decr(count_key)
        except ValueError:  # the window ended meanwhile: nothing left to give back
            pass

    def begin(self, identities: Mapping[str, str]) -> Attempt:
        """Reserve one failure for each identity (kind -> value; empty values are skipped).

        Raises Throttled, reserving nothing, when any identity already has `limit` failures
        in its window.
        """
        now = clock.now().timestamp()
        present = {kind: value for kind, value in identities.items() if value}
        reserved: dict[str, str] = {}
        waits: list[float] = []
        for kind, value in present.items():
            count, until = self._reserve(kind, value, now)
            reserved[kind] = value
            if count > self.limit:
                waits.append(until - now)
        attempt = Attempt(self, reserved)
        if waits:
            attempt.cancelled()
            raise Throttled(max(1, math.ceil(max(waits))))
        return attempt

    def clear(self, kind: str, value: str) -> None:
        """Forget the failures counted for one identity."""
        cache.delete_many(list(self._keys(kind, value)))


@dataclass(slots=True)
class Attempt:
    """One attempt's reservations; settle it once (`succeeded` or `cancelled`) or keep it."""

    throttle: Throttle
    reserved: dict[str, str]

    def succeeded(self, clear: Iterable[str]) -> None:
        """The attempt was right: clear the identities of kinds `clear`, refund the others."""
        cleared = set(clear)
        for kind, value in self.reserved.items():
            if kind in cleared:
                self.throttle.clear(kind, value)
            else:
                self.throttle.refund(kind, value)
        self.reserved = {}

    def cancelled(self) -> None:
        """The attempt was not judged (refused, or the server failed): refund everything."""
        for kind, value in self.reserved.items():
            self.throttle.refund(kind, value)
        self.reserved = {}


def normalise_username(raw: str) -> str:
    """The username as Django compares it (stripped, NFKC), case-folded, to a fixed point."""
    text = unicodedata.normalize("NFKC", raw.strip())
    for _ in range(4):  # case-folding can leave text that NFKC changes again; settle it
        folded = unicodedata.normalize("NFKC", text.casefold()).strip()
        if folded == text:
            break
        text = folded
    return text


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _parse_hop(hop: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = hop.strip().strip('"')
    if text.startswith("["):  # [v6]:port
        text = text[1 : text.find("]")] if "]" in text else text[1:]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _identity(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def client_address(remote_addr: str, forwarded_for: str, trusted: Sequence[Network]) -> str:
    """The client's address as the throttle counts it (see the module's docstring).

    `remote_addr` is the TCP peer, `forwarded_for` the X-Forwarded-For header ("" if absent),
    `trusted` the networks of the trusted proxies. A hop that is not an address ends the
    walk: it is counted as written (a proxy we trust put it there).
    """
    peer = _parse_hop(remote_addr)
    if peer is None:
        return remote_addr.strip() or "unknown"
    if not any(peer in network for network in trusted):
        return _identity(peer)
    client = peer
    for hop in reversed([h for h in forwarded_for.split(",") if h.strip()]):
        address = _parse_hop(hop)
        if address is None:
            return hop.strip()[:100]
        client = address
        if not any(address in network for network in trusted):
            break
    return _identity(client)


def request_address(request: HttpRequest) -> str:
    """`client_address` of a request, with the proxies of `OIP_TRUSTED_PROXIES`."""
    return client_address(
        str(request.META.get("REMOTE_ADDR") or ""),
        str(request.META.get("HTTP_X_FORWARDED_FOR") or ""),
        _networks(tuple(settings.OIP_TRUSTED_PROXIES)),
    )


LOGIN = Throttle("login")


def _posted_username(request: HttpRequest) -> str:
    return normalise_username(str(request.POST.get("username", "")))


def _logged_in_as_posted(request: HttpRequest, posted: str) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return bool(posted) and normalise_username(user.get_username()) == posted


def _login_path() -> str | None:
    try:
        return reverse("admin:login")
    except NoReverseMatch:
        return None


def too_many(retry_after: int) -> HttpResponse:
    """The 429 answer, with Retry-After."""
    response = HttpResponse(
        f"Too many failed login attempts. Try again in {math.ceil(retry_after / 60)} minute(s).\n",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(retry_after)
    return response


class LoginThrottleMiddleware:
    """Throttle POSTs to the admin login (see the module's docstring).

    A POST that ends in a redirect with the request's user logged in as the posted username
    is a success; a 5xx answer is no judgement at all; anything else is a failure. Wire it
    right after AuthenticationMiddleware.
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
        username = _posted_username(request)
        try:
            attempt = LOGIN.begin({"address": request_address(request), "user": username})
        except Throttled as refused:
            return too_many(refused.retry_after)
        try:
            response = self.get_response(request)
        except BaseException:
            attempt.cancelled()
            raise
        if response.status_code >= 500:
            attempt.cancelled()
        elif response.status_code in (301, 302, 303) and _logged_in_as_posted(request, username):
            attempt.succeeded(clear=["user"])
        return response
