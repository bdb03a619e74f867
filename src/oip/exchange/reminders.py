"""Reminders in the app: what the tick wrote into the outbox for the reader's organisation.

A reminder says which clock of which item reached which escalation level, and links to the
item; like the e-mail, it never carries a title or content (opening the link applies the access
rule as always). Only the organisation's own people see its reminders: the roles the ladder
notifies inside it (contact point on duty, deputy, organisation admin).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from oip.exchange.clocking import HORIZON
from oip.exchange.models import Outbox

__all__ = ["OWN_ROLES", "Reminder", "reminders_for"]

#: The ladder's roles inside the organisation on the clock (policy.yaml, `ladders`).
OWN_ROLES = ("contact_point_on_duty", "deputy_contact_point", "org_admin")
LEVEL_WORDS = {1: "half the time has passed", 2: "due now", 3: "overdue, escalated"}


@dataclass(frozen=True, slots=True)
class Reminder:
    """One reminder as the inbox lists it: no title, no content, a link by id."""

    notification: str
    clock: str
    level: int
    words: str
    role: str
    created_at: dt.datetime


def reminders_for(org: str, now: dt.datetime, limit: int = 20) -> list[Reminder]:
    """The newest reminders (at most `limit`) written for organisation `org` (its id) in the
    last 90 days, newest first."""
    rows = (
        Outbox.objects.filter(
            recipient__in=[f"{org}:{role}" for role in OWN_ROLES],
            created_at__gte=now - HORIZON,
        )
        .order_by("-created_at", "-id")
        .values_list("notification_id", "clock", "level", "recipient", "created_at")[:limit]
    )
    return [
        Reminder(
            str(notification),
            clock,
            level,
            LEVEL_WORDS.get(level, f"level {level}"),
            recipient.split(":", 1)[1],
            created_at,
        )
        for notification, clock, level, recipient, created_at in rows
    ]
