"""The login throttle: the rules of `oip.site.ratelimit`, each as a property or an exact case.

Usernames share a budget as Django authenticates them (NFKC) and case-folded; the client
address is the peer's unless the peer is a trusted proxy; a 5xx answer is never a failure.
The throttle's budget is reserved before the password is checked, so a burst cannot exceed it.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import unicodedata

import pytest
import time_machine
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from oip.site.ratelimit import (
    LOGIN,
    MAX_FAILURES,
    LoginThrottleMiddleware,
    Throttle,
    Throttled,
    client_address,
    normalise_username,
)

LOGIN_PATH = "/admin/login/"


# Usernames


@given(st.text(max_size=30))
def test_normalising_is_idempotent(name: str) -> None:
    once = normalise_username(name)
    assert normalise_username(once) == once


@given(st.text(max_size=30))
def test_nfkc_and_case_variants_share_one_name(name: str) -> None:
    expected = normalise_username(name)
    assert normalise_username(unicodedata.normalize("NFKC", name)) == expected
    assert normalise_username(unicodedata.normalize("NFKD", name)) == expected
    assert normalise_username(name.casefold()) == expected
    assert normalise_username(f"  {name}\t") == expected


@pytest.mark.parametrize("variant", ["ａdmin", "ＡＤＭＩＮ", "Admin", " admin ", "ADMIN"])
def test_known_variants_of_admin(variant: str) -> None:
    assert normalise_username(variant) == "admin"


# Client addresses

TRUSTED = [ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("192.0.2.1/32")]
ipv4 = st.ip_addresses(v=4).map(str)
untrusted_v4 = ipv4.filter(lambda a: not any(ipaddress.ip_address(a) in n for n in TRUSTED))
trusted_v4 = st.sampled_from(["10.1.2.3", "10.0.0.1", "192.0.2.1"])


@given(peer=untrusted_v4, forwarded=st.lists(ipv4, max_size=4))
def test_an_untrusted_peer_is_the_client_whatever_it_forwards(
    peer: str, forwarded: list[str]
) -> None:
    assert client_address(peer, ", ".join(forwarded), TRUSTED) == peer


@given(
    spoofed=st.lists(st.one_of(ipv4, st.text(max_size=10)), max_size=4),
    client=untrusted_v4,
    proxies=st.lists(trusted_v4, max_size=3),
    peer=trusted_v4,
)
def test_behind_trusted_proxies_the_rightmost_untrusted_hop_is_the_client(
    spoofed: list[str], client: str, proxies: list[str], peer: str
) -> None:
    """Whatever the client wrote to the left of its own address does not matter."""
    header = ", ".join([*spoofed, client, *proxies])
    assert client_address(peer, header, TRUSTED) == client


@given(proxies=st.lists(trusted_v4, min_size=1, max_size=4), peer=trusted_v4)
def test_when_every_hop_is_trusted_the_leftmost_is_the_client(
    proxies: list[str], peer: str
) -> None:
    assert client_address(peer, ", ".join(proxies), TRUSTED) == proxies[0]


def test_exact_cases_of_client_addresses() -> None:
    assert client_address("192.0.2.1", "", TRUSTED) == "192.0.2.1"
    assert client_address("192.0.2.1", "198.51.100.4:5123", TRUSTED) == "198.51.100.4"
    assert client_address("192.0.2.1", "[2001:db8:1:2::7]:443", TRUSTED) == "2001:db8:1:2::/64"
    assert client_address("::ffff:198.51.100.4", "", TRUSTED) == "198.51.100.4"
    assert client_address("2001:db8:1:2::7", "", TRUSTED) == "2001:db8:1:2::/64"
    assert client_address("", "", TRUSTED) == "unknown"


# The throttle itself (the real cache)


def test_the_limit_refuses_the_next_attempt_with_the_window_left() -> None:
    throttle = Throttle("t1", limit=3, window=600)
    for _ in range(3):
        throttle.begin({"user": "ann"})  # kept: failures
    with pytest.raises(Throttled) as refused:
        throttle.begin({"user": "ann"})
    assert 598 <= refused.value.retry_after <= 600
    throttle.begin({"user": "bob"})  # another identity is not affected


def test_the_window_starts_at_the_first_failure_and_then_ends() -> None:
    throttle = Throttle("t4", limit=2, window=60)
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC), tick=False) as clock:
        throttle.begin({"user": "gina"})
        clock.shift(30)
        throttle.begin({"user": "gina"})
        clock.shift(10)
        with pytest.raises(Throttled) as refused:
            throttle.begin({"user": "gina"})
        assert refused.value.retry_after == 20  # 60 s from the first failure
        clock.shift(21)
        throttle.begin({"user": "gina"})  # a new window
        throttle.begin({"user": "gina"})
        with pytest.raises(Throttled) as again:
            throttle.begin({"user": "gina"})
        assert again.value.retry_after == 60


def test_refused_attempts_reserve_nothing_on_the_other_identities() -> None:
    throttle = Throttle("t2", limit=2, window=600)
    for _ in range(2):
        throttle.begin({"address": "198.51.100.1", "user": f"u{_}"})
    for _ in range(5):
        with pytest.raises(Throttled):
            throttle.begin({"address": "198.51.100.1", "user": "carol"})
    # carol's budget is whole: two failures from elsewhere, then refused.
    for i in range(2):
        throttle.begin({"address": f"198.51.100.{10 + i}", "user": "carol"})
    with pytest.raises(Throttled):
        throttle.begin({"address": "198.51.100.20", "user": "carol"})


def test_success_clears_the_user_and_refunds_the_address() -> None:
    throttle = Throttle("t3", limit=2, window=600)
    throttle.begin({"address": "a", "user": "dan"})
    throttle.begin({"address": "a", "user": "dan"}).succeeded(clear=["user"])
    # address "a": one failure kept, the success refunded; "dan": cleared.
    throttle.begin({"address": "a", "user": "dan"})
    with pytest.raises(Throttled):
        throttle.begin({"address": "a", "user": "erin"})
    throttle.begin({"address": "b", "user": "dan"})


# The middleware: a 5xx is no failure


def _middleware(status: int) -> LoginThrottleMiddleware:
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse("x", status=status)

    middleware = LoginThrottleMiddleware(view)
    middleware.login_path = LOGIN_PATH
    return middleware


def _post(user: str, address: str) -> HttpRequest:
    request = RequestFactory().post(
        LOGIN_PATH, {"username": user, "password": "x"}, REMOTE_ADDR=address
    )
    request.user = _Anonymous()  # type: ignore[assignment]
    return request


class _Anonymous:
    is_authenticated = False


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_server_error_is_never_counted_as_a_failed_login(status: int) -> None:
    failing = _middleware(status)
    for _ in range(MAX_FAILURES * 3):
        assert failing(_post("frank", "198.51.100.9")).status_code == status
    wrong_password = _middleware(200)
    for _ in range(MAX_FAILURES):
        assert wrong_password(_post("frank", "198.51.100.9")).status_code == 200
    refused = wrong_password(_post("frank", "198.51.100.9"))
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 15 * 60


def test_login_throttle_is_scoped() -> None:
    assert LOGIN.scope == "login"
    assert (LOGIN.limit, LOGIN.window) == (5, 15 * 60)
