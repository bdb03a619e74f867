"""Exceptional addressing (EXCHANGE.md §6.5.1): a named action and the public count's facts.

An EU liaison manager may address one item above a country's cap ("warning a tier-1 country
at AMBER+STRICT about an attack on its own grid") with a recorded justification and an expiry
(the policy's default, 30 days, when none is given). `send_exceptional` sends the item with
`oip.exchange.actions.send` and records, in the same transaction, one `ExceptionalAddressing`
per national addressee whose cap at delivery is below the item's TLP, and an audit row. The
access rule then reads the item through `Item.exceptional` (`oip.exchange.fetch.item_for`):
readable above the cap until the expiry, never while the country is suspended.

Refusals: Refused `role` (audited) unless the sender is a liaison manager of an EU body;
PayloadInvalid (422, nothing stored) at `/exceptional/justification` (none, or blank), at
`/exceptional/expires_at` (not in the future), at `/audience` (community items are not
addressed), at `/exceptional` (no national addressee above its cap: send it plainly), and every
error of an ordinary send. `exceptional_deliveries` gives the public page's facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from oip.accounts.models import Organisation
from oip.exchange import actions, audit
from oip.exchange.fetch import PayloadInvalid, Refused, actor_for, policy
from oip.exchange.models import Delivery, ExceptionalAddressing, Notification
from oip.exchange.writes import denied
from oip.liaison.access import ExceptionalRejected, validate_exceptional
from oip.liaison.measured import ExceptionalDelivery
from oip.liaison.templates import PayloadError
from oip.liaison.tlp import rank
from oip.site import clock

__all__ = ["exceptional_deliveries", "parse_exceptional", "send_exceptional"]


def _rejected(message: str) -> PayloadError:
    pointer = "/exceptional/expires_at" if "expiry" in message else "/exceptional/justification"
    return PayloadError(pointer, message)


def send_exceptional(
    user: Any,
    *,
    justification: str,
    expires_at: dt.datetime | None = None,
    template: str,
    area: str,
    tlp: str,
    addressees: Sequence[str],
    stage: str,
    payload: Any,
    title: str,
    audience: str = "addressed",
    named_recipients: Sequence[str] = (),
    org: Organisation | str | None = None,
    now: dt.datetime | None = None,
) -> Notification:
    """Send an item addressed above its national addressees' caps (see the module's docstring)."""
    moment = now or clock.now()
    actor = actor_for(user, moment, org)
    if actor.org_kind != "eu_body" or "liaison_manager" not in actor.roles:
        raise denied(actor, "send.exceptional", "", "role")
    errors: list[PayloadError] = []
    try:
        granted = validate_exceptional(justification or "", expires_at, moment, policy())
    except ExceptionalRejected as rejected:
        errors.append(_rejected(str(rejected)))
    if audience != "addressed":
        errors.append(PayloadError("/audience", "an exceptional addressing is addressed"))
    if errors:
        raise PayloadInvalid(errors)
    try:
        with transaction.atomic():
            notification = actions.send(
                user,
                template=template,
                area=area,
                tlp=tlp,
                audience=audience,
                addressees=addressees,
                stage=stage,
                payload=payload,
                title=title,
                named_recipients=named_recipients,
                org=actor.org,
                now=moment,
            )
            above = [
                d
                for d in Delivery.objects.filter(notification=notification)
                .select_related("organisation")
                .order_by("id")
                if d.organisation.kind == "national"
                and rank(d.cap_at_delivery) < rank(notification.tlp)  # type: ignore[arg-type]
            ]
            if not above:
                raise PayloadInvalid(
                    [
                        PayloadError(
                            "/exceptional",
                            "no national addressee's cap is below this TLP: send it plainly",
                        )
                    ]
                )
            for delivery in above:
                ExceptionalAddressing.objects.create(
                    notification=notification,
                    organisation=delivery.organisation,
                    justification=granted.justification,
                    expires_at=granted.expires_at,
                    addressed_by=user,
                    addressed_org_id=actor.org,
                    cap_at_delivery=delivery.cap_at_delivery,
                    at=moment,
                    recorded_at=clock.now(),
                )
            audit.append(
                "send.exceptional",
                object_type="notification",
                object_id=str(notification.id),
                actor_user=actor.user,
                actor_org=actor.org,
                tlp=notification.tlp,
                details={
                    "organisations": [str(d.organisation_id) for d in above],
                    "expires_at": granted.expires_at.isoformat(),
                },
                at=moment,
            )
    except Refused as refused:
        # The send's own audit row went with the rolled-back transaction: write it again.
        raise denied(actor, "send", "", refused.reason) from None
    return notification


def parse_exceptional(
    value: Any, errors: list[PayloadError]
) -> tuple[str, dt.datetime | None] | None:
    """The API's `"exceptional": {"justification", "expires_at"?}` (§6.5.1), or None when
    absent; each problem appended to `errors` at its JSON pointer."""
    if value is None:
        return None
    if not isinstance(value, dict):
        errors.append(PayloadError("/exceptional", "an object: justification, expires_at"))
        return None
    justification = value.get("justification")
    if not isinstance(justification, str) or not justification.strip():
        errors.append(PayloadError("/exceptional/justification", "required"))
        justification = ""
    expires = value.get("expires_at")
    expires_at = None
    if expires is not None:
        try:
            expires_at = dt.datetime.fromisoformat(str(expires).replace("Z", "+00:00"))
        except ValueError:
            errors.append(PayloadError("/exceptional/expires_at", "an ISO 8601 date-time"))
    return justification, expires_at


def exceptional_deliveries(now: dt.datetime) -> list[ExceptionalDelivery]:
    """Every exceptional addressing recorded by `now` (exercise items never count), as the
    public page's facts: the country addressed, the area, the EU body, the instant."""
    rows = (
        ExceptionalAddressing.objects.filter(
            recorded_at__lte=now, notification__exercise__isnull=True
        )
        .exclude(organisation__country=None)
        .order_by("at", "id")
        .values_list("organisation__country_id", "notification__area", "addressed_org__body", "at")
    )
    return [
        ExceptionalDelivery(str(country), area, body or None, at)
        for country, area, body, at in rows
    ]
