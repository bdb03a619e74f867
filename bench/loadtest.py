"""Load the real server: `oip serve` (gunicorn) over loopback, driven by wrk.

`load_test(env, paths)` starts `oip serve --port <free port> --workers 2` with `env` (which
chooses the database), waits for `/healthz`, and for `/healthz` (the baseline) and each path:
warms it (one second of wrk at 4 connections, so both workers fill their caches), then runs
wrk for `seconds` at each connection count. After every run it waits until the server is idle
again (its CPU time stops growing): wrk stops on time but the server still works through the
requests queued at the end, and the next run must not pay for them. A server still busy after
DRAIN_S seconds is restarted (and the path warmed again). The server is always stopped. Only
127.0.0.1 is loaded, and every wrk run is bounded in time.

wrk prints its figures through bench/wrk_report.lua as one `WRKJSON {...}` line. A run fails
on any non-2xx response or socket error (connect, read, write, timeout).

By hand, against the database of the current environment:

    .venv/bin/python -m bench.loadtest [--seconds 3] [--connections 1 20 100] [PATH ...]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

HERE = Path(__file__).resolve().parent
LUA = HERE / "wrk_report.lua"
HOST = "127.0.0.1"
BASELINE = "/healthz"
PATHS: tuple[str, ...] = (
    "/",
    "/countries/ME/",
    "/downloads/standings.csv",
    "/api/v1/evidence?limit=100",
)
CONNECTIONS: tuple[int, ...] = (1, 20, 100)
WRK_TIMEOUT_S = 10
DRAIN_S = 5.0  # longest wait for the server to finish the requests wrk left queued


@dataclass
class WrkRun:
    """One wrk run against one path at one number of connections."""

    path: str
    connections: int
    seconds: float
    requests: int = 0
    rps: float = 0.0
    non2xx: int = 0
    socket_errors: dict[str, int] = field(default_factory=dict)
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    error: str | None = None
    drain_s: float = 0.0
    drained: bool = True

    @property
    def ok(self) -> bool:
        """No failure: wrk ran, every response was 2xx and no socket had an error."""
        return (
            self.error is None
            and self.requests > 0
            and self.non2xx == 0
            and not any(self.socket_errors.values())
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the run as plain JSON-ready data (with `ok`)."""
        return {**asdict(self), "ok": self.ok}


def wrk_binary() -> str | None:
    """Return the path of wrk, or None if it is not installed."""
    return shutil.which("wrk") or ("/usr/bin/wrk" if Path("/usr/bin/wrk").exists() else None)


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def status_of(port: int, path: str, timeout: float = 60.0) -> int:
    """Return the HTTP status of GET `path` (redirects are not followed)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def wait_ready(port: int, process: subprocess.Popen[bytes], within: float = 60.0) -> None:
    """Wait until `/healthz` answers 200, or raise RuntimeError (server died or timed out)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"oip serve exited with status {process.returncode}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            if status_of(port, BASELINE, timeout=2.0) == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"oip serve did not answer {BASELINE} within {within:.0f} s")


