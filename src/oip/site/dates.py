"""One rule for the dates a reader may ask for, used by pages, the API, reports and the CLI.

`as_of` is a date written YYYY-MM-DD from `EARLIEST` (2000-01-01) to today: the evidence only
records facts that have happened, so a future date would be a guess, and nothing before 2000
is in scope. `known_at` given as a date alone means the *end* of that day (UTC), so "what was
known on 2026-06-01" includes everything recorded that day. Every refusal is a `DateRefused`
whose message is written for the reader and is the same wherever the date came from.
"""

from __future__ import annotations

import datetime as dt

from oip.site import clock

EARLIEST = dt.date(2000, 1, 1)
RULE = "a date written YYYY-MM-DD from 2000-01-01 to today"


class DateRefused(ValueError):
    """A date outside the rule; the message says why, for the reader."""


def check_as_of(day: dt.date, *, name: str = "as_of") -> dt.date:
    """Return `day` if it is within EARLIEST..today, else raise DateRefused naming `name`."""
    now = clock.today()
    if day > now:
        raise DateRefused(
            f"{name} {day.isoformat()} is in the future: OIP shows facts up to today "
            f"({now.isoformat()})."
        )
    if day < EARLIEST:
        raise DateRefused(
            f"{name} {day.isoformat()} is too early: OIP starts on {EARLIEST.isoformat()}."
        )
    return day


def parse_date(raw: str, *, name: str = "as_of") -> dt.date:
    """Parse exactly YYYY-MM-DD (no week dates, no compact forms), else DateRefused."""
    text = raw.strip()
    try:
        if len(text) != 10 or text[4] != "-" or text[7] != "-":
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise DateRefused(
            f"{name} “{text[:40]}” is not a date: use the form YYYY-MM-DD, "
            f"e.g. {clock.today().isoformat()}."
        ) from None


def parse_as_of(raw: str | None, *, name: str = "as_of") -> dt.date:
    """Return the `as_of` a reader asked for: today when absent or empty, else checked."""
    if raw is None or not raw.strip():
        return clock.today()
    return check_as_of(parse_date(raw, name=name), name=name)


def end_of_day(day: dt.date) -> dt.datetime:
    """Return the last instant of `day` in UTC: what a date-only `known_at` means."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=dt.UTC)


def parse_known_at(raw: str, *, name: str = "known_at") -> dt.datetime:
    """Parse an ISO datetime (naive means UTC) or a date alone (its end), else DateRefused."""
    text = raw.strip()
    if len(text) == 10:
        return end_of_day(parse_date(text, name=name))
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise DateRefused(
            f"{name} “{text[:40]}” is not a date and time: use YYYY-MM-DDTHH:MM[:SS][+HH:MM] "
            "or a date YYYY-MM-DD (its end)."
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    if parsed.year < EARLIEST.year:
        raise DateRefused(f"{name} {text[:40]} is too early: OIP starts on {EARLIEST.isoformat()}.")
    return parsed
