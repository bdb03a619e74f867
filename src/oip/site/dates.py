"""One rule for the dates a reader may ask for, used by pages, the API, reports and the CLI.

`as_of` is a date written YYYY-MM-DD from `EARLIEST` (2000-01-01) to today: the evidence only
records facts that have happened, so a future date would be a guess, and nothing before 2000
is in scope. `known_at` given as a date alone means the *end* of that day (UTC), so "what was
known on 2026-06-01" includes everything recorded that day. Every refusal is a `DateRefused`
whose message is written for the reader and is the same wherever the date came from.

How a date is written is `oip.site.daterule` (pure, shared with the evidence reader); this
module adds "today" from `oip.site.clock`.
"""

from __future__ import annotations

import datetime as dt

from oip.site import clock
from oip.site.daterule import EARLIEST, read_date

__all__ = [
    "EARLIEST",
    "RULE",
    "DateRefused",
    "check_as_of",
    "end_of_day",
    "parse_as_of",
    "parse_date",
    "parse_known_at",
]

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
    try:
        return read_date(raw)
    except ValueError:
        raise DateRefused(
            f"{name} “{raw.strip()[:40]}” is not a date: use the form YYYY-MM-DD, "
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
    """Return the instant `known_at` names: a date alone is the end of that day (UTC).

    Otherwise an ISO date and time whose date part is YYYY-MM-DD (naive means UTC). Refused
    (DateRefused) when malformed or before EARLIEST; a later instant is allowed (nothing
    was recorded after now, so it reads like now).
    """
    text = raw.strip()
    if len(text) <= 10:
        return end_of_day(_not_too_early(parse_date(text, name=name), name))
    try:
        read_date(text[:10])
        if text[10] not in "T ":
            raise ValueError
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise DateRefused(
            f"{name} “{text[:40]}” is not a date and time: use YYYY-MM-DDTHH:MM[:SS][+HH:MM] "
            "or a date YYYY-MM-DD (its end)."
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    if parsed < dt.datetime.combine(EARLIEST, dt.time(), tzinfo=dt.UTC):
        raise DateRefused(f"{name} {text[:40]} is too early: OIP starts on {EARLIEST.isoformat()}.")
    return parsed


def _not_too_early(day: dt.date, name: str) -> dt.date:
    if day < EARLIEST:
        raise DateRefused(
            f"{name} {day.isoformat()} is too early: OIP starts on {EARLIEST.isoformat()}."
        )
    return day
