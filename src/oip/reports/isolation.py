"""Render a report in a helper process, so the server process keeps answering meanwhile.

WeasyPrint and the chart renderer hold Python's global interpreter lock for up to seconds at
a time (measured: 1.6 s in one PDF layout call, 1 s in the first chart), so a render in a
server thread stalls every other thread of that process, `/healthz` included, however few
renders run. `render_report(...)` therefore runs the build and the render in one long-lived
helper process per server process (spawned on first use, started fresh if it dies) and
waits for the bytes without holding the lock.

`oip serve` turns this on (OIP_REPORT_PROCESS=1 for its workers); elsewhere (the test
client, `runserver`) reports render in the calling thread, on the caller's database
connection, which the tests' transactions need.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import django
from django.conf import settings
from django.db import close_old_connections

from oip.reports import store
from oip.reports.build import country_report, region_report

_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


class RenderFailed(RuntimeError):
    """The helper process died while rendering (it is replaced for the next report)."""


def build_and_render(
    code: str | None, as_of: dt.date, since: dt.date | None, fmt: store.Format
) -> store.Stored:
    """Build the report (a country's when `code` is given, else the region's) and render it."""
    report = country_report(code, as_of, since) if code else region_report(as_of, since)
    return store.render(report, fmt)


def _in_helper(
    code: str | None, as_of: dt.date, since: dt.date | None, fmt: store.Format
) -> store.Stored:
    # The helper lives outside Django's request cycle: drop a connection that broke or aged
    # (e.g. PostgreSQL restarted) before and after each job, as a request would.
    close_old_connections()
    try:
        return build_and_render(code, as_of, since, fmt)
    finally:
        close_old_connections()


def _pool_instance() -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            # spawn, not fork: the server process has threads and open connections that a
            # forked child must not inherit.
            _pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=django.setup,
            )
        return _pool


def _discard(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _pool_lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


def render_report(
    code: str | None, as_of: dt.date, since: dt.date | None, fmt: store.Format
) -> store.Stored:
    """`build_and_render` in the helper process when OIP_REPORT_PROCESS is on, else here.

    Exceptions of the build (e.g. UnknownCountry) pass through; a helper that died raises
    RenderFailed.
    """
    if not settings.OIP_REPORT_PROCESS:
        return build_and_render(code, as_of, since, fmt)
    pool = _pool_instance()
    try:
        return pool.submit(_in_helper, code, as_of, since, fmt).result()
    except BrokenProcessPool as exc:
        _discard(pool)
        raise RenderFailed("the report renderer stopped; try again") from exc
