"""Exceptional addressing (EXCHANGE.md §6.5.1): an EU liaison manager's addressing of one item
above a country's cap, with a justification and an expiry. A record (append-only, with
triggers): a correction is not possible, a new item is. Written only by
`oip.exchange.exceptional`; read by `oip.exchange.fetch.item_for` (as `Item.exceptional`) and
counted on the public page as "exceptional deliveries by the EU side".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from oip.accounts.models import Organisation
from oip.exchange.models.store import Notification
from oip.site.appendonly import AppendOnlyModel

__all__ = ["ExceptionalAddressing"]


class ExceptionalAddressing(AppendOnlyModel):
    """`notification` addressed to `organisation` (a national organisation) above its cap by
    `addressed_by` of `addressed_org` (an EU body), valid until `expires_at`."""

    notification = models.ForeignKey(
        Notification, on_delete=models.PROTECT, related_name="exceptional"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="exceptional_received"
    )
    justification = models.TextField()
    expires_at = models.DateTimeField()
    addressed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exceptional_addressed"
    )
    addressed_org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="exceptional_sent"
    )
    cap_at_delivery = models.CharField(max_length=16)
    at = models.DateTimeField()
    recorded_at = models.DateTimeField()

    class Meta(AppendOnlyModel.Meta):
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "organisation"], name="exchange_exceptional_once"
            ),
            models.CheckConstraint(
                condition=~models.Q(justification=""), name="exchange_exceptional_justified"
            ),
        ]

    def __str__(self) -> str:
        return f"exceptional {self.notification_id} -> {self.organisation_id}"
