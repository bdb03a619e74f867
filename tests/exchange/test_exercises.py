"""Exercises (EXCHANGE.md §6.8, WP3 test 4): planned and run by the organiser's liaison
manager only; injects released by the task queue at their time, once; visible only to the
participants, with the EXERCISE banner on the page, the inbox and the API; never in the real
metrics; follow-ups tracking their due dates; scores per participant, exact."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django_tasks_db.models import DBTaskResult
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oip.accounts.models import Organisation
from oip.exchange import actions, exercises, reads
from oip.exchange.evidence import read_facts
from oip.exchange.exercises import ExerciseError, InjectSpec
from oip.exchange.models import (
    AfterActionReport,
    Exercise,
    FollowUp,
    FollowUpClosure,
    Inject,
    Notification,
)
from oip.exchange.performance import forget_performance, public_performance
from oip.liaison.templates import shipped
from tests.exchange.conftest import NOW, exchange_member
from tests.exchange.queue import drain
from tests.exchange.verified import verify
from tests.personas import Persona

pytestmark = pytest.mark.django_db
CYBER = shipped().get("cyber-incident")
EARLY = CYBER.stages["early_warning"].examples[0]
FEEDBACK = CYBER.stages["initial_feedback"].examples[0]
STARTS = NOW + dt.timedelta(hours=1)
ENDS = NOW + dt.timedelta(days=3)
AT = NOW + dt.timedelta(hours=2)  # the inject's release time


@pytest.fixture
def manager(enisa: Organisation) -> Any:
    return exchange_member("enisa-lm", enisa, "liaison_manager", "red")


@pytest.fixture
def planned(
    frozen: dt.datetime,
    cyber_evidence: None,
    manager: Any,
    enisa: Organisation,
    al_csirt: Organisation,
    al_officer: Any,
    ba_officer: Any,
) -> Exercise:
    """ENISA's exercise with AL playing (BA does not), one inject of an early warning at AT."""
    exercise = exercises.plan_exercise(
        manager,
        title="Cyber Shield 2026",
        organiser=enisa,
        areas=["cyber"],
        participants=[al_csirt],
        starts=STARTS,
        ends=ENDS,
        scenario="Ransomware at a grid operator; SECRET-SCENARIO-7",
    )
    exercises.add_injects(
        manager,
        exercise.pk,
        [InjectSpec("cyber-incident", "early_warning", EARLY, AT, tlp="amber", title="Grid down")],
    )
    return exercise


def release_at(moment: dt.datetime) -> list[Any]:
    with time_machine.travel(moment, tick=False):
        return drain()


def test_only_the_organisers_liaison_manager_plans(
    frozen: dt.datetime,
    enisa: Organisation,
    al_csirt: Organisation,
    enisa_officer: Any,
    al_officer: Any,
) -> None:
    for user in (enisa_officer, al_officer):
        with pytest.raises(reads.Refused):
            exercises.plan_exercise(
                user,
                title="T",
                organiser=enisa,
                areas=["cyber"],
                participants=[al_csirt],
                starts=STARTS,
                ends=ENDS,
            )
    assert Exercise.objects.count() == 0


def test_plan_refuses_what_does_not_fit(
    frozen: dt.datetime, manager: Any, enisa: Organisation, al_csirt: Organisation
) -> None:
    base = dict(organiser=enisa, participants=[al_csirt], starts=STARTS, ends=ENDS)
    with pytest.raises(ExerciseError, match="end after"):
        exercises.plan_exercise(manager, title="T", areas=["cyber"], **base | {"ends": STARTS})
    with pytest.raises(ExerciseError, match="areas"):
        exercises.plan_exercise(manager, title="T", areas=[], **base)
    with pytest.raises(ExerciseError, match="title"):
        exercises.plan_exercise(manager, title=" ", areas=["cyber"], **base)
    with pytest.raises(ExerciseError, match="unknown organisation"):
        exercises.plan_exercise(
            manager, title="T", areas=["cyber"], **base | {"participants": ["NOPE"]}
        )
    assert Exercise.objects.count() == 0


def test_scenario_is_sealed(planned: Exercise) -> None:
    assert b"SECRET-SCENARIO-7" not in bytes(planned.scenario_ct)
    assert exercises.scenario_of(planned) == "Ransomware at a grid operator; SECRET-SCENARIO-7"
    inject = planned.injects.get()
    assert b"rsit" not in bytes(inject.payload_ct)
    assert exercises.inject_payload(inject) == EARLY


