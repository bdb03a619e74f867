"""Signing in and out of the exchange, and setting up the second factor.

- `home` (`/exchange/`): the inbox for a verified session, else where `page_refusal` sends one
  (the login page for an anonymous visitor: 302, then 200).
- `login_page`: username, password and a code (TOTP or backup code) in one form. The login
  throttle of the admin (`oip.site.ratelimit.LOGIN`, per username and per address) counts every
  attempt that does not end signed in; past its limit the answer is 429. A person with no
  confirmed device yet signs in with the password alone and is sent to set one up.
- `setup_page`: a new TOTP device (QR code as inline SVG and the secret in text), confirmed by
  one code from it; then ten backup codes, shown once.
- `logout_page`: POST only.
Every answer is `Cache-Control: private, no-store`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import user_has_device

from oip.exchange import second_factor
from oip.exchange.auth import (
    page_refusal,
    private,
    redirect_with_next,
    safe_next,
    session_fresh,
    session_verified,
    start_session,
)
from oip.site.ratelimit import LOGIN, Throttled, normalise_username, request_address, too_many

SIGN_IN_FAILED = "Sign-in failed: check the username, the password and the code."


class LoginForm(forms.Form):
    username = forms.CharField(max_length=150)
    password = forms.CharField(max_length=4096, strip=False)
    code = forms.CharField(max_length=64, required=False)


class CodeForm(forms.Form):
    code = forms.CharField(max_length=16)


@require_http_methods(["GET", "HEAD"])
def home(request: HttpRequest) -> HttpResponse:
    """The inbox for a verified session; otherwise the sign-in (or set-up) page."""
    refusal = page_refusal(request)
    if refusal is not None:
        return private(refusal)
    return private(HttpResponseRedirect(reverse("exchange:inbox")))


@require_http_methods(["GET", "HEAD", "POST"])
def login_page(request: HttpRequest) -> HttpResponse:
    """Sign in with username, password and second factor (see the module's docstring)."""
    after = safe_next(request, reverse("exchange:inbox"))
    if request.method != "POST":
        if session_verified(request) and session_fresh(request):
            return private(HttpResponseRedirect(after))
        return _login_form(request, LoginForm(), after)
    form = LoginForm(request.POST)
    if not form.is_valid():
        return _login_form(request, form, after)
    username = form.cleaned_data["username"]
    try:
        attempt = LOGIN.begin(
            {"address": request_address(request), "user": normalise_username(username)}
        )
    except Throttled as refused:
        return private(too_many(refused.retry_after))
    try:
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is None:
            form.add_error(None, SIGN_IN_FAILED)
            return _login_form(request, form, after)
        if not user_has_device(user, confirmed=True):
            login(request, user)
            start_session(request)
            attempt.succeeded(clear=["user"])
            return private(redirect_with_next("exchange:setup", request))
        device = second_factor.verify_second_factor(user, form.cleaned_data["code"])
        if device is None:
            form.add_error(None, SIGN_IN_FAILED)
            return _login_form(request, form, after)
        login(request, user)
        otp_login(request, device)
        start_session(request)
        attempt.succeeded(clear=["user"])
    except BaseException:
        attempt.cancelled()
        raise
    return private(HttpResponseRedirect(after))


def _login_form(request: HttpRequest, form: LoginForm, after: str) -> HttpResponse:
    context: dict[str, Any] = {"form": form, "next": after, "title": "Sign in"}
    return private(render(request, "exchange/login.html", context))


@require_http_methods(["GET", "HEAD", "POST"])
def setup_page(request: HttpRequest) -> HttpResponse:
    """Set up the TOTP device of a signed-in person who has none; then show backup codes."""
    user = request.user
    if not user.is_authenticated:
        return private(redirect_with_next("exchange:login", request))
    if not session_fresh(request):
        logout(request)
        return private(redirect_with_next("exchange:login", request))
    if second_factor.has_confirmed_totp(user):
        return private(HttpResponseRedirect(reverse("exchange:home")))
    device = second_factor.pending_totp_device(user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        codes = second_factor.confirm_totp(device, form.cleaned_data["code"])
        if codes is not None:
            device.refresh_from_db()
            request.session.cycle_key()
            otp_login(request, device)
            done: dict[str, Any] = {
                "codes": codes,
                "next": safe_next(request, reverse("exchange:inbox")),
                "title": "Your backup codes",
            }
            return private(render(request, "exchange/backup_codes.html", done))
        form.add_error("code", "This code is wrong or expired: enter the code shown now.")
    context: dict[str, Any] = {
        "form": form,
        "qr_svg": second_factor.qr_svg(device),
        "secret": second_factor.secret_text(device),
        "next": safe_next(request, reverse("exchange:inbox")),
        "title": "Set up your second factor",
    }
    return private(render(request, "exchange/setup.html", context))


@require_POST
def logout_page(request: HttpRequest) -> HttpResponse:
    """Sign out and return to the sign-in page."""
    logout(request)
    return private(HttpResponseRedirect(reverse("exchange:login")))
