"""The exchange's audit log: a hash chain of `AuditEvent` rows and its one-row `AuditHead`.

Each row carries `hash = SHA-256(prev_hash ‖ canonical JSON of the row)` (`oip.exchange.audit`
computes and verifies it). Rows are append-only, with triggers; the head is the one updatable
row: appends lock it (`SELECT ... FOR UPDATE` on PostgreSQL, SQLite's IMMEDIATE write lock), so
concurrent appends take turns and the chain never forks. Actors are stored as plain strings
(username, organisation id) so a row is self-contained and its hash never depends on a join.
"""

from __future__ import annotations

from django.db import models

from oip.site.appendonly import AppendOnlyModel

__all__ = ["GENESIS_HASH", "AuditEvent", "AuditHead"]

#: The `prev_hash` of the first row.
GENESIS_HASH = "0" * 64


class AuditEvent(AppendOnlyModel):
    """One audited act: who (`actor_user`, `actor_org`), what (`action` on `object_type`
    `object_id` at `tlp`), the `outcome` (`allowed` or `denied:<reason>`) and small `details`
    (never content)."""

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    actor_user = models.CharField(max_length=150, blank=True)
    actor_org = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    tlp = models.CharField(max_length=16, blank=True)
    outcome = models.CharField(max_length=80, default="allowed")
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta(AppendOnlyModel.Meta):
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="exchange_audit_obj")]

    def __str__(self) -> str:
        return f"{self.seq} {self.action} {self.outcome}"


class AuditHead(models.Model):
    """The chain's head (one row, id 1): the last `seq` and `hash`. Updated by every append."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="exchange_one_head")]

    def __str__(self) -> str:
        return f"audit head {self.seq} {self.hash[:12]}"
