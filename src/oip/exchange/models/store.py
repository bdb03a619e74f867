"""The exchange's store: notifications, their revisions, deliveries and the event journal.

Every table here is a record (`oip.site.appendonly.AppendOnlyModel`): rows are inserted, never
changed; a correction is a newer revision, a state change an `ExchangeEvent`. Migrations add
database triggers to the notification, addressee, submission, delivery, event, withdrawal,
egress, contact-point and template-version tables, so raw SQL cannot change them either.
Three tables are NOT records, on purpose: `DataKey` (crypto-shredding deletes a revision's
key; rotation re-wraps it), `Outbox` (the worker marks a reminder sent, in `models.outbound`)
and `AuditHead` (in `models.audit`).

Payloads above CLEAR are stored encrypted (`oip.exchange.crypto`); a CLEAR payload is stored in
clear, as canonical JSON bytes, with the same MAC. Titles are encrypted for AMBER+STRICT and RED
(`title_ct`), in clear otherwise (`title_clear`). Nothing here is written except by the named
actions of `oip.exchange.actions` (and the worker's outbox and sweep).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from oip.accounts.models import Organisation
from oip.catalogue.models import Country
from oip.site.appendonly import AppendOnlyModel
from oip.vocabulary import STANDING_STATUSES, TLP_LEVELS

__all__ = [
    "AUDIENCES",
    "CONTACT_FUNCTIONS",
    "EVENT_KINDS",
    "SUBMISSION_KINDS",
    "Addressee",
    "ContactPoint",
    "DataKey",
    "Delivery",
    "ExchangeEvent",
    "Notification",
    "Submission",
    "TemplateVersion",
]

AUDIENCES = ("addressed", "community")
CONTACT_FUNCTIONS = ("primary", "deputy", "duty_24x7")
SUBMISSION_KINDS = ("stage", "response", "request")
#: What can happen to a notification (EXCHANGE.md §6.2); `sent`/`answered` serve reachability
#: tests, `paused`/`resumed`/`redacted` the later work packages.
EVENT_KINDS = (
    "delivered",
    "opened",
    "acknowledged",
    "responded",
    "requested",
    "submitted",
    "withdrawn",
    "recalled",
    "attested",
    "exported",
    "paused",
    "resumed",
    "redacted",
    "sent",
    "answered",
)
PAP_LEVELS = ("clear", "green", "amber", "red")


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


def _tlp_field(**kwargs: object) -> models.CharField[str, str]:
    return models.CharField(max_length=16, choices=_choices(TLP_LEVELS), **kwargs)  # type: ignore[arg-type]


class TemplateVersion(AppendOnlyModel):
    """A template as it was used: `send` records the shipped version on first use.

    One content per (template id, label): a different hash under a label already recorded is
    refused by `send` (like `CatalogueVersion`), so every notification names exactly the form
    it was written on.
    """

    template_id = models.CharField(max_length=80)
    label = models.CharField(max_length=40)
    content = models.JSONField()
    hash = models.CharField(max_length=64)
    recorded_at = models.DateTimeField()

    class Meta(AppendOnlyModel.Meta):
        ordering = ["template_id", "recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["template_id", "label"], name="exchange_template_label_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.template_id} {self.label}"


class ContactPoint(AppendOnlyModel):
    """An organisation's designated contact point for an area, valid over [valid_from, valid_to).

    A change is a newer row for the same (organisation, area, function); the one in force at a
    moment is the latest `valid_from` not after it whose `valid_to` is empty or later.
    `hours` is `24x7` or a calendar id; `ack_within` and `reachability_limit` are `within`
    values of the clocks (`PT1H`, `B4H`, `PT30M`).
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="contact_points"
    )
    area = models.CharField(max_length=80)
    function = models.CharField(max_length=16, choices=_choices(CONTACT_FUNCTIONS))
    hours = models.CharField(max_length=40, default="24x7")
    ack_within = models.CharField(max_length=16, default="PT1H")
    reachability_limit = models.CharField(max_length=16, default="PT30M")
    designated_on = models.DateField()
    notified_to = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contact_points_notified",
        help_text="the EU body the designation was notified to",
    )
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)
    recorded_at = models.DateTimeField()

    class Meta(AppendOnlyModel.Meta):
        ordering = ["organisation", "area", "function", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(function__in=CONTACT_FUNCTIONS), name="exchange_cp_function_known"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="exchange_cp_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.area} {self.function}"


class Notification(AppendOnlyModel):
    """The immutable header of one notification; its content lives in `Submission` revisions."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    template = models.CharField(max_length=80)
    template_version = models.ForeignKey(
        TemplateVersion, on_delete=models.PROTECT, related_name="notifications"
    )
    area = models.CharField(max_length=80)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
        help_text="the originator's country; empty for an EU body",
    )
    originator_org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="notifications_sent"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications_created"
    )
    audience = models.CharField(max_length=16, choices=_choices(AUDIENCES))
    tlp = _tlp_field()
    pap = models.CharField(max_length=8, choices=_choices(PAP_LEVELS), default="amber")
    onward_sharing = models.CharField(max_length=40, blank=True)
    exercise = models.UUIDField(null=True, blank=True)
    title_ct = models.BinaryField(null=True, blank=True, help_text="AMBER+STRICT and RED")
    title_clear = models.TextField(blank=True)
    created_at = models.DateTimeField()
    recorded_at = models.DateTimeField()

    class Meta(AppendOnlyModel.Meta):
        ordering = ["-created_at", "id"]
        indexes = [
            models.Index(fields=["area", "created_at"], name="exchange_notif_area"),
            # The inbox walks an organisation's own items newest first (§6.16).
            models.Index(fields=["originator_org", "created_at"], name="exchange_notif_origin"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(audience__in=AUDIENCES), name="exchange_notification_audience"
            ),
            models.CheckConstraint(condition=Q(tlp__in=TLP_LEVELS), name="exchange_notif_tlp"),
            models.CheckConstraint(
                condition=Q(title_ct__isnull=True) | Q(title_clear=""),
                name="exchange_notif_title_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} {self.id} ({self.tlp})"


class Addressee(AppendOnlyModel):
    """An organisation, or (for RED) a named person, the notification is addressed to."""

    notification = models.ForeignKey(
        Notification, on_delete=models.PROTECT, related_name="addressees"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="addressed"
    )
    named_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="named_on",
    )
    recorded_at = models.DateTimeField()

    class Meta(AppendOnlyModel.Meta):
        ordering = ["notification", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=True) ^ Q(named_user__isnull=True),
                name="exchange_addressee_org_xor_user",
            ),
        ]


class Submission(AppendOnlyModel):
    """One revision of one stage (or response, or request) of a notification.

    `payload_ct` is the AES-256-GCM ciphertext (nonce first) above CLEAR, the canonical JSON
    bytes at CLEAR; `payload_mac` the keyed HMAC-SHA-256 of the canonical plaintext (hex);
    `key_id` names the KEK that wraps this revision's `DataKey`. `clock_fields` holds, in clear,
    the instants the clocks need (`aware_at`, `handled_at` declared by the sender; `within` of a
    request) — never other content. A correction is a newer revision that `supersedes` this one.
    """

    notification = models.ForeignKey(
        Notification, on_delete=models.PROTECT, related_name="submissions"
    )
    stage = models.CharField(max_length=60)
    kind = models.CharField(max_length=16, choices=_choices(SUBMISSION_KINDS), default="stage")
    revision = models.PositiveIntegerField()
    payload_ct = models.BinaryField()
    payload_mac = models.CharField(max_length=64)
    key_id = models.CharField(max_length=32)
    clock_fields = models.JSONField(default=dict, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="submissions"
    )
    submitted_org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="submissions"
    )
    submitted_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    supersedes = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )

    class Meta(AppendOnlyModel.Meta):
        ordering = ["notification", "submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "stage", "revision"], name="exchange_revision_once"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=SUBMISSION_KINDS), name="exchange_submission_kind"
            ),
            models.CheckConstraint(condition=Q(revision__gte=1), name="exchange_revision_from_1"),
        ]

    def __str__(self) -> str:
        return f"{self.notification_id} {self.stage} r{self.revision}"


class DataKey(models.Model):
    """The wrapped data key of one submission. NOT a record: redaction deletes it
    (crypto-shredding), rotation re-wraps it. Its own table so it can be backed up apart."""

    submission = models.OneToOneField(
        Submission, on_delete=models.PROTECT, primary_key=True, related_name="data_key"
    )
    key_id = models.CharField(max_length=32)
    wrapped = models.BinaryField()
    recorded_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["key_id"], name="exchange_datakey_kek")]

    def __str__(self) -> str:
        return f"data key of {self.submission_id} ({self.key_id})"


class Delivery(AppendOnlyModel):
    """A notification made available to an organisation, with the facts true at that moment:
    the cap its standing allowed, the tier and status, and the day the standing was read for
    (kept items after an ordinary fall, withdrawal after a suspension: §6.5.1)."""

    notification = models.ForeignKey(
        Notification, on_delete=models.PROTECT, related_name="deliveries"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="deliveries"
    )
    delivered_at = models.DateTimeField()
    cap_at_delivery = _tlp_field()
    tier_at_delivery = models.PositiveSmallIntegerField(null=True, blank=True)
    status_at_delivery = models.CharField(
        max_length=16, choices=_choices(STANDING_STATUSES), blank=True
    )
    as_of = models.DateField()
    recorded_at = models.DateTimeField()

    class Meta(AppendOnlyModel.Meta):
        ordering = ["notification", "delivered_at", "id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "organisation"], name="exchange_delivered_once"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "delivered_at"], name="exchange_delivery_org")
        ]


class ExchangeEvent(AppendOnlyModel):
    """One fact of a notification's life, the single source of clocks and metrics.

    `at` is server time, `declared_at` a sender-declared instant (if any), `recorded_at` when
    the platform stored it. `actor_org` is the organisation that acted — for `delivered`, the
    organisation delivered to. `data` is small metadata (`revision`, `within`), never payload.
    """

    seq = models.BigAutoField(primary_key=True)
    notification = models.ForeignKey(Notification, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=16, choices=_choices(EVENT_KINDS))
    at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    declared_at = models.DateTimeField(null=True, blank=True)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exchange_events",
    )
    actor_org = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exchange_events",
    )
    stage = models.CharField(max_length=60, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta(AppendOnlyModel.Meta):
        ordering = ["notification", "seq"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EVENT_KINDS), name="exchange_event_kind")
        ]
        indexes = [models.Index(fields=["kind", "at"], name="exchange_event_kind_at")]

    def __str__(self) -> str:
        return f"{self.seq} {self.kind} {self.notification_id}"
