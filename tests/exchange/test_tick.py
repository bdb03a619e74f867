"""`tick(now)`: reminders into the outbox once per key, their delivery exactly once (also after
a worker was lost mid-task), the withdrawal sweep (EXCHANGE.md §6.6.5, §8 WP3 tests 2-3)."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail
from django_tasks_db.models import DBTaskResult

from oip.exchange import actions
from oip.exchange import tick as tick_module
from oip.exchange.models import Outbox, Withdrawal
from oip.exchange.tick import LEASE, open_clock_states, tick
from oip.liaison.templates import shipped
from tests.exchange.conftest import NOW
from tests.exchange.evidence import record
from tests.exchange.queue import drain, pending_deliveries

pytestmark = pytest.mark.django_db

EXAMPLE = {
    **copy.deepcopy(shipped().get("cyber-incident").stages["early_warning"].examples[0]),
    "aware_at": "2026-10-01T08:00:00Z",
    "detected_at": "2026-10-01T07:40:00Z",
}


def early_warning(user: Any, tlp: str = "amber") -> Any:
    return actions.send(
        user,
        template="cyber-incident",
        area="cyber",
        tlp=tlp,
        audience="community",
        addressees=[],
        stage="early_warning",
        payload=EXAMPLE,
        title="Ransomware at a water utility",
    )


def keys() -> list[str]:
    return list(Outbox.objects.order_by("key").values_list("key", flat=True))


@pytest.fixture
def alert(frozen: dt.datetime, cyber_evidence: None, enisa_officer: Any, al_officer: Any) -> Any:
    """ENISA's AMBER early warning at 09:00, delivered to AL (tier 2) only."""
    return early_warning(enisa_officer)


def test_the_ack_clock_reminds_al_at_half_time(alert: Any, al_csirt: Any) -> None:
    with time_machine.travel(NOW + dt.timedelta(minutes=29), tick=False):
        assert tick(NOW + dt.timedelta(minutes=29)).written == 0
    with time_machine.travel(NOW + dt.timedelta(minutes=30), tick=False):
        report = tick(NOW + dt.timedelta(minutes=30))
    assert (report.open_items, report.written, report.enqueued) == (1, 1, 1)
    assert keys() == [f"{alert.pk}|ack|1|{al_csirt.pk}:contact_point_on_duty"]
    assert pending_deliveries() == [(Outbox.objects.get().pk, None)]


def test_an_acknowledged_item_reminds_no_one(alert: Any, al_officer: Any) -> None:
    with time_machine.travel(NOW + dt.timedelta(minutes=10), tick=False):
        actions.acknowledge(al_officer, alert.id)
    with time_machine.travel(NOW + dt.timedelta(hours=3), tick=False):
        tick(NOW + dt.timedelta(hours=3))
    assert [k for k in keys() if "|ack|" in k] == []


def test_three_ticks_at_one_moment_write_one_row_per_key(alert: Any) -> None:
    moment = NOW + dt.timedelta(hours=2, minutes=1)  # the ack clock past L3 (due + 1 h)
    with time_machine.travel(moment, tick=False):
        written = [tick(moment).written for _ in range(3)]
    assert written == [5, 0, 0]
    assert len(keys()) == len(set(keys())) == 5
    assert len(pending_deliveries()) == 5


def test_reminders_are_mailed_once_with_links_only(alert: Any) -> None:
    moment = NOW + dt.timedelta(minutes=30)
    with time_machine.travel(moment, tick=False):
        tick(moment)
        assert drain() == ["sent"]
        tick(moment)
        tick(moment + dt.timedelta(seconds=30))
        assert drain() == []
    assert [m.to for m in mail.outbox] == [["al-cp@example.org"]]
    assert "Ransomware" not in mail.outbox[0].body
    assert Outbox.objects.get().sent_at == moment


def test_a_delivery_lost_with_its_worker_is_sent_once_after_the_lease(alert: Any) -> None:
    moment = NOW + dt.timedelta(minutes=30)
    with time_machine.travel(moment, tick=False):
        tick(moment)
        # A worker claims the task and dies before committing anything.
        task = DBTaskResult.objects.get()
        task.claim("killed-worker")
    later = moment + LEASE - dt.timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        assert tick(later).redelivered == 0
    expired = moment + LEASE + dt.timedelta(seconds=30)
    with time_machine.travel(expired, tick=False):
        assert tick(expired).redelivered == 1
        assert drain() == ["sent"]
        assert tick(expired + dt.timedelta(seconds=30)).redelivered == 0
    assert len(mail.outbox) == 1
    assert Outbox.objects.get().sent_at == expired


def test_open_items_are_those_with_an_event_in_the_last_90_days(alert: Any) -> None:
    assert open_clock_states(NOW + dt.timedelta(days=89))[0] == 1
    assert open_clock_states(NOW + dt.timedelta(days=91))[0] == 0
    assert open_clock_states(NOW - dt.timedelta(seconds=1))[0] == 0  # nothing happened yet


def test_suspension_materialises_one_withdrawal(
    frozen: dt.datetime, al_tier3: None, enisa_officer: Any, al_officer: Any, al_csirt: Any
) -> None:
    received = early_warning(enisa_officer, tlp="amber+strict")
    assert tick(NOW).withdrawals == 0
    record(
        "AL",
        ("cyber.enisa-observer-status.information-handling",),
        status="not_met",
        observed_on=NOW.date(),
    )
    assert tick(NOW).withdrawals == 1
    assert tick(NOW + dt.timedelta(minutes=1)).withdrawals == 0
    row = Withdrawal.objects.get()
    assert (row.notification_id, row.organisation_id, row.reason) == (
        received.pk,
        al_csirt.pk,
        "suspension",
    )
    assert row.effective_at == dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    # Never exported: nothing left the platform, nothing to recall (§6.9 step 4).
    assert (row.recall_required, row.recall_due) == (False, None)
    assert row.standing["status"] == "suspended"


def test_a_flood_is_spread_over_ticks_highest_level_first(
    alert: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tick_module, "MAX_PER_TICK", 2)
    moment = NOW + dt.timedelta(hours=2, minutes=1)
    with time_machine.travel(moment, tick=False):
        assert tick(moment).written == 2
        assert sorted(Outbox.objects.values_list("level", flat=True)) == [3, 3]
        assert [tick(moment).written for _ in range(3)] == [2, 1, 0]
    assert sorted(Outbox.objects.values_list("level", flat=True)) == [1, 2, 2, 3, 3]
