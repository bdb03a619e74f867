"""Exceptional addressing (EXCHANGE.md §6.5.1): an EU liaison manager addresses one item above
a country's cap with a justification and an expiry; readable until then, counted publicly;
refused without a justification (422) or by anyone else (403), changing nothing."""

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
from oip.exchange import reads
from oip.exchange.evidence import read_facts
from oip.exchange.exceptional import exceptional_deliveries, send_exceptional
from oip.exchange.exports import export_item
from oip.exchange.models import AuditEvent, ExceptionalAddressing, Notification, Withdrawal
from oip.exchange.performance import forget_performance, public_performance
from oip.exchange.tick import tick
from oip.liaison.measured import ExceptionalDelivery
from oip.liaison.templates import shipped
from tests.exchange.conftest import NOW, exchange_member
from tests.exchange.evidence import record

pytestmark = pytest.mark.django_db
BASE = "/api/v1/exchange/"
EARLY = {
    **copy.deepcopy(shipped().get("cyber-incident").stages["early_warning"].examples[0]),
    "aware_at": "2026-10-01T08:00:00Z",
    "detected_at": "2026-10-01T07:40:00Z",
}
WHY = "Attack on BA's own grid operator: BA must act today"


def api(user: Any, org: Organisation) -> Client:
    text, _ = ApiToken.issue(user, org, dt.timedelta(days=60))
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


def body(ba: Organisation, tlp: str = "amber+strict", **extra: Any) -> dict[str, Any]:
    return {
        "template": "cyber-incident", "area": "cyber", "tlp": tlp, "audience": "addressed",
        "addressees": [str(ba.pk)], "stage": "early_warning", "payload": EARLY,
        "title": "Grid attack", **extra,
    }  # fmt: skip


def post(client: Client, data: dict[str, Any]) -> Any:
    return client.post(BASE + "notifications", json.dumps(data), content_type="application/json")


def stored() -> tuple[int, int]:
    return Notification.objects.count(), ExceptionalAddressing.objects.count()


@pytest.fixture
def manager(enisa: Organisation) -> Any:
    return exchange_member("enisa-lm", enisa, "liaison_manager", "red")


def test_a_liaison_manager_addresses_ba_above_its_cap_until_the_expiry(
    frozen: dt.datetime,
    cyber_evidence: None,
    enisa: Organisation,
    manager: Any,
    ba_officer: Any,
    al_officer: Any,
    ba_csirt: Organisation,
) -> None:
    response = post(api(manager, enisa), body(ba_csirt, exceptional={"justification": WHY}))
    assert response.status_code == 201, response.content
    item = response.json()["id"]
    row = ExceptionalAddressing.objects.get()
    assert (
        str(row.notification_id), row.organisation, row.justification, row.expires_at,
        row.addressed_by, row.addressed_org, row.cap_at_delivery, row.at,
    ) == (item, ba_csirt, WHY, NOW + dt.timedelta(days=30), manager, enisa, "amber", NOW)  # fmt: skip
    # BA (tier 1: AMBER addressed) reads the AMBER+STRICT item; AL may not know it exists.
    assert reads.open_item(ba_officer, item, NOW).decision.reason == "within_cap"
    with pytest.raises(reads.NotFound):
        reads.open_item(al_officer, item, NOW)
    assert [r.id for r in reads.inbox(ba_officer, NOW)] == [item]
    # After the expiry, the ordinary cap again.
    later = NOW + dt.timedelta(days=30)
    with pytest.raises(reads.Refused) as refused:
        reads.open_item(ba_officer, item, later)
    assert refused.value.reason == "above_tier_cap"
    assert list(
        AuditEvent.objects.filter(action="send.exceptional").values_list("actor_user", "outcome")
    ) == [("enisa-lm", "allowed")]
    # Counted on the public page as an exceptional delivery by the EU side.
    expected = [ExceptionalDelivery("BA", "cyber", "enisa", NOW)]
    assert exceptional_deliveries(NOW) == expected
    assert list(read_facts(NOW).exceptional) == expected


@pytest.mark.parametrize(
    ("extra", "pointer", "message"),
    [
        ({"exceptional": {}}, "/exceptional/justification", "required"),
        ({"exceptional": {"justification": "  "}}, "/exceptional/justification", "required"),
        (
            {"exceptional": {"justification": WHY, "expires_at": "2026-09-30T00:00:00Z"}},
            "/exceptional/expires_at",
            "the expiry must be in the future",
        ),
        (
            {"exceptional": {"justification": WHY}, "tlp": "amber"},
            "/exceptional",
            "no national addressee's cap is below this TLP: send it plainly",
        ),
    ],
)
def test_refused_exceptional_addressing_stores_nothing(
    frozen: dt.datetime,
    cyber_evidence: None,
    enisa: Organisation,
    manager: Any,
    ba_csirt: Organisation,
    extra: dict[str, Any],
    pointer: str,
    message: str,
) -> None:
    response = post(api(manager, enisa), body(ba_csirt) | extra)
    assert response.status_code == 422
    assert response.json() == {"detail": [{"pointer": pointer, "message": message}]}
    assert stored() == (0, 0)


