"""A real `oip serve` (gunicorn) in a child process, started and waited for properly.

`serve(var, env)` starts the server on a free port and polls `/healthz` until it answers
200, the process exits (the test fails with its stderr) or a generous overall deadline
passes: no guessed sleeps, and a slow first answer on a loaded machine is simply retried.
A port taken between choosing and binding (another process won the race) is retried on a new
port.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.hardening.procs import OIP

READY_DEADLINE = 120.0  # seconds: gunicorn's start on two busy cores, never a sleep
POLL_TIMEOUT = 5.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[str]
    port: int
    stderr_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def connection(
        self, timeout: float = 60, source: str | None = None
    ) -> http.client.HTTPConnection:
        """A new connection to the server, from the loopback address `source` if given."""
        return http.client.HTTPConnection(
            "127.0.0.1",
            self.port,
            timeout=timeout,
            source_address=(source, 0) if source else None,
        )

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")


def _healthy(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=POLL_TIMEOUT)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except (OSError, http.client.HTTPException):  # refused, reset, or a read timeout: retry
        return False
    finally:
        connection.close()


def _wait_ready(process: subprocess.Popen[str], port: int, deadline: float) -> bool:
    """True once /healthz answers; False if the process exited first."""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if _healthy(port):
            return True
        # A refused connection returns at once: yield the CPU to the starting server by
        # waiting on the process itself for a moment (returns early if it exits).
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=0.1)
    pytest.fail(f"oip serve did not answer /healthz within {READY_DEADLINE:.0f} s")


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def serve(
    var: Path, env: Mapping[str, str], *, workers: int = 1, threads: int = 4
) -> Iterator[Server]:
    """Run `oip serve` with `env` (cwd `var`) until the block ends; yield it once ready."""
    deadline = time.monotonic() + READY_DEADLINE
    for _ in range(3):
        port = free_port()
        stderr_path = var / f"serve-{port}.stderr"
        with stderr_path.open("w") as stderr:
            process = subprocess.Popen(
                [
                    OIP,
                    "serve",
                    "--port",
                    str(port),
                    "--workers",
                    str(workers),
                    "--threads",
                    str(threads),
                ],
                env=dict(env),
                cwd=var,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                text=True,
                start_new_session=True,
            )
        try:
            if _wait_ready(process, port, deadline):
                yield Server(process, port, stderr_path)
                return
        finally:
            _stop(process)
        text = stderr_path.read_text(errors="replace")
        if "Address already in use" not in text:
            pytest.fail(f"oip serve exited {process.returncode}:\n{text[-3000:]}")
    pytest.fail("oip serve found no free port in three tries")