def test_an_invalid_inject_stores_nothing(
    planned: Exercise, manager: Any, ba_csirt: Organisation
) -> None:
    bad = [
        InjectSpec("cyber-incident", "early_warning", {}, AT),
        InjectSpec("cyber-incident", "early_warning", EARLY, ENDS + dt.timedelta(hours=1)),
        InjectSpec("cyber-incident", "early_warning", EARLY, AT, addressees=[str(ba_csirt.pk)]),
    ]
    with pytest.raises(reads.PayloadInvalid) as raised:
        exercises.add_injects(manager, planned.pk, bad)
    pointers = {e.pointer for e in raised.value.errors}
    assert "/injects/1/run_after" in pointers
    assert "/injects/2/addressees" in pointers
    assert any(p.startswith("/injects/0/payload/") for p in pointers)
    assert Inject.objects.count() == 1


def test_the_worker_releases_the_inject_at_its_time_once(
    planned: Exercise, manager: Any, al_officer: Any, ba_officer: Any
) -> None:
    exercises.start(manager, planned.pk)
    assert DBTaskResult.objects.filter(task_path="oip.exchange.exercises.release_task").count() == 1
    assert release_at(AT - dt.timedelta(seconds=1)) == []
    assert Notification.objects.count() == 0
    [released] = release_at(AT)
    inject = Inject.objects.get()
    note = Notification.objects.get()
    assert (released, inject.released_id, inject.released_at) == (str(note.pk), note.pk, AT)
    assert (note.exercise, note.created_at, note.template) == (planned.pk, AT, "cyber-incident")
    # A second release, by the task or by hand, releases nothing.
    assert exercises.release_inject(inject.pk, AT + dt.timedelta(minutes=1)) is None
    assert exercises.release_task.call(str(inject.pk)) == "nothing released"
    exercises.start(manager, planned.pk)  # starting again enqueues nothing
    assert release_at(AT + dt.timedelta(minutes=2)) == []
    assert Notification.objects.count() == 1
    # Only participants read it and see it in their inbox.
    with time_machine.travel(AT + dt.timedelta(minutes=5), tick=False):
        opened = reads.open_item(al_officer, note.pk)
        assert (opened.decision.level, opened.decision.reason) == ("content", "exercise")
        with pytest.raises(reads.NotFound):
            reads.open_item(ba_officer, note.pk)
        assert [r.id for r in reads.inbox(al_officer)] == [str(note.pk)]
        assert reads.inbox(ba_officer) == []


def test_nothing_is_released_before_start_or_after_the_end(planned: Exercise, manager: Any) -> None:
    inject = planned.injects.get()
    assert exercises.release_inject(inject.pk, AT) is None  # planned, not running
    exercises.start(manager, planned.pk)
    exercises.finish(manager, planned.pk)
    assert release_at(AT) == ["nothing released"]
    assert Notification.objects.count() == 0
    assert Exercise.objects.get().status == "ended"


def test_exercise_items_never_enter_real_metrics(
    planned: Exercise, manager: Any, al_officer: Any, al_csirt: Organisation
) -> None:
    exercises.start(manager, planned.pk)
    release_at(AT)
    drill = Notification.objects.get()
    with time_machine.travel(AT, tick=False):
        real = actions.send(
            manager,
            template="cyber-incident",
            area="cyber",
            tlp="amber",
            audience="addressed",
            addressees=[str(al_csirt.pk)],
            stage="early_warning",
            payload=EARLY,
            title="A real one",
        )
    with time_machine.travel(AT + dt.timedelta(minutes=10), tick=False):
        for item in (drill, real):
            actions.acknowledge(al_officer, item.pk)
            actions.respond(al_officer, item.pk, stage="initial_feedback", payload=FEEDBACK)
    facts = read_facts(AT + dt.timedelta(days=2))
    clocked = {c.id.split("/")[0] for c in facts.clocks}
    assert str(real.pk) in clocked
    assert str(drill.pk) not in clocked
    used = {u.id for u in facts.uses}
    assert used == {str(s.pk) for s in real.submissions.filter(submitted_org=al_csirt)}
    assert len(used) == 1
    assert str(drill.pk) not in repr(facts)
    forget_performance()
    with time_machine.travel(AT + dt.timedelta(days=2), tick=False):
        assert str(drill.pk) not in repr(public_performance())