@pytest.mark.parametrize("persona", ["officer", "ba", "anonymous"])
def test_only_an_eu_liaison_manager_may_address_exceptionally(
    frozen: dt.datetime,
    cyber_evidence: None,
    enisa: Organisation,
    enisa_officer: Any,
    ba_officer: Any,
    ba_csirt: Organisation,
    persona: str,
) -> None:
    clients = {
        "officer": api(enisa_officer, enisa),
        "ba": api(ba_officer, ba_csirt),
        "anonymous": Client(),
    }
    response = post(clients[persona], body(ba_csirt, exceptional={"justification": WHY}))
    assert (response.status_code, response.json()) == (
        (401, {"detail": "Unauthorized"}) if persona == "anonymous" else (403, {"reason": "role"})
    )
    assert stored() == (0, 0)


def test_no_exceptional_read_while_suspended(
    frozen: dt.datetime,
    cyber_evidence: None,
    manager: Any,
    ba_officer: Any,
    ba_csirt: Organisation,
) -> None:
    item = send_exceptional(
        manager, justification=WHY, template="cyber-incident", area="cyber",
        tlp="amber+strict", addressees=[str(ba_csirt.pk)], stage="early_warning",
        payload=EARLY, title="Grid attack", now=NOW,
    )  # fmt: skip
    record(
        "BA",
        ("cyber.csirt-networks.information-handling",),
        status="not_met",
        observed_on=NOW.date(),
    )
    assert reads.standing_for("BA", "cyber", NOW.date()).status == "suspended"
    with pytest.raises(reads.Refused) as refused:
        reads.open_item(ba_officer, item.id, NOW)
    assert refused.value.reason == "above_tier_cap"


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    expires_in=st.integers(min_value=1, max_value=60 * 24),
    read_after=st.integers(min_value=0, max_value=70 * 24),
    default=st.booleans(),
)
def test_readable_above_the_cap_exactly_until_the_expiry(
    frozen: dt.datetime,
    cyber_evidence: None,
    manager: Any,
    ba_officer: Any,
    ba_csirt: Organisation,
    expires_in: int,
    read_after: int,
    default: bool,
) -> None:
    expires_at = None if default else NOW + dt.timedelta(hours=expires_in)
    until = NOW + dt.timedelta(days=30) if default else expires_at
    moment = NOW + dt.timedelta(hours=read_after)
    with transaction.atomic():
        item = send_exceptional(
            manager, justification=WHY, expires_at=expires_at, template="cyber-incident",
            area="cyber", tlp="amber+strict", addressees=[str(ba_csirt.pk)],
            stage="early_warning", payload=EARLY, title="Grid attack", now=NOW,
        )  # fmt: skip
        assert ExceptionalAddressing.objects.get().expires_at == until
        try:
            reason = reads.open_item(ba_officer, item.id, moment).decision.reason
        except reads.Refused as refused:
            reason = refused.reason
        assert reason == ("within_cap" if moment < until else "above_tier_cap")
        transaction.set_rollback(True)


def test_the_public_page_counts_exceptional_deliveries_by_the_eu_side(
    frozen: dt.datetime,
    cyber_evidence: None,
    manager: Any,
    ba_csirt: Organisation,
) -> None:
    for title in ("Grid attack", "Second attack", "Third attack"):
        send_exceptional(
            manager, justification=WHY, template="cyber-incident", area="cyber",
            tlp="amber+strict", addressees=[str(ba_csirt.pk)], stage="early_warning",
            payload=EARLY, title=title, now=NOW,
        )  # fmt: skip
    forget_performance()
    # 2026Q4 is published 90 days after its end: from 2027-03-31.
    assert public_performance(dt.datetime(2027, 3, 30, tzinfo=dt.UTC)).metrics.rows == ()
    forget_performance()
    rows = public_performance(dt.datetime(2027, 3, 31, tzinfo=dt.UTC)).metrics.rows
    assert [(r.country, r.area, r.quarter, r.exceptional_deliveries) for r in rows] == [
        ("BA", "cyber", "2026Q4", 3)
    ]


def test_an_exported_exceptional_item_is_withdrawn_and_recalled_on_suspension(
    frozen: dt.datetime,
    cyber_evidence: None,
    manager: Any,
    ba_officer: Any,
    ba_csirt: Organisation,
) -> None:
    item = send_exceptional(
        manager, justification=WHY, template="cyber-incident", area="cyber",
        tlp="amber+strict", addressees=[str(ba_csirt.pk)], stage="early_warning",
        payload=EARLY, title="Grid attack", now=NOW,
    )  # fmt: skip
    export_item(ba_officer, item.id, purpose="grid operator", now=NOW)
    record(
        "BA",
        ("cyber.csirt-networks.information-handling",),
        status="not_met",
        observed_on=NOW.date(),
    )
    standing = reads.standing_for("BA", "cyber", NOW.date())
    assert (standing.tier, standing.status) == (0, "suspended")
    assert tick(NOW).withdrawals == 1
    assert list(Withdrawal.objects.values_list("notification_id", "recall_required")) == [
        (item.pk, True)
    ]
    # Tier 0 receives GREEN addressed, but a recall (AMBER, ids only) reaches it all the same.
    (recall,) = Notification.objects.filter(template="recall")
    opened = reads.open_item(ba_officer, recall.id, NOW)
    assert (opened.decision.reason, opened.submissions[0].payload["items"]) == (
        "within_cap",
        [str(item.pk)],
    )
