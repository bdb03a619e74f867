"""The pure half of the date rule: how a date is written, and the earliest one OIP knows.

No Django and no clock, so the evidence reader (`oip.evidence.reading`/`records`) and
`oip.site.dates` (which adds "today" from the clock) read dates the same way. A date is
written exactly YYYY-MM-DD: Python's `date.fromisoformat` alone would also take the compact
`20240101` and the week date `2024-W01-1`, which a person reading the file would not
recognise as the same day.
"""

from __future__ import annotations

import datetime as dt
import re

EARLIEST = dt.date(2000, 1, 1)
FORM = "YYYY-MM-DD"

_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def read_date(text: str) -> dt.date:
    """Return the date `text` (surrounding blanks ignored) writes as YYYY-MM-DD.

    Raises ValueError for anything else: another form, or a day that does not exist.
    """
    stripped = text.strip()
    if not _SHAPE.fullmatch(stripped):
        raise ValueError(f"not a date written {FORM}: {stripped[:40]!r}")
    return dt.date.fromisoformat(stripped)
