"""Recalls of exported items after a suspension, with their attestation clock (§6.9 step 4).

When the sweep withdraws an item from an organisation of a suspended country and that
organisation exported it at AMBER or above (an `EgressRecord`), the withdrawal is marked
`recall_required` (`recall_needed`). `send_recalls(now)` then sends ONE `recall` notification
per (organisation, area) for the items not yet recalled from it: addressed to that
organisation, at TLP:AMBER (ids, a reason and a date: never content; the policy lets every tier
receive it and never withdraws it), sent by a member of an EU body of the area with a sending
role (a liaison manager first), with a `recalled` event that starts the template's
`attestation` clock (B5D in the recipient's calendar); `attest_by` in the payload is that
clock's due instant. Rerunning sends nothing new (the items of earlier `recalled` events are
left out); an item whose recall could not be sent (no sender) goes out at a later tick.

The recipient answers with the template's `attestation` response (copies deleted, by whom,
when) through `oip.exchange.actions.respond`, which records the `attested` event that stops
the clock (`attest`).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from oip.accounts.models import Membership, Organisation
from oip.exchange import actions
from oip.exchange.models import EgressRecord, ExchangeEvent, Notification, Submission, Withdrawal
from oip.exchange.writes import record_event
from oip.liaison.access import SENDING_ROLES
from oip.liaison.calendars import default_calendars
from oip.liaison.clocks import due_at, parse_within
from oip.liaison.templates import shipped
from oip.liaison.tlp import rank
from oip.site import clock

__all__ = ["RECALL_TLP", "TEMPLATE", "attest", "attest_by", "recall_needed", "send_recalls"]

logger = logging.getLogger(__name__)

TEMPLATE = "recall"
RECALL_TLP = "amber"
RECALL_FROM = rank("amber")
EU_CALENDAR = "eu-institutions"


def recall_needed(notification: Notification, organisation_id: Any) -> bool:
    """Whether a withdrawal of `notification` from the organisation needs a recall: the item
    is AMBER or above and the organisation exported it (an egress record)."""
    if rank(notification.tlp) < RECALL_FROM:  # type: ignore[arg-type]
        return False
    return EgressRecord.objects.filter(
        notification=notification, organisation_id=organisation_id
    ).exists()


def attest_by(organisation: Organisation, start: dt.datetime) -> dt.datetime:
    """The due instant of the attestation clock started at `start` for `organisation`: the
    template's `within` (B5D) in the recipient's calendar (its country's, else calendar days)."""
    (defn,) = [c for c in shipped().get(TEMPLATE).clocks() if c.id == "attestation"]
    calendars = default_calendars()
    if organisation.country_id is None:
        calendar_id = EU_CALENDAR
    else:
        code = str(organisation.country_id).lower()
        calendar_id = code if code in calendars else "calendar-days"
    return due_at(start, parse_within(defn.within), calendars[calendar_id])


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _recalled_already() -> set[tuple[str, str]]:
    """(organisation, item) pairs some `recalled` event already covers."""
    done: set[tuple[str, str]] = set()
    for data in ExchangeEvent.objects.filter(kind="recalled").values_list("data", flat=True):
        if isinstance(data, Mapping):
            org = str(data.get("organisation", ""))
            done.update((org, str(i)) for i in data.get("items", []) or [])
    return done


def _sender(area: str, now: dt.datetime, preferred: set[str]) -> Membership | None:
    """A member of an EU body of `area` who may send: the originators' bodies first, liaison
    managers before officers, then by organisation and username (stable)."""
    found = [
        m
        for m in Membership.objects.valid_at(now)
        .filter(organisation__kind="eu_body", role__in=SENDING_ROLES, user__is_active=True)
        .select_related("user", "organisation")
        .order_by("organisation__short_name", "user__username")
        if area in m.areas and area in m.organisation.areas
    ]
    found.sort(key=lambda m: (str(m.organisation_id) not in preferred, m.role != "liaison_manager"))
    return found[0] if found else None


def send_recalls(now: dt.datetime) -> list[Notification]:
    """Send the recalls due at `now` (see the module's docstring); return them.

    One transaction that first locks the withdrawals to recall (PostgreSQL row locks; SQLite's
    IMMEDIATE write lock), so two workers ticking at once cannot both send a recall: the
    second sees the first's `recalled` events."""
    with transaction.atomic():
        return _send_recalls(now)


def _send_recalls(now: dt.datetime) -> list[Notification]:
    rows = list(
        Withdrawal.objects.select_for_update(of=("self",))
        .filter(reason="suspension", recall_required=True, effective_at__lte=now)
        .select_related("notification", "organisation")
        .order_by("effective_at", "id")
    )
    done = _recalled_already()
    pending: dict[tuple[str, str], list[Withdrawal]] = defaultdict(list)
    for row in rows:
        if (str(row.organisation_id), str(row.notification_id)) not in done:
            pending[(str(row.organisation_id), row.notification.area)].append(row)
    sent = []
    for (org_id, area), rows in sorted(pending.items()):
        organisation = rows[0].organisation
        items = list(dict.fromkeys(str(r.notification_id) for r in rows))
        sender = _sender(area, now, {str(r.notification.originator_org_id) for r in rows})
        if sender is None:
            logger.warning("recall to %s in %s: no EU-body sender; next tick", org_id, area)
            continue
        due = attest_by(organisation, now)
        try:
            notification = _send_one(sender, organisation, area, items, due, now)
        except (actions.Refused, actions.PayloadInvalid) as refused:
            logger.warning("recall to %s in %s not sent (%s); next tick", org_id, area, refused)
            continue
        sent.append(notification)
    return sent


def _send_one(
    sender: Membership,
    organisation: Organisation,
    area: str,
    items: list[str],
    due: dt.datetime,
    now: dt.datetime,
) -> Notification:
    org_id = str(organisation.pk)
    with transaction.atomic():
        notification = actions.send(
            sender.user,
            template=TEMPLATE,
            area=area,
            tlp=RECALL_TLP,
            audience="addressed",
            addressees=[org_id],
            stage="recall",
            payload={"items": items, "reason": "withdrawn_suspension", "attest_by": _iso(due)},
            title="Recall of withdrawn items",
            org=sender.organisation,
            now=now,
        )
        record_event(
            notification,
            "recalled",
            now,
            user=sender.user,
            org_id=str(sender.organisation_id),
            stage="recall",
            data={"organisation": org_id, "items": items, "attest_by": _iso(due)},
        )
    return notification


def attest(
    user: Any,
    recall_id: str | uuid.UUID,
    *,
    deleted_by: str,
    deleted_at: dt.datetime,
    copies_deleted: bool = True,
    note: str = "",
    org: Organisation | str | None = None,
    now: dt.datetime | None = None,
) -> Submission:
    """Answer a recall with the `attestation` response (through `actions.respond`, which
    records the `attested` event that stops the clock). Refused / NotFound like a response."""
    payload: dict[str, Any] = {
        "copies_deleted": copies_deleted,
        "deleted_by": deleted_by,
        "deleted_at": _iso(deleted_at),
    }
    if note:
        payload["note"] = note
    return actions.respond(
        user, recall_id, stage="attestation", payload=payload, org=org, now=now or clock.now()
    )
