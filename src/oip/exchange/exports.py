"""Exports and the egress ledger (EXCHANGE.md §6.4, §6.12 "Exports"): a named action.

`export_item` lets a reader take one notification out of the platform as a JSON document,
when the access rule allows `export` (RED never; an analyst up to AMBER; the read right in
every case). The document carries the TLP label (top and bottom, as FIRST prescribes for every
page), the EXERCISE banner for an exercise item, and a watermark id bound to the person, the
item and the moment. Every export writes, in one transaction, an `EgressRecord` (with the
declared purpose and onward recipients), an `exported` event and an `export` audit row; what
left the platform is then known exactly, and a suspension recalls it (`oip.exchange.recalls`).

A purpose is required from AMBER up (egress "recorded with declared onward recipients",
§6.4): without it, PayloadInvalid at `/purpose` and nothing is written. A refusal by the
access rule is audited and raises NotFound or Refused like a read. PDF, STIX and MISP exports
are WP5's; `format` other than `json` is refused at `/format`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

from oip.accounts.models import Organisation
from oip.exchange import audit
from oip.exchange.exercise_reads import exercise_refs
from oip.exchange.fetch import (
    PayloadInvalid,
    actor_for,
    item_for,
    memo_standing,
    notification_or_404,
    policy,
    refuse,
)
from oip.exchange.models import EgressRecord, ExchangeEvent
from oip.exchange.reads import open_item
from oip.exchange.writes import denied
from oip.liaison.access import decide
from oip.liaison.templates import PayloadError
from oip.liaison.tlp import rank
from oip.site import clock

__all__ = ["DOCUMENT_FORMAT", "FORMATS", "Exported", "export_item", "watermark_for"]

FORMATS = ("json",)
DOCUMENT_FORMAT = "oip-exchange-export/1"
#: From this level up an export needs a declared purpose (egress to "clients", §6.4).
PURPOSE_FROM = rank("amber")


@dataclass(frozen=True, slots=True)
class Exported:
    """An export: the document to hand over and the ledger row written for it."""

    document: dict[str, Any]
    egress: EgressRecord
    filename: str


def watermark_for(username: str, notification_id: str, egress_id: str) -> str:
    """The watermark id printed in an export: a keyed hash of who, what and which export, so a
    copy found outside names its person through the ledger (and cannot be forged)."""
    key = str(settings.SECRET_KEY).encode()
    message = f"{username}|{notification_id}|{egress_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def _clean_onward(onward: Sequence[str]) -> list[str]:
    return [o.strip() for o in onward if isinstance(o, str) and o.strip()]


def export_item(
    user: Any,
    notification_id: str | uuid.UUID,
    *,
    format: str = "json",
    purpose: str = "",
    onward: Sequence[str] = (),
    org: Organisation | str | None = None,
    now: dt.datetime | None = None,
) -> Exported:
    """Export one notification for `user` (see the module's docstring).

    Checks, in order: the access rule's `export` (audited NotFound / Refused: `export_forbidden`
    for RED, `role` for an analyst above AMBER, any read refusal such as
    `withdrawn_suspension`); withdrawn by its originator (Refused `withdrawn_by_originator`);
    the format and, from AMBER up, the purpose (PayloadInvalid). Nothing is written unless all
    pass; then the document, the `EgressRecord`, the `exported` event and the audit row.
    """
    moment = now or clock.now()
    notification = notification_or_404(notification_id)
    actor = actor_for(user, moment, org)
    item = item_for(notification, actor.org)
    decision = decide(actor, item, "export", memo_standing(), policy(), moment)
    if not decision.allowed or decision.level != "content":
        refuse(actor, "export", notification, decision)
    withdrawn = notification.events.filter(
        kind="withdrawn", actor_org_id=notification.originator_org_id
    ).exists()
    if withdrawn and actor.org != item.originator_org:
        raise denied(actor, "export", str(notification.id), "withdrawn_by_originator")
    errors: list[PayloadError] = []
    if format not in FORMATS:
        errors.append(
            PayloadError("/format", f"one of {', '.join(FORMATS)} (PDF, STIX, MISP: later)")
        )
    declared = _clean_onward(onward)
    if rank(notification.tlp) >= PURPOSE_FROM and not purpose.strip():  # type: ignore[arg-type]
        errors.append(PayloadError("/purpose", "required from TLP:AMBER up: why, and to whom"))
    if errors:
        raise PayloadInvalid(errors)
    egress_id = uuid.uuid4()
    watermark = watermark_for(actor.user, str(notification.id), str(egress_id))
    with transaction.atomic():
        opened = open_item(user, notification.id, moment, org=actor.org)
        exercise = exercise_refs([str(notification.id)]).get(str(notification.id))
        label = f"TLP:{notification.tlp.upper()}"
        document = {
            "format": DOCUMENT_FORMAT,
            "tlp": label,
            "banner": "EXERCISE" if exercise else None,
            "exercise": exercise,
            "watermark": watermark,
            "exported_at": moment.isoformat(),
            "exported_by": actor.user,
            "organisation": actor.org,
            "purpose": purpose.strip(),
            "onward": declared,
            "notification": {
                "id": str(notification.id),
                "template": notification.template,
                "area": notification.area,
                "audience": notification.audience,
                "tlp": notification.tlp,
                "originator_org": str(notification.originator_org_id),
                "created_at": notification.created_at.isoformat(),
                "title": opened.title,
            },
            "submissions": [
                {
                    "stage": s.stage,
                    "kind": s.kind,
                    "revision": s.revision,
                    "submitted_org": s.submitted_org,
                    "submitted_at": s.submitted_at.isoformat(),
                    "payload": s.payload,
                }
                for s in opened.submissions
            ],
            "footer": f"{label} · watermark {watermark}",
        }
        egress = EgressRecord.objects.create(
            notification=notification,
            user=user,
            organisation_id=actor.org,
            format=format,
            at=moment,
            watermark_id=watermark,
            declared_onward=(
                [{"purpose": purpose.strip(), "recipients": declared}] if purpose.strip() else []
            ),
            recorded_at=clock.now(),
        )
        ExchangeEvent.objects.create(
            notification=notification,
            kind="exported",
            at=moment,
            recorded_at=clock.now(),
            actor_user=user,
            actor_org_id=actor.org,
            data={"egress": egress.pk, "format": format},
        )
        audit.append(
            "export",
            object_type="notification",
            object_id=str(notification.id),
            actor_user=actor.user,
            actor_org=actor.org,
            tlp=notification.tlp,
            details={"format": format, "egress": egress.pk, "watermark": watermark},
            at=moment,
        )
    return Exported(document, egress, f"{notification.template}-{notification.id}.json")
