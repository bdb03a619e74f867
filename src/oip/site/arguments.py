"""Argument types shared by the commands: dates and aware datetimes, with clear errors."""

from __future__ import annotations

import argparse
import datetime as dt

from django.utils import timezone


def date_arg(value: str) -> dt.date:
    """Parse YYYY-MM-DD for argparse."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def datetime_arg(value: str) -> dt.datetime:
    """Parse an ISO datetime (or a date, meaning its end) for argparse; naive means UTC."""
    try:
        if len(value) == 10:
            parsed = dt.datetime.combine(dt.date.fromisoformat(value), dt.time.max)
        else:
            parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a datetime (YYYY-MM-DDTHH:MM[:SS][+HH:MM]): {value!r}"
        ) from None
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def today() -> dt.date:
    return timezone.localdate()
