"""The contact-point registry's one writer: `designate_contact_point` (re-exported by
`oip.exchange.actions`). A change of designation is a newer row; the clocks read the terms of
the one in force (`oip.exchange.clocking.resolve_within`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from oip.accounts.models import Organisation
from oip.exchange import audit
from oip.exchange.fetch import PayloadInvalid, actor_for
from oip.exchange.models import ContactPoint
from oip.exchange.writes import actor_is_member, contact_point_errors, denied
from oip.site import clock

__all__ = ["designate_contact_point"]


def designate_contact_point(
    user: Any,
    organisation: Organisation,
    *,
    area: str,
    function: str = "primary",
    hours: str = "24x7",
    ack_within: str = "PT1H",
    reachability_limit: str = "PT30M",
    notified_to: Organisation | None = None,
    valid_from: dt.datetime | None = None,
    valid_to: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> ContactPoint:
    """Designate `organisation`'s contact point for `area` (a newer row replaces the one in
    force from its `valid_from`). By the organisation's admin or the OIP administrator
    (Refused `role` otherwise); PayloadInvalid naming every bad field: a function outside
    primary/deputy/duty_24x7, an area the organisation does not cover, hours neither `24x7`
    nor a calendar id, `within` values the clocks cannot read, an end not after the start."""
    moment = now or clock.now()
    actor = actor_for(user, moment, organisation if actor_is_member(user) else None)
    if not (
        actor.org_kind == "operator"
        or (actor.org == str(organisation.pk) and "org_admin" in actor.roles)
    ):
        raise denied(actor, "contact_point.designate", str(organisation.pk), "role")
    start = valid_from or moment
    errors = contact_point_errors(
        organisation, area, function, hours, ack_within, reachability_limit, start, valid_to
    )
    if errors:
        raise PayloadInvalid(errors)
    with transaction.atomic():
        point = ContactPoint.objects.create(
            organisation=organisation,
            area=area,
            function=function,
            hours=hours,
            ack_within=ack_within,
            reachability_limit=reachability_limit,
            designated_on=moment.date(),
            notified_to=notified_to,
            valid_from=start,
            valid_to=valid_to,
            recorded_at=clock.now(),
        )
        audit.append(
            "contact_point.designate",
            object_type="contact_point",
            object_id=str(point.pk),
            actor_user=actor.user,
            actor_org=actor.org,
            details={"organisation": str(organisation.pk), "area": area, "function": function},
        )
    return point
