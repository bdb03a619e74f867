"""Argument types of the exchange's commands (`oip exchange org|user|token ...`)."""

from __future__ import annotations

import argparse
import datetime as dt
import re

DURATION = re.compile(r"(\d{1,6})([mhdw])")
UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def comma_list(text: str) -> list[str]:
    """`A,B` -> ["A", "B"] (spaces around items dropped, empty items refused)."""
    items = [item.strip() for item in text.split(",")]
    if not text.strip() or any(not item for item in items):
        raise argparse.ArgumentTypeError(f"must be a comma-separated list, got {text!r}")
    return items


def duration(text: str) -> dt.timedelta:
    """`30m`, `12h`, `1d`, `2w` -> a timedelta (a whole number and one unit)."""
    match = DURATION.fullmatch(text.strip())
    if match is None or int(match.group(1)) == 0:
        raise argparse.ArgumentTypeError(
            f"must be a positive whole number and a unit m, h, d or w (e.g. 1d, 12h), got {text!r}"
        )
    return dt.timedelta(**{UNITS[match.group(2)]: int(match.group(1))})
