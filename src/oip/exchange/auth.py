"""Who may use the exchange: machine clients by bearer token, people by a verified session.

- `TokenAuth` (django-ninja `HttpBearer`): the token must exist, be usable now
  (`ApiToken.usable_at`: not expired, not revoked), its user active, and its user's membership
  in the token's organisation valid now. A refusal answers 401 and tells nothing more; the
  refusal of a token that exists is audited (`api.authenticate`, `denied:<reason>`), an unknown
  token is not (anyone can send one).
- `VerifiedSessionAuth` (the session cookie, CSRF-checked by django-ninja): a signed-in user whose
  session passed the second factor and is still fresh (see below).
- `exchange_login_required` guards the pages: anonymous -> the login page; a user without a
  confirmed device -> the set-up page; a session without the second factor -> the login page.

A session is *fresh* while it is younger than `SESSION_ABSOLUTE` (8 h from the sign-in) and the
previous exchange request is less than `settings.OIP_EXCHANGE_SESSION_IDLE` seconds ago (30 min);
a stale session is signed out. Both instants live in the session (`SIGNED_IN_AT`, `LAST_SEEN`),
set by `start_session` at sign-in.

Both authenticators answer with a `Caller`: the user, and the organisation a token is bound to
(None for a session: the person acts for the organisations of their valid memberships).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import user_has_device
from ninja.security import APIKeyCookie, HttpBearer

from oip.accounts.models import ApiToken, Membership, Organisation
from oip.exchange import audit
from oip.site import clock

logger = logging.getLogger(__name__)

#: The longest a signed-in session lasts on the exchange, however active (§6.12).
SESSION_ABSOLUTE = dt.timedelta(hours=8)
SIGNED_IN_AT = "oip_exchange_signed_in_at"
LAST_SEEN = "oip_exchange_last_seen"
EXCHANGE_PREFIX = "/exchange/"


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: `user`, and for a token the `organisation` it is bound to."""

    user: Any
    organisation: Organisation | None
    token: ApiToken | None = None


def token_refusal(row: ApiToken, now: dt.datetime) -> str | None:
    """Why the token `row` may not be used at `now` (a stable word), or None when it may."""
    if row.revoked_at is not None and row.revoked_at <= now:
        return "token_revoked"
    if not row.usable_at(now):
        return "token_expired"
    if not row.user.is_active:
        return "user_inactive"
    valid = Membership.objects.valid_at(now).filter(user=row.user, organisation=row.organisation)
    if not valid.exists():
        return "membership_not_valid"
    return None


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>` for machine clients (see the module's docstring)."""

    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        row = ApiToken.lookup(token)
        if row is None:
            return None
        reason = token_refusal(row, clock.now())
        if reason is not None:
            logger.warning("exchange: token %s… refused: %s", row.prefix, reason)
            audit.append(
                "api.authenticate",
                object_type="api_token",
                object_id=row.prefix,
                actor_user=row.user.get_username(),
                actor_org=str(row.organisation_id),
                outcome=f"denied:{reason}",
                details={"path": request.path[:200]},
            )
            return None
        return Caller(user=row.user, organisation=row.organisation, token=row)


class VerifiedSessionAuth(APIKeyCookie):
    """The session of a person who passed the second factor, while it is fresh."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller | None:
        if not key or not session_verified(request) or not session_fresh(request):
            return None
        return Caller(user=request.user, organisation=None)


def start_session(request: HttpRequest) -> None:
    """Mark the (just signed-in) session's start and last activity as now."""
    moment = clock.now().timestamp()
    request.session[SIGNED_IN_AT] = moment
    request.session[LAST_SEEN] = moment


def session_verified(request: HttpRequest) -> bool:
    """Whether the request's user is signed in and passed the second factor in this session."""
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_verified())


def session_fresh(request: HttpRequest) -> bool:
    """Whether the session is within its absolute and idle limits; if so, note this activity.

    A session that never went through the exchange's sign-in (no start instant) is not fresh.
    """
    now = clock.now().timestamp()
    started = request.session.get(SIGNED_IN_AT)
    seen = request.session.get(LAST_SEEN)
    if not isinstance(started, float | int) or not isinstance(seen, float | int):
        return False
    if now - started >= SESSION_ABSOLUTE.total_seconds():
        return False
    if now - seen >= settings.OIP_EXCHANGE_SESSION_IDLE:
        return False
    request.session[LAST_SEEN] = now
    return True


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` parameter when it is a path on the exchange of this site, else `default`."""
    candidate = str(request.POST.get("next") or request.GET.get("next") or "")
    if (
        candidate.startswith(EXCHANGE_PREFIX)
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and "\\" not in candidate
    ):
        return candidate
    return default


def redirect_with_next(name: str, request: HttpRequest) -> HttpResponseRedirect:
    """Redirect to the exchange page `name`, coming back to this page afterwards."""
    target = reverse(name)
    if request.method == "GET" and request.path not in (target, reverse("exchange:home")):
        target += "?" + urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(target)


def page_refusal(request: HttpRequest) -> HttpResponse | None:
    """Where a page request must go instead (a redirect), or None when it may proceed."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return redirect_with_next("exchange:login", request)
    if not user.is_verified():
        if not user_has_device(user, confirmed=True):
            return redirect_with_next("exchange:setup", request)
        return redirect_with_next("exchange:login", request)
    if not session_fresh(request):
        logout(request)
        return redirect_with_next("exchange:login", request)
    return None


def private(response: HttpResponse) -> HttpResponse:
    """Mark an answer as never to be stored by a browser or a proxy."""
    patch_cache_control(response, private=True, no_store=True)
    return response


def exchange_login_required(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Guard a page: only a fresh session that passed the second factor reaches `view`.

    Every answer (the page or the redirect) carries `Cache-Control: private, no-store`.
    """

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refusal = page_refusal(request)
        if refusal is not None:
            return private(refusal)
        return private(view(request, *args, **kwargs))

    return guarded
