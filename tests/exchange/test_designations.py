"""Designations in the confirm queue (EXCHANGE.md §6.10.2): a national org admin registers a
contact point; an ENISA liaison manager confirms it was notified on date D, which records `met`
on `cyber.structured-liaison.designated` observed on D (measured, with its EvidenceLink), once.
Anyone else is refused and nothing is recorded."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oip.accounts.models import ApiToken, Organisation
from oip.evidence.models import Observation
from oip.exchange import actions
from oip.exchange.designations import Pending, confirm_designation, designation_queue
from oip.exchange.fetch import PayloadInvalid, Refused
from oip.exchange.models import AuditEvent, ContactPoint, EvidenceLink
from tests.exchange.conftest import NOW, exchange_member

pytestmark = pytest.mark.django_db
NOTIFIED = dt.date(2026, 9, 28)


def run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("exchange", "designation", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue().strip(), err.getvalue().strip()
    return 0, out.getvalue().strip(), err.getvalue().strip()


def generated() -> list[tuple[str, str, str, dt.date, str, str]]:
    return list(
        Observation.objects.filter(recorded_by__startswith="exchange:")
        .order_by("id")
        .values_list(
            "country_id",
            "benchmark_id",
            "status",
            "observed_on",
            "source__publisher",
            "recorded_by",
        )
    )


@pytest.fixture
def manager(enisa: Organisation) -> Any:
    return exchange_member("enisa-lm", enisa, "liaison_manager", "red")


@pytest.fixture
def point(frozen: dt.datetime, cyber_evidence: None, ba_csirt: Organisation) -> ContactPoint:
    admin = exchange_member("ba-admin", ba_csirt, "org_admin", "amber")
    return actions.designate_contact_point(
        admin, ba_csirt, area="cyber", valid_from=NOW - dt.timedelta(days=10),
        now=NOW - dt.timedelta(days=10),
    )  # fmt: skip


def test_an_enisa_manager_confirms_a_designation_once(
    point: ContactPoint, manager: Any, ba_csirt: Organisation
) -> None:
    assert designation_queue(manager, now=NOW) == [
        Pending(
            str(point.pk),
            "CSIRT-BA",
            "BA",
            "cyber",
            "primary",
            dt.date(2026, 9, 21),
            "cyber.structured-liaison.designated",
        )
    ]
    assert run("confirm", str(point.pk), "--notified-on", "2026-09-28", "--by", "enisa-lm") == (
        0,
        "created",
        "",
    )
    assert generated() == [
        (
            "BA",
            "cyber.structured-liaison.designated",
            "met",
            NOTIFIED,
            "OIP liaison exchange, confirmed by ENISA",
            "exchange:attestation-v1/cyber-designated",
        )
    ]
    link = EvidenceLink.objects.get()
    assert (link.rule_id, link.origin, link.origin_id) == (
        "attestation-v1/cyber-designated",
        "metric",
        f"designation/{point.pk}",
    )
    assert designation_queue(manager, now=NOW) == []
    # Again: nothing new.
    assert confirm_designation(manager, point.pk, NOTIFIED, now=NOW).created == 0
    assert len(generated()) == 1
    assert list(
        AuditEvent.objects.filter(action="designation.confirm").values_list("actor_user", "outcome")
    ) == [("enisa-lm", "allowed"), ("enisa-lm", "allowed")]


@pytest.mark.parametrize("who", ["enisa-officer", "al-cp", "eppo-lm", "oip-operator"])
def test_only_a_manager_of_the_named_body_confirms(
    point: ContactPoint,
    enisa_officer: Any,
    al_officer: Any,
    operator_user: Any,
    who: str,
) -> None:
    eppo = Organisation.objects.create(
        name="European Public Prosecutor's Office", short_name="EPPO", kind="eu_body",
        body="eppo", areas=["eppo", "cyber"], valid_from=dt.date(2000, 1, 1),
    )  # fmt: skip
    exchange_member("eppo-lm", eppo, "liaison_manager", "red")
    assert run("confirm", str(point.pk), "--notified-on", "2026-09-28", "--by", who) == (
        1,
        "",
        "not_body_manager",
    )
    assert run("queue", "--by", who, "--format", "json") == (0, "[]", "")
    assert generated() == []
    assert EvidenceLink.objects.count() == 0


def test_a_notification_date_in_the_future_or_before_the_designation_is_refused(
    point: ContactPoint, manager: Any
) -> None:
    for day, message in [
        (dt.date(2026, 10, 2), "not after today"),
        (dt.date(2026, 9, 20), "not before the designation (2026-09-21)"),
    ]:
        with pytest.raises(PayloadInvalid) as invalid:
            confirm_designation(manager, point.pk, day, now=NOW)
        assert [(e.pointer, e.message) for e in invalid.value.errors] == [("/notified_on", message)]
    assert run("confirm", "999999", "--notified-on", "2026-09-28", "--by", "enisa-lm") == (
        1,
        "",
        "no contact point '999999'",
    )
    assert generated() == []


def test_an_eu_body_contact_point_is_not_a_designation(
    frozen: dt.datetime, enisa: Organisation, manager: Any, operator_user: Any
) -> None:
    own = actions.designate_contact_point(operator_user, enisa, area="cyber", now=NOW)
    with pytest.raises(Refused) as refused:
        confirm_designation(manager, own.pk, NOW.date(), now=NOW)
    assert refused.value.reason == "not_national"


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(offset=st.integers(min_value=-30, max_value=30))
def test_met_is_observed_on_the_notification_day_within_designation_and_today(
    point: ContactPoint, manager: Any, offset: int
) -> None:
    day = point.designated_on + dt.timedelta(days=offset)
    with transaction.atomic():
        try:
            created = confirm_designation(manager, point.pk, day, now=NOW).created
        except PayloadInvalid:
            created = None
        valid = point.designated_on <= day <= NOW.date()
        assert created == (1 if valid else None)
        assert [g[3] for g in generated()] == ([day] if valid else [])
        transaction.set_rollback(True)


def test_the_designations_api(
    point: ContactPoint,
    manager: Any,
    enisa: Organisation,
    ba_csirt: Organisation,
    enisa_officer: Any,
) -> None:
    def bearer(user: Any, org: Organisation) -> Client:
        token, _ = ApiToken.issue(user, org, dt.timedelta(days=1))
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    lm, officer = bearer(manager, enisa), bearer(enisa_officer, enisa)
    path = f"/api/v1/exchange/designations/{point.pk}/confirm"
    assert [p["contact_point"] for p in lm.get("/api/v1/exchange/designations").json()] == [
        str(point.pk)
    ]
    assert officer.get("/api/v1/exchange/designations").json() == []
    denied = officer.post(path, {"notified_on": "2026-09-28"}, content_type="application/json")
    assert (denied.status_code, denied.json()) == (403, {"reason": "not_body_manager"})
    bad = lm.post(path, {"notified_on": "28/09/2026"}, content_type="application/json")
    assert (bad.status_code, bad.json()) == (
        422,
        {"detail": [{"pointer": "/notified_on", "message": "a date YYYY-MM-DD"}]},
    )
    assert Client().post(path, {}, content_type="application/json").status_code == 401
    assert generated() == []
    done = lm.post(path, {"notified_on": "2026-09-28"}, content_type="application/json")
    assert (done.status_code, done.json()) == (200, {"created": 1})
    assert [g[3] for g in generated()] == [NOTIFIED]
