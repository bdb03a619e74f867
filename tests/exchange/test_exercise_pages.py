"""The exercise console for every persona: anonymous (sign in), the organiser's liaison manager
(everything, and runs it), the organiser's officer (everything, runs nothing), a participant
(its own score, no scenario, no injects), a non-participant (404), the administrator (metadata
only); the EXERCISE banner above and below; follow-ups with owners, due dates and an overdue
mark; a refused action changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from oip.accounts.models import Organisation
from oip.exchange import exercises
from oip.exchange.exercises import InjectSpec
from oip.exchange.models import AfterActionReport, Exercise, FollowUp, FollowUpClosure
from oip.liaison.templates import shipped
from tests.exchange.conftest import NOW, exchange_member
from tests.exchange.queue import drain
from tests.exchange.verified import verify
from tests.personas import Persona

pytestmark = pytest.mark.django_db
EARLY = shipped().get("cyber-incident").stages["early_warning"].examples[0]
AT = NOW + dt.timedelta(hours=2)
DUE = dt.date(2026, 10, 2)


def session(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    verify(Persona(client, user))
    return client


@pytest.fixture
def console(
    frozen: dt.datetime,
    cyber_evidence: None,
    enisa: Organisation,
    al_csirt: Organisation,
    enisa_officer: Any,
    al_officer: Any,
    ba_officer: Any,
    operator_user: Any,
) -> tuple[Exercise, dict[str, Client]]:
    manager = exchange_member("enisa-lm", enisa, "liaison_manager", "red")
    exercise = exercises.plan_exercise(
        manager,
        title="Cyber Shield 2026",
        organiser=enisa,
        areas=["cyber"],
        participants=[al_csirt],
        starts=NOW + dt.timedelta(hours=1),
        ends=NOW + dt.timedelta(days=3),
        scenario="SECRET-SCENARIO-7",
    )
    exercises.add_injects(
        manager,
        exercise.pk,
        [InjectSpec("cyber-incident", "early_warning", EARLY, AT, title="INJECT-TITLE-9")],
    )
    exercises.add_follow_up(manager, exercise.pk, action="Staff nights", owner=al_csirt, due=DUE)
    people = {
        "anonymous": Client(),
        "manager": session(manager),
        "officer": session(enisa_officer),
        "al": session(al_officer),
        "ba": session(ba_officer),
        "administrator": session(operator_user),
    }
    return exercise, people


def test_every_persona_on_the_console(console: tuple[Exercise, dict[str, Client]]) -> None:
    exercise, people = console
    page = f"/exchange/exercises/{exercise.pk}/"
    anonymous = people["anonymous"].get(page)
    assert (anonymous.status_code, anonymous["Location"][:22]) == (302, "/exchange/login/?next=")
    assert people["anonymous"].get("/exchange/exercises/").status_code == 302
    answers = {who: c.get(page) for who, c in people.items() if who != "anonymous"}
    assert {who: a.status_code for who, a in answers.items()} == {
        "manager": 200,
        "officer": 200,
        "al": 200,
        "ba": 404,
        "administrator": 200,
    }
    html = {who: a.content.decode() for who, a in answers.items()}
    for who in ("manager", "officer"):
        assert "SECRET-SCENARIO-7" in html[who]
        assert "INJECT-TITLE-9" in html[who]
        assert "waiting" in html[who]
    assert 'value="start"' in html["manager"]
    assert 'value="start"' not in html["officer"]
    for who in ("al", "administrator", "ba"):
        assert "SECRET-SCENARIO-7" not in html[who]
        assert "INJECT-TITLE-9" not in html[who]
    assert 'class="score-CSIRT-AL"' in html["al"]
    assert "Staff nights" in html["al"]
    assert "metadata only" in html["administrator"]
    assert "Staff nights" not in html["administrator"]
    for who in ("manager", "al", "administrator"):
        assert html[who].count('class="exercise-banner"') == 2
    lists = {
        who: c.get("/exchange/exercises/").content.decode()
        for who, c in people.items()
        if who != "anonymous"
    }
    assert {who: "Cyber Shield 2026" in text for who, text in lists.items()} == {
        "manager": True,
        "officer": True,
        "al": True,
        "ba": False,
        "administrator": True,
    }


def test_the_console_runs_the_exercise(console: tuple[Exercise, dict[str, Client]]) -> None:
    exercise, people = console
    act = f"/exchange/exercises/{exercise.pk}/act/"
    for who in ("officer", "al", "administrator"):
        assert people[who].post(act, {"do": "start"}).status_code in (403, 404)
    assert people["ba"].post(act, {"do": "start"}).status_code == 404
    assert Exercise.objects.get().status == "planned"
    assert people["manager"].post(act, {"do": "start"}).status_code == 303
    assert Exercise.objects.get().status == "running"
    with time_machine.travel(AT, tick=False):
        assert len(drain()) == 1
        manager = session(exercise.created_by)  # two hours later: a fresh sign-in
        page = manager.get(f"/exchange/exercises/{exercise.pk}/").content.decode()
        assert "released</a>" in page
    answer = people["manager"].post(act, {"do": "after_action", "text": "Slow at night."})
    assert answer.status_code == 303
    assert AfterActionReport.objects.get().text == "Slow at night."
    assert people["al"].post(act, {"do": "after_action", "text": "x"}).status_code == 403
    assert (
        people["manager"]
        .post(
            act, {"do": "follow_up", "action": "Roster", "owner": "CSIRT-AL", "due": "2026-10-05"}
        )
        .status_code
        == 303
    )
    assert FollowUp.objects.count() == 2
    assert (
        people["manager"]
        .post(act, {"do": "follow_up", "action": "x", "owner": "CSIRT-AL", "due": "soon"})
        .status_code
        == 422
    )


def test_follow_ups_show_overdue_and_close(console: tuple[Exercise, dict[str, Client]]) -> None:
    exercise, people = console
    page = f"/exchange/exercises/{exercise.pk}/"
    follow = FollowUp.objects.get()
    assert 'class="follow-up follow-up-open"' in people["al"].get(page).content.decode()
    with time_machine.travel(dt.datetime(2026, 10, 3, 9, tzinfo=dt.UTC), tick=False):
        people["al"] = session(follow.owner.memberships.get().user)
        html = people["al"].get(page).content.decode()
        assert 'class="follow-up follow-up-overdue"' in html
        assert '<strong class="overdue-mark">overdue</strong>' in html
        act = f"/exchange/exercises/{exercise.pk}/act/"
        assert (
            people["al"].post(act, {"do": "close", "follow_up": str(follow.pk)}).status_code == 303
        )
        assert FollowUpClosure.objects.get().closed_by.get_username() == "al-cp"
        assert 'class="follow-up follow-up-closed_late"' in people["al"].get(page).content.decode()
        assert people["al"].post(act, {"do": "close", "follow_up": "nope"}).status_code in (
            404,
            422,
        )
