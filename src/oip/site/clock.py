"""The one clock: every part of OIP asks here what time and what day it is.

Tests freeze it with `time_machine.travel(...)` (which moves `time.time()` and so Django's
`timezone.now()`), so "today" in a page, a report, a command and a clock of the exchange is
the same instant. Days are UTC days: the monitor's dates are facts' dates, not local times.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    """Return the current instant, timezone-aware (UTC)."""
    return timezone.now()


def today() -> dt.date:
    """Return the current UTC day."""
    return now().astimezone(dt.UTC).date()
