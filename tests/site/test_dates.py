"""The one date rule (`oip.site.daterule`, `oip.site.dates`, the CLI's argument types).

Properties: only the canonical YYYY-MM-DD form is a date; `as_of` runs from 2000-01-01 to
today; a date-only `known_at` is the last instant of that day (UTC); day counts stay within
what a date can represent.
"""

from __future__ import annotations

import argparse
import datetime as dt

import pytest
import time_machine
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from oip.monitor.views.common import BadDate, parse_as_of
from oip.site import arguments, dates
from oip.site.daterule import EARLIEST, read_date

TODAY = dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)
frozen = time_machine.travel(TODAY, tick=False)


@given(st.dates())
def test_every_date_reads_back_from_its_iso_form(day: dt.date) -> None:
    assert read_date(day.isoformat()) == day
    assert read_date(f"  {day.isoformat()}\n") == day


@given(st.text(max_size=20))
def test_only_the_canonical_form_is_a_date(text: str) -> None:
    """Whatever is accepted is exactly the ISO form of the date it gives."""
    try:
        day = read_date(text)
    except ValueError:
        return
    assert day.isoformat() == text.strip()


@given(st.dates())
def test_other_spellings_of_a_date_are_refused(day: dt.date) -> None:
    for other in (
        day.strftime("%Y%m%d"),
        "{}-W{:02d}-{}".format(*day.isocalendar()),
        f"{day.year}-{day.month}-{day.day}T00:00",
    ):
        with pytest.raises(ValueError, match="not a date written YYYY-MM-DD"):
            read_date(other)


@pytest.mark.parametrize("text", ["2024-02-30", "2024-13-01", "２０２４-01-01", "2024-01-01x"])
def test_impossible_or_foreign_digits_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        read_date(text)


@frozen
@given(st.dates(min_value=EARLIEST, max_value=TODAY.date()))
def test_as_of_from_2000_to_today_is_accepted(day: dt.date) -> None:
    assert dates.parse_as_of(day.isoformat()) == day


@frozen
@given(st.dates().filter(lambda d: not EARLIEST <= d <= TODAY.date()))
def test_as_of_outside_2000_to_today_is_refused(day: dt.date) -> None:
    with pytest.raises(dates.DateRefused) as refused:
        dates.parse_as_of(day.isoformat())
    if day < EARLIEST:
        assert str(refused.value) == (
            f"as_of {day.isoformat()} is too early: OIP starts on 2000-01-01."
        )
    else:
        assert str(refused.value) == (
            f"as_of {day.isoformat()} is in the future: OIP shows facts up to today (2026-06-15)."
        )


@frozen
def test_absent_as_of_is_today() -> None:
    assert dates.parse_as_of(None) == dates.parse_as_of("  ") == dt.date(2026, 6, 15)


@given(st.dates(min_value=EARLIEST))
def test_a_date_alone_as_known_at_is_the_end_of_that_day(day: dt.date) -> None:
    instant = dates.parse_known_at(day.isoformat())
    assert instant == dt.datetime.combine(day, dt.time(23, 59, 59, 999_999), tzinfo=dt.UTC)
    assert instant < dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) + dt.timedelta(days=1)


@given(st.datetimes(min_value=dt.datetime(2000, 1, 2), max_value=dt.datetime(9999, 12, 30)))
def test_an_instant_is_read_as_written_naive_meaning_utc(moment: dt.datetime) -> None:
    assert dates.parse_known_at(moment.isoformat()) == moment.replace(tzinfo=dt.UTC)
    aware = moment.replace(tzinfo=dt.timezone(dt.timedelta(hours=5)))
    assert dates.parse_known_at(aware.isoformat()) == aware


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0001-01-01", "known_at 0001-01-01 is too early: OIP starts on 2000-01-01."),
        (
            "0001-01-01T00:00+05:00",
            "known_at 0001-01-01T00:00+05:00 is too early: OIP starts on 2000-01-01.",
        ),
        ("1999-12-31T23:59:59Z", "known_at 1999-12-31T23:59:59Z is too early"),
        ("20240101", "known_at “20240101” is not a date: use the form YYYY-MM-DD"),
        ("20240101T120000", "known_at “20240101T120000” is not a date and time"),
        ("2024-01-01X12:00", "known_at “2024-01-01X12:00” is not a date and time"),
    ],
)
def test_known_at_refusals(text: str, message: str) -> None:
    with pytest.raises(dates.DateRefused) as refused:
        dates.parse_known_at(text)
    assert str(refused.value).startswith(message)


@frozen
def test_the_cli_date_type_is_the_rule() -> None:
    assert arguments.date_arg("2026-06-15") == dt.date(2026, 6, 15)
    with pytest.raises(argparse.ArgumentTypeError, match=r"^date 1999-12-31 is too early"):
        arguments.date_arg("1999-12-31")
    assert arguments.datetime_arg("2026-06-01") == dates.end_of_day(dt.date(2026, 6, 1))
    assert arguments.today() == dt.date(2026, 6, 15)


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_a_day_count_is_accepted_exactly_when_a_date_can_be_that_old(days: int) -> None:
    if 0 <= days <= arguments.MAX_DAYS:
        assert arguments.days_arg(str(days)) == days
        assert dt.date(2000, 1, 1) - dt.timedelta(days=days) >= dt.date.min
    else:
        with pytest.raises(argparse.ArgumentTypeError, match="from 0 to 36500"):
            arguments.days_arg(str(days))


@frozen
@pytest.mark.parametrize(
    "raw", ["1999-12-31", "2026-06-16", "20260101", "2026-W01-1", "0001-01-01"]
)
def test_the_monitor_refuses_a_date_in_the_rule_s_own_words(raw: str) -> None:
    with pytest.raises(dates.DateRefused) as rule:
        dates.parse_as_of(raw)
    with pytest.raises(BadDate) as page:
        parse_as_of(RequestFactory().get("/", {"as_of": raw}))
    assert str(page.value) == str(rule.value)


@frozen
def test_the_monitor_reads_an_accepted_date_as_the_rule_does() -> None:
    assert parse_as_of(RequestFactory().get("/", {"as_of": "2000-01-01"})) == EARLIEST
    assert parse_as_of(RequestFactory().get("/")) == dt.date(2026, 6, 15)