def test_follow_ups_track_their_due_dates(
    planned: Exercise, manager: Any, al_csirt: Organisation, al_officer: Any, ba_officer: Any
) -> None:
    due = dt.date(2026, 11, 1)
    exercises.record_after_action(manager, planned.pk, "Escalation to L3 was slow.")
    follow = exercises.add_follow_up(
        manager, planned.pk, action="Staff the duty line at night", owner=al_csirt, due=due
    )
    other = exercises.add_follow_up(
        manager, planned.pk, action="Update the roster", owner="CSIRT-AL", due=due
    )
    assert AfterActionReport.objects.get().text == "Escalation to L3 was slow."
    assert exercises.follow_up_state(follow, due) == "open"
    assert exercises.follow_up_state(follow, due + dt.timedelta(days=1)) == "overdue"
    with pytest.raises(reads.Refused):
        exercises.close_follow_up(ba_officer, follow.pk)  # neither owner nor organiser
    first = exercises.close_follow_up(al_officer, follow.pk, "done", now=NOW + dt.timedelta(days=3))
    again = exercises.close_follow_up(manager, follow.pk, now=NOW + dt.timedelta(days=40))
    assert again.pk == first.pk
    assert FollowUpClosure.objects.count() == 1
    follow = FollowUp.objects.get(pk=follow.pk)
    assert exercises.follow_up_state(follow, due + dt.timedelta(days=30)) == "closed"
    exercises.close_follow_up(manager, other.pk, now=dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC))
    other = FollowUp.objects.get(pk=other.pk)
    assert exercises.follow_up_state(other, due + dt.timedelta(days=30)) == "closed_late"
    with pytest.raises(ExerciseError, match="neither organises nor plays"):
        exercises.add_follow_up(manager, planned.pk, action="x", owner="CSIRT-BA", due=due)


@pytest.fixture
def two_players(
    frozen: dt.datetime,
    cyber_evidence: None,
    manager: Any,
    enisa: Organisation,
    al_csirt: Organisation,
    ba_csirt: Organisation,
    al_officer: Any,
    ba_officer: Any,
) -> Exercise:
    exercise = exercises.plan_exercise(
        manager,
        title="Two players",
        organiser=enisa,
        areas=["cyber"],
        participants=[al_csirt, ba_csirt],
        starts=STARTS,
        ends=ENDS,
    )
    exercises.add_injects(
        manager, exercise.pk, [InjectSpec("cyber-incident", "early_warning", EARLY, AT)]
    )
    exercises.start(manager, exercise.pk)
    release_at(AT)
    return exercise


def test_scores_per_participant_are_exact(
    two_players: Exercise, al_officer: Any, ba_officer: Any
) -> None:
    note = Notification.objects.get()
    with time_machine.travel(AT + dt.timedelta(minutes=10), tick=False):
        actions.acknowledge(al_officer, note.pk)
        actions.respond(al_officer, note.pk, stage="initial_feedback", payload=FEEDBACK)
        with pytest.raises(reads.Refused):
            actions.withdraw(ba_officer, note.pk)  # not BA's to withdraw: a handling error
    [al, ba] = exercises.score(two_players, AT + dt.timedelta(hours=25))
    assert al.as_dict() == {
        "organisation": str(al.organisation),
        "short_name": "CSIRT-AL",
        "injects": 1,
        "stages": {"on_time": 1, "late": 0, "missed": 0, "running": 0},
        "acknowledgements": {"in_time": 1, "total": 1},
        "routing": {"correct": 0, "total": 0},
        "handling_errors": 0,
    }
    assert ba.as_dict()["stages"] == {"on_time": 0, "late": 0, "missed": 1, "running": 0}
    assert ba.as_dict()["acknowledgements"] == {"in_time": 0, "total": 1}
    assert ba.handling_errors == 1
    # Before anything is due, BA's clocks are still running.
    [_, early] = exercises.score(two_players, AT + dt.timedelta(minutes=30))
    assert early.as_dict()["stages"] == {"on_time": 0, "late": 0, "missed": 0, "running": 1}
    assert early.as_dict()["acknowledgements"] == {"in_time": 0, "total": 1}


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(minutes=st.integers(min_value=0, max_value=48 * 60))
def test_property_late_acknowledgement_scores_by_the_hour(
    two_players: Exercise, al_officer: Any, minutes: int
) -> None:
    """Whenever AL acknowledges, the score counts it in time exactly when within 1 hour."""
    note = Notification.objects.get()
    moment = AT + dt.timedelta(minutes=minutes)
    with time_machine.travel(moment, tick=False):
        sid = transaction.savepoint()
        try:
            actions.acknowledge(al_officer, note.pk)
            [al, _] = exercises.score(two_players, AT + dt.timedelta(days=2))
            assert al.acks_in_time == (1 if minutes <= 60 else 0)
            assert al.acks_total == 1
        finally:
            transaction.savepoint_rollback(sid)


