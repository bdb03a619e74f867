"""A live OIP server for browser tests and screenshots: a fresh SQLite database in a temp
directory, the catalogue and the baseline evidence loaded, `oip serve` on a free port."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BIN = Path(sys.executable).parent


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _oip(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(BIN / "oip"), *args], env=env, check=True, capture_output=True)


def start(var: Path, extra_evidence: list[Path] | None = None) -> LiveServer:
    """Set up a database under `var` and serve it; return once the server answers."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"OIP_VAR": str(var), "OIP_ENV": "development", "OIP_WORKERS": "1"})
    _oip(env, "migrate", "--noinput")
    _oip(env, "catalogue", "load")
    _oip(env, "evidence", "load-baseline")
    for path in extra_evidence or []:
        _oip(env, "evidence", "import", str(path), "--by", "browser-tests")
    port = _free_port()
    log = var / "serve.log"
    env["OIP_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(BIN / "oip"), "serve", "--port", str(port), "--workers", "1"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(server.url + "/healthz", timeout=2):
                return server
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"oip serve did not start:\n{log.read_text(errors='replace')}")


def launch(playwright: Any) -> Any:
    """Launch Debian's Chromium (never a downloaded one)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def chromium_missing_reason() -> str | None:
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        return f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
    return None
