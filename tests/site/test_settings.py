"""Production mode refuses unsafe settings at start-up (Django's W009 rule for the secret key,
an invalid OIP_PUBLIC_URL, hosts, DEBUG) and warns without TLS; every malformed value is refused
naming its variable; DEBUG is off unless asked for; `oip serve` runs gunicorn without it.

Each case imports the settings (or runs `oip`) in a fresh process with a controlled environment.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hardening.procs import OIP, clean_env
from tests.site.serving import serve

GOOD_KEY = "k3y-" + "x7Q9" * 12  # 52 characters, 8 different ones
READ = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS, 'hsts': s.SECURE_HSTS_SECONDS, "
    "'ssl_redirect': s.SECURE_SSL_REDIRECT, 'session_secure': s.SESSION_COOKIE_SECURE}))"
)


def start(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", READ],
        env=clean_env(OIP_VAR=str(tmp_path), **env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


PRODUCTION_OK = {
    "OIP_ENV": "production",
    "OIP_SECRET_KEY": GOOD_KEY,
    "OIP_ALLOWED_HOSTS": "oip.example.eu",
    # Any existing file passes the settings' check; its content is checked where it is used.
    "OIP_EXCHANGE_KEK_FILE": __file__,
}


WEAK_KEYS = {
    "no-key": ("", "OIP_SECRET_KEY must be set"),
    "short-key": ("short-key", "OIP_SECRET_KEY is too weak"),
    "44-chars": ("k3y-" + "x7Q9" * 10, "at least 50 characters"),
    "spaces": (" " * 64, "OIP_SECRET_KEY must be set"),  # blank counts as unset
    "one-letter": ("a" * 64, "at least 5 different ones"),
    "four-letters": ("abcd" * 16, "security.W009"),
    "django-insecure": ("django-insecure-" + "x7Q9kLm2" * 8, "'django-insecure-'"),
    "dev-key": ("dev-only-insecure-key-do-not-use-in-production", "OIP_SECRET_KEY"),
}
OTHER_REFUSALS = {
    "debug": ({"OIP_DEBUG": "1"}, "OIP_DEBUG must be off in production"),
    "bad-bool": ({"OIP_DEBUG": "maybe"}, "OIP_DEBUG must be a boolean"),
    "no-hosts": ({"OIP_ALLOWED_HOSTS": ""}, "OIP_ALLOWED_HOSTS must list"),
    "star": ({"OIP_ALLOWED_HOSTS": "*"}, "OIP_ALLOWED_HOSTS must list"),
    "no-kek": ({"OIP_EXCHANGE_KEK_FILE": ""}, "OIP_EXCHANGE_KEK_FILE must name an existing"),
    "missing-kek": (
        {"OIP_EXCHANGE_KEK_FILE": "/nonexistent/kek.key"},
        "OIP_EXCHANGE_KEK_FILE must name an existing",
    ),
    "star-in-list": ({"OIP_ALLOWED_HOSTS": "oip.example.eu,*"}, "OIP_ALLOWED_HOSTS must list"),
    "javascript-url": ({"OIP_PUBLIC_URL": "javascript:alert(1)"}, "OIP_PUBLIC_URL must be"),
    "hostless-url": ({"OIP_PUBLIC_URL": "https://"}, "OIP_PUBLIC_URL must be"),
    "ftp-url": ({"OIP_PUBLIC_URL": "ftp://oip.example.eu"}, "OIP_PUBLIC_URL must be"),
    "url-with-space": ({"OIP_PUBLIC_URL": "https://oip.example.eu/a b"}, "OIP_PUBLIC_URL must"),
    "bad-ttl": ({"OIP_DATA_VERSION_TTL": "two"}, "OIP_DATA_VERSION_TTL must be a number"),
    "nan-ttl": ({"OIP_DATA_VERSION_TTL": "nan"}, "OIP_DATA_VERSION_TTL must be a number"),
    "negative-ttl": ({"OIP_DATA_VERSION_TTL": "-1"}, "OIP_DATA_VERSION_TTL must be a number"),
    "bad-queue": ({"OIP_REPORT_QUEUE": "3.5"}, "OIP_REPORT_QUEUE must be a whole number"),
    "bad-proxy": ({"OIP_TRUSTED_PROXIES": "10.0.0.1,proxy"}, "OIP_TRUSTED_PROXIES must list"),
}
REFUSALS = {
    **{name: ({"OIP_SECRET_KEY": key}, message) for name, (key, message) in WEAK_KEYS.items()},
    **OTHER_REFUSALS,
}


@pytest.mark.parametrize(("change", "message"), REFUSALS.values(), ids=REFUSALS.keys())
def test_production_refuses_to_start(tmp_path: Path, change: dict[str, str], message: str) -> None:
    env = {k: v for k, v in (PRODUCTION_OK | change).items() if v != ""}
    result = start(tmp_path, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
    assert "ValueError" not in result.stderr


def test_a_key_by_djangos_rule_is_accepted_even_if_unusual(tmp_path: Path) -> None:
    key = "ab1cD" * 10  # 50 characters, 5 different ones: the rule's very edge
    result = start(tmp_path, **(PRODUCTION_OK | {"OIP_SECRET_KEY": key}))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://oip.example.eu/", "https://oip.example.eu"),
        ("http://10.0.0.5:8080/oip", "http://10.0.0.5:8080/oip"),
        ("https://[2001:db8::1]", "https://[2001:db8::1]"),
    ],
)
def test_valid_public_urls(tmp_path: Path, value: str, expected: str) -> None:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.OIP_PUBLIC_URL)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=clean_env(OIP_VAR=str(tmp_path), OIP_PUBLIC_URL=value),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_production_starts_with_good_values(tmp_path: Path) -> None:
    result = start(tmp_path, **PRODUCTION_OK)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["debug"] is False
    assert values["hosts"] == ["oip.example.eu"]
    assert values["hsts"] == 0


def test_tls_turns_on_hsts_and_secure_cookies(tmp_path: Path) -> None:
    result = start(tmp_path, **PRODUCTION_OK, OIP_TLS="1")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["hsts"] >= 31_536_000
    assert values["ssl_redirect"] is True
    assert values["session_secure"] is True


@pytest.mark.parametrize("mode", ["development", "production"])
def test_debug_is_off_without_any_setting(tmp_path: Path, mode: str) -> None:
    env = {"OIP_ENV": mode} if mode == "development" else PRODUCTION_OK
    result = start(tmp_path, **env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["debug"] is False


def test_oip_serve_runs_without_debug(tmp_path: Path) -> None:
    """The real server (gunicorn via `oip serve`), with no OIP_DEBUG: a 404 is the plain
    page, not Django's debug page listing the URL patterns. Readiness is awaited by polling
    /healthz (see serving.py), so a slow first answer on a loaded machine is retried."""
    with serve(tmp_path, clean_env(OIP_VAR=str(tmp_path)), threads=1) as server:
        connection = server.connection()
        try:
            connection.request("GET", "/no-such-page-xyz")
            response = connection.getresponse()
            status, body = response.status, response.read().decode("utf-8", "replace")
        finally:
            connection.close()
    assert status == 404
    assert "URLconf" not in body
    assert "Traceback" not in body
    assert "DEBUG = True" not in body
    assert "DEBUG is on" not in server.stderr()
    assert "without TLS" not in server.stderr()


def test_production_without_tls_warns_loudly_on_start(tmp_path: Path) -> None:
    env = clean_env(OIP_VAR=str(tmp_path), **(PRODUCTION_OK | {"OIP_ALLOWED_HOSTS": "127.0.0.1"}))
    with serve(tmp_path, env, threads=1) as server:
        warning = server.stderr()
    assert "WARNING: OIP runs in production without TLS" in warning
    assert "set OIP_TLS=1" in warning


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("OIP_WORKERS", "two", "OIP_WORKERS must be a whole number from 1 to 64, got 'two'"),
        ("OIP_THREADS", "0", "OIP_THREADS must be a whole number from 1 to 256, got '0'"),
        ("PORT", "80000", "PORT must be a whole number from 1 to 65535, got '80000'"),
        ("OIP_ACCESS_LOG", "loud", "OIP_ACCESS_LOG must be a boolean"),
    ],
)
def test_oip_serve_refuses_bad_environment_values(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    result = subprocess.run(
        [OIP, "serve"],
        env=clean_env(OIP_VAR=str(tmp_path), **{variable: value}),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "OIP_DATA_VERSION_TTL",
            "2s",
            "OIP_DATA_VERSION_TTL must be a number from 0 to 3600, got '2s'",
        ),
        (
            "OIP_REPORT_QUEUE",
            "many",
            "OIP_REPORT_QUEUE must be a whole number from 0 to 64, got 'many'",
        ),
        ("OIP_PUBLIC_URL", "javascript:alert(1)", "OIP_PUBLIC_URL must be an absolute http:// or"),
    ],
)
def test_the_cli_names_a_bad_variable_without_a_traceback(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    result = subprocess.run(
        [OIP, "check"],
        env=clean_env(OIP_VAR=str(tmp_path), **{variable: value}),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"ImproperlyConfigured: {message}")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--workers", "0", "argument --workers: must be a whole number from 1 to 64, got '0'"),
        ("--threads", "x", "argument --threads: must be a whole number from 1 to 256, got 'x'"),
        ("--port", "70000", "argument --port: must be a whole number from 1 to 65535, got '70000'"),
    ],
)
def test_oip_serve_refuses_bad_options(
    tmp_path: Path, option: str, value: str, message: str
) -> None:
    result = subprocess.run(
        [OIP, "serve", option, value],
        env=clean_env(OIP_VAR=str(tmp_path)),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
