"""Recalls with attestation clocks (EXCHANGE.md §6.9, §8 WP4 test 3): a breach confirmed by two
ENISA managers suspends AL; the next tick withdraws and recalls what AL exported, once, with a
5-business-day clock; AL's attestation stops it; the remedy lifts the suspension."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oip.accounts.models import ApiToken, Organisation
from oip.exchange import actions, reads
from oip.exchange.breaches import report_breach, sign_breach
from oip.exchange.exports import export_item
from oip.exchange.models import ExchangeEvent, Notification, Withdrawal
from oip.exchange.recalls import attest, attest_by
from oip.exchange.tick import tick
from oip.liaison.templates import shipped
from tests.exchange.conftest import NOW, exchange_member
from tests.exchange.evidence import record

pytestmark = pytest.mark.django_db
BASE = "/api/v1/exchange/"
HOUR = dt.timedelta(hours=1)
EARLY = {
    **copy.deepcopy(shipped().get("cyber-incident").stages["early_warning"].examples[0]),
    "aware_at": "2026-10-01T08:00:00Z",
    "detected_at": "2026-10-01T07:40:00Z",
}
#: Thursday 2026-10-01 11:00 UTC + 5 business days of Albania's calendar.
DUE = dt.datetime(2026, 10, 8, 11, 0, tzinfo=dt.UTC)


def send(sender: Any, tlp: str, to: Organisation, title: str) -> Notification:
    return actions.send(
        sender, template="cyber-incident", area="cyber", tlp=tlp, audience="addressed",
        addressees=[str(to.pk)], stage="early_warning", payload=EARLY, title=title, now=NOW,
    )  # fmt: skip


@pytest.fixture
def managers(enisa: Organisation) -> tuple[Any, Any]:
    return (
        exchange_member("enisa-lm-1", enisa, "liaison_manager", "red"),
        exchange_member("enisa-lm-2", enisa, "liaison_manager", "red"),
    )


def recalls() -> list[Notification]:
    return list(Notification.objects.filter(template="recall").order_by("created_at"))


def test_a_recall_with_a_five_business_day_clock_reaches_al_for_each_exported_item(
    frozen: dt.datetime,
    al_tier3: None,
    enisa_officer: Any,
    al_officer: Any,
    ba_officer: Any,
    al_csirt: Organisation,
    ba_csirt: Organisation,
    managers: tuple[Any, Any],
) -> None:
    exported = send(enisa_officer, "amber+strict", al_csirt, "Grid attack")
    kept_inside = send(enisa_officer, "amber+strict", al_csirt, "Second attack")
    export_item(al_officer, exported.id, purpose="national CSIRT ticket", now=NOW)
    breach = report_breach(
        enisa_officer, concerned_org=al_csirt, area="cyber", tlp_mishandled="red", now=NOW
    )
    sign_breach(managers[0], str(breach.pk), "confirm", now=NOW + HOUR)
    sign_breach(managers[1], str(breach.pk), "confirm", now=NOW + HOUR)
    assert reads.standing_for("AL", "cyber", NOW.date()).status == "suspended"

    moment = NOW + 2 * HOUR
    with time_machine.travel(moment, tick=False):
        assert tick(moment).withdrawals == 2
    assert sorted(
        Withdrawal.objects.values_list("notification_id", "recall_required", "recall_due")
    ) == sorted([(exported.pk, True, DUE), (kept_inside.pk, False, None)])
    (recall,) = recalls()
    assert attest_by(al_csirt, moment) == DUE
    assert (recall.tlp, recall.audience, recall.originator_org.short_name) == (
        "amber",
        "addressed",
        "ENISA",
    )
    assert list(recall.addressees.values_list("organisation_id", flat=True)) == [al_csirt.pk]
    opened = reads.open_item(al_officer, recall.id, moment)
    assert opened.submissions[0].payload == {
        "items": [str(exported.pk)],
        "reason": "withdrawn_suspension",
        "attest_by": "2026-10-08T11:00:00Z",
    }
    (clock,) = opened.clocks
    assert (clock.clock, clock.status, clock.started_at, clock.due_at) == (
        "attestation",
        "running",
        moment,
        DUE,
    )
    # Once: later ticks send nothing more.
    with time_machine.travel(moment + HOUR, tick=False):
        assert tick(moment + HOUR).withdrawals == 0
    assert len(recalls()) == 1
    # AL may no longer read what was withdrawn; BA may not know the recall exists.
    with pytest.raises(reads.Refused) as refused:
        reads.open_item(al_officer, exported.id, moment)
    assert refused.value.reason == "withdrawn_suspension"
    with pytest.raises(reads.NotFound):
        reads.open_item(ba_officer, recall.id, moment)

    # AL's contact point attests through the API: the clock is met.
    token, _ = ApiToken.issue(al_officer, al_csirt, dt.timedelta(days=7))
    answered = moment + dt.timedelta(days=2)
    with time_machine.travel(answered, tick=False):
        response = Client(HTTP_AUTHORIZATION=f"Bearer {token}").post(
            f"{BASE}notifications/{recall.id}/responses",
            {
                "stage": "attestation",
                "payload": {
                    "copies_deleted": True,
                    "deleted_by": "Head of the national CSIRT",
                    "deleted_at": "2026-10-02T10:00:00Z",
                },
            },
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        (clock,) = reads.open_item(al_officer, recall.id, answered).clocks
    assert (clock.status, clock.stopped_at) == ("met", answered)
    assert list(
        ExchangeEvent.objects.filter(notification=recall, kind="attested").values_list(
            "actor_org_id", "at"
        )
    ) == [(al_csirt.pk, answered)]

    # The remedy (four eyes) lifts the suspension: AL reads again, nothing re-shared.
    later = answered + HOUR
    with time_machine.travel(later, tick=False):
        sign_breach(managers[0], str(breach.pk), "remedy", now=later)
        sign_breach(managers[1], str(breach.pk), "remedy", now=later)
        assert reads.open_item(al_officer, exported.id, later).decision.allowed is True


def test_an_attestation_by_another_country_or_on_another_item_is_refused(
    frozen: dt.datetime,
    al_tier3: None,
    enisa_officer: Any,
    al_officer: Any,
    ba_officer: Any,
    al_csirt: Organisation,
    managers: tuple[Any, Any],
) -> None:
    item = send(enisa_officer, "amber+strict", al_csirt, "Grid attack")
    export_item(al_officer, item.id, purpose="ticket", now=NOW)
    breach = report_breach(
        enisa_officer, concerned_org=al_csirt, area="cyber", tlp_mishandled="red", now=NOW
    )
    sign_breach(managers[0], str(breach.pk), "confirm", now=NOW)
    sign_breach(managers[1], str(breach.pk), "confirm", now=NOW)
    tick(NOW)
    (recall,) = recalls()
    before = ExchangeEvent.objects.count()
    with pytest.raises(reads.NotFound):
        attest(ba_officer, recall.id, deleted_by="BA", deleted_at=NOW, now=NOW)
    with pytest.raises(reads.PayloadInvalid):
        # The attestation is a response of the recall template only.
        actions.respond(
            al_officer,
            recall.id,
            stage="initial_feedback",
            payload={"copies_deleted": True},
            now=NOW,
        )
    assert ExchangeEvent.objects.count() == before
    attest(al_officer, recall.id, deleted_by="AL CSIRT head", deleted_at=NOW, now=NOW)
    assert ExchangeEvent.objects.filter(kind="attested").count() == 1


def test_nothing_exported_means_no_recall(
    frozen: dt.datetime,
    al_tier3: None,
    enisa_officer: Any,
    al_officer: Any,
    al_csirt: Organisation,
    managers: tuple[Any, Any],
) -> None:
    send(enisa_officer, "amber+strict", al_csirt, "Grid attack")
    breach = report_breach(
        enisa_officer, concerned_org=al_csirt, area="cyber", tlp_mishandled="red", now=NOW
    )
    sign_breach(managers[0], str(breach.pk), "confirm", now=NOW)
    sign_breach(managers[1], str(breach.pk), "confirm", now=NOW)
    assert tick(NOW).withdrawals == 1
    assert recalls() == []


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    exported=st.lists(st.booleans(), min_size=3, max_size=3),
    minutes=st.lists(st.integers(min_value=0, max_value=5 * 24 * 60), min_size=1, max_size=5),
)
def test_whatever_the_ticks_one_recall_lists_exactly_the_exported_items(
    frozen: dt.datetime,
    al_tier3: None,
    enisa_officer: Any,
    al_officer: Any,
    al_csirt: Organisation,
    exported: list[bool],
    minutes: list[int],
) -> None:
    with transaction.atomic():
        items = [send(enisa_officer, "amber+strict", al_csirt, f"Item {i}") for i in range(3)]
        for item, out in zip(items, exported, strict=True):
            if out:
                export_item(al_officer, item.id, purpose="ticket", now=NOW)
        record(
            "AL",
            ("cyber.enisa-observer-status.information-handling",),
            status="not_met",
            observed_on=NOW.date(),
        )
        times = sorted(NOW + dt.timedelta(minutes=m) for m in minutes)
        for moment in times:
            tick(moment)
        found = [
            reads.open_item(al_officer, r.id, times[-1]).submissions[0].payload for r in recalls()
        ]
        expected = sorted(str(i.pk) for i, out in zip(items, exported, strict=True) if out)
        if expected:
            assert len(found) == 1
            assert sorted(found[0]["items"]) == expected
            first = times[0].astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
            assert found[0]["attest_by"] == attest_by(al_csirt, times[0]).isoformat().replace(
                "+00:00", "Z"
            )
            assert first <= found[0]["attest_by"]
        else:
            assert found == []
        assert Withdrawal.objects.filter(recall_required=True).count() == len(expected)
        transaction.set_rollback(True)


def bearer(user: Any, org: Organisation) -> Client:
    token, _ = ApiToken.issue(user, org, dt.timedelta(days=14))
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_recalls_api_for_every_persona(
    frozen: dt.datetime,
    al_tier3: None,
    enisa: Organisation,
    enisa_officer: Any,
    al_officer: Any,
    ba_officer: Any,
    al_csirt: Organisation,
    ba_csirt: Organisation,
) -> None:
    item = send(enisa_officer, "amber+strict", al_csirt, "Grid attack")
    export_item(al_officer, item.id, purpose="ticket", now=NOW)
    record(
        "AL",
        ("cyber.enisa-observer-status.information-handling",),
        status="not_met",
        observed_on=NOW.date(),
    )
    tick(NOW)
    (recall,) = recalls()
    al, ba, eu = (
        bearer(al_officer, al_csirt),
        bearer(ba_officer, ba_csirt),
        bearer(enisa_officer, enisa),
    )
    listed = {
        "id": str(recall.id),
        "organisation": str(al_csirt.pk),
        "items": [str(item.pk)],
        "attest_by": "2026-10-08T09:00:00Z",
        "sent_at": NOW.isoformat(),
        "clock": "running",
        "attested_at": None,
    }
    assert al.get(f"{BASE}recalls").json() == [listed]
    assert eu.get(f"{BASE}recalls").json() == [listed]
    assert ba.get(f"{BASE}recalls").json() == []
    assert Client().get(f"{BASE}recalls").status_code == 401
    # Unanswered past its due instant: overdue, for the recipient and for the EU body alike.
    with time_machine.travel(dt.datetime(2026, 10, 8, 9, 1, tzinfo=dt.UTC), tick=False):
        assert [r["clock"] for r in eu.get(f"{BASE}recalls").json()] == ["overdue"]
    before = ExchangeEvent.objects.count()
    path = f"{BASE}recalls/{recall.id}/attestation"
    assert ba.post(path, {"deleted_by": "x", "deleted_at": "2026-10-01T08:00:00Z"},
                   content_type="application/json").status_code == 404  # fmt: skip
    missing = al.post(path, {"deleted_at": "2026-10-01"}, content_type="application/json")
    assert (missing.status_code, missing.json()) == (
        422,
        {
            "detail": [
                {"pointer": "/deleted_by", "message": "required"},
                {"pointer": "/deleted_at", "message": "with a time zone"},
            ]
        },
    )
    assert ExchangeEvent.objects.count() == before
    done = al.post(
        path,
        {"deleted_by": "Head of the CSIRT", "deleted_at": "2026-10-01T08:30:00Z"},
        content_type="application/json",
    )
    assert (done.status_code, done.json()["stage"]) == (201, "attestation")
    assert al.get(f"{BASE}recalls").json()[0] == listed | {
        "clock": "met",
        "attested_at": NOW.isoformat(),
    }
