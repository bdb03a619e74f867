"""The named actions: what they write, what they refuse (422 / 403 / 404), and that nothing
readable is at rest (EXCHANGE.md §8 WP2 tests 1, 3)."""

from __future__ import annotations

import copy
import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from oip.exchange import actions, crypto, reads
from oip.exchange.models import (
    Addressee,
    AuditEvent,
    DataKey,
    Delivery,
    ExchangeEvent,
    Notification,
    Submission,
    TemplateVersion,
    Withdrawal,
)
from oip.liaison.templates import PayloadError, shipped
from tests.exchange.conftest import NOW

CYBER = shipped().get("cyber-incident")
EXAMPLE = {
    **copy.deepcopy(CYBER.stages["early_warning"].examples[0]),
    "aware_at": "2026-10-01T08:00:00Z",
    "detected_at": "2026-10-01T07:40:00Z",
    "summary": "ZX-MARKER-123 ransomware at a water utility",
}
MARKER = b"ZX-MARKER-123"


def send(user: Any, **changes: Any) -> Notification:
    fields: dict[str, Any] = {
        "template": "cyber-incident",
        "area": "cyber",
        "tlp": "amber",
        "audience": "community",
        "addressees": [],
        "stage": "early_warning",
        "payload": EXAMPLE,
        "title": "Ransomware at a water utility",
    }
    fields.update(changes)
    return actions.send(user, **fields)


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Notification, Addressee, Submission, DataKey, Delivery, ExchangeEvent)
    )


@pytest.mark.django_db
def test_send_writes_header_revision_deliveries_events_and_audit(
    frozen: dt.datetime, cyber_evidence: None, enisa_officer: Any, al_csirt: Any, enisa: Any
) -> None:
    notification = send(enisa_officer)
    assert (notification.template, notification.area, notification.tlp, notification.country) == (
        "cyber-incident",
        "cyber",
        "amber",
        None,
    )
    version = TemplateVersion.objects.get()
    assert (version.template_id, version.label, version.hash) == (
        "cyber-incident",
        CYBER.version,
        CYBER.content_hash,
    )
    submission = Submission.objects.get()
    assert (submission.stage, submission.kind, submission.revision, submission.clock_fields) == (
        "early_warning",
        "stage",
        1,
        {"aware_at": "2026-10-01T08:00:00Z"},
    )
    assert MARKER not in bytes(submission.payload_ct)
    assert counts() == (1, 0, 1, 1, 1, 2)
    events = [(e.kind, e.actor_org_id, e.stage) for e in ExchangeEvent.objects.order_by("seq")]
    assert events == [
        ("submitted", enisa.pk, "early_warning"),
        ("delivered", al_csirt.pk, "early_warning"),
    ]
    assert ExchangeEvent.objects.get(kind="submitted").declared_at == dt.datetime(
        2026, 10, 1, 8, 0, tzinfo=dt.UTC
    )
    row = AuditEvent.objects.get()
    assert (row.action, row.object_id, row.tlp, row.details) == (
        "send",
        str(notification.id),
        "amber",
        {
            "area": "cyber",
            "audience": "community",
            "deliveries": 1,
            "stage": "early_warning",
            "template": "cyber-incident",
        },
    )


@pytest.mark.django_db
def test_payload_and_envelope_errors_are_all_reported_and_nothing_is_stored(
    frozen: dt.datetime, cyber_evidence: None, enisa_officer: Any
) -> None:
    payload = {k: v for k, v in EXAMPLE.items() if k not in ("aware_at", "summary")}
    with pytest.raises(actions.PayloadInvalid) as invalid:
        send(
            enisa_officer,
            tlp="purple",
            audience="addressed",
            addressees=["nobody"],
            payload=payload,
        )
    assert invalid.value.errors == [
        PayloadError("/tlp", "one of clear, green, amber, amber+strict, red"),
        PayloadError("/addressees/0", "unknown organisation 'nobody'"),
        PayloadError("/aware_at", "required"),
        PayloadError("/summary", "required"),
    ]
    assert counts() == (0, 0, 0, 0, 0, 0)
    assert TemplateVersion.objects.count() == 0


