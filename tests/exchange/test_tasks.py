"""`deliver(outbox_id)`: one e-mail per reminder, links only, at most once, retried with backoff."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from hypothesis import given, settings
from hypothesis import strategies as st

from oip.accounts.models import Organisation
from oip.exchange.models import Outbox
from oip.exchange.tasks import MAX_ATTEMPTS, addresses, backoff, deliver
from tests.exchange.conftest import NOW, exchange_member
from tests.exchange.queue import bare_notification, drain, outbox_row, pending_deliveries

pytestmark = pytest.mark.django_db


class BrokenMail(BaseEmailBackend):
    """A mail relay that is down."""

    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("relay down")


@pytest.fixture
def notification(enisa: Organisation, enisa_officer: Any, frozen: dt.datetime) -> Any:
    return bare_notification(enisa, enisa_officer)


def test_deliver_twice_sends_one_mail(
    notification: Any, al_csirt: Organisation, al_officer: Any
) -> None:
    row = outbox_row(notification, f"{al_csirt.pk}:contact_point_on_duty")
    assert deliver.call(row.pk) == "sent"
    assert deliver.call(row.pk) == "already sent"
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert (row.sent_at, row.attempts, row.last_error) == (NOW, 1, "")


def test_a_duplicated_task_in_the_queue_sends_once(
    notification: Any, al_csirt: Organisation, al_officer: Any
) -> None:
    row = outbox_row(notification, f"{al_csirt.pk}:contact_point_on_duty")
    deliver.enqueue(row.pk)
    deliver.enqueue(row.pk)
    assert drain() == ["sent", "already sent"]
    assert [m.to for m in mail.outbox] == [["al-cp@example.org"]]


def test_the_mail_carries_a_link_and_never_the_title(
    notification: Any, al_csirt: Organisation, al_officer: Any, settings: Any
) -> None:
    settings.OIP_PUBLIC_URL = "https://oip.example.eu"
    row = outbox_row(notification, f"{al_csirt.pk}:contact_point_on_duty", level=2)
    deliver.call(row.pk)
    (message,) = mail.outbox
    assert message.subject == "[OIP exchange] Reminder L2: answer clock"
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert "https://oip.example.eu/exchange/" in message.body
    assert "SECRET-TITLE-42" not in message.subject + message.body
    assert "reachability-test" not in message.body


def test_a_failure_is_recorded_and_retried_with_backoff(
    notification: Any, al_csirt: Organisation, al_officer: Any, settings: Any
) -> None:
    row = outbox_row(notification, f"{al_csirt.pk}:contact_point_on_duty")
    settings.EMAIL_BACKEND = "tests.exchange.test_tasks.BrokenMail"
    assert deliver.call(row.pk) == "retry at 2026-10-01T09:01:00+00:00"
    row.refresh_from_db()
    assert (row.sent_at, row.attempts) == (None, 1)
    assert row.last_error == "ConnectionRefusedError: relay down"
    assert pending_deliveries() == [(row.pk, NOW + dt.timedelta(minutes=1))]
    assert drain() == []  # not ready before its run_after

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
        assert drain() == ["sent"]
    row.refresh_from_db()
    assert (row.sent_at, row.attempts) == (NOW + dt.timedelta(minutes=1), 2)
    assert len(mail.outbox) == 1


def test_delivery_gives_up_after_the_last_attempt(
    notification: Any, al_csirt: Organisation, al_officer: Any, settings: Any
) -> None:
    row = outbox_row(notification, f"{al_csirt.pk}:contact_point_on_duty")
    Outbox.objects.filter(pk=row.pk).update(attempts=MAX_ATTEMPTS - 1)
    settings.EMAIL_BACKEND = "tests.exchange.test_tasks.BrokenMail"
    assert deliver.call(row.pk) == "gave up"
    assert pending_deliveries() == []
    row.refresh_from_db()
    assert (row.sent_at, row.attempts) == (None, MAX_ATTEMPTS)


def test_no_address_keeps_the_in_app_reminder(notification: Any, ba_csirt: Organisation) -> None:
    row = outbox_row(notification, f"{ba_csirt.pk}:contact_point_on_duty")
    assert deliver.call(row.pk) == "no address"
    row.refresh_from_db()
    assert (row.sent_at, row.last_error) == (NOW, "no e-mail address")
    assert mail.outbox == []


def test_an_in_app_row_is_marked_sent_without_mail(
    notification: Any, al_csirt: Organisation, al_officer: Any
) -> None:
    row = outbox_row(notification, f"{al_csirt.pk}:contact_point_on_duty")
    Outbox.objects.filter(pk=row.pk).update(channel="in_app")
    assert deliver.call(row.pk) == "sent"
    assert mail.outbox == []


def test_addresses_follow_the_ladder_roles(
    notification: Any,
    enisa: Organisation,
    al_csirt: Organisation,
    al_officer: Any,
    operator_user: Any,
) -> None:
    exchange_member("al-admin", al_csirt, "org_admin", "amber")
    exchange_member("al-fimi", al_csirt, "contact_point", "amber").memberships.update(
        areas=["fimi"]
    )
    exchange_member("enisa-lm", enisa, "liaison_manager", "red")
    exchange_member("ba-lm", al_csirt, "liaison_manager", "red")  # not an EU body's
    org = al_csirt.pk

    def to(role: str) -> list[str]:
        return addresses(outbox_row(notification, f"{org}:{role}", level=len(role)), NOW)

    assert to("contact_point_on_duty") == ["al-cp@example.org"]
    assert to("deputy_contact_point") == ["al-cp@example.org"]
    assert to("org_admin") == ["al-admin@example.org"]
    assert to("counterpart_liaison_manager") == ["enisa-lm@example.org"]
    assert to("oip_operations") == ["ops@example.org"]


def test_an_expired_membership_gets_no_reminder(
    notification: Any, al_csirt: Organisation, al_officer: Any
) -> None:
    al_officer.memberships.update(valid_to=NOW)
    row = outbox_row(notification, f"{al_csirt.pk}:contact_point_on_duty")
    assert addresses(row, NOW) == []


@settings(max_examples=500)
@given(st.integers(min_value=1, max_value=10_000), st.integers(min_value=1, max_value=10_000))
def test_backoff_doubles_from_a_minute_and_never_exceeds_six_hours(a: int, b: int) -> None:
    assert backoff(1) == dt.timedelta(minutes=1)
    assert backoff(2) == dt.timedelta(minutes=2)
    assert dt.timedelta(minutes=1) <= backoff(a) <= dt.timedelta(hours=6)
    if a <= b:
        assert backoff(a) <= backoff(b)
