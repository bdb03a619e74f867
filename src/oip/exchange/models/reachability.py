"""Reachability tests (EXCHANGE.md §6.7): an announced window, a random send time inside it, a
challenge code, and the contact point's limit to echo it in the platform.

NOT append-only: a test is scheduled `pending`, released (the challenge goes out as a
`reachability-test` notification at `sent_at`), then answered (`met`) or expired (`not_met`).
Only `oip.exchange.reachability`'s actions change a row; every change is also an exchange
event or audit row, so the history is in the append-only tables.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from oip.accounts.models import Organisation
from oip.exchange.models.store import ContactPoint, Notification

__all__ = ["REACHABILITY_RESULTS", "ReachabilityTest"]

REACHABILITY_RESULTS = ("pending", "met", "not_met")


class ReachabilityTest(models.Model):
    """One test of one organisation's contact point for one area.

    `sent_at` is the planned send time, drawn at random inside [window_start, window_end];
    `released_at` when the challenge actually went out (the tick's pass at or after `sent_at`);
    `deadline` = released_at + `limit` on the contact point's calendar. `retry_of` links the
    one retry allowed after a `not_met`.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="reachability_tests"
    )
    area = models.CharField(max_length=80)
    contact_point = models.ForeignKey(
        ContactPoint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reachability_tests",
    )
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    sent_at = models.DateTimeField(help_text="planned: random inside the window")
    code = models.CharField(max_length=16)
    limit = models.CharField(max_length=16, db_column="answer_limit", help_text="e.g. PT30M")
    released_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    notification = models.OneToOneField(
        Notification,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reachability_test",
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reachability_answers",
    )
    result = models.CharField(
        max_length=8, choices=[(r, r) for r in REACHABILITY_RESULTS], default="pending"
    )
    retry_of = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="retry"
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reachability_scheduled",
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["sent_at", "id"]
        indexes = [
            models.Index(fields=["released_at", "sent_at"], name="exchange_reach_release"),
            models.Index(fields=["organisation", "area", "sent_at"], name="exchange_reach_org"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(result__in=REACHABILITY_RESULTS), name="exchange_reach_result"
            ),
            models.CheckConstraint(
                condition=Q(window_end__gt=F("window_start")), name="exchange_reach_window"
            ),
            models.CheckConstraint(
                condition=Q(sent_at__gte=F("window_start")) & Q(sent_at__lte=F("window_end")),
                name="exchange_reach_sent_in_window",
            ),
        ]

    def __str__(self) -> str:
        return f"reachability {self.organisation} {self.area} {self.sent_at:%Y-%m-%d %H:%M} {self.result}"
