"""What ties the exchange to the monitor's evidence: generated observations' origins, and the
handling-breach register with its four-eyes decisions (EXCHANGE.md §6.9, §6.10).

Every table here is a record (append-only, with database triggers): a breach's state is the
latest decision reached by its signatures, never an updated column. Written only by
`oip.exchange.evidence` and `oip.exchange.breaches`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from oip.accounts.models import Organisation
from oip.catalogue.models import Country
from oip.evidence.models import Observation
from oip.site.appendonly import AppendOnlyModel
from oip.vocabulary import TLP_LEVELS

__all__ = [
    "BREACH_DECISIONS",
    "BREACH_KINDS",
    "EVIDENCE_ORIGINS",
    "BreachSignature",
    "EvidenceLink",
    "HandlingBreach",
]

#: Where a generated observation comes from (§6.2 `EvidenceLink.origin`).
EVIDENCE_ORIGINS = ("test", "metric", "breach", "exercise", "usage")
#: What was mishandled: TLP handling, onward-sharing consent, data protection.
BREACH_KINDS = ("tlp", "onward_sharing", "data_protection")
#: What two liaison managers of the body may sign: confirm or dismiss an alleged breach,
#: or (after confirmation) declare it remedied.
BREACH_DECISIONS = ("confirm", "dismiss", "remedy")


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


class EvidenceLink(AppendOnlyModel):
    """One generated observation and the rule and fact it came from (`origin_id`: a test's,
    a breach's or a metric's key)."""

    observation = models.ForeignKey(
        Observation, on_delete=models.PROTECT, related_name="exchange_links"
    )
    rule_id = models.CharField(max_length=120)
    origin = models.CharField(max_length=16, choices=_choices(EVIDENCE_ORIGINS))
    origin_id = models.CharField(max_length=120)
    recorded_at = models.DateTimeField()

    class Meta(AppendOnlyModel.Meta):
        ordering = ["observation", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["observation", "rule_id", "origin_id"], name="exchange_evidence_link_once"
            ),
            models.CheckConstraint(
                condition=Q(origin__in=EVIDENCE_ORIGINS), name="exchange_evidence_origin"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.origin}:{self.origin_id} -> {self.observation_id}"


class HandlingBreach(AppendOnlyModel):
    """An alleged breach of the handling rules by a country's organisation (§6.9 step 1).

    `items` are the notification ids concerned; no description is stored (the evidence stays
    with the EU body: the register holds facts, not content).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    concerned_org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="handling_breaches"
    )
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="handling_breaches")
    area = models.CharField(max_length=80)
    items = models.JSONField(default=list, blank=True)
    tlp_mishandled = models.CharField(max_length=16, choices=_choices(TLP_LEVELS))
    kind = models.CharField(max_length=20, choices=_choices(BREACH_KINDS), default="tlp")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="breaches_reported"
    )
    reported_org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="breaches_reported"
    )
    reported_at = models.DateTimeField()
    recorded_at = models.DateTimeField()

    class Meta(AppendOnlyModel.Meta):
        ordering = ["-reported_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(tlp_mishandled__in=TLP_LEVELS), name="exchange_breach_tlp"
            ),
            models.CheckConstraint(condition=Q(kind__in=BREACH_KINDS), name="exchange_breach_kind"),
        ]

    def __str__(self) -> str:
        return f"breach {self.id} {self.country_id} {self.area} ({self.tlp_mishandled})"


class BreachSignature(AppendOnlyModel):
    """One liaison manager's signature of a decision on a breach; a decision takes effect with
    the second signature of another manager of the same body (four eyes)."""

    breach = models.ForeignKey(HandlingBreach, on_delete=models.PROTECT, related_name="signatures")
    decision = models.CharField(max_length=16, choices=_choices(BREACH_DECISIONS))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="breach_signatures"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="breach_signatures"
    )
    body = models.CharField(max_length=80)
    at = models.DateTimeField()
    recorded_at = models.DateTimeField()

    class Meta(AppendOnlyModel.Meta):
        ordering = ["breach", "at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["breach", "decision", "user"], name="exchange_breach_signed_once"
            ),
            models.CheckConstraint(
                condition=Q(decision__in=BREACH_DECISIONS), name="exchange_breach_decision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision} {self.breach_id} by {self.user_id}"
