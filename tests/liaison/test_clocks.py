"""Response-time clocks: the §6.6.1 table with exact instants, then properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oip.liaison.calendars import load_calendars
from oip.liaison.clocks import ClockError, Within, clock_state, due_at, parse_within
from oip.liaison.types import ClockDef, ClockState, Event, Party

UTC = dt.UTC
CALENDARS = load_calendars()
HOUR = dt.timedelta(hours=1)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


def ev(
    kind: str,
    at: dt.datetime,
    stage: str | None = None,
    *,
    recorded_at: dt.datetime | None = None,
    within: str | None = None,
    **declared: dt.datetime,
) -> Event:
    return Event(
        kind,
        at,
        recorded_at or at,
        stage=stage,
        declared=tuple(declared.items()),
        within=within,
    )


EARLY_WARNING = ClockDef(
    "early_warning", "field.aware_at", "stage.early_warning.submitted", "PT24H", "24x7", "sender"
)
NOTIFICATION = ClockDef(
    "notification", "field.aware_at", "stage.notification.submitted", "PT72H", "24x7", "sender"
)
FINAL = ClockDef(
    "final", "stage.notification.submitted", "stage.final.submitted", "P1M", "sender", "sender"
)
INTERMEDIATE = ClockDef(
    "intermediate", "event.requested", "stage.intermediate.submitted", "request.within", "24x7",
    "sender",
)  # fmt: skip
COMMENTS = ClockDef(
    "comments",
    "stage.notification.delivered",
    "stage.comments.submitted",
    "P35D",
    "calendar-days",
    "recipient",
    restart="stage.additional_info.submitted",
    restart_within="P20D",
)
ADDITIONAL_INFO = ClockDef(
    "additional_info", "stage.info_request.submitted", "stage.additional_info.submitted", "B10D",
    "sender", "sender",
)  # fmt: skip
ACK = ClockDef(
    "acknowledgement", "event.delivered", "event.acknowledged", "contact_point.ack_within",
    "recipient", "recipient",
)  # fmt: skip


def test_parse_within() -> None:
    assert parse_within("PT24H") == Within("PT24H", "duration", exact=24 * HOUR)
    assert parse_within("PT30M") == Within("PT30M", "duration", exact=dt.timedelta(minutes=30))
    assert parse_within("P35D") == Within("P35D", "duration", days=35)
    assert parse_within("P2W") == Within("P2W", "duration", days=14)
    assert parse_within("P1M") == Within("P1M", "duration", months=1)
    assert parse_within("P1DT2H") == Within("P1DT2H", "duration", days=1, exact=2 * HOUR)
    assert parse_within("B10D") == Within("B10D", "business_days", business_days=10)
    assert parse_within("B4H") == Within("B4H", "business_hours", business_hours=4 * HOUR)
    assert parse_within("B4H").nominal == 4 * HOUR
    assert parse_within("P1M").nominal == dt.timedelta(days=30)


@pytest.mark.parametrize("text", ["", "P", "PT", "P1DT", "24h", "PT0H", "B0D", "B2W", "P-1D"])
def test_parse_within_rejects(text: str) -> None:
    with pytest.raises(ClockError):
        parse_within(text)


def test_early_warning_and_notification_across_the_dst_change() -> None:
    aware = utc(2026, 3, 28, 22)  # 23:00 CET; clocks go forward at 01:00 UTC on the 29th
    events = [ev("submitted", aware + HOUR, "early_warning", aware_at=aware)]
    now = aware + 2 * HOUR

    early = clock_state(EARLY_WARNING, events, now, CALENDARS)
    notification = clock_state(NOTIFICATION, events, now, CALENDARS)

    assert early == ClockState(
        "early_warning", "sender", "met", aware, utc(2026, 3, 29, 22), aware + HOUR, 1 / 24,
        None, 24 * HOUR,
    )  # fmt: skip
    assert notification == ClockState(
        "notification", "sender", "running", aware, utc(2026, 3, 31, 22), None, 2 / 72, None,
        72 * HOUR,
    )  # fmt: skip


def test_hours_are_absolute_but_days_are_local_in_a_zone() -> None:
    aware = utc(2026, 3, 28, 22)

    assert due_at(aware, parse_within("PT24H"), CALENDARS["al"]) == utc(2026, 3, 29, 22)
    assert due_at(aware, parse_within("P1D"), CALENDARS["al"]) == utc(2026, 3, 29, 21)


def test_final_report_on_31_january_is_due_28_february_same_local_time() -> None:
    submitted = utc(2026, 1, 31, 9, 30)  # 10:30 in Tirana
    events = [ev("submitted", submitted, "notification")]

    state = clock_state(FINAL, events, utc(2026, 2, 1), CALENDARS, countries={"sender": "al"})

    assert state.due_at == utc(2026, 2, 28, 9, 30)
    assert state.status == "running"
    assert due_at(utc(2028, 1, 31, 9, 30), parse_within("P1M"), CALENDARS["al"]) == utc(
        2028, 2, 29, 9, 30
    )
    # 15 March 10:00 CET -> 15 April 10:00 CEST: same local time, one hour less in UTC.
    assert due_at(utc(2026, 3, 15, 9), parse_within("P1M"), CALENDARS["al"]) == utc(2026, 4, 15, 8)


def test_answer_to_info_request_over_kosovo_independence_day() -> None:
    request = utc(2026, 2, 13, 9)  # Friday 10:00 in Pristina
    events = [ev("submitted", request, "info_request")]

    kosovo = clock_state(ADDITIONAL_INFO, events, request, CALENDARS, countries={"sender": "xk"})
    albania = clock_state(ADDITIONAL_INFO, events, request, CALENDARS, countries={"sender": "al"})

    # Ten business days: 16, (17 off), 18, 19, 20, 23, 24, 25, 26, 27 February, 2 March.
    assert kosovo.due_at == utc(2026, 3, 2, 9)
    assert albania.due_at == utc(2026, 2, 27, 9)
    assert kosovo.allowed == dt.timedelta(days=10)


def test_fdi_comments_35_days_then_20_after_additional_info() -> None:
    delivered = utc(2026, 3, 2, 8)
    base = [ev("delivered", delivered, "notification")]
    restarted = [*base, ev("submitted", utc(2026, 3, 20, 12), "additional_info")]

    without = clock_state(COMMENTS, base, utc(2026, 4, 7, 8), CALENDARS)
    with_info = clock_state(COMMENTS, restarted, utc(2026, 4, 7, 8), CALENDARS)
    answered = clock_state(
        COMMENTS,
        [*restarted, ev("submitted", utc(2026, 4, 8), "comments")],
        utc(2026, 4, 10),
        CALENDARS,
    )

    assert (without.status, without.due_at, without.overdue_by) == (
        "overdue", utc(2026, 4, 6, 8), dt.timedelta(days=1),
    )  # fmt: skip
    assert (with_info.status, with_info.started_at, with_info.due_at) == (
        "running", utc(2026, 3, 20, 12), utc(2026, 4, 9, 12),
    )  # fmt: skip
    assert (answered.status, answered.stopped_at, answered.overdue_by) == (
        "met", utc(2026, 4, 8), None,
    )  # fmt: skip


def test_comments_before_additional_info_stop_the_clock() -> None:
    events = [
        ev("delivered", utc(2026, 3, 2, 8), "notification"),
        ev("submitted", utc(2026, 3, 10), "comments"),
        ev("submitted", utc(2026, 3, 20), "additional_info"),
    ]

    state = clock_state(COMMENTS, events, utc(2026, 4, 30), CALENDARS)

    assert (state.status, state.due_at) == ("met", utc(2026, 4, 6, 8))


def test_intermediate_report_on_request_uses_the_requesters_within() -> None:
    requested = ev("requested", utc(2026, 5, 4, 10), within="P3D")

    running = clock_state(INTERMEDIATE, [requested], utc(2026, 5, 5, 22), CALENDARS)
    late = clock_state(
        INTERMEDIATE,
        [requested, ev("submitted", utc(2026, 5, 8, 10), "intermediate")],
        utc(2026, 5, 9),
        CALENDARS,
    )

    assert (running.status, running.due_at, running.fraction) == (
        "running", utc(2026, 5, 7, 10), 0.5,
    )  # fmt: skip
    assert (late.status, late.overdue_by) == ("late", dt.timedelta(days=1))
    assert clock_state(INTERMEDIATE, [], utc(2026, 5, 9), CALENDARS).status == "not_started"


def test_known_at_ignores_later_recorded_events() -> None:
    delivered = utc(2026, 5, 3, 8)
    imported_ack = ev("acknowledged", utc(2026, 5, 3, 8, 30), recorded_at=utc(2026, 5, 10))
    events = [ev("delivered", delivered), imported_ack]
    now = utc(2026, 5, 3, 12)
    cp_hours: dict[Party, str] = {"recipient": "24x7"}

    then = clock_state(ACK, events, now, CALENDARS, known_at=now, countries=cp_hours, within="PT1H")
    today = clock_state(ACK, events, utc(2026, 5, 11), CALENDARS, countries=cp_hours, within="PT1H")

    assert (then.status, then.overdue_by) == ("overdue", 3 * HOUR)
    assert (today.status, today.stopped_at) == ("met", utc(2026, 5, 3, 8, 30))


def test_events_after_now_are_not_seen() -> None:
    events = [ev("delivered", utc(2026, 5, 3, 8)), ev("acknowledged", utc(2026, 5, 3, 8, 30))]

    state = clock_state(
        ACK, events, utc(2026, 5, 3, 8, 15), CALENDARS, countries={"recipient": "24x7"},
        within="PT1H",
    )  # fmt: skip

    assert (state.status, state.fraction, state.stopped_at) == ("running", 0.25, None)


def test_acknowledgement_in_four_business_hours_over_a_weekend() -> None:
    delivered = utc(2026, 2, 20, 15)  # Friday 16:00 in Pristina
    state = clock_state(
        ACK, [ev("delivered", delivered)], utc(2026, 2, 23, 9), CALENDARS,
        countries={"recipient": "xk"}, within="B4H",
    )  # fmt: skip

    assert state == ClockState(
        "acknowledgement", "recipient", "running", delivered, utc(2026, 2, 23, 11), None, 0.5,
        None, 4 * HOUR,
    )  # fmt: skip


def test_unresolved_names_and_calendars_are_errors() -> None:
    events = [ev("delivered", utc(2026, 5, 3, 8))]

    with pytest.raises(ClockError, match=r"contact_point\.ack_within"):
        clock_state(ACK, events, utc(2026, 5, 4), CALENDARS, countries={"recipient": "xk"})
    with pytest.raises(ClockError, match="recipient"):
        clock_state(ACK, events, utc(2026, 5, 4), CALENDARS, within="PT1H")


# -- properties -------------------------------------------------------------------------------

instants = st.datetimes(
    min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2028, 6, 30), timezones=st.just(UTC)
)
offsets = st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=60))
withins = st.sampled_from(["PT30M", "PT24H", "PT72H", "P1M", "P35D", "B4H", "B5D", "B10D"])
calendar_ids = st.sampled_from(["xk", "rs", "al", "eu-institutions", "24x7", "calendar-days"])


def _defn(within: str, cid: str) -> ClockDef:
    return ClockDef("c", "event.delivered", "event.acknowledged", within, cid, "recipient")


@settings(max_examples=500, deadline=None)
@given(
    start=instants, a=offsets, b=offsets, within=withins, cid=calendar_ids, stop=st.none() | offsets
)
def test_fraction_never_falls_as_now_advances(
    start: dt.datetime,
    a: dt.timedelta,
    b: dt.timedelta,
    within: str,
    cid: str,
    stop: dt.timedelta | None,
) -> None:
    events = [ev("delivered", start)]
    if stop is not None:
        events.append(ev("acknowledged", start + stop))
    early, later = sorted((start + a, start + b))

    first = clock_state(_defn(within, cid), events, early, CALENDARS)
    second = clock_state(_defn(within, cid), events, later, CALENDARS)

    assert first.fraction <= second.fraction


@settings(max_examples=500, deadline=None)
@given(start=instants, share=st.floats(0, 1), within=withins, cid=calendar_ids, after=offsets)
def test_a_stop_before_due_is_always_met(
    start: dt.datetime, share: float, within: str, cid: str, after: dt.timedelta
) -> None:
    due = due_at(start, parse_within(within), CALENDARS[cid])
    stop = start + (due - start) * share
    events = [ev("delivered", start), ev("acknowledged", stop)]

    state = clock_state(_defn(within, cid), events, due + after, CALENDARS)

    assert state.status == "met"
    assert state.due_at == due
    assert state.fraction <= 1.0


@settings(max_examples=500, deadline=None)
@given(start=instants, n=st.integers(1, 30), cid=calendar_ids)
def test_due_at_business_days_lands_on_a_business_day(start: dt.datetime, n: int, cid: str) -> None:
    calendar = CALENDARS[cid]

    due = due_at(start, parse_within(f"B{n}D"), calendar)

    assert calendar.is_business_day(due.astimezone(calendar.zone).date())
    assert due > start


@settings(max_examples=500, deadline=None)
@given(start=instants, late=offsets, gap=offsets)
def test_known_at_before_an_event_is_recorded_is_as_if_it_never_happened(
    start: dt.datetime, late: dt.timedelta, gap: dt.timedelta
) -> None:
    ack = ev("acknowledged", start + late, recorded_at=start + late + gap + dt.timedelta(seconds=1))
    known = start + late + gap
    defn = _defn("PT24H", "24x7")

    assert clock_state(defn, [ev("delivered", start), ack], known, CALENDARS, known) == clock_state(
        defn, [ev("delivered", start)], known, CALENDARS
    )