@pytest.mark.django_db
def test_a_template_of_another_area_is_422(frozen: dt.datetime, enisa_officer: Any) -> None:
    fdi = shipped().get("fdi-notification")
    stage = fdi.opening_stage()
    with pytest.raises(actions.PayloadInvalid) as invalid:
        send(enisa_officer, template=fdi.id, stage=stage, payload=fdi.stages[stage].examples[0])
    assert invalid.value.errors == [
        PayloadError("/area", "fdi-notification is a template of area 'fdi'")
    ]


@pytest.mark.django_db
def test_red_needs_named_recipients(frozen: dt.datetime, enisa_officer: Any, al_csirt: Any) -> None:
    with pytest.raises(actions.PayloadInvalid) as invalid:
        send(enisa_officer, tlp="red", audience="addressed", addressees=["CSIRT-AL"])
    assert invalid.value.errors == [
        PayloadError("/named_recipients", "RED is for named individuals only")
    ]


@pytest.mark.django_db
def test_unknown_template_is_422(frozen: dt.datetime, enisa_officer: Any) -> None:
    with pytest.raises(actions.PayloadInvalid) as invalid:
        send(enisa_officer, template="no-such")
    assert invalid.value.errors == [PayloadError("/template", "unknown template 'no-such'")]


@pytest.mark.django_db
def test_sending_is_open_at_tier_zero_but_not_to_non_members(
    frozen: dt.datetime, al_officer: Any, operator_user: Any
) -> None:
    # No evidence at all: AL holds tier 0 in cyber, and may still warn.
    assert send(al_officer).country_id == "AL"
    with pytest.raises(actions.Refused) as refused:
        send(operator_user)
    assert refused.value.reason == "role"
    assert AuditEvent.objects.order_by("-seq")[0].outcome == "denied:role"


@pytest.mark.django_db
def test_a_changed_template_under_the_same_label_is_refused(
    frozen: dt.datetime, enisa_officer: Any
) -> None:
    TemplateVersion.objects.create(
        template_id="cyber-incident",
        label=CYBER.version,
        content={},
        hash="other",
        recorded_at=NOW,
    )
    with pytest.raises(actions.Refused) as refused:
        send(enisa_officer)
    assert refused.value.reason == "template_version_changed"


@pytest.mark.django_db
def test_stages_responses_requests_and_acknowledgements(
    frozen: dt.datetime,
    cyber_evidence: None,
    enisa_officer: Any,
    al_officer: Any,
    ba_officer: Any,
) -> None:
    notification = send(al_officer, audience="addressed", addressees=["ENISA"])
    later = NOW + dt.timedelta(hours=2)
    feedback = CYBER.stages["initial_feedback"].examples[0]
    response = actions.respond(
        enisa_officer, notification.id, stage="initial_feedback", payload=feedback, now=later
    )
    assert (response.kind, response.revision, response.submitted_org.short_name) == (
        "response",
        1,
        "ENISA",
    )
    actions.request_info(
        enisa_officer, notification.id, stage="intermediate", within="P3D", now=later
    )
    correction = actions.submit_stage(
        al_officer, notification.id, stage="early_warning", payload=EXAMPLE, now=later
    )
    assert (correction.revision, correction.supersedes_id) == (2, Submission.objects.first().pk)
    first = actions.acknowledge(enisa_officer, notification.id, now=later)
    assert actions.acknowledge(enisa_officer, notification.id, now=later).pk == first.pk
    with pytest.raises(actions.Refused) as refused:
        actions.submit_stage(
            enisa_officer,
            notification.id,
            stage="final",
            payload=CYBER.stages["final"].examples[0],
            now=later,
        )
    assert refused.value.reason == "not_originator"
    with pytest.raises(actions.NotFound):
        actions.acknowledge(ba_officer, notification.id, now=later)
    with pytest.raises(actions.PayloadInvalid):
        actions.respond(enisa_officer, notification.id, stage="final", payload={}, now=later)
    kinds = [(e.kind, e.stage) for e in ExchangeEvent.objects.order_by("seq")]
    assert kinds == [
        ("submitted", "early_warning"),
        ("delivered", "early_warning"),
        ("responded", "initial_feedback"),
        ("requested", "intermediate"),
        ("submitted", "early_warning"),
        ("delivered", "early_warning"),
        ("acknowledged", ""),
    ]
    opened = reads.open_item(al_officer, notification.id, now=later)
    clocks = {c.clock: c.status for c in opened.clocks}
    assert clocks["initial-feedback"] == "met"
    assert clocks["intermediate"] == "running"
    assert [(s.stage, s.revision) for s in opened.submissions] == [
        ("early_warning", 1),
        ("initial_feedback", 1),
        ("early_warning", 2),
    ]


