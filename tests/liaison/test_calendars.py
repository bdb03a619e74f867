"""Holiday calendars: the shipped files, business-day and business-hour arithmetic, errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from dateutil.easter import EASTER_ORTHODOX, EASTER_WESTERN, easter
from hypothesis import given, settings
from hypothesis import strategies as st

from oip.liaison.calendars import (
    CalendarError,
    UnknownCalendar,
    default_calendars,
    default_directory,
    load_calendars,
)

UTC = dt.UTC
CALENDARS = load_calendars()


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_shipped_calendars_and_their_zones() -> None:
    zones = {cid: CALENDARS[cid].timezone for cid in CALENDARS}

    assert zones == {
        "al": "Europe/Tirane",
        "ba": "Europe/Sarajevo",
        "eu-institutions": "Europe/Brussels",
        "me": "Europe/Podgorica",
        "mk": "Europe/Skopje",
        "rs": "Europe/Belgrade",
        "xk": "Europe/Belgrade",
        "24x7": "UTC",
        "calendar-days": "UTC",
    }
    assert CALENDARS.version == (
        "al@2026.1,ba@2026.1,eu-institutions@2026.1,me@2026.1,mk@2026.1,rs@2026.1,xk@2026.1"
    )
    assert len(CALENDARS.content_hash) == 64
    assert default_calendars().content_hash == CALENDARS.content_hash
    for cid in ("al", "ba", "xk", "me", "mk", "rs", "eu-institutions"):
        calendar = CALENDARS[cid]
        assert calendar.workweek == frozenset({1, 2, 3, 4, 5})
        assert (calendar.opens, calendar.closes) == (9 * 3600, 17 * 3600)
        assert {d.year for d in calendar.holidays} == {2026, 2027, 2028}


@pytest.mark.parametrize("year", [2026, 2027, 2028])
def test_kosovo_has_every_holiday_its_law_names(year: int) -> None:
    xk = CALENDARS["xk"]
    required = [
        dt.date(year, 1, 1),
        dt.date(year, 1, 2),
        dt.date(year, 1, 7),
        dt.date(year, 2, 17),
        dt.date(year, 4, 9),
        dt.date(year, 5, 1),
        dt.date(year, 5, 9),
        dt.date(year, 12, 25),
        easter(year, EASTER_WESTERN) + dt.timedelta(days=1),
        easter(year, EASTER_ORTHODOX) + dt.timedelta(days=1),
    ]

    assert [d for d in required if d not in xk.holidays] == []
    names = " ".join(n for d, n in xk.holidays.items() if d.year == year)
    assert "Eid al-Fitr" in names
    assert "Eid al-Adha" in names


def test_eu_institutions_2026_are_the_commission_staff_holidays() -> None:
    days = sorted(d for d in CALENDARS["eu-institutions"].holidays if d.year == 2026)

    assert days == [
        dt.date(2026, 1, 1),
        dt.date(2026, 1, 2),
        dt.date(2026, 4, 2),  # Maundy Thursday
        dt.date(2026, 4, 3),  # Good Friday
        dt.date(2026, 4, 6),  # Easter Monday
        dt.date(2026, 5, 1),
        dt.date(2026, 5, 9),
        dt.date(2026, 5, 14),  # Ascension
        dt.date(2026, 5, 15),  # the Friday after
        dt.date(2026, 5, 25),  # Whit Monday
        dt.date(2026, 7, 21),
        dt.date(2026, 8, 15),
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 2),
        *(dt.date(2026, 12, d) for d in range(24, 32)),
    ]


def test_business_days_skip_weekends_and_holidays() -> None:
    xk = CALENDARS["xk"]

    assert xk.is_business_day(dt.date(2026, 2, 16)) is True
    assert xk.is_business_day(dt.date(2026, 2, 17)) is False  # Independence Day, a Tuesday
    assert xk.is_business_day(dt.date(2026, 2, 14)) is False  # Saturday
    assert CALENDARS["24x7"].is_business_day(dt.date(2026, 2, 14)) is True


def test_five_business_days_from_friday_13_february_2026_over_kosovo_independence_day() -> None:
    friday_10_local = utc(2026, 2, 13, 9)  # 10:00 in Pristina (CET)

    # Mon 16, (Tue 17 holiday), Wed 18, Thu 19, Fri 20, Mon 23: the same local time.
    assert CALENDARS["xk"].add_business_days(friday_10_local, 5) == utc(2026, 2, 23, 9)
    # Serbia's Statehood Day is 15-16 February, observed Tuesday 17: one day later still.
    assert CALENDARS["rs"].add_business_days(friday_10_local, 5) == utc(2026, 2, 24, 9)
    # Albania has no holiday that week.
    assert CALENDARS["al"].add_business_days(friday_10_local, 5) == utc(2026, 2, 20, 9)
    assert CALENDARS["calendar-days"].add_business_days(friday_10_local, 5) == utc(2026, 2, 18, 9)


def test_a_start_on_a_weekend_counts_from_the_next_business_day() -> None:
    saturday_10_local = utc(2026, 2, 21, 9)

    assert CALENDARS["al"].add_business_days(saturday_10_local, 1) == utc(2026, 2, 23, 9)


def test_business_hours_run_only_inside_opening_hours() -> None:
    xk = CALENDARS["xk"]
    friday_16_local = utc(2026, 2, 20, 15)

    assert xk.add_business_hours(friday_16_local, dt.timedelta(hours=1)) == utc(2026, 2, 20, 16)
    assert xk.add_business_hours(friday_16_local, dt.timedelta(hours=4)) == utc(2026, 2, 23, 11)
    # Before opening on a holiday: the next business day's opening plus the hours.
    assert xk.add_business_hours(utc(2026, 2, 17, 5), dt.timedelta(hours=2)) == utc(2026, 2, 18, 10)


def test_business_elapsed_counts_business_days_or_hours() -> None:
    xk = CALENDARS["xk"]
    start, end = utc(2026, 2, 13, 9), utc(2026, 2, 18, 11)

    assert xk.business_elapsed(start, end) == dt.timedelta(days=1, hours=26)
    assert xk.business_elapsed(start, end, hours=True) == dt.timedelta(hours=7 + 8 + 3)
    assert xk.business_elapsed(end, start) == dt.timedelta(0)
    assert CALENDARS["24x7"].business_elapsed(start, end) == end - start


def test_business_days_keep_the_local_time_across_the_dst_change() -> None:
    friday_10_cet = utc(2026, 3, 27, 9)

    assert CALENDARS["al"].add_business_days(friday_10_cet, 1) == utc(2026, 3, 30, 8)


def test_unknown_calendar_is_named() -> None:
    with pytest.raises(UnknownCalendar):
        CALENDARS["fr"]


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


GOOD = """id: zz
version: '1'
title: Test
timezone: Europe/Tirane
workweek: [1, 2, 3, 4, 5]
business_hours: {start: '09:00', end: '17:00'}
source: test
holidays:
- {date: '2026-02-17', name: A day}
"""


def test_defects_are_reported_as_file_line_field_message(tmp_path: Path) -> None:
    bad = GOOD.replace("Europe/Tirane", "Mars/Olympus").replace("'17:00'", "'08:00'")
    bad += "- {date: '2026-02-30', name: Not a day}\n- {date: '2026-02-17', name: Again}\n"
    bad += "colour: blue\n"
    _write(tmp_path, "zz.yaml", bad)
    _write(tmp_path, "yy.yaml", GOOD)

    with pytest.raises(CalendarError) as raised:
        load_calendars(tmp_path)

    assert [str(p) for p in raised.value.problems] == [
        "yy.yaml:1: id: must be the file's name ('yy')",
        "zz.yaml:12: colour: unknown field",
    ]


def test_value_defects_name_their_line(tmp_path: Path) -> None:
    bad = GOOD.replace("Europe/Tirane", "Mars/Olympus").replace("'17:00'", "'08:00'")
    bad += "- {date: '2026-02-30', name: Not a day}\n- {date: '2026-02-17', name: Again}\n"
    _write(tmp_path, "zz.yaml", bad)

    with pytest.raises(CalendarError) as raised:
        load_calendars(tmp_path)

    assert [str(p) for p in raised.value.problems] == [
        "zz.yaml:4: timezone: unknown time zone 'Mars/Olympus'",
        "zz.yaml:6: business_hours.end: must be after start",
        "zz.yaml:10: holidays[1].date: not a date (YYYY-MM-DD)",
        "zz.yaml:11: holidays[2].date: 2026-02-17 listed twice",
    ]


def test_a_changed_holiday_changes_the_hash(tmp_path: Path) -> None:
    _write(tmp_path, "zz.yaml", GOOD)
    before = load_calendars(tmp_path)["zz"].content_hash
    _write(tmp_path, "zz.yaml", GOOD.replace("02-17", "02-18"))

    assert load_calendars(tmp_path)["zz"].content_hash != before
    assert len(before) == 64


def test_the_shipped_directory_is_inside_the_package() -> None:
    assert default_directory().parts[-3:] == ("liaison", "data", "calendars")
    assert sorted(p.stem for p in default_directory().glob("*.yaml")) == [
        "al",
        "ba",
        "eu-institutions",
        "me",
        "mk",
        "rs",
        "xk",
    ]


instants = st.datetimes(
    min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2028, 11, 30), timezones=st.just(UTC)
).map(lambda d: d.replace(second=0, microsecond=0))
calendar_ids = st.sampled_from(["al", "ba", "xk", "me", "mk", "rs", "eu-institutions", "24x7"])


@settings(max_examples=500, deadline=None)
@given(start=instants, n=st.integers(1, 25), cid=calendar_ids)
def test_add_business_days_lands_on_a_business_day(start: dt.datetime, n: int, cid: str) -> None:
    calendar = CALENDARS[cid]
    due = calendar.add_business_days(start, n)
    local_start = start.astimezone(calendar.zone)

    assert calendar.is_business_day(due.astimezone(calendar.zone).date())
    if calendar.is_business_day(local_start.date()):
        assert calendar.business_elapsed(start, due) == dt.timedelta(days=n)


@settings(max_examples=500, deadline=None)
@given(start=instants, minutes=st.integers(1, 60 * 40), cid=calendar_ids)
def test_add_business_hours_adds_exactly_that_business_time(
    start: dt.datetime, minutes: int, cid: str
) -> None:
    calendar = CALENDARS[cid]
    hours = dt.timedelta(minutes=minutes)
    due = calendar.add_business_hours(start, hours)

    assert calendar.business_elapsed(start, due, hours=True) == hours
