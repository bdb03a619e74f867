"""The calendar rule the region's comparisons use. Pure: no Django."""

from __future__ import annotations

import datetime as dt

__all__ = ["year_earlier"]


def year_earlier(day: dt.date) -> dt.date:
    """Return the same calendar day a year before `day`; 28 February for a 29 February.

    The trend of an area and a report's default "changes since" both compare with this day.
    """
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # only 29 February has no twin in the year before
        return day.replace(year=day.year - 1, day=28)