def _session(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    verify(Persona(client, user))
    return client


def test_the_banner_is_on_the_page_the_inbox_the_follow_up_and_the_api(
    planned: Exercise, manager: Any, al_officer: Any, ba_officer: Any, operator_user: Any
) -> None:
    exercises.start(manager, planned.pk)
    release_at(AT)
    note = Notification.objects.get()
    with time_machine.travel(AT + dt.timedelta(minutes=5), tick=False):
        al, ba, admin = (_session(u) for u in (al_officer, ba_officer, operator_user))
        page = al.get(f"/exchange/n/{note.pk}/").content.decode()
        assert page.count('class="exercise-banner"') == 2  # above and below, like TLP
        assert "EXERCISE</strong> — Cyber Shield 2026" in page
        inbox = al.get("/exchange/inbox/").content.decode()
        assert '<span class="exercise-inline" title="Cyber Shield 2026">EXERCISE</span>' in inbox
        respond = al.get(f"/exchange/n/{note.pk}/respond/initial_feedback/").content.decode()
        assert respond.count('class="exercise-banner"') == 2
        api = al.get(f"/api/v1/exchange/notifications/{note.pk}").json()
        assert api["banner"] == "EXERCISE"
        assert api["exercise"] == {"id": str(planned.pk), "title": "Cyber Shield 2026"}
        [row] = al.get("/api/v1/exchange/inbox").json()
        assert (row["banner"], row["exercise"]) == ("EXERCISE", api["exercise"])
        only = al.get(f"/api/v1/exchange/inbox?exercise={planned.pk}").json()
        assert [r["id"] for r in only] == [str(note.pk)]
        assert al.get("/api/v1/exchange/inbox?exercise=none").json() == []
        # A non-participant learns nothing; the administrator sees metadata, marked.
        assert ba.get(f"/exchange/n/{note.pk}/").status_code == 404
        assert ba.get(f"/api/v1/exchange/notifications/{note.pk}").status_code == 404
        assert ba.get("/api/v1/exchange/inbox").json() == []
        meta = admin.get(f"/api/v1/exchange/notifications/{note.pk}").json()
        assert (meta["level"], meta["banner"], meta["submissions"]) == ("metadata", "EXERCISE", [])
        admin_page = admin.get(f"/exchange/n/{note.pk}/").content.decode()
        assert "EXERCISE</strong>" in admin_page
        assert "Grid down" not in admin_page


def test_a_real_item_has_no_banner(
    frozen: dt.datetime, cyber_evidence: None, manager: Any, al_csirt: Organisation, al_officer: Any
) -> None:
    real = actions.send(
        manager,
        template="cyber-incident",
        area="cyber",
        tlp="amber",
        audience="addressed",
        addressees=[str(al_csirt.pk)],
        stage="early_warning",
        payload=EARLY,
        title="Real",
    )
    al = _session(al_officer)
    assert "exercise-banner" not in al.get(f"/exchange/n/{real.pk}/").content.decode()
    api = al.get(f"/api/v1/exchange/notifications/{real.pk}").json()
    assert (api["exercise"], api["banner"]) == (None, None)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(offsets=st.lists(st.integers(min_value=-120, max_value=240), min_size=1, max_size=5))
def test_property_an_inject_is_released_once_at_the_first_call_at_or_after_its_time(
    planned: Exercise, manager: Any, offsets: list[int]
) -> None:
    """Whatever the calls (by the queue or by hand, in any order of times), the inject is sent
    at most once: at the first call at or after `run_after`, never before."""
    exercises.start(manager, planned.pk)
    sid = transaction.savepoint()
    try:
        inject = planned.injects.get()
        sent = [exercises.release_inject(inject.pk, AT + dt.timedelta(minutes=m)) for m in offsets]
        due = [m for m in offsets if m >= 0]
        assert Notification.objects.count() == (1 if due else 0)
        assert [s is not None for s in sent] == [
            i == offsets.index(due[0]) if due else False for i in range(len(offsets))
        ]
        if due:
            assert Inject.objects.get().released_at == AT + dt.timedelta(minutes=due[0])
    finally:
        transaction.savepoint_rollback(sid)


@settings(max_examples=500)
@given(
    due=st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2027, 12, 31)),
    closed=st.none() | st.integers(min_value=-60, max_value=60),
    days=st.lists(st.integers(min_value=-90, max_value=90), min_size=2, max_size=6),
)
def test_property_follow_up_status(due: dt.date, closed: int | None, days: list[int]) -> None:
    """Overdue only after the due date; closed only once closed, and then for good (late when
    closed after the due date); never open again once past due."""
    closed_on = None if closed is None else due + dt.timedelta(days=closed)
    timeline = [
        (d, exercises.follow_up_status(due, closed_on, due + dt.timedelta(days=d)))
        for d in sorted(days)
    ]
    for d, state in timeline:
        today = due + dt.timedelta(days=d)
        known_closed = closed_on is not None and closed_on <= today
        assert (state in {"closed", "closed_late"}) == known_closed
        if known_closed:
            assert state == ("closed" if closed_on <= due else "closed_late")
        else:
            assert state == ("overdue" if d > 0 else "open")
    states = [s for _, s in timeline]
    for earlier, later in itertools.pairwise(states):
        assert not (earlier != "open" and later == "open")


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    answer=st.none() | st.integers(min_value=1, max_value=48 * 60),
    looked=st.integers(min_value=1, max_value=48 * 60),
)
def test_property_stage_scores_follow_the_24_hour_clock(
    two_players: Exercise, al_officer: Any, answer: int | None, looked: int
) -> None:
    """AL's initial feedback (24 h from delivery) scores on time when given within 24 h, late
    after; unanswered it is running until due and missed after; what comes after the moment
    the score is taken does not count."""
    note = Notification.objects.get()
    sid = transaction.savepoint()
    try:
        if answer is not None:
            with time_machine.travel(AT + dt.timedelta(minutes=answer), tick=False):
                actions.respond(al_officer, note.pk, stage="initial_feedback", payload=FEEDBACK)
        [al, _] = exercises.score(two_players, AT + dt.timedelta(minutes=looked))
        day = 24 * 60
        if answer is not None and answer <= looked:
            expected = "on_time" if answer <= day else "late"
        else:
            expected = "missed" if looked > day else "running"
        stages = al.as_dict()["stages"]
        assert stages == {k: int(k == expected) for k in ("on_time", "late", "missed", "running")}
    finally:
        transaction.savepoint_rollback(sid)


