"""The exchange's worker: django-tasks-db's queue worker plus the tick (EXCHANGE.md §6.6.5).

One loop in one thread: run every ready task (claimed with `SELECT ... FOR UPDATE SKIP LOCKED`
on PostgreSQL, inside an exclusive transaction on SQLite, by django-tasks-db's own `Worker`),
and every `tick_every` seconds one `tick(now)`. Both are safe to run in any number of worker
processes at once: a task is claimed by one worker, and a tick writes only rows keyed by a
UNIQUE column. Killing a worker loses nothing: the delivery in hand rolls back, its reminder
stays unsent in the outbox, and a later tick enqueues its delivery again (`oip.exchange.tick`).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from dataclasses import dataclass
from types import FrameType

from django.conf import settings
from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Worker

from oip.exchange.tick import tick
from oip.site import clock

logger = logging.getLogger("oip.exchange.worker")

ALL_QUEUES = ["*"]


@dataclass
class WorkerRun:
    """What one `run_worker` did: ticks taken, tasks run (whatever their outcome)."""

    ticks: int = 0
    tasks: int = 0


class _StoppableWorker(Worker):
    """django-tasks-db's Worker whose `running` flag is the caller's stop event.

    The base loop reads `self.running` before each claim, so setting `stop` ends it after the
    task in hand; its batch mode drains the ready tasks and returns, which is how this loop
    interleaves tasks with ticks.
    """

    def __init__(self, stop: threading.Event, *, interval: float, worker_id: str) -> None:
        self._stop = stop
        super().__init__(
            queue_names=ALL_QUEUES,
            interval=interval,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )

    @property
    def running(self) -> bool:
        return not self._stop.is_set()

    @running.setter
    def running(self, value: bool) -> None:
        if not value:
            self._stop.set()

    @property
    def tasks_run(self) -> int:
        return self._run_tasks


def default_worker_id() -> str:
    """`host:pid`, unique across a pool of workers and readable in the task table."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


def run_worker(
    stop: threading.Event,
    *,
    interval: float = 1.0,
    tick_every: float | None = None,
    batch: bool = False,
    worker_id: str | None = None,
) -> WorkerRun:
    """Run tasks and ticks until `stop` is set; return what was done.

    `interval`: seconds to wait for new tasks when the queue is empty; `tick_every`: seconds
    between two ticks (default `settings.OIP_EXCHANGE_TICK`), the first at once. With `batch`,
    tick once, run every task that is ready (including those the tick enqueued) and return:
    how tests and `oip exchange worker --batch` run it. A tick that fails is logged and retried
    at the next tick (a batch run raises it); a task that fails is recorded failed by
    django-tasks-db and never stops the loop.
    """
    every = settings.OIP_EXCHANGE_TICK if tick_every is None else tick_every
    tasks_logger = logging.getLogger("django_tasks_db")
    if tasks_logger.level == logging.NOTSET:
        # Its "starting"/"no more tasks" lines would repeat every interval in this loop.
        tasks_logger.setLevel(logging.WARNING)
    worker = _StoppableWorker(stop, interval=interval, worker_id=worker_id or default_worker_id())
    done = WorkerRun()
    next_tick = time.monotonic()
    logger.info("exchange worker %s started (tick every %.0f s)", worker.worker_id, every)
    while not stop.is_set():
        if time.monotonic() >= next_tick:
            _tick_once(batch)
            done.ticks += 1
            next_tick = time.monotonic() + every
        worker.run()
        if batch:
            break
        # Wakes at once when `stop` is set (a signal handler sets it from this same thread).
        stop.wait(max(0.0, min(interval, next_tick - time.monotonic())))
    done.tasks = worker.tasks_run
    close_old_connections()
    logger.info("exchange worker %s stopped: %s", worker.worker_id, done)
    return done


def _tick_once(batch: bool) -> None:
    close_old_connections()
    try:
        report = tick(clock.now())
    except Exception:
        if batch:
            raise
        # The next tick recomputes everything from the events: one failed pass loses nothing.
        logger.exception("exchange tick failed; retrying at the next tick")
        return
    logger.info("exchange tick: %s", report)


def stop_on_signals(stop: threading.Event) -> None:
    """SIGTERM/SIGINT set `stop` (the task in hand finishes, then the worker returns); a
    second signal while a task is still running exits at once with status 1."""

    def handle(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            logger.warning("%s again: exiting now", signal.strsignal(signum))
            raise SystemExit(1)
        logger.warning("%s: stopping after the current task", signal.strsignal(signum))
        stop.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)
