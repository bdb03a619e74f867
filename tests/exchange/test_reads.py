"""The read path: the ENISA → AL/BA AMBER community scenario, suspension, the operator, the
inbox, and integrity failures (EXCHANGE.md §8 WP2 tests 1–3)."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection

from oip.exchange import actions, audit, reads
from oip.exchange.crypto import IntegrityFailure
from oip.exchange.models import AuditEvent, Delivery, ExchangeEvent, Submission
from oip.liaison.templates import shipped
from oip.site.appendonly import drop_trigger_sql, trigger_sql
from tests.exchange.conftest import NOW
from tests.exchange.evidence import record

pytestmark = pytest.mark.django_db

EXAMPLE = {
    **copy.deepcopy(shipped().get("cyber-incident").stages["early_warning"].examples[0]),
    "aware_at": "2026-10-01T08:00:00Z",
    "detected_at": "2026-10-01T07:40:00Z",
}


def early_warning(user: Any, tlp: str = "amber", **extra: Any) -> Any:
    return actions.send(
        user,
        template="cyber-incident",
        area="cyber",
        tlp=tlp,
        audience=extra.pop("audience", "community"),
        addressees=extra.pop("addressees", []),
        stage="early_warning",
        payload=extra.pop("payload", EXAMPLE),
        title=extra.pop("title", "Ransomware at a water utility"),
        **extra,
    )


def outcomes() -> list[tuple[str, str, str]]:
    return [(e.action, e.actor_user, e.outcome) for e in AuditEvent.objects.order_by("seq")]


def test_amber_community_alert_reaches_al_not_ba(
    frozen: dt.datetime,
    cyber_evidence: None,
    enisa_officer: Any,
    al_officer: Any,
    ba_officer: Any,
    al_csirt: Any,
) -> None:
    notification = early_warning(enisa_officer)
    assert [d.organisation.short_name for d in Delivery.objects.order_by("id")] == ["CSIRT-AL"]
    delivery = Delivery.objects.get()
    assert (delivery.cap_at_delivery, delivery.tier_at_delivery, delivery.status_at_delivery) == (
        "amber",
        2,
        "stable",
    )

    opened = reads.open_item(al_officer, notification.id)
    assert opened.decision.reason == "within_cap"
    assert opened.title == "Ransomware at a water utility"
    assert [(s.stage, s.revision, s.payload) for s in opened.submissions] == [
        ("early_warning", 1, EXAMPLE)
    ]
    with pytest.raises(reads.NotFound):
        reads.open_item(ba_officer, notification.id)

    with time_machine.travel(NOW + dt.timedelta(minutes=20), tick=False):
        actions.acknowledge(al_officer, notification.id)
        ack = {c.clock: c for c in reads.open_item(al_officer, notification.id).clocks}["ack"]
    assert (ack.status, ack.started_at, ack.stopped_at, ack.due_at) == (
        "met",
        NOW,
        NOW + dt.timedelta(minutes=20),
        NOW + dt.timedelta(hours=1),
    )
    assert outcomes() == [
        ("send", "enisa-officer", "allowed"),
        ("read", "al-cp", "allowed"),
        ("read", "ba-cp", "denied:above_tier_cap"),
        ("acknowledge", "al-cp", "allowed"),
        ("read", "al-cp", "allowed"),
    ]
    assert audit.verify() is None
    assert [e.kind for e in ExchangeEvent.objects.order_by("seq")] == [
        "submitted",
        "delivered",
        "opened",
        "acknowledged",
    ]


def test_suspension_withdraws_delivered_amber_strict_but_not_own_items(
    frozen: dt.datetime,
    al_tier3: None,
    enisa_officer: Any,
    al_officer: Any,
    al_csirt: Any,
) -> None:
    received = early_warning(enisa_officer, tlp="amber+strict")
    own = early_warning(al_officer, tlp="amber+strict")
    # The policy's tier-3 cap reads "red" (RED itself still needs a named individual).
    assert Delivery.objects.get(notification=received).cap_at_delivery == "red"
    assert reads.open_item(al_officer, received.id).decision.reason == "within_cap"

    record(
        "AL",
        ("cyber.enisa-observer-status.information-handling",),
        status="not_met",
        observed_on=NOW.date(),
    )
    assert reads.standing_for("AL", "cyber", NOW.date()).status == "suspended"

    with pytest.raises(reads.Refused) as refused:
        reads.open_item(al_officer, received.id)
    assert refused.value.reason == "withdrawn_suspension"
    assert reads.open_item(al_officer, own.id).decision.reason == "own_item"
    assert outcomes()[-2:] == [
        ("read", "al-cp", "denied:withdrawn_suspension"),
        ("read", "al-cp", "allowed"),
    ]
    assert audit.verify() is None


def test_the_operator_reads_metadata_only(
    frozen: dt.datetime, cyber_evidence: None, enisa_officer: Any, operator_user: Any
) -> None:
    notification = early_warning(enisa_officer)
    opened = reads.open_item(operator_user, notification.id)
    assert (opened.decision.level, opened.title, opened.submissions) == ("metadata", None, ())
    assert outcomes()[-1] == ("read_metadata", "oip-operator", "allowed")


def test_unknown_ids_are_not_found(frozen: dt.datetime, al_officer: Any) -> None:
    for key in ("not-a-uuid", "00000000-0000-0000-0000-000000000001"):
        with pytest.raises(reads.NotFound):
            reads.open_item(al_officer, key)
    assert [(e.object_id, e.outcome) for e in AuditEvent.objects.order_by("seq")] == [
        ("not-a-uuid", "denied:not_found"),
        ("00000000-0000-0000-0000-000000000001", "denied:not_found"),
    ]


def test_red_titles_and_payloads_are_encrypted_and_named_only(
    frozen: dt.datetime,
    al_tier3: None,
    enisa_officer: Any,
    al_officer: Any,
    al_csirt: Any,
    ba_officer: Any,
) -> None:
    notification = early_warning(
        enisa_officer,
        tlp="red",
        audience="addressed",
        addressees=["CSIRT-AL"],
        named_recipients=["al-cp"],
        title="ZX-MARKER-123 grid",
    )
    assert notification.title_clear == ""
    assert b"ZX-MARKER-123" not in bytes(notification.title_ct)
    assert reads.open_item(al_officer, notification.id).title == "ZX-MARKER-123 grid"
    with pytest.raises(reads.NotFound):
        reads.open_item(ba_officer, notification.id)


def flip_first_ciphertext_byte() -> None:
    """Alter a stored ciphertext as someone with the database would (triggers dropped inside
    this test's transaction)."""
    submission = Submission.objects.get()
    altered = bytearray(bytes(submission.payload_ct))
    altered[20] ^= 0x01
    with connection.cursor() as cursor:
        for statement in drop_trigger_sql(connection.vendor, "exchange_submission"):
            cursor.execute(statement)
        cursor.execute(
            "UPDATE exchange_submission SET payload_ct = %s WHERE id = %s",
            [bytes(altered), submission.pk],
        )
        for statement in trigger_sql(connection.vendor, "exchange_submission"):
            cursor.execute(statement, None)


def test_a_flipped_ciphertext_byte_is_an_integrity_failure_and_audited(
    frozen: dt.datetime, cyber_evidence: None, enisa_officer: Any, al_officer: Any
) -> None:
    notification = early_warning(enisa_officer)
    flip_first_ciphertext_byte()
    with pytest.raises(IntegrityFailure) as failure:
        reads.open_item(al_officer, notification.id)
    assert failure.value.what == "ciphertext"
    event = AuditEvent.objects.order_by("-seq")[0]
    assert (event.action, event.outcome, event.object_id, event.details) == (
        "integrity_error",
        "denied:integrity_error",
        str(Submission.objects.get().pk),
        {"notification": str(notification.id), "what": "ciphertext"},
    )


def test_inbox_lists_what_the_reader_may_see_most_urgent_first(
    frozen: dt.datetime,
    cyber_evidence: None,
    enisa_officer: Any,
    al_officer: Any,
    ba_officer: Any,
) -> None:
    older = early_warning(enisa_officer, title="older")
    with time_machine.travel(NOW + dt.timedelta(minutes=30), tick=False):
        newer = early_warning(enisa_officer, title="newer")
    with time_machine.travel(NOW + dt.timedelta(minutes=40), tick=False):
        green = early_warning(enisa_officer, tlp="green", title="green")
    later = NOW + dt.timedelta(minutes=75)
    rows = reads.inbox(al_officer, later)
    assert [(r.title, r.overdue) for r in rows] == [
        ("older", True),
        ("newer", False),
        ("green", False),
    ]
    assert [r.id for r in rows][:2] == [str(older.id), str(newer.id)]
    assert [r.title for r in reads.inbox(ba_officer, later)] == ["green"]
    actions.acknowledge(al_officer, green.id, now=later)
    assert [r.title for r in reads.inbox(al_officer, later)] == ["older", "newer", "green"]
