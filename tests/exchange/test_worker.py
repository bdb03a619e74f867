"""A worker killed during a delivery and restarted sends each reminder exactly once
(EXCHANGE.md §8 WP3 test 3), with real processes: the first worker blocks inside the mail
backend and is SIGKILLed; its task stays `RUNNING`; a tick past the lease enqueues the
delivery again; a second worker sends it once."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.exchange.test_outbox import SETUP
from tests.hardening.procs import ENGINES, PROJECT, scratch

DEADLINE = 120.0  # seconds, for the blocked worker to reach the mail backend

L1 = """
from oip.exchange.models import Outbox, ReachabilityTest
first = ReachabilityTest.objects.get(retry_of=None)
row = Outbox.objects.get(notification=first.notification, level=1)
print(json.dumps([row.sent_at is not None, row.attempts]))
"""


@pytest.mark.parametrize("engine", ENGINES)
def test_a_killed_worker_loses_nothing_and_sends_nothing_twice(engine: str, tmp_path: Path) -> None:
    with scratch(engine, tmp_path / engine, "killed") as db:
        db.oip("migrate", "--noinput")
        db.oip("catalogue", "load")
        db.python(SETUP)
        db.oip("exchange", "tick", "--now", "2026-10-05T10:00:00Z")
        db.oip("exchange", "tick", "--now", "2026-10-05T10:15:00Z")  # L1 written, enqueued
        assert db.python(L1) == [False, 0]

        marker = tmp_path / "sending"
        env = {
            **db.env,
            "OIP_EMAIL_BACKEND": "tests.exchange.blocking_mail.BlockingBackend",
            "OIP_TEST_SENDING": str(marker),
            "PYTHONPATH": str(PROJECT),
        }
        blocked = subprocess.Popen(
            [sys.executable, "-m", "oip.cli", "exchange", "worker", "--interval", "0.2"],
            env=env,
            cwd=PROJECT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            end = time.monotonic() + DEADLINE
            while not marker.exists():
                assert blocked.poll() is None, blocked.stderr.read() if blocked.stderr else ""
                assert time.monotonic() < end, "the worker never reached the mail backend"
                time.sleep(0.05)  # a poll's pace
            os.kill(blocked.pid, signal.SIGKILL)
        finally:
            if blocked.poll() is None:
                blocked.kill()
            blocked.wait(timeout=30)
        assert db.python(L1) == [False, 0]  # the claim rolled back with the process

        after_lease = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=11)).isoformat()
        ticked = db.oip("exchange", "tick", "--now", after_lease)
        assert "deliveries enqueued" in ticked.stdout
        worker = db.oip("exchange", "worker", "--batch")
        assert worker.stdout.count("Subject: [OIP exchange] Reminder L1:") == 1
        assert db.python(L1) == [True, 1]
        again = db.oip("exchange", "worker", "--batch")
        assert "Reminder L1:" not in again.stdout
