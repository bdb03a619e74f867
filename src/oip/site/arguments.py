"""Argument types shared by the commands: dates, instants and day counts, with clear errors.

Dates follow the one date rule of `oip.site.dates` (YYYY-MM-DD, 2000-01-01 to today), as on
the pages, the API and the reports; a `known_at` given as a date alone is the end of that day.
A refused value ends the command with argparse's usage error (exit status 2) and the rule's
own explanation.
"""

from __future__ import annotations

import argparse
import datetime as dt

from oip.site import clock
from oip.site.dates import DateRefused, check_as_of, parse_date, parse_known_at

#: The longest age `--older-than` accepts: a hundred years of days is older than any source
#: OIP cites, and any day count up to it still gives a date Python can represent.
MAX_DAYS = 36_500


def date_arg(value: str) -> dt.date:
    """Parse a date for argparse: YYYY-MM-DD from 2000-01-01 to today."""
    try:
        return check_as_of(parse_date(value, name="date"), name="date")
    except DateRefused as refused:
        raise argparse.ArgumentTypeError(str(refused)) from None


def datetime_arg(value: str) -> dt.datetime:
    """Parse an instant for argparse: ISO date and time (naive = UTC), or a date = its end."""
    try:
        return parse_known_at(value, name="instant")
    except DateRefused as refused:
        raise argparse.ArgumentTypeError(str(refused)) from None


def days_arg(value: str) -> int:
    """Parse a number of days for argparse: a whole number from 0 to MAX_DAYS."""
    try:
        days = int(value.strip())
    except ValueError:
        days = -1
    if not 0 <= days <= MAX_DAYS:
        raise argparse.ArgumentTypeError(
            f"must be a whole number of days from 0 to {MAX_DAYS} (100 years), got {value[:40]!r}"
        )
    return days


def today() -> dt.date:
    """Today's date (UTC), from the one clock."""
    return clock.today()
