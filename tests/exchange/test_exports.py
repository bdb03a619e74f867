"""Exports and the egress ledger (EXCHANGE.md §6.4, §6.12): the API for every persona, the
document's TLP label, EXERCISE banner and watermark, and a denied export that changes nothing."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oip.accounts.models import ApiToken, Organisation
from oip.exchange import actions
from oip.exchange.exercises import plan_exercise, start
from oip.exchange.exports import export_item, watermark_for
from oip.exchange.models import AuditEvent, EgressRecord, ExchangeEvent
from oip.exchange.reads import PayloadInvalid, Refused
from oip.liaison.templates import shipped
from tests.exchange.conftest import NOW, exchange_member
from tests.exchange.verified import verify, with_device
from tests.personas import Persona

pytestmark = pytest.mark.django_db
BASE = "/api/v1/exchange/"
EARLY = {
    **copy.deepcopy(shipped().get("cyber-incident").stages["early_warning"].examples[0]),
    "aware_at": "2026-10-01T08:00:00Z",
    "detected_at": "2026-10-01T07:40:00Z",
}


def send(sender: Any, tlp: str, to: list[Organisation], **extra: Any) -> str:
    named = extra.pop("named_recipients", [])
    notification = actions.send(
        sender, template="cyber-incident", area="cyber", tlp=tlp, audience="addressed",
        addressees=[str(o.pk) for o in to], stage="early_warning", payload=EARLY,
        title=f"Grid attack ({tlp})", named_recipients=named, **extra,
    )  # fmt: skip
    return str(notification.id)


def api(user: Any, org: Organisation) -> Client:
    text, _ = ApiToken.issue(user, org, dt.timedelta(days=1))
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


def ledger() -> tuple[int, int, int]:
    return (
        EgressRecord.objects.count(),
        ExchangeEvent.objects.filter(kind="exported").count(),
        AuditEvent.objects.filter(action="export", outcome="allowed").count(),
    )


@pytest.fixture
def analyst(al_csirt: Organisation) -> Any:
    return exchange_member("al-analyst", al_csirt, "analyst", "amber+strict")


def test_an_amber_export_carries_label_and_watermark_and_writes_the_ledger(
    frozen: dt.datetime,
    al_tier3: None,
    enisa_officer: Any,
    al_officer: Any,
    al_csirt: Organisation,
) -> None:
    item = send(enisa_officer, "amber", [al_csirt])
    response = api(al_officer, al_csirt).get(
        f"{BASE}notifications/{item}/export",
        {"format": "json", "purpose": "incident handling", "onward": ["AL ministry CERT"]},
    )
    assert response.status_code == 200, response.content
    assert response["Content-Disposition"] == f'attachment; filename="cyber-incident-{item}.json"'
    document = json.loads(response.content)
    egress = EgressRecord.objects.get()
    assert (document["tlp"], document["banner"], document["exercise"]) == ("TLP:AMBER", None, None)
    assert document["watermark"] == egress.watermark_id
    assert len(egress.watermark_id) == 32
    assert document["footer"] == f"TLP:AMBER · watermark {egress.watermark_id}"
    assert document["notification"]["title"] == "Grid attack (amber)"
    assert [(s["stage"], s["revision"], s["payload"]) for s in document["submissions"]] == [
        ("early_warning", 1, EARLY)
    ]
    assert (egress.user, egress.organisation, egress.format, egress.at) == (
        al_officer, al_csirt, "json", NOW,
    )  # fmt: skip
    assert egress.declared_onward == [
        {"purpose": "incident handling", "recipients": ["AL ministry CERT"]}
    ]
    assert ledger() == (1, 1, 1)
    # A second export is a second row with another watermark.
    again = export_item(al_officer, item, purpose="the same handling", now=NOW)
    assert again.egress.watermark_id != egress.watermark_id
    assert ledger() == (2, 2, 2)


def test_a_green_export_needs_no_purpose(
    frozen: dt.datetime, cyber_evidence: None, enisa_officer: Any, ba_officer: Any,
    ba_csirt: Organisation,
) -> None:  # fmt: skip
    item = send(enisa_officer, "green", [ba_csirt])
    exported = export_item(ba_officer, item, now=NOW)
    assert (exported.document["tlp"], exported.egress.declared_onward) == ("TLP:GREEN", [])


@pytest.mark.parametrize(
    ("persona", "status", "answer"),
    [
        ("anonymous", 401, {"detail": "Unauthorized"}),
        ("ba", 404, {"detail": "Not Found"}),
        ("analyst", 403, {"reason": "role"}),
        ("administrator", 403, {"reason": "role"}),
    ],
)
def test_who_may_not_export_changes_nothing(
    frozen: dt.datetime,
    al_tier3: None,
    enisa_officer: Any,
    al_csirt: Organisation,
    ba_csirt: Organisation,
    ba_officer: Any,
    analyst: Any,
    operator_user: Any,
    persona: str,
    status: int,
    answer: dict[str, str],
) -> None:
    item = send(enisa_officer, "amber+strict", [al_csirt])
    clients = {
        "anonymous": Client(),
        "ba": api(ba_officer, ba_csirt),
        "analyst": api(analyst, al_csirt),
    }
    if persona == "administrator":
        admin = Client()
        admin.force_login(operator_user)
        verify(Persona(admin, operator_user))
        clients["administrator"] = admin
    before = ledger()
    response = clients[persona].get(
        f"{BASE}notifications/{item}/export", {"purpose": "incident handling"}
    )
    assert (response.status_code, response.json()) == (status, answer)
    assert ledger() == before == (0, 0, 0)


def test_red_is_never_exported_and_purpose_is_required_from_amber(
    frozen: dt.datetime,
    al_tier3: None,
    enisa_officer: Any,
    al_officer: Any,
    al_csirt: Organisation,
) -> None:
    red = send(enisa_officer, "red", [al_csirt], named_recipients=["al-cp"])
    with pytest.raises(Refused) as refused:
        export_item(al_officer, red, purpose="x", now=NOW)
    assert refused.value.reason == "export_forbidden"
    amber = send(enisa_officer, "amber", [al_csirt])
    response = api(al_officer, al_csirt).get(f"{BASE}notifications/{amber}/export")
    assert (response.status_code, response.json()) == (
        422,
        {"detail": [{"pointer": "/purpose", "message": "required from TLP:AMBER up: why, and to whom"}]},
    )  # fmt: skip
    with pytest.raises(PayloadInvalid) as invalid:
        export_item(al_officer, amber, format="pdf", purpose="x", now=NOW)
    assert [e.pointer for e in invalid.value.errors] == ["/format"]
    assert ledger() == (0, 0, 0)
    assert list(
        AuditEvent.objects.filter(action="export").values_list("actor_user", "outcome")
    ) == [("al-cp", "denied:export_forbidden")]


def test_an_analyst_exports_up_to_amber(
    frozen: dt.datetime, al_tier3: None, enisa_officer: Any, analyst: Any, al_csirt: Organisation
) -> None:
    item = send(enisa_officer, "amber", [al_csirt])
    assert export_item(analyst, item, purpose="analysis", now=NOW).document["tlp"] == "TLP:AMBER"


def test_an_exercise_export_carries_the_exercise_banner(
    frozen: dt.datetime,
    al_tier3: None,
    enisa: Organisation,
    al_officer: Any,
    al_csirt: Organisation,
) -> None:
    manager = exchange_member("enisa-lm", enisa, "liaison_manager", "red")
    drill = plan_exercise(
        manager, title="Cyber Europe drill", organiser=enisa, areas=["cyber"],
        participants=[al_csirt], starts=NOW, ends=NOW + dt.timedelta(days=1), now=NOW,
    )  # fmt: skip
    start(manager, drill.pk, now=NOW)
    item = send(manager, "amber", [al_csirt], exercise=str(drill.pk))
    document = export_item(al_officer, item, purpose="drill", now=NOW).document
    assert (document["banner"], document["exercise"]) == (
        "EXERCISE",
        {"id": str(drill.pk), "title": "Cyber Europe drill"},
    )


@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    user=st.text(min_size=1, max_size=20),
    item=st.uuids().map(str),
    a=st.uuids().map(str),
    b=st.uuids().map(str),
)
def test_watermarks_differ_by_person_item_and_export(user: str, item: str, a: str, b: str) -> None:
    mark = watermark_for(user, item, a)
    assert len(mark) == 32
    assert mark == watermark_for(user, item, a)
    assert (mark == watermark_for(user, item, b)) == (a == b)
    assert mark != watermark_for(user + "x", item, a)


def signed(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    with_device(user)
    verify(Persona(client, user))
    return client


def test_the_export_button_downloads_and_records(
    frozen: dt.datetime,
    al_tier3: None,
    enisa_officer: Any,
    al_officer: Any,
    ba_officer: Any,
    al_csirt: Organisation,
) -> None:
    item = send(enisa_officer, "amber", [al_csirt])
    al = signed(al_officer)
    page = al.get(f"/exchange/n/{item}/")
    assert page.status_code == 200
    assert f'action="/exchange/n/{item}/export/"' in page.content.decode()
    assert 'name="purpose" required' in page.content.decode()
    refused = al.get(f"/exchange/n/{item}/export/")
    assert refused.status_code == 422
    assert signed(ba_officer).get(f"/exchange/n/{item}/export/?purpose=x").status_code == 404
    assert ledger() == (0, 0, 0)
    download = al.get(f"/exchange/n/{item}/export/", {"purpose": "ticket", "onward": "AL CERT"})
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="cyber-incident-{item}.json"'
    assert json.loads(download.content)["tlp"] == "TLP:AMBER"
    assert EgressRecord.objects.get().declared_onward == [
        {"purpose": "ticket", "recipients": ["AL CERT"]}
    ]
    red = send(enisa_officer, "red", [al_csirt], named_recipients=["al-cp"])
    assert 'name="purpose"' not in al.get(f"/exchange/n/{red}/").content.decode()


TLPS = ["clear", "green", "amber", "amber+strict", "red"]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    tlp=st.sampled_from(TLPS),
    analyst_reads=st.booleans(),
    purpose=st.sampled_from(["", " ", "ticket"]),
)
def test_an_export_is_recorded_exactly_when_the_rule_and_the_purpose_allow_it(
    frozen: dt.datetime,
    al_tier3: None,
    enisa_officer: Any,
    al_officer: Any,
    analyst: Any,
    al_csirt: Organisation,
    tlp: str,
    analyst_reads: bool,
    purpose: str,
) -> None:
    with transaction.atomic():
        named = ["al-cp", "al-analyst"] if tlp == "red" else []
        item = send(enisa_officer, tlp, [al_csirt], named_recipients=named)
        who = analyst if analyst_reads else al_officer
        rank = TLPS.index(tlp)
        if tlp == "red":
            # The analyst's clearance (AMBER+STRICT) stops RED before the export rule does.
            expected = "clearance" if analyst_reads else "export_forbidden"
        elif analyst_reads and rank > TLPS.index("amber"):
            expected = "role"
        elif rank >= TLPS.index("amber") and not purpose.strip():
            expected = "/purpose"
        else:
            expected = "ok"
        try:
            export_item(who, item, purpose=purpose, now=NOW)
            outcome = "ok"
        except Refused as refused:
            outcome = refused.reason
        except PayloadInvalid as invalid:
            outcome = invalid.errors[0].pointer
        assert outcome == expected
        assert ledger() == ((1, 1, 1) if expected == "ok" else (0, 0, 0))
        transaction.set_rollback(True)