@pytest.mark.django_db
def test_withdrawal_by_the_originator_refuses_recipients(
    frozen: dt.datetime, cyber_evidence: None, enisa_officer: Any, al_officer: Any
) -> None:
    notification = send(enisa_officer)
    with pytest.raises(actions.Refused):
        actions.withdraw(al_officer, notification.id)
    actions.withdraw(enisa_officer, notification.id, reason="sent by mistake")
    assert [(w.organisation.short_name, w.reason) for w in Withdrawal.objects.all()] == [
        ("CSIRT-AL", "originator_withdrawal")
    ]
    with pytest.raises(actions.Refused) as refused:
        actions.acknowledge(al_officer, notification.id)
    assert refused.value.reason == "withdrawn_by_originator"
    assert reads.inbox(al_officer, state="all") == []


AT_REST_SCRIPT = """
import os, django
os.environ["DJANGO_SETTINGS_MODULE"] = "oip.settings"
django.setup()
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from oip.accounts.models import Membership, Organisation
from oip.catalogue.actions import load_catalogue_into_db
from oip.catalogue.loader import load_catalogue
from oip.exchange import actions, reads
from tests.exchange.test_actions import EXAMPLE

call_command("migrate", verbosity=0)
load_catalogue_into_db(load_catalogue())
enisa = Organisation.objects.create(
    name="ENISA", short_name="ENISA", kind="eu_body", body="enisa", areas=["cyber"]
)
al = Organisation.objects.create(
    name="AL CSIRT", short_name="CSIRT-AL", kind="national", country_id="AL", areas=["cyber"]
)
users = []
for name, org in (("sender", enisa), ("reader", al)):
    user = get_user_model().objects.create_user(name)
    Membership.objects.create(user=user, organisation=org, role="officer", areas=["cyber"],
                              clearance="amber")
    users.append(user)
item = actions.send(users[0], template="cyber-incident", area="cyber", tlp="amber",
                    audience="addressed", addressees=["CSIRT-AL"], stage="early_warning",
                    payload=EXAMPLE, title="Ransomware at a water utility")
assert reads.open_item(users[0], item.id).submissions[0].payload == EXAMPLE
with connection.cursor() as cursor:
    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
print("sent", item.id)
"""


