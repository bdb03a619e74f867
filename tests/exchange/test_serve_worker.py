"""`oip serve` runs gunicorn plus one exchange worker; SIGTERM stops both; with
OIP_EXCHANGE_WORKER=external no worker starts (EXCHANGE.md §8 WP3 test 5).

A real server in a child process on a scratch SQLite database, ready once /healthz answers;
the worker is found among the gunicorn master's children in /proc. Every wait is a bounded
poll on a condition, never a guessed sleep.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from gunicorn.config import Config

from tests.hardening.procs import Scratch, sqlite_scratch
from tests.site.serving import serve

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads the process tree from /proc"
)

WORKER_ARGS = ["-m", "oip.cli", "exchange", "worker"]
GONE_DEADLINE = 40.0  # seconds: gunicorn's graceful timeout (10) twice, and then some


def _cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # exited meanwhile
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def _parent(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name in parentheses may hold spaces: the fields after its ")" are fixed.
    return int(stat.rsplit(")", 1)[1].split()[1])


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and _parent(int(entry.name)) == pid:
            found.append(int(entry.name))
    return sorted(found)


def exchange_workers(master: int) -> list[int]:
    return [pid for pid in children(master) if _cmdline(pid)[1:5] == WORKER_ARGS]


def wait_until(condition: object, what: str, deadline: float = GONE_DEADLINE) -> None:
    assert callable(condition)
    end = time.monotonic() + deadline
    while not condition():
        if time.monotonic() > end:
            pytest.fail(f"{what} within {deadline:.0f} s")
        time.sleep(0.05)  # a poll's pace, not a guess at how long anything takes


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scratch]:
    var = tmp_path_factory.mktemp("serve-worker")
    with sqlite_scratch(var) as db:
        db.oip("migrate", "--noinput")
        yield db


def test_serve_runs_one_worker_and_sigterm_stops_both(database: Scratch) -> None:
    with serve(database.var, database.env, workers=1) as server:
        master = server.process.pid
        wait_until(lambda: len(exchange_workers(master)) == 1, "no exchange worker started")
        (worker,) = exchange_workers(master)
        web = [pid for pid in children(master) if pid != worker]
        assert len(web) == 1  # the one gunicorn worker beside it
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=GONE_DEADLINE) == 0
        wait_until(lambda: not _alive(worker), "the exchange worker outlived the server")
        assert not _alive(web[0])
        assert "Exchange worker stopped" in server.stderr()


def test_external_worker_setting_starts_none(database: Scratch) -> None:
    env = {**database.env, "OIP_EXCHANGE_WORKER": "external"}
    with serve(database.var, env, workers=1) as server:
        master = server.process.pid
        # Ready means gunicorn's master has forked its web worker; any exchange worker would
        # have been started before that (gunicorn calls when_ready first).
        wait_until(lambda: len(children(master)) >= 1, "no gunicorn worker started")
        assert exchange_workers(master) == []
        assert "Exchange worker" not in server.stderr()


def test_a_killed_server_takes_its_worker_along(database: Scratch) -> None:
    with serve(database.var, database.env, workers=1) as server:
        master = server.process.pid
        wait_until(lambda: len(exchange_workers(master)) == 1, "no exchange worker started")
        (worker,) = exchange_workers(master)
        os.kill(master, signal.SIGKILL)
        server.process.wait(timeout=GONE_DEADLINE)
        wait_until(lambda: not _alive(worker), "the exchange worker outlived a killed server")


def test_the_hooks_module_sets_only_the_two_hooks() -> None:
    """Gunicorn applies every module-level name that is one of its settings."""
    import oip.exchange.embedded as hooks

    names = {name for name in vars(hooks) if not name.startswith("_")}
    assert names & set(Config().settings) == {"when_ready", "on_exit"}


def test_worker_command_runs_in_batch(database: Scratch) -> None:
    result = database.oip("exchange", "worker", "--batch")
    assert result.stdout.strip() == "exchange worker: 1 tick(s), 0 task(s)"


def test_worker_stops_on_sigterm(database: Scratch) -> None:
    process = subprocess.Popen(
        [sys.executable, *WORKER_ARGS, "--interval", "0.2"],
        env={**database.env, "OIP_LOG_LEVEL": "INFO"},
        cwd=database.var,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    try:
        # Its first tick's log line says it is running its loop.
        line = process.stderr.readline()
        while line and "exchange tick" not in line:
            line = process.stderr.readline()
        assert "exchange tick" in line
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=GONE_DEADLINE) == 0
        rest = process.stderr.read()
        assert "stopping after the current task" in rest
        assert "stopped: WorkerRun(ticks=" in rest
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
