"""The store's records refuse change: by the ORM, and by raw SQL through the triggers."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import IntegrityError, connection, transaction

from oip.exchange.models import (
    AuditEvent,
    AuditHead,
    DataKey,
    Delivery,
    ExchangeEvent,
    Notification,
    Outbox,
    Submission,
    TemplateVersion,
)
from oip.site.appendonly import AppendOnlyError, expected_triggers, installed_triggers

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)
APPEND_ONLY = (
    "exchange_templateversion",
    "exchange_notification",
    "exchange_addressee",
    "exchange_submission",
    "exchange_delivery",
    "exchange_exchangeevent",
    "exchange_withdrawal",
    "exchange_egressrecord",
    "exchange_auditevent",
    "exchange_contactpoint",
)


@pytest.fixture
def stored(enisa, al_csirt, enisa_officer):  # type: ignore[no-untyped-def]
    """One row in each table, written directly (the actions are tested elsewhere)."""
    version = TemplateVersion.objects.create(
        template_id="cyber-incident", label="2026.1", content={}, hash="h", recorded_at=AT
    )
    notification = Notification.objects.create(
        id=uuid.UUID(int=1),
        template="cyber-incident",
        template_version=version,
        area="cyber",
        originator_org=enisa,
        created_by=enisa_officer,
        audience="community",
        tlp="amber",
        title_clear="t",
        created_at=AT,
        recorded_at=AT,
    )
    submission = Submission.objects.create(
        notification=notification,
        stage="early_warning",
        revision=1,
        payload_ct=b"x",
        payload_mac="m",
        key_id="k",
        submitted_by=enisa_officer,
        submitted_org=enisa,
        submitted_at=AT,
        recorded_at=AT,
    )
    DataKey.objects.create(submission=submission, key_id="k", wrapped=b"w", recorded_at=AT)
    Delivery.objects.create(
        notification=notification,
        organisation=al_csirt,
        delivered_at=AT,
        cap_at_delivery="amber",
        tier_at_delivery=2,
        status_at_delivery="stable",
        as_of=AT.date(),
        recorded_at=AT,
    )
    ExchangeEvent.objects.create(
        notification=notification, kind="delivered", at=AT, recorded_at=AT, actor_org=al_csirt
    )
    AuditEvent.objects.create(
        seq=1, at=AT, recorded_at=AT, action="send", prev_hash="0" * 64, hash="a" * 64
    )
    return notification


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_every_record_table_has_its_triggers(table: str) -> None:
    assert installed_triggers(table) == expected_triggers(table, connection.vendor)


@pytest.mark.parametrize(
    "table",
    [
        "exchange_templateversion",
        "exchange_notification",
        "exchange_submission",
        "exchange_delivery",
        "exchange_exchangeevent",
        "exchange_auditevent",
    ],
)
@pytest.mark.parametrize(
    "statement", ["UPDATE {t} SET recorded_at = recorded_at", "DELETE FROM {t}"]
)
def test_raw_sql_cannot_change_a_record(stored: Notification, table: str, statement: str) -> None:
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement.format(t=table))


def test_saving_a_stored_record_again_raises(stored: Notification) -> None:
    for row in (
        stored,
        Submission.objects.get(),
        Delivery.objects.get(),
        ExchangeEvent.objects.get(),
        AuditEvent.objects.get(),
    ):
        with pytest.raises(AppendOnlyError):
            row.save()
        with pytest.raises(AppendOnlyError):
            row.delete()


def test_data_keys_outbox_and_head_are_not_records(stored: Notification) -> None:
    key = DataKey.objects.get()
    key.wrapped = b"rewrapped"
    key.save()
    assert bytes(DataKey.objects.get().wrapped) == b"rewrapped"
    key.delete()
    assert DataKey.objects.count() == 0
    row = Outbox.objects.create(
        key=f"{stored.id}|ack|1|x",
        notification=stored,
        clock="ack",
        level=1,
        recipient="x",
        created_at=AT,
    )
    assert Outbox.objects.filter(pk=row.pk, sent_at__isnull=True).update(sent_at=AT) == 1
    head = AuditHead.objects.create()
    head.seq = 5
    head.save()
    assert AuditHead.objects.get().seq == 5


def test_a_revision_is_stored_once(stored: Notification, enisa_officer, enisa) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.create(
            notification=stored,
            stage="early_warning",
            revision=1,
            payload_ct=b"y",
            payload_mac="m",
            key_id="k",
            submitted_by=enisa_officer,
            submitted_org=enisa,
            submitted_at=AT,
            recorded_at=AT,
        )