class Server:
    """`oip serve` on a free port with `env`, as a context manager that always stops it.

    `oip serve` exec()s gunicorn, so the child's pid is the gunicorn master; it runs in its
    own process group (the master and its workers), which `stop()` signals by that id.
    """

    def __init__(self, env: Mapping[str, str], log: TextIO, workers: int = 2) -> None:
        self.env = dict(env)
        self.log = log
        self.workers = workers
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.restarts = 0

    def start(self) -> None:
        """Start the server and wait until `/healthz` answers."""
        self.port = free_port()
        command = [sys.executable, "-m", "oip.cli", "serve", "--port", str(self.port)]
        command += ["--workers", str(self.workers)]
        self.process = subprocess.Popen(
            command,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_ready(self.port, self.process)

    def stop(self) -> None:
        """Stop the server: quick shutdown (INT to its process group), KILL if it lingers.

        Not gunicorn's graceful TERM: that would first serve the backlog wrk left behind.
        """
        process, self.process = self.process, None
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)

    def restart(self) -> None:
        """Stop and start again (drops a backlog of requests wrk left behind)."""
        self.stop()
        self.restarts += 1
        self.start()

    def cpu_ticks(self) -> int:
        """Return the CPU time (clock ticks) used so far by the master and its workers."""
        if self.process is None:
            return 0
        pids = [self.process.pid]
        with contextlib.suppress(OSError):
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            pids += [int(p) for p in children.read_text().split()]
        total = 0
        for pid in pids:
            with contextlib.suppress(OSError, ValueError, IndexError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime + stime
        return total

    def wait_idle(self, within: float) -> bool:
        """Wait until the server burns no CPU for a moment; False if still busy after `within` s.

        wrk stops after its duration, but the server still works through the requests it
        had queued; the next run must not pay for them.
        """
        deadline = time.monotonic() + within
        before = self.cpu_ticks()
        while time.monotonic() < deadline:
            time.sleep(0.25)
            now = self.cpu_ticks()
            if now - before <= 1:
                return True
            before = now
        return False

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def warm(server: Server, path: str) -> None:
    """Fill both workers' caches for `path`: one second of wrk at 4 connections, then idle."""
    run_wrk(server.port, path, 4, 1.0)
    if not server.wait_idle(DRAIN_S * 4):
        server.restart()
        run_wrk(server.port, path, 4, 1.0)
        server.wait_idle(DRAIN_S * 4)


def run_wrk(port: int, path: str, connections: int, seconds: float) -> WrkRun:
    """Run wrk for `seconds` at `connections` connections on `path`; parse its WRKJSON line."""
    run = WrkRun(path=path, connections=connections, seconds=seconds)
    wrk = wrk_binary()
    if wrk is None:
        run.error = "wrk not installed"
        return run
    command = [
        wrk,
        f"-t{min(connections, 2)}",
        f"-c{connections}",
        f"-d{seconds:g}s",
        f"--timeout={WRK_TIMEOUT_S}s",
        "-s",
        str(LUA),
        f"http://{HOST}:{port}{path}",
    ]
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + WRK_TIMEOUT_S + 15
        )
    except subprocess.TimeoutExpired:
        run.error = "wrk did not finish in time"
        return run
    line = next((ln for ln in completed.stdout.splitlines() if ln.startswith("WRKJSON ")), None)
    if completed.returncode != 0 or line is None:
        run.error = (completed.stderr or completed.stdout).strip()[-300:] or "no WRKJSON line"
        return run
    data = json.loads(line.removeprefix("WRKJSON "))
    duration_s = data["duration_us"] / 1e6
    run.requests = data["requests"]
    run.rps = run.requests / duration_s if duration_s else 0.0
    run.non2xx = data["non2xx"]
    run.socket_errors = {k: v for k, v in data["errors"].items() if k != "status"}
    latency = data["latency_us"]
    run.p50_ms, run.p95_ms, run.p99_ms = (latency[k] / 1000 for k in ("p50", "p95", "p99"))
    return run


def load_test(
    env: Mapping[str, str],
    paths: Sequence[str] = PATHS,
    connections: Sequence[int] = CONNECTIONS,
    seconds: float = 3.0,
    log_path: Path | None = None,
) -> dict[str, Any]:
    """Serve with `env` and run wrk on `/healthz` (the baseline) and every path.

    Returns `{"statuses": {path: first status}, "runs": [WrkRun...], "error": str | None}`.
    A path whose warm-up answers other than 2xx is not loaded (its status says why).
    """
    result: dict[str, Any] = {"statuses": {}, "runs": [], "error": None}
    if wrk_binary() is None:
        result["error"] = "wrk not installed"
        return result
    log_path = log_path or Path(os.devnull)
    with log_path.open("a") as log:
        try:
            with Server(env, log) as server:
                targets = [BASELINE, *paths]
                for path in targets:
                    try:
                        result["statuses"][path] = status_of(server.port, path)
                    except (OSError, http.client.HTTPException) as error:
                        result["statuses"][path] = f"error: {error}"
                loadable = [
                    p
                    for p in targets
                    if isinstance(result["statuses"][p], int) and 200 <= result["statuses"][p] < 300
                ]
                for path in loadable:
                    warm(server, path)
                    for index, count in enumerate(connections):
                        run = run_wrk(server.port, path, count, seconds)
                        started = time.monotonic()
                        if not server.wait_idle(DRAIN_S):
                            run.drained = False
                            server.restart()
                            if index + 1 < len(connections):
                                warm(server, path)  # the next path warms itself anyway
                        run.drain_s = time.monotonic() - started
                        result["runs"].append(run.to_dict())
                result["restarts"] = server.restarts
        except RuntimeError as error:
            result["error"] = str(error)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Load the server on the current environment's database; print the result as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=list(PATHS))
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--connections", type=int, nargs="+", default=list(CONNECTIONS))
    args = parser.parse_args(argv)
    result = load_test(os.environ, args.paths, args.connections, args.seconds)
    print(json.dumps(result, indent=2))
    return 0 if result["error"] is None and all(r["ok"] for r in result["runs"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
