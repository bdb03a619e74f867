"""The breach register and its confirm queue (EXCHANGE.md §6.9, §8 WP4 test 3): four eyes of
the body the benchmark names; a confirmation suspends, a dismissal records nothing."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from oip.accounts.models import Membership, Organisation
from oip.evidence.models import Observation
from oip.exchange import actions, reads
from oip.exchange.breaches import breach_state, report_breach, sign_breach
from oip.exchange.models import AuditEvent, EvidenceLink, HandlingBreach
from oip.liaison.templates import shipped
from tests.exchange.conftest import NOW, SINCE, exchange_member

pytestmark = pytest.mark.django_db

TIER_3_INTEGRITY = [
    "cyber.enisa-observer-status.information-handling",
    "cyber.threat-assessments.information-handling",
]
LATER = NOW + dt.timedelta(hours=2)


@pytest.fixture
def managers(enisa: Organisation) -> tuple[Any, Any]:
    return (
        exchange_member("enisa-lm-1", enisa, "liaison_manager", "red"),
        exchange_member("enisa-lm-2", enisa, "liaison_manager", "red"),
    )


@pytest.fixture
def eppo_manager(db: None) -> Any:
    eppo = Organisation.objects.create(
        name="European Public Prosecutor's Office", short_name="EPPO", kind="eu_body",
        body="eppo", areas=["eppo", "cyber"], valid_from=SINCE.date(),
    )  # fmt: skip
    user = exchange_member("eppo-lm", eppo, "liaison_manager", "red")
    Membership.objects.filter(user=user).update(areas=["eppo", "cyber"])
    return user


def red_breach(reporter: Any, al_csirt: Organisation, tlp: str = "red") -> HandlingBreach:
    return report_breach(
        reporter, concerned_org=al_csirt, area="cyber", tlp_mishandled=tlp, now=NOW
    )


def generated() -> list[tuple[str, str, str, dt.date]]:
    return list(
        Observation.objects.filter(recorded_by__startswith="exchange:")
        .order_by("benchmark_id")
        .values_list("country_id", "benchmark_id", "status", "observed_on")
    )


def test_a_red_breach_confirmed_by_two_enisa_managers_suspends_and_withdraws(
    frozen: dt.datetime,
    al_tier3: None,
    enisa_officer: Any,
    al_officer: Any,
    al_csirt: Organisation,
    managers: tuple[Any, Any],
) -> None:
    cyber = shipped().get("cyber-incident")
    payload = {
        **copy.deepcopy(cyber.stages["early_warning"].examples[0]),
        "aware_at": "2026-10-01T08:00:00Z",
        "detected_at": "2026-10-01T07:40:00Z",
    }
    received = actions.send(
        enisa_officer, template="cyber-incident", area="cyber", tlp="amber+strict",
        audience="community", addressees=[], stage="early_warning", payload=payload,
        title="Grid attack",
    )  # fmt: skip
    assert reads.open_item(al_officer, received.id).decision.reason == "within_cap"
    breach = red_breach(enisa_officer, al_csirt)
    assert breach_state(breach).state == "alleged"
    assert breach_state(breach).benchmarks == tuple(TIER_3_INTEGRITY)
    assert breach_state(breach).bodies == ("enisa",)

    first = sign_breach(managers[0], str(breach.pk), "confirm", now=NOW + dt.timedelta(hours=1))
    assert (first.effective, first.state.state, generated()) == (False, "alleged", [])

    second = sign_breach(managers[1], str(breach.pk), "confirm", now=LATER)

    assert (second.effective, second.state.state) == (True, "confirmed")
    assert second.state.decided_at == LATER
    assert generated() == [("AL", b, "not_met", NOW.date()) for b in TIER_3_INTEGRITY]
    publishers = set(
        Observation.objects.filter(recorded_by__startswith="exchange:").values_list(
            "source__publisher", flat=True
        )
    )
    assert publishers == {"OIP liaison exchange, confirmed by ENISA"}
    assert sorted(EvidenceLink.objects.values_list("rule_id", "origin", "origin_id")) == [
        ("breach-v1/cyber-observer", "breach", str(breach.pk)),
        ("breach-v1/cyber-threat-assessments", "breach", str(breach.pk)),
    ]
    assert reads.standing_for("AL", "cyber", NOW.date()).status == "suspended"
    with pytest.raises(reads.Refused) as refused:
        reads.open_item(al_officer, received.id)
    assert refused.value.reason == "withdrawn_suspension"
    assert [
        (e.action, e.actor_user, e.outcome)
        for e in AuditEvent.objects.filter(object_type="handling_breach").order_by("seq")
    ] == [
        ("breach.report", "enisa-officer", "allowed"),
        ("breach.sign", "enisa-lm-1", "allowed"),
        ("breach.sign", "enisa-lm-2", "allowed"),
    ]

    # The body's word that it was remedied records `met` (four eyes again): the suspension lifts.
    sign_breach(managers[0], str(breach.pk), "remedy", now=NOW + dt.timedelta(hours=3))
    remedied = sign_breach(managers[1], str(breach.pk), "remedy", now=NOW + dt.timedelta(hours=4))
    assert remedied.state.state == "remedied"
    assert [row[2] for row in generated()] == ["not_met", "met", "not_met", "met"]


def test_a_dismissed_breach_records_nothing(
    frozen: dt.datetime, enisa_officer: Any, al_csirt: Organisation, managers: tuple[Any, Any]
) -> None:
    breach = red_breach(enisa_officer, al_csirt)
    sign_breach(managers[0], str(breach.pk), "dismiss", now=NOW)
    result = sign_breach(managers[1], str(breach.pk), "dismiss", now=LATER)
    assert (result.effective, result.state.state, generated()) == (True, "dismissed", [])
    with pytest.raises(reads.Refused) as refused:
        sign_breach(managers[0], str(breach.pk), "confirm", now=LATER)
    assert refused.value.reason == "breach_dismissed"


def test_an_eppo_manager_cannot_confirm_a_cyber_breach(
    frozen: dt.datetime,
    enisa_officer: Any,
    al_csirt: Organisation,
    managers: tuple[Any, Any],
    eppo_manager: Any,
) -> None:
    breach = red_breach(enisa_officer, al_csirt)
    sign_breach(managers[0], str(breach.pk), "confirm", now=NOW)
    with pytest.raises(reads.Refused) as refused:
        sign_breach(eppo_manager, str(breach.pk), "confirm", now=LATER)
    assert refused.value.reason == "not_body_manager"
    assert breach_state(breach).state == "alleged"
    assert generated() == []
    assert AuditEvent.objects.order_by("-seq").values_list("actor_user", "outcome")[0] == (
        "eppo-lm",
        "denied:not_body_manager",
    )


def test_four_eyes_means_two_people_and_officers_cannot_sign(
    frozen: dt.datetime,
    enisa_officer: Any,
    al_csirt: Organisation,
    al_officer: Any,
    managers: tuple[Any, Any],
) -> None:
    breach = red_breach(al_officer, al_csirt, tlp="green")
    assert breach_state(breach).benchmarks == ("cyber.csirt-networks.information-handling",)
    sign_breach(managers[0], str(breach.pk), "confirm", now=NOW)
    with pytest.raises(reads.Refused) as twice:
        sign_breach(managers[0], str(breach.pk), "confirm", now=LATER)
    for user in (enisa_officer, al_officer):
        with pytest.raises(reads.Refused) as refused:
            sign_breach(user, str(breach.pk), "confirm", now=LATER)
        assert refused.value.reason == "not_body_manager"
    assert twice.value.reason == "signed"
    assert (breach_state(breach).state, generated()) == ("alleged", [])


def test_report_refuses_clear_and_eu_bodies(
    frozen: dt.datetime, enisa: Organisation, enisa_officer: Any, al_csirt: Organisation
) -> None:
    with pytest.raises(reads.Refused) as clear:
        red_breach(enisa_officer, al_csirt, tlp="clear")
    with pytest.raises(reads.Refused) as eu:
        report_breach(enisa_officer, concerned_org=enisa, area="cyber", tlp_mishandled="red")
    assert (clear.value.reason, eu.value.reason) == ("no_breach", "not_national")
    assert HandlingBreach.objects.count() == 0


def test_the_register_and_the_links_are_append_only_in_the_database(
    frozen: dt.datetime, enisa_officer: Any, al_csirt: Organisation, managers: tuple[Any, Any]
) -> None:
    breach = red_breach(enisa_officer, al_csirt, tlp="green")
    sign_breach(managers[0], str(breach.pk), "confirm", now=NOW)
    sign_breach(managers[1], str(breach.pk), "confirm", now=LATER)
    for table in ("exchange_handlingbreach", "exchange_breachsignature", "exchange_evidencelink"):
        for sql in (f"UPDATE {table} SET recorded_at = recorded_at", f"DELETE FROM {table}"):
            with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
    assert (HandlingBreach.objects.count(), EvidenceLink.objects.count()) == (1, 1)