def test_routing_decisions_are_scored(
    two_players: Exercise,
    al_officer: Any,
    ba_officer: Any,
    enisa: Organisation,
    al_csirt: Organisation,
) -> None:
    """A participant's own exercise early warning that the routing rule sends to ENISA scores
    correct when addressed to ENISA, not when addressed elsewhere."""
    with time_machine.travel(AT + dt.timedelta(hours=1), tick=False):
        for user, to in ((al_officer, enisa), (ba_officer, al_csirt)):
            actions.send(
                user,
                template="cyber-incident",
                area="cyber",
                tlp="amber",
                audience="addressed",
                addressees=[str(to.pk)],
                stage="early_warning",
                payload=EARLY,
                title="Our incident",
                exercise=str(two_players.pk),
            )
    [al, ba] = exercises.score(two_players, AT + dt.timedelta(hours=2))
    assert (al.routing_correct, al.routing_total) == (1, 1)
    assert (ba.routing_correct, ba.routing_total) == (0, 1)


def test_a_send_marked_exercise_must_belong_to_a_running_one(
    two_players: Exercise,
    planned: Exercise,
    al_csirt: Organisation,
    enisa: Organisation,
    ba_csirt: Organisation,
) -> None:
    """The check `actions.send` should make: no real item hides from the metrics as an exercise."""
    al, ba = str(al_csirt.pk), str(ba_csirt.pk)
    assert exercises.exercise_errors(None, al) == []
    assert exercises.exercise_errors(str(two_players.pk), al) == []
    assert exercises.exercise_errors(str(two_players.pk), str(enisa.pk)) == []
    [(pointer, message)] = [(e.pointer, e.message) for e in exercises.exercise_errors("nope", al)]
    assert (pointer, message) == ("/exercise", "unknown exercise 'nope'")
    [planned_error] = exercises.exercise_errors(str(planned.pk), al)
    assert planned_error.message == "the exercise is planned, not running"
    other = exercises.plan_exercise(
        two_players.created_by,
        title="AL only",
        organiser=enisa,
        areas=["cyber"],
        participants=[al_csirt],
        starts=STARTS,
        ends=ENDS,
    )
    exercises.start(two_players.created_by, other.pk)
    [stranger] = exercises.exercise_errors(str(other.pk), ba)
    assert stranger.message == "your organisation neither organises nor plays in it"
