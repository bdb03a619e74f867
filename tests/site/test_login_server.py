"""The login throttle against the real server (`oip serve`, gunicorn, one worker, 4 threads).

The server trusts 127.0.0.1 as its reverse proxy (OIP_TRUSTED_PROXIES), so requests from
127.0.0.1 speak for the client named in X-Forwarded-For, and requests from 127.0.0.2 are an
untrusted peer whose X-Forwarded-For is ignored.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from oip.site.ratelimit import MAX_FAILURES
from tests.hardening.procs import sqlite_scratch
from tests.site.serving import Server, serve

PASSWORD = "correct horse battery staple 42"
USERS = ["unicodeuser", "proxyuser", "burstuser"]
LOGIN = "/admin/login/"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    var = tmp_path_factory.mktemp("h3login")
    with sqlite_scratch(var) as db:
        db.oip("migrate", "--noinput")
        db.python(
            "from django.contrib.auth import get_user_model\n"
            "User = get_user_model()\n"
            f"for name in {USERS!r}:\n"
            f"    User.objects.create_user(name, password={PASSWORD!r}, is_staff=True)\n"
            "print('[]')"
        )
        env = {**db.env, "OIP_TRUSTED_PROXIES": "127.0.0.1"}
        with serve(var, env, workers=1, threads=4) as running:
            yield running


class Browser:
    """One client of the admin login: its CSRF cookie and token, its forwarded address."""

    def __init__(self, server: Server, source: str = "127.0.0.1") -> None:
        self.server = server
        self.source = source
        connection = server.connection(source=source)
        try:
            connection.request("GET", LOGIN)
            response = connection.getresponse()
            body = response.read().decode()
            cookie = response.getheader("Set-Cookie") or ""
        finally:
            connection.close()
        assert response.status == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        csrf = re.search(r"csrftoken=([^;]+)", cookie)
        assert token
        assert csrf
        self.token, self.cookie = token.group(1), csrf.group(1)

    def login(self, username: str, password: str, forwarded_for: str | None = None) -> int:
        body = urllib.parse.urlencode(
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": self.token,
                "next": "/admin/",
            }
        )
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={self.cookie}",
        }
        if forwarded_for is not None:
            headers["X-Forwarded-For"] = forwarded_for
        connection = self.server.connection(source=self.source)
        try:
            connection.request("POST", LOGIN, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status == 429:
                assert 0 < int(response.getheader("Retry-After") or "0") <= 15 * 60
            return response.status
        finally:
            connection.close()


def test_a_unicode_variant_of_a_throttled_username_is_throttled_too(server: Server) -> None:
    browser = Browser(server)
    # Django authenticates the full-width variant as the same user (NFKC)...
    assert browser.login("ｕnicodeuser", PASSWORD, "198.51.100.1") == 302
    # ... so five failures for the plain name, each from another client address ...
    for i in range(MAX_FAILURES):
        assert browser.login("unicodeuser", f"wrong {i}", f"198.51.100.{10 + i}") == 200
    # ... leave no fresh budget to the variants, even with the right password.
    assert browser.login("ｕnicodeuser", PASSWORD, "198.51.100.20") == 429
    assert browser.login("UNICODEUSER", PASSWORD, "198.51.100.21") == 429


def test_behind_the_proxy_one_client_is_throttled_not_everyone(server: Server) -> None:
    browser = Browser(server)
    for i in range(MAX_FAILURES):
        # Spoofed hops to the left of the client's own address change nothing.
        spoofed = f"6.6.6.{i}, 203.0.113.7"
        assert browser.login(f"guess{i}", "wrong", spoofed) == 200
    assert browser.login("proxyuser", PASSWORD, "203.0.113.7") == 429
    assert browser.login("proxyuser", PASSWORD, "1.2.3.4, 203.0.113.7") == 429
    # Another analyst behind the same proxy logs in.
    assert browser.login("proxyuser", PASSWORD, "203.0.113.8") == 302


def test_an_untrusted_peer_cannot_pick_its_address(server: Server) -> None:
    browser = Browser(server, source="127.0.0.2")
    for i in range(MAX_FAILURES):
        assert browser.login(f"spoof{i}", "wrong", f"198.18.0.{i}") == 200
    assert browser.login("spoof9", "wrong", "198.18.0.99") == 429
    assert browser.login("spoof9", "wrong") == 429


def test_a_burst_gets_no_more_tries_than_the_limit(server: Server) -> None:
    """Twelve concurrent wrong passwords for one username, from twelve clients: the budget is
    reserved before the hash is checked, so exactly five reach the check."""
    browsers = [Browser(server) for _ in range(3)]
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(
            pool.map(
                lambda i: browsers[i % 3].login("burstuser", f"wrong {i}", f"192.0.2.{100 + i}"),
                range(12),
            )
        )
    assert sorted(statuses) == [200] * MAX_FAILURES + [429] * (12 - MAX_FAILURES)
