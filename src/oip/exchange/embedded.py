"""Gunicorn hooks that embed one exchange worker in `oip serve` (EXCHANGE.md §4 "Processes").

`oip serve` passes `--config python:oip.exchange.embedded` unless OIP_EXCHANGE_WORKER is
"external". The master starts `oip exchange worker` as its child once it is ready
(`when_ready`) and stops it when it exits (`on_exit`), so SIGTERM to the server stops both.
On Linux the child also asks the kernel for SIGTERM should the master die without running
`on_exit` (SIGKILL), so no worker outlives its server.

Gunicorn reads every module-level name that is one of its settings: this module defines only
the two hooks under such names; everything else starts with an underscore.
"""

from __future__ import annotations

import ctypes
import signal as _signal
import subprocess as _subprocess
import sys as _sys
from typing import Any as _Any

_PR_SET_PDEATHSIG = 1
_worker: _subprocess.Popen[bytes] | None = None


def _die_with_parent() -> None:
    """Runs in the child between fork and exec: SIGTERM when the master dies."""
    if _sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, _signal.SIGTERM)


def _command() -> list[str]:
    return [_sys.executable, "-m", "oip.cli", "exchange", "worker"]


def when_ready(server: _Any) -> None:
    """Start the embedded worker (the master is single-threaded here, so a preexec is safe)."""
    global _worker
    _worker = _subprocess.Popen(_command(), preexec_fn=_die_with_parent)
    server.log.info("Exchange worker started (pid: %s)", _worker.pid)


def on_exit(server: _Any) -> None:
    """Stop the embedded worker: SIGTERM (it finishes the task in hand), then SIGKILL after
    the server's graceful timeout."""
    global _worker
    if _worker is None:
        return
    worker, _worker = _worker, None
    if worker.poll() is None:
        worker.terminate()
    try:
        worker.wait(timeout=server.cfg.graceful_timeout)
    except _subprocess.TimeoutExpired:
        server.log.warning("Exchange worker (pid: %s) did not stop: killing it", worker.pid)
        worker.kill()
        worker.wait()
    server.log.info("Exchange worker stopped (pid: %s)", worker.pid)
