"""Production mode refuses unsafe settings at start-up, and DEBUG is off unless asked for.

Each case imports the settings in a fresh process with a controlled environment.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.hardening.procs import OIP, clean_env

GOOD_KEY = "k3y-" + "x7Q9" * 10  # 44 characters
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
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"OIP_SECRET_KEY": ""}, "OIP_SECRET_KEY must be set"),
        ({"OIP_SECRET_KEY": "short-key"}, "at least 32 characters"),
        ({"OIP_SECRET_KEY": "dev-only-insecure-key-do-not-use-in-production"}, "OIP_SECRET_KEY"),
        ({"OIP_DEBUG": "1"}, "OIP_DEBUG must be off in production"),
        ({"OIP_DEBUG": "maybe"}, "OIP_DEBUG must be a boolean"),
        ({"OIP_ALLOWED_HOSTS": ""}, "OIP_ALLOWED_HOSTS must list"),
        ({"OIP_ALLOWED_HOSTS": "*"}, "OIP_ALLOWED_HOSTS must list"),
        ({"OIP_ALLOWED_HOSTS": "oip.example.eu,*"}, "OIP_ALLOWED_HOSTS must list"),
    ],
    ids=["no-key", "short-key", "dev-key", "debug", "bad-bool", "no-hosts", "star", "star-in-list"],
)
def test_production_refuses_to_start(tmp_path: Path, change: dict[str, str], message: str) -> None:
    env = {k: v for k, v in (PRODUCTION_OK | change).items() if v != ""}
    result = start(tmp_path, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_oip_serve_runs_without_debug(tmp_path: Path) -> None:
    """The real server (gunicorn via `oip serve`), with no OIP_DEBUG: a 404 is the plain
    page, not Django's debug page listing the URL patterns."""
    port = _free_port()
    env = clean_env(OIP_VAR=str(tmp_path))
    server = subprocess.Popen(
        [OIP, "serve", "--port", str(port), "--workers", "1", "--threads", "1"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        status, body = 0, ""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/no-such-page-xyz", timeout=2)
            except urllib.error.HTTPError as exc:
                status, body = exc.code, exc.read().decode("utf-8", "replace")
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        assert body, "the server did not answer within 30 s"
        assert status == 404
        assert "URLconf" not in body
        assert "Traceback" not in body
        assert "DEBUG = True" not in body
    finally:
        server.terminate()
        try:
            _, stderr = server.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            _, stderr = server.communicate()
    assert "DEBUG is on" not in stderr
