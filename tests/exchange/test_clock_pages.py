"""The clock dashboard /exchange/clocks/ for every persona: an EU officer (its body's areas, by
country × area, exact counts), each national contact point (its own organisation's clocks
only), an EU officer of another area (nothing), an EU analyst and the anonymous (refused),
the administrator (all, metadata); exercise items never counted."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from oip.accounts.models import Membership, Organisation
from oip.exchange import actions, exercises, reads
from oip.exchange.exercises import InjectSpec
from oip.exchange.views.clocks import ClockRow, clock_rows, counts
from oip.liaison.templates import shipped
from tests.exchange.conftest import NOW, exchange_member
from tests.exchange.queue import drain
from tests.exchange.verified import verify
from tests.personas import SINCE, Persona

pytestmark = pytest.mark.django_db
EARLY = shipped().get("cyber-incident").stages["early_warning"].examples[0]
H = dt.timedelta(hours=1)


def session(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    verify(Persona(client, user))
    return client


def send_to(user: Any, org: Organisation, at: dt.datetime) -> str:
    with time_machine.travel(at, tick=False):
        return str(
            actions.send(
                user,
                template="cyber-incident",
                area="cyber",
                tlp="amber",
                audience="addressed",
                addressees=[str(org.pk)],
                stage="early_warning",
                payload=EARLY,
                title="TITLE-NEVER-SHOWN",
            ).pk
        )


def ack(user: Any, item: str, at: dt.datetime) -> None:
    with time_machine.travel(at, tick=False):
        actions.acknowledge(user, item)


@pytest.fixture
def clocks(
    cyber_evidence: None,
    enisa: Organisation,
    al_csirt: Organisation,
    ba_csirt: Organisation,
    enisa_officer: Any,
    al_officer: Any,
    ba_officer: Any,
    operator_user: Any,
) -> dict[str, Any]:
    """At NOW: AL has one unacknowledged item (ack overdue); BA one acknowledged late, one in
    time; AL plays in an exercise whose inject it has not acknowledged either."""
    al_item = send_to(enisa_officer, al_csirt, NOW - 2 * H)
    ba_late = send_to(enisa_officer, ba_csirt, NOW - 3 * H)
    ack(ba_officer, ba_late, NOW - H)
    ba_in_time = send_to(enisa_officer, ba_csirt, NOW - H)
    ack(ba_officer, ba_in_time, NOW - dt.timedelta(minutes=30))
    manager = exchange_member("enisa-lm", enisa, "liaison_manager", "red")
    with time_machine.travel(NOW - 5 * H, tick=False):
        drill = exercises.plan_exercise(
            manager,
            title="Drill",
            organiser=enisa,
            areas=["cyber"],
            participants=[al_csirt],
            starts=NOW - 4 * H,
            ends=NOW + 4 * H,
        )
        exercises.add_injects(
            manager, drill.pk, [InjectSpec("cyber-incident", "early_warning", EARLY, NOW - 3 * H)]
        )
        exercises.start(manager, drill.pk)
    with time_machine.travel(NOW - 3 * H, tick=False):
        assert len(drain()) == 1
    eeas = Organisation.objects.create(
        name="EEAS",
        short_name="EEAS",
        kind="eu_body",
        body="eeas",
        areas=["fimi"],
        valid_from=SINCE.date(),
    )
    fimi = get_user_model().objects.create_user("eeas-officer")
    Membership.objects.create(
        user=fimi,
        organisation=eeas,
        role="officer",
        areas=["fimi"],
        clearance="amber",
        valid_from=SINCE,
    )
    analyst = exchange_member("enisa-analyst", enisa, "analyst", "amber")
    with time_machine.travel(NOW, tick=False):
        return {
            "al_item": al_item,
            "users": {
                "eu": enisa_officer,
                "al": al_officer,
                "ba": ba_officer,
                "other_area": fimi,
                "eu_analyst": analyst,
                "administrator": operator_user,
            },
        }


EU_COUNTS = [
    {"country": "AL", "area": "cyber", "running": 1, "overdue": 1, "met": 0, "late": 0},
    {"country": "BA", "area": "cyber", "running": 2, "overdue": 0, "met": 1, "late": 1},
]


def test_counts_by_country_and_area_are_exact(clocks: dict[str, Any]) -> None:
    users = clocks["users"]
    seen = {}
    for who, user in users.items():
        rows = clock_rows(reads.actor_for(user, NOW), NOW)
        seen[who] = None if rows is None else counts(rows)
    assert seen == {
        "eu": EU_COUNTS,
        "al": EU_COUNTS[:1],
        "ba": EU_COUNTS[1:],
        "other_area": [],
        "eu_analyst": None,
        "administrator": EU_COUNTS,
    }


def test_every_persona_on_the_dashboard(clocks: dict[str, Any]) -> None:
    with time_machine.travel(NOW, tick=False):
        anonymous = Client().get("/exchange/clocks/")
        assert (anonymous.status_code, anonymous["Location"][:22]) == (
            302,
            "/exchange/login/?next=",
        )
        pages = {who: session(u).get("/exchange/clocks/") for who, u in clocks["users"].items()}
    assert {who: p.status_code for who, p in pages.items()} == {
        "eu": 200,
        "al": 200,
        "ba": 200,
        "other_area": 200,
        "eu_analyst": 403,
        "administrator": 200,
    }
    html = {who: p.content.decode() for who, p in pages.items()}
    cells = {
        who: re.findall(r'<tr class="cell-([A-Z]+)-([a-z]+)">', text) for who, text in html.items()
    }
    assert cells["eu"] == [("AL", "cyber"), ("BA", "cyber")]
    assert cells["al"] == [("AL", "cyber")]
    assert cells["ba"] == [("BA", "cyber")]
    assert cells["other_area"] == []
    assert re.search(r'cell-AL-cyber">.*?n-overdue">1<', html["eu"], re.S)
    for text in html.values():
        assert "TITLE-NEVER-SHOWN" not in text
    # The overdue acknowledgement comes first in the open list, linked to its item.
    first_link = re.search(r'href="/exchange/n/([0-9a-f-]+)/"', html["eu"])
    assert first_link is not None
    assert first_link.group(1) == clocks["al_item"]


ROWS = st.builds(
    ClockRow,
    notification=st.uuids().map(str),
    template=st.just("cyber-incident"),
    area=st.sampled_from(["cyber", "fimi", "aml"]),
    country=st.sampled_from(["AL", "BA", "ME", "MK", "RS", "XK"]),
    organisation=st.just("CSIRT"),
    clock=st.sampled_from(["ack", "initial-feedback"]),
    status=st.sampled_from(["running", "paused", "overdue", "met", "late"]),
    due_at=st.none(),
    stopped_at=st.none(),
)


@settings(max_examples=500)
@given(rows=st.lists(ROWS, max_size=40))
def test_property_counts_keep_every_clock_once(rows: list[ClockRow]) -> None:
    """Every clock is counted once, in its own country × area cell, paused as running; the
    cells are sorted and unique."""
    found = counts(rows)
    cells = [(c["country"], c["area"]) for c in found]
    assert cells == sorted(set(cells))
    assert cells == sorted({(r.country, r.area) for r in rows})
    assert sum(c[s] for c in found for s in ("running", "overdue", "met", "late")) == len(rows)
    for c in found:
        mine = [r for r in rows if (r.country, r.area) == (c["country"], c["area"])]
        assert c["running"] == sum(r.status in {"running", "paused"} for r in mine)
        assert c["overdue"] == sum(r.status == "overdue" for r in mine)