def test_no_plaintext_at_rest(tmp_path: Path) -> None:
    """An AMBER item sent into a real SQLite file (its own process: the tests' database is in
    memory) leaves no trace of its payload in the file, its WAL or the blob directory."""
    database, blobs = tmp_path / "oip.sqlite3", tmp_path / "blobs"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "OIP_EXCHANGE_KEK_FILE": str(tmp_path / "keys" / "kek.key"),
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    done = subprocess.run(
        [sys.executable, "-c", AT_REST_SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("sent ")
    files = [database, *database.parent.glob("oip.sqlite3-*"), *blobs.rglob("*")]
    stored = b"".join(p.read_bytes() for p in files if p.is_file())
    assert b"Ransomware at a water utility" in stored  # the AMBER title is clear by design
    assert MARKER not in stored


@pytest.mark.django_db
def test_keys_rotate_rewraps_every_data_key(
    frozen: dt.datetime,
    cyber_evidence: None,
    enisa_officer: Any,
    al_officer: Any,
    kek_file: Path,
) -> None:
    notification = send(enisa_officer, tlp="amber+strict", title="strict title")
    old = crypto.current_kek().key_id
    out, err = io.StringIO(), io.StringIO()
    call_command("exchange", "keys", "rotate", stdout=out, stderr=err)
    new = crypto.current_kek().key_id
    assert out.getvalue().strip() == f"rotated {old} -> {new}: 1 data keys re-wrapped"
    assert new != old
    assert set(DataKey.objects.values_list("key_id", flat=True)) == {new}
    assert sorted(p.name for p in kek_file.parent.iterdir()) == ["kek.key"]
    assert kek_file.stat().st_mode & 0o777 == 0o600
    assert reads.open_item(enisa_officer, notification.id).title == "strict title"


def test_keys_generate_writes_a_private_file_and_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "k" / "new.key"
    out, err = io.StringIO(), io.StringIO()
    call_command("exchange", "keys", "generate", str(path), stdout=out, stderr=err)
    assert out.getvalue().strip() == f"wrote {path} (key id {crypto.read_kek_file(path).key_id})"
    assert path.stat().st_mode & 0o777 == 0o600
    with pytest.raises(SystemExit) as exit_:
        call_command("exchange", "keys", "generate", str(path), stdout=out, stderr=err)
    assert exit_.value.code == 1
    assert err.getvalue().strip() == f"{path}: exists; a key file is never overwritten"


@pytest.mark.django_db
def test_contact_points_are_designated_by_the_org_admin_or_the_operator(
    frozen: dt.datetime, al_csirt: Any, al_officer: Any, operator_user: Any
) -> None:
    from tests.exchange.conftest import exchange_member

    admin = exchange_member("al-admin", al_csirt, "org_admin", "amber")
    point = actions.designate_contact_point(admin, al_csirt, area="cyber", ack_within="B4H")
    assert (point.function, point.hours, point.ack_within, point.valid_from) == (
        "primary",
        "24x7",
        "B4H",
        NOW,
    )
    assert (
        actions.designate_contact_point(
            operator_user, al_csirt, area="cyber", function="deputy"
        ).function
        == "deputy"
    )
    with pytest.raises(actions.Refused) as refused:
        actions.designate_contact_point(al_officer, al_csirt, area="cyber")
    assert refused.value.reason == "role"
    with pytest.raises(actions.PayloadInvalid) as invalid:
        actions.designate_contact_point(
            admin,
            al_csirt,
            area="fdi",
            function="boss",
            hours="xx",
            ack_within="soon",
            valid_to=NOW,
        )
    assert [e.pointer for e in invalid.value.errors] == [
        "/function",
        "/area",
        "/hours",
        "/ack_within",
        "/valid_to",
    ]
    assert [e.action for e in AuditEvent.objects.order_by("seq")] == [
        "contact_point.designate",
        "contact_point.designate",
        "contact_point.designate",
    ]


@pytest.mark.django_db
def test_the_ack_clock_uses_the_contact_points_terms(
    frozen: dt.datetime,
    cyber_evidence: None,
    enisa_officer: Any,
    al_csirt: Any,
    al_officer: Any,
    operator_user: Any,
) -> None:
    actions.designate_contact_point(operator_user, al_csirt, area="cyber", ack_within="PT4H")
    notification = send(enisa_officer)
    ack = {c.clock: c for c in reads.open_item(al_officer, notification.id).clocks}["ack"]
    assert (ack.status, ack.due_at) == ("running", NOW + dt.timedelta(hours=4))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("tlp", "delivered", "al_reads", "ba_reads"),
    [
        # AL holds tier 2 (community cap AMBER), BA tier 1 (community cap GREEN).
        ("clear", ["CSIRT-AL", "CSIRT-BA"], "within_cap", "within_cap"),
        ("green", ["CSIRT-AL", "CSIRT-BA"], "within_cap", "within_cap"),
        ("amber", ["CSIRT-AL"], "within_cap", "not_found"),
        ("amber+strict", [], "not_found", "not_found"),
    ],
)
def test_community_items_reach_who_the_tier_allows(
    frozen: dt.datetime,
    cyber_evidence: None,
    enisa_officer: Any,
    al_officer: Any,
    ba_officer: Any,
    tlp: str,
    delivered: list[str],
    al_reads: str,
    ba_reads: str,
) -> None:
    notification = send(enisa_officer, tlp=tlp)
    assert sorted(d.organisation.short_name for d in Delivery.objects.all()) == delivered
    for user, expected in ((al_officer, al_reads), (ba_officer, ba_reads)):
        try:
            reason = reads.open_item(user, notification.id).decision.reason
        except reads.NotFound:
            reason = "not_found"
        assert reason == expected
