"""Rendered current reports kept on disk and shared by every process (`OIP_REPORT_STORE`).

Layout: `<store>/<version>/<kind>-<code>-<as_of>/<filename>.<fmt>`, where `<version>` is a
digest of the data version, so a report of older data is never served: a write (import,
catalogue load, admin change, restore) changes the data version and with it the directory.
Files appear whole or not at all (written beside, then renamed), so a reader never sees half
a PDF; a directory of an older version is removed by the next `prerender`.

`prerender()` renders today's reports (every country of the catalogue and the region, in
both formats) into the store. It runs in its own process: `oip prerender` by hand, or started
in the background after every committed write when `OIP_PRERENDER` is on (the default in
production; `schedule_prerender`, connected to `oip.site.signals.data_changed`). Runs are
serialised by a lock file, and a run finds what an earlier one already rendered. Reports for
other dates are rendered on request, one at a time (see `oip.reports.queue`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from django.conf import settings
from django.db import transaction

from oip.catalogue.fetch import current_catalogue
from oip.reports.build import Report, country_report, region_report
from oip.reports.render import render_html, render_pdf
from oip.site import clock
from oip.standings.version import data_version

Format = Literal["pdf", "html"]
FORMATS: tuple[Format, ...] = ("pdf", "html")
LOCK_NAME = ".prerender.lock"
LOG_NAME = "prerender.log"


@dataclass(frozen=True, slots=True)
class Stored:
    """A rendered report: the download's file name and its bytes."""

    filename: str
    body: bytes


def root() -> Path:
    return Path(settings.OIP_REPORT_STORE)


def _version_dir(version: str) -> Path:
    return root() / hashlib.sha256(version.encode()).hexdigest()[:16]


def _entry_dir(version: str, kind: str, code: str | None, as_of: dt.date) -> Path:
    return _version_dir(version) / f"{kind}-{code or 'all'}-{as_of.isoformat()}"


def read(version: str, kind: str, code: str | None, as_of: dt.date, fmt: Format) -> Stored | None:
    """The stored report, or None if it was not rendered for this data version."""
    directory = _entry_dir(version, kind, code, as_of)
    try:
        names = [n for n in os.listdir(directory) if n.endswith(f".{fmt}")]
    except OSError:
        return None
    for name in names:
        with contextlib.suppress(OSError):
            return Stored(name, (directory / name).read_bytes())
    return None


def write(
    version: str, kind: str, code: str | None, as_of: dt.date, fmt: Format, stored: Stored
) -> Path:
    """Keep `stored` for this data version (atomically: a reader sees all or nothing)."""
    directory = _entry_dir(version, kind, code, as_of)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / Path(stored.filename).name
    handle, partial = tempfile.mkstemp(prefix=".", suffix=".partial", dir=directory)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(stored.body)
        os.chmod(partial, 0o644)
        os.replace(partial, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)
    return target


def render(report: Report, fmt: Format) -> Stored:
    """Render `report` in `fmt` as a download."""
    body = render_pdf(report) if fmt == "pdf" else render_html(report).encode("utf-8")
    return Stored(f"{report.filename_stem}.{fmt}", body)


def prune(keep: str) -> None:
    """Remove every version directory but the one of the data version `keep`."""
    kept = _version_dir(keep).name
    with contextlib.suppress(FileNotFoundError):
        for entry in os.scandir(root()):
            if entry.is_dir() and not entry.name.startswith(".") and entry.name != kept:
                shutil.rmtree(entry.path, ignore_errors=True)


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    root().mkdir(parents=True, exist_ok=True)
    with open(root() / LOCK_NAME, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, or the process dies
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def prerender(formats: tuple[Format, ...] = FORMATS) -> list[Path]:
    """Render today's report of every country and of the region into the store for the
    current data version (skipping those already there); return the files written."""
    written: list[Path] = []
    with _locked():
        version = data_version()
        today = clock.today()
        codes: list[str | None] = [c.code for c in current_catalogue().countries]
        for code in [*codes, None]:
            kind = "country" if code else "region"
            report: Report | None = None
            for fmt in formats:
                if read(version, kind, code, today, fmt) is not None:
                    continue
                if report is None:
                    report = country_report(code, today) if code else region_report(today)
                written.append(write(version, kind, code, today, fmt, render(report, fmt)))
        prune(keep=version)
    return written


def _reap(process: subprocess.Popen[bytes]) -> None:
    process.wait()


def start_prerender() -> subprocess.Popen[bytes]:
    """Start `oip prerender` in the background (its output appended to the store's log)."""
    root().mkdir(parents=True, exist_ok=True)
    with open(root() / LOG_NAME, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "oip.cli", "prerender"],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,  # not killed with a CLI's terminal or a worker's group
        )
    # Reaped by a thread so no zombie stays behind in a long-running server process.
    threading.Thread(target=_reap, args=(process,), daemon=True).start()
    return process


def schedule_prerender(**_signal: object) -> None:
    """On `data_changed`: once the write is committed, prerender (if OIP_PRERENDER is on).

    The signal is also sent inside the write's transaction; only the call outside any
    transaction (after the commit, or from a non-transactional writer like restore) starts
    a renderer, and it reads the committed data.
    """
    if not settings.OIP_PRERENDER or transaction.get_connection().in_atomic_block:
        return
    start_prerender()
