"""The exchange in the admin: read-only METADATA for the OIP administrator, never content.

The operator is not a recipient (EXCHANGE.md §6.11): no payload, ciphertext, MAC, title or
data key is shown, and nothing can be added, changed or deleted here — every write goes
through the named actions (`oip.exchange.actions`). Data keys are not registered at all.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from oip.exchange.models import (
    AuditEvent,
    ContactPoint,
    Delivery,
    EgressRecord,
    ExchangeEvent,
    Notification,
    Outbox,
    Submission,
    TemplateVersion,
    Withdrawal,
)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Lists and shows the declared fields only; adds, changes and deletes nothing."""

    actions = None

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [str(name) for name in self.list_display]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [str(name) for name in self.list_display]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "template",
        "area",
        "tlp",
        "audience",
        "originator_org",
        "country",
        "created_by",
        "exercise",
        "created_at",
    )
    list_filter = ("area", "tlp", "audience", "template")


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = (
        "notification",
        "stage",
        "kind",
        "revision",
        "key_id",
        "submitted_by",
        "submitted_org",
        "submitted_at",
    )


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "notification",
        "organisation",
        "delivered_at",
        "cap_at_delivery",
        "tier_at_delivery",
        "status_at_delivery",
        "as_of",
    )


@admin.register(ExchangeEvent)
class ExchangeEventAdmin(ReadOnlyAdmin):
    list_display = ("seq", "notification", "kind", "at", "actor_user", "actor_org", "stage")
    list_filter = ("kind",)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = (
        "seq",
        "at",
        "actor_user",
        "actor_org",
        "action",
        "object_type",
        "object_id",
        "tlp",
        "outcome",
        "hash",
    )
    list_filter = ("action",)


@admin.register(ContactPoint)
class ContactPointAdmin(ReadOnlyAdmin):
    list_display = (
        "organisation",
        "area",
        "function",
        "hours",
        "ack_within",
        "reachability_limit",
        "designated_on",
        "valid_from",
        "valid_to",
    )


@admin.register(Withdrawal)
class WithdrawalAdmin(ReadOnlyAdmin):
    list_display = (
        "notification",
        "organisation",
        "reason",
        "effective_at",
        "recall_required",
        "recall_due",
    )


@admin.register(EgressRecord)
class EgressRecordAdmin(ReadOnlyAdmin):
    list_display = ("notification", "user", "organisation", "format", "at", "watermark_id")


@admin.register(Outbox)
class OutboxAdmin(ReadOnlyAdmin):
    list_display = (
        "key",
        "clock",
        "level",
        "recipient",
        "channel",
        "created_at",
        "sent_at",
        "attempts",
    )


@admin.register(TemplateVersion)
class TemplateVersionAdmin(ReadOnlyAdmin):
    list_display = ("template_id", "label", "hash", "recorded_at")
