"""The escalation ladder: levels at 50/100/125 % (due + 1 h for short clocks) and reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oip.liaison.calendars import load_calendars
from oip.liaison.clocks import clock_state
from oip.liaison.escalation import due_reminders, escalation_level, ladder_for
from oip.liaison.policy import load_policy
from oip.liaison.types import (
    ClockDef,
    ClockState,
    Event,
    ItemRef,
    Ladder,
    LadderStep,
    ReminderKey,
)

UTC = dt.UTC
HOUR = dt.timedelta(hours=1)
CALENDARS = load_calendars()
LADDER = Ladder(
    "default",
    (
        LadderStep(1, 0.5, ("contact_point_on_duty",)),
        LadderStep(2, 1.0, ("deputy_contact_point", "org_admin")),
        LadderStep(
            3, 1.25, ("counterpart_liaison_manager",), short_clock=24 * HOUR, short_offset=HOUR
        ),
    ),
)
ANSWER = ClockDef("answer", "event.sent", "stage.echo.submitted", "PT30M", "24x7", "recipient")
SENT = dt.datetime(2026, 6, 1, 10, tzinfo=UTC)
REF = ItemRef("n-1", "al-csirt")


def answer_at(
    hour: int, minute: int, second: int = 0, *, echo: dt.datetime | None = None
) -> ClockState:
    events = [Event("sent", SENT, SENT)]
    if echo is not None:
        events.append(Event("submitted", echo, echo, stage="echo"))
    now = dt.datetime(2026, 6, 1, hour, minute, second, tzinfo=UTC)
    return clock_state(ANSWER, events, now, CALENDARS)


@pytest.mark.parametrize(
    ("hour", "minute", "second", "level"),
    [
        (10, 14, 59, 0),
        (10, 15, 0, 1),
        (10, 29, 59, 1),
        (10, 30, 0, 2),
        (10, 37, 30, 2),  # 125 % of 30 minutes, but a clock of at most 24 h waits for due + 1 h
        (11, 29, 59, 2),
        (11, 30, 0, 3),
    ],
)
def test_reachability_ladder_sent_10_00_with_a_30_minute_limit(
    hour: int, minute: int, second: int, level: int
) -> None:
    assert escalation_level(answer_at(hour, minute, second), LADDER) == level


def test_the_shipped_ladder_gives_the_same_levels() -> None:
    shipped = load_policy().ladder("default")

    assert [escalation_level(answer_at(*t), shipped) for t in [(10, 15), (10, 30), (11, 30)]] == [
        1,
        2,
        3,
    ]


def test_long_clocks_reach_l3_at_125_percent() -> None:
    defn = ClockDef(
        "notification", "event.delivered", "event.acknowledged", "PT72H", "24x7", "recipient"
    )
    events = [Event("delivered", SENT, SENT)]

    levels = [
        escalation_level(clock_state(defn, events, SENT + h, CALENDARS), LADDER)
        for h in (35 * HOUR, 36 * HOUR, 72 * HOUR, 90 * HOUR - dt.timedelta(seconds=1), 90 * HOUR)
    ]

    assert levels == [0, 1, 2, 2, 3]


def test_clocks_that_are_not_running_have_no_level() -> None:
    met = answer_at(12, 0, echo=SENT + 10 * dt.timedelta(minutes=1))
    late = answer_at(12, 0, echo=SENT + 2 * HOUR)

    assert (met.status, escalation_level(met, LADDER)) == ("met", 0)
    assert (late.status, escalation_level(late, LADDER)) == ("late", 0)
    assert due_reminders([(REF, met), (REF, late)], LADDER, frozenset()) == []


def test_a_clock_that_jumped_to_l3_gets_every_level_once() -> None:
    state = answer_at(12, 0)

    reminders = due_reminders([(REF, state), (REF, state)], LADDER, frozenset())

    assert [r.key for r in reminders] == [
        ReminderKey("n-1", "answer", 1, "al-csirt:contact_point_on_duty"),
        ReminderKey("n-1", "answer", 2, "al-csirt:deputy_contact_point"),
        ReminderKey("n-1", "answer", 2, "al-csirt:org_admin"),
        ReminderKey("n-1", "answer", 3, "al-csirt:counterpart_liaison_manager"),
    ]
    assert [r.notify for r in reminders] == [
        "contact_point_on_duty",
        "deputy_contact_point",
        "org_admin",
        "counterpart_liaison_manager",
    ]
    assert {r.due_at for r in reminders} == {SENT + 30 * dt.timedelta(minutes=1)}


def test_due_reminders_never_returns_a_key_already_sent() -> None:
    state = answer_at(12, 0)
    sent = {
        ReminderKey("n-1", "answer", 1, "al-csirt:contact_point_on_duty"),
        ReminderKey("n-1", "answer", 2, "al-csirt:org_admin"),
    }

    reminders = due_reminders([(REF, state)], {"default": LADDER}, sent)

    assert [r.key for r in reminders] == [
        ReminderKey("n-1", "answer", 2, "al-csirt:deputy_contact_point"),
        ReminderKey("n-1", "answer", 3, "al-csirt:counterpart_liaison_manager"),
    ]
    everything = sent | {r.key for r in reminders}
    assert due_reminders([(REF, state)], LADDER, everything) == []


def test_ladders_are_chosen_by_clock_id_then_default() -> None:
    special = Ladder("answer-ladder", (LadderStep(1, 0.1, ("org_admin",)),))

    assert ladder_for("answer", {"answer": special, "default": LADDER}) is special
    assert ladder_for("ack", {"answer": special, "default": LADDER}) is LADDER
    with pytest.raises(KeyError):
        ladder_for("ack", {"answer": special})


minutes = st.integers(0, 24 * 60)


@settings(max_examples=500, deadline=None)
@given(
    now_minutes=minutes,
    sent=st.sets(
        st.builds(
            ReminderKey,
            st.just("n-1"),
            st.just("answer"),
            st.integers(1, 3),
            st.sampled_from(
                [
                    "al-csirt:contact_point_on_duty",
                    "al-csirt:deputy_contact_point",
                    "al-csirt:org_admin",
                    "al-csirt:counterpart_liaison_manager",
                ]
            ),
        )
    ),
)
def test_reminders_are_never_already_sent_and_follow_the_level(
    now_minutes: int, sent: set[ReminderKey]
) -> None:
    state = clock_state(
        ANSWER, [Event("sent", SENT, SENT)], SENT + dt.timedelta(minutes=now_minutes), CALENDARS
    )

    reminders = due_reminders([(REF, state)], LADDER, frozenset(sent))
    level = escalation_level(state, LADDER)

    expected = {
        ReminderKey("n-1", "answer", step.level, f"al-csirt:{role}")
        for step in LADDER.steps
        if step.level <= level
        for role in step.notify
    }

    assert all(r.key not in sent for r in reminders)
    assert len(reminders) == len(expected - sent)
    assert {r.key for r in reminders} == expected - sent
    assert [r.key.level for r in reminders] == sorted(r.key.level for r in reminders)


@settings(max_examples=500, deadline=None)
@given(a=minutes, b=minutes)
def test_the_level_never_falls_as_time_passes(a: int, b: int) -> None:
    early, later = sorted((a, b))
    events = [Event("sent", SENT, SENT)]

    def level(m: int) -> int:
        state = clock_state(ANSWER, events, SENT + dt.timedelta(minutes=m), CALENDARS)
        return escalation_level(state, LADDER)

    assert level(early) <= level(later)
