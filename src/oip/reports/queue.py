"""One report rendered at a time per process, behind a short queue.

Rendering a report takes seconds of CPU (WeasyPrint, charts). Without a bound, a handful of
concurrent requests for distinct dates occupy every server thread and the whole site stops
answering, `/healthz` included. `RenderQueue.run(job)` runs `job` while holding the process's
single render slot; at most `waiting` other callers wait for the slot, each at most
`wait_seconds`. A caller beyond that, or one whose wait runs out, gets `Busy` at once, with
`retry_after` (seconds) estimated from the recent render times, which the view turns into a
503 with a Retry-After header. Threads not rendering or waiting stay free for everything
else.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

INITIAL_ESTIMATE = 5.0  # seconds per render, before the first one is measured


class Busy(Exception):
    """The render queue is full (or the wait ran out): try again in `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"busy rendering reports; retry after {retry_after} s")
        self.retry_after = retry_after


class RenderQueue:
    """A render slot for one job at a time and at most `waiting` callers queued for it."""

    def __init__(self, waiting: int, wait_seconds: float) -> None:
        self.waiting = waiting
        self.wait_seconds = wait_seconds
        self._slot = threading.Lock()
        self._admission = threading.Lock()
        self._admitted = 0  # rendering + waiting
        self._estimate = INITIAL_ESTIMATE

    @property
    def admitted(self) -> int:
        """How many callers hold or wait for the slot now."""
        return self._admitted

    def _retry_after(self) -> int:
        return max(1, min(600, math.ceil(self._estimate * max(1, self._admitted))))

    def run(self, job: Callable[[], T]) -> T:
        """Return `job()` run in the render slot; raise Busy if the queue is full or the wait
        for the slot exceeds `wait_seconds`. Exceptions of `job` pass through."""
        with self._admission:
            if self._admitted >= 1 + self.waiting:
                raise Busy(self._retry_after())
            self._admitted += 1
        try:
            if not self._slot.acquire(timeout=self.wait_seconds):
                raise Busy(self._retry_after())
            try:
                started = time.monotonic()
                result = job()
                took = time.monotonic() - started
                self._estimate = 0.5 * self._estimate + 0.5 * took
                return result
            finally:
                self._slot.release()
        finally:
            with self._admission:
                self._admitted -= 1
