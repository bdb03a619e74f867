"""What goes out of the exchange or is taken back: withdrawals, exports (egress) and reminders.

`Withdrawal` and `EgressRecord` are records (append-only, with triggers); `Outbox` is NOT: the
worker marks a reminder sent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from oip.accounts.models import Organisation
from oip.exchange.models.store import Notification, Submission
from oip.site.appendonly import AppendOnlyModel

__all__ = ["WITHDRAWAL_REASONS", "EgressRecord", "Outbox", "Withdrawal"]

WITHDRAWAL_REASONS = ("suspension", "originator_withdrawal", "redaction")


class Withdrawal(AppendOnlyModel):
    """A delivered notification withdrawn from an organisation (materialised by the sweep for
    notices and recalls; the access rule itself is applied on every read). Attestation of a
    recall is an `attested` event, not a change of this row."""

    notification = models.ForeignKey(
        Notification, on_delete=models.PROTECT, related_name="withdrawals"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="withdrawals"
    )
    reason = models.CharField(max_length=24, choices=[(r, r) for r in WITHDRAWAL_REASONS])
    effective_at = models.DateTimeField()
    standing = models.JSONField(default=dict, blank=True, help_text="tier, status, as_of")
    recall_required = models.BooleanField(default=False)
    recall_due = models.DateTimeField(null=True, blank=True)
    recorded_at = models.DateTimeField()

    class Meta(AppendOnlyModel.Meta):
        ordering = ["effective_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "organisation", "reason", "effective_at"],
                name="exchange_withdrawn_once",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=WITHDRAWAL_REASONS), name="exchange_withdrawal_reason"
            ),
        ]


class EgressRecord(AppendOnlyModel):
    """What left the platform: an export of a notification (or one revision) by a person."""

    notification = models.ForeignKey(Notification, on_delete=models.PROTECT, related_name="egress")
    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, null=True, blank=True, related_name="egress"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="egress"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="egress")
    format = models.CharField(max_length=16)
    at = models.DateTimeField()
    watermark_id = models.CharField(max_length=64)
    encrypted_to = models.CharField(max_length=200, blank=True)
    declared_onward = models.JSONField(default=list, blank=True)
    recorded_at = models.DateTimeField()

    class Meta(AppendOnlyModel.Meta):
        ordering = ["at", "id"]


class Outbox(models.Model):
    """A reminder to send (links only, never content). NOT a record: the worker marks it sent.

    `key` is "notification|clock|level|recipient", unique, so concurrent ticks cannot write a
    reminder twice.
    """

    key = models.CharField(max_length=400, unique=True)
    notification = models.ForeignKey(Notification, on_delete=models.PROTECT, related_name="outbox")
    clock = models.CharField(max_length=60)
    level = models.PositiveSmallIntegerField()
    recipient = models.CharField(max_length=200)
    channel = models.CharField(max_length=16, default="email")
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "outbox"
        indexes = [models.Index(fields=["sent_at", "created_at"], name="exchange_outbox_pending")]

    def __str__(self) -> str:
        return self.key
