"""Security headers on the public pages and the API; HSTS only when served over TLS."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from django.test import Client, override_settings

from oip.site.headers import CONTENT_SECURITY_POLICY
from tests.hardening.procs import clean_env

pytestmark = pytest.mark.django_db

PAGES = ["/", "/api/v1/standings"]


def directives(policy: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0].lower()] = words[1:]
    return parsed


@pytest.mark.parametrize("url", PAGES)
def test_security_headers(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    script_src = policy.get("script-src", policy.get("default-src"))
    assert script_src is not None
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response


@pytest.mark.parametrize("url", PAGES)
def test_no_hsts_without_tls_even_on_a_secure_request(client: Client, url: str) -> None:
    response = client.get(url, secure=True)
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response


@pytest.fixture(scope="module")
def tls_settings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The settings OIP_TLS=1 produces, read from a fresh process."""
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ('SECURE_HSTS_SECONDS', "
        "'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_SSL_REDIRECT', 'SECURE_PROXY_SSL_HEADER', "
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE')}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=clean_env(OIP_VAR=str(tmp_path_factory.mktemp("tls")), OIP_TLS="1"),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    values: dict[str, Any] = json.loads(result.stdout)
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


@pytest.mark.parametrize("url", PAGES)
def test_hsts_with_tls(client: Client, url: str, tls_settings: dict[str, Any]) -> None:
    assert tls_settings["SECURE_HSTS_SECONDS"] >= 31_536_000
    with override_settings(**tls_settings):
        secure = Client()
        response = secure.get(url, secure=True)
        assert response.status_code == 200
        hsts = response["Strict-Transport-Security"]
        assert f"max-age={tls_settings['SECURE_HSTS_SECONDS']}" in hsts
        assert "includeSubDomains" in hsts
        # Behind the TLS proxy: the forwarded scheme counts as secure.
        proxied = secure.get(url, HTTP_X_FORWARDED_PROTO="https")
        assert "Strict-Transport-Security" in proxied
        # Plain HTTP is redirected to HTTPS.
        plain = secure.get(url)
        assert plain.status_code == 301
        assert plain["Location"].startswith("https://")


@pytest.mark.parametrize(
    "url", ["/static/monitor/monitor.css", "/static/monitor/favicon.svg"], ids=["css", "svg"]
)
def test_static_files_carry_the_same_security_headers(client: Client, url: str) -> None:
    """WhiteNoise answers static files before the header middlewares run."""
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Permissions-Policy"] == "geolocation=(), camera=(), microphone=()"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Referrer-Policy"] == "same-origin"
    response.close()
