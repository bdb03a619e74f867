"""The outbox: one row per (notification, clock, level, recipient), the commands that show it,
and concurrent ticks and workers in separate processes (EXCHANGE.md §8 WP3 tests 2-3).

The concurrency test runs on a scratch SQLite file always and on PostgreSQL when the run's
DATABASE_URL points there: three `oip exchange tick` processes at the same instant, then two
`oip exchange worker --batch` processes; exactly one row per key, each mailed once.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError, transaction

from oip.exchange.models import Outbox
from tests.exchange.conftest import NOW
from tests.exchange.queue import bare_notification, outbox_row
from tests.exchange.test_tick import early_warning
from tests.hardening.procs import ENGINES, scratch

pytestmark = pytest.mark.django_db


def test_a_key_is_written_once(frozen: dt.datetime, enisa: Any, enisa_officer: Any) -> None:
    notification = bare_notification(enisa, enisa_officer)
    outbox_row(notification, "org:contact_point_on_duty")
    with pytest.raises(IntegrityError), transaction.atomic():
        outbox_row(notification, "org:contact_point_on_duty")
    assert Outbox.objects.count() == 1


def test_cli_tick_and_outbox(
    frozen: dt.datetime,
    cyber_evidence: None,
    enisa_officer: Any,
    al_officer: Any,
    al_csirt: Any,
    capsys: Any,
) -> None:
    alert = early_warning(enisa_officer)
    with time_machine.travel(NOW + dt.timedelta(minutes=30), tick=False):
        call_command("exchange", "tick", "--now", "2026-10-01T09:30:00Z")
    assert capsys.readouterr().out.strip() == (
        "tick at 2026-10-01T09:30:00+00:00: 1 open items, 3 running clocks, "
        "1 reminders written, 1 deliveries enqueued, 0 reachability challenges sent, "
        "0 tests not met, 0 withdrawals"
    )
    call_command("exchange", "outbox", "--format", "json")
    (row,) = json.loads(capsys.readouterr().out)
    assert row == {
        "key": f"{alert.pk}|ack|1|{al_csirt.pk}:contact_point_on_duty",
        "notification": str(alert.pk),
        "recipient": f"{al_csirt.pk}:contact_point_on_duty",
        "level": 1,
        "clock": "ack",
        "channel": "email",
        "created_at": "2026-10-01T09:30:00+00:00",
        "sent_at": None,
        "attempts": 0,
        "last_error": "",
    }
    call_command("exchange", "outbox")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["key", "recipient", "level", "clock", "created_at", "sent_at"]
    assert lines[1].split()[2:] == ["1", "ack", "2026-10-01T09:30:00+00:00", "-"]


def test_an_empty_outbox_says_so(db: None, capsys: Any) -> None:
    call_command("exchange", "outbox")
    assert capsys.readouterr().out.splitlines()[-1] == "(no reminders)"
    call_command("exchange", "outbox", "--format", "json")
    assert json.loads(capsys.readouterr().out) == []


SETUP = """
import datetime as dt
from django.contrib.auth import get_user_model
from oip.accounts.models import Membership, Organisation
from oip.exchange.reachability import schedule

User = get_user_model()
since = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
enisa = Organisation.objects.create(name="ENISA", short_name="ENISA", kind="eu_body",
    body="enisa", areas=["cyber"], valid_from=since.date())
al = Organisation.objects.create(name="AL CSIRT", short_name="CSIRT-AL", kind="national",
    country_id="AL", functions=["national_csirt"], areas=["cyber"], valid_from=since.date())
for name, org, role in [("enisa-officer", enisa, "officer"), ("enisa-lm", enisa, "liaison_manager"),
                        ("al-cp", al, "contact_point"), ("al-admin", al, "org_admin")]:
    user = User.objects.create_user(name, email=name + "@example.org")
    Membership.objects.create(user=user, organisation=al if org is al else enisa, role=role,
        areas=["cyber"], clearance="amber", valid_from=since)
User.objects.create_superuser("ops", email="ops@example.org")

class Start:
    def random(self):
        return 0.0

test = schedule(al, "cyber", dt.datetime(2026, 10, 5, 10, tzinfo=dt.UTC),
    dt.datetime(2026, 10, 5, 18, tzinfo=dt.UTC), now=dt.datetime(2026, 10, 5, 9, tzinfo=dt.UTC),
    rng=Start(), by=User.objects.get(username="enisa-officer"))
print(json.dumps(str(test.pk)))
"""

OUTBOX = """
from oip.exchange.models import Outbox, ReachabilityTest
first = ReachabilityTest.objects.get(retry_of=None)
rows = Outbox.objects.filter(notification=first.notification).order_by("key")
print(json.dumps([[r.level, r.recipient.split(":")[1], r.sent_at is not None, r.attempts]
                  for r in rows]))
"""


def _run_all(processes: list[subprocess.Popen[str]]) -> list[str]:
    outputs = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        outputs.append(out)
    return outputs


@pytest.mark.parametrize("engine", ENGINES)
def test_concurrent_ticks_and_workers_write_and_send_each_reminder_once(
    engine: str, tmp_path: Path
) -> None:
    with scratch(engine, tmp_path / engine, "outbox") as db:
        db.oip("migrate", "--noinput")
        db.oip("catalogue", "load")
        db.python(SETUP)
        db.oip("exchange", "tick", "--now", "2026-10-05T10:00:00Z")  # the challenge goes out
        _run_all([db.popen("exchange", "tick", "--now", "2026-10-05T11:30:00Z") for _ in range(3)])
        expected = [
            [1, "contact_point_on_duty"],
            [2, "deputy_contact_point"],
            [2, "org_admin"],
            [3, "counterpart_liaison_manager"],
            [3, "oip_operations"],
        ]
        assert [row[:2] for row in db.python(OUTBOX)] == expected
        outputs = _run_all([db.popen("exchange", "worker", "--batch") for _ in range(2)])
        assert db.python(OUTBOX) == [[*row, True, 1] for row in expected]
        mails = sum(out.count("Subject: [OIP exchange] Reminder L") for out in outputs)
        assert mails == 5
