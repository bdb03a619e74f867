"""`oip exchange worker [--batch]`: the long-running worker (tasks plus a tick every 30 s).

SIGTERM or SIGINT stops it after the task in hand (a second signal exits at once); `--batch`
ticks once, runs every ready task and exits: for cron, tests and one-off catch-ups.
"""

from __future__ import annotations

import argparse
import threading
from typing import Any

from oip.exchange.worker import run_worker, stop_on_signals


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, got {text!r}") from None
    if not 0 <= value <= 3600:
        raise argparse.ArgumentTypeError(f"must be from 0 to 3600 seconds, got {text!r}")
    return value


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "worker", help="run the exchange's tasks and its tick until stopped (SIGTERM)"
    )
    parser.add_argument(
        "--batch", action="store_true", help="tick once, run the ready tasks, then exit"
    )
    parser.add_argument(
        "--interval",
        type=_seconds,
        default=1.0,
        help="seconds to wait for new tasks when the queue is empty (default 1)",
    )
    parser.add_argument(
        "--tick-every",
        type=_seconds,
        default=None,
        help="seconds between two ticks (default OIP_EXCHANGE_TICK, 30)",
    )
    parser.set_defaults(run=run)


def run(options: dict[str, Any]) -> int:
    stop = threading.Event()
    if not options["batch"]:
        stop_on_signals(stop)
    done = run_worker(
        stop,
        interval=options["interval"],
        tick_every=options["tick_every"],
        batch=options["batch"],
    )
    if options["batch"]:
        options["stdout"].write(f"exchange worker: {done.ticks} tick(s), {done.tasks} task(s)")
    return 0
