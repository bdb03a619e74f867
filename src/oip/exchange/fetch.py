"""The exchange's boundary: rows in, the pure core's values out, and the refusals' vocabulary.

`actor_for` (who is acting, from memberships), `item_for` (a notification as the access rule
sees it), `standing_for` (the engine's standing, `fresh=True`), `policy` (the shipped access
policy), and the errors every action and read raises: `NotFound` (404: the actor may not know
the item exists), `Refused` (403, with the access rule's `reason`), `PayloadInvalid` (422,
every problem at its JSON pointer). `oip.exchange.reads` re-exports all of them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, NoReturn

from oip.accounts.models import Membership, Organisation
from oip.conditionality.types import Standing
from oip.exchange import audit, crypto
from oip.exchange.crypto import IntegrityFailure
from oip.exchange.models import (
    Delivery,
    ExceptionalAddressing,
    ExerciseParticipant,
    Notification,
    Submission,
)
from oip.liaison.policy import Policy, load_policy
from oip.liaison.templates import PayloadError
from oip.liaison.types import Actor, Decision, DeliveryFact, Exceptional, Item
from oip.standings.standing import standing as engine_standing
from oip.vocabulary import TLP_LEVELS

__all__ = [
    "ExchangeError",
    "NotFound",
    "PayloadInvalid",
    "Refused",
    "actor_for",
    "item_for",
    "memo_standing",
    "notification_or_404",
    "policy",
    "refuse",
    "standing_for",
    "title_of",
]


class ExchangeError(Exception):
    """Base of the exchange's refusals."""


class NotFound(ExchangeError):
    """404: no such item, or one the actor may not know exists."""


class Refused(ExchangeError):
    """403: the actor may know the item exists but may not do this; `reason` is the rule's."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PayloadInvalid(ExchangeError):
    """422: what was sent does not fit; every problem, each at its JSON pointer."""

    def __init__(self, errors: Sequence[PayloadError]) -> None:
        super().__init__("; ".join(f"{e.pointer or '/'}: {e.message}" for e in errors))
        self.errors = list(errors)


@cache
def policy() -> Policy:
    """The shipped access policy, read once per process."""
    return load_policy()


# Actors and items


def actor_for(user: Any, now: dt.datetime, org: Organisation | str | None = None) -> Actor:
    """The `Actor` `user` is at `now`, from the memberships valid then.

    With several organisations, `org` (an Organisation or its id) chooses; otherwise the first.
    Roles and areas are the union over the memberships of that organisation, the clearance
    their highest. A superuser with no membership is the operator (metadata only); anyone else
    without a valid membership is an actor whose `membership_valid` is false.
    """
    memberships = list(
        Membership.objects.valid_at(now).filter(user=user).select_related("organisation")
    )
    if org is not None:
        org_id = str(org.pk if isinstance(org, Organisation) else org)
        memberships = [m for m in memberships if str(m.organisation_id) == org_id]
    if not memberships:
        operator = bool(getattr(user, "is_superuser", False)) and org is None
        return Actor(
            user=user.get_username(),
            org="" if operator else str(org.pk if isinstance(org, Organisation) else org or ""),
            org_kind="operator" if operator else "national",
            country=None,
            body=None,
            roles=frozenset(),
            areas=frozenset(),
            clearance="clear",
            membership_valid=operator,
        )
    organisation = memberships[0].organisation
    mine = [m for m in memberships if m.organisation_id == organisation.pk]
    return Actor(
        user=user.get_username(),
        org=str(organisation.pk),
        org_kind=organisation.kind,  # type: ignore[arg-type]
        country=organisation.country_id,
        body=organisation.body or None,
        roles=frozenset(m.role for m in mine),
        areas=frozenset(a for m in mine for a in m.areas),
        clearance=max((m.clearance for m in mine), key=TLP_LEVELS.index),  # type: ignore[misc]
        membership_valid=True,
    )


def standing_for(country: str, area: str, day: dt.date) -> Standing:
    """The engine's standing, fresh: every evidence write committed before the call counts."""
    return engine_standing(country, area, day, fresh=True)


def memo_standing() -> Callable[[str, str, dt.date], Standing]:
    """`standing_for`, memoised for one read of many items (one engine call per country)."""
    seen: dict[tuple[str, str, dt.date], Standing] = {}

    def lookup(country: str, area: str, day: dt.date) -> Standing:
        key = (country, area, day)
        if key not in seen:
            seen[key] = standing_for(country, area, day)
        return seen[key]

    return lookup


def item_for(notification: Notification, org: Organisation | str | None) -> Item:
    """The notification as the access rule sees it, for a reader of `org` (its delivery).

    Reads `addressees` (for many items, prefetch them with `named_user` as the list
    `all_addressees`) and the reader's delivery (a prefetched `reader_deliveries` list when
    present)."""
    org_id = str(org.pk if isinstance(org, Organisation) else org or "")
    # A list read ahead for many items (`all_addressees`), or the related rows.
    ahead = getattr(notification, "all_addressees", None)
    addressees = list(ahead if ahead is not None else notification.addressees.all())
    delivery = None
    if org_id:
        # A list read ahead for many items (`reader_deliveries`), or one query.
        prefetched = getattr(notification, "reader_deliveries", None)
        if prefetched is not None:
            row = next((d for d in prefetched if str(d.organisation_id) == org_id), None)
        else:
            row = Delivery.objects.filter(notification=notification, organisation_id=org_id).first()
        if row is not None:
            delivery = DeliveryFact(row.cap_at_delivery, row.delivered_at)
    named = {a.named_user.get_username() for a in addressees if a.named_user is not None}
    named.add(notification.created_by.get_username())  # the author is always named
    players: frozenset[str] = frozenset()
    if notification.exercise:
        # An exercise item is readable by its participants only (§6.8).
        players = frozenset(
            str(o)
            for o in ExerciseParticipant.objects.filter(
                exercise_id=notification.exercise
            ).values_list("organisation_id", flat=True)
        )
    return Item(
        id=str(notification.id),
        template=notification.template,
        area=notification.area,
        tlp=notification.tlp,  # type: ignore[arg-type]
        audience=notification.audience,  # type: ignore[arg-type]
        originator_org=str(notification.originator_org_id),
        addressees=frozenset(
            str(a.organisation_id) for a in addressees if a.organisation_id is not None
        ),
        named=frozenset(named),
        exercise=str(notification.exercise) if notification.exercise else None,
        exercise_participants=players,
        delivery=delivery,
        exceptional=_exceptional(notification, org_id),
    )


def _exceptional(notification: Notification, org_id: str) -> Exceptional | None:
    """The reader's organisation's exceptional addressing of the item (§6.5.1), if any: only
    EU bodies address exceptionally, so other items cost no query. A prefetched
    `reader_exceptional` list is used when present."""
    if not org_id or notification.originator_org.kind != "eu_body":
        return None
    prefetched = getattr(notification, "reader_exceptional", None)
    if prefetched is not None:
        row = next((e for e in prefetched if str(e.organisation_id) == org_id), None)
    else:
        row = ExceptionalAddressing.objects.filter(
            notification=notification, organisation_id=org_id
        ).first()
    return Exceptional(row.justification, row.expires_at) if row is not None else None


def notification_or_404(notification_id: str | uuid.UUID) -> Notification:
    try:
        key = uuid.UUID(str(notification_id))
    except ValueError:
        raise NotFound(str(notification_id)) from None
    found = (
        Notification.objects.select_related("created_by", "originator_org").filter(pk=key).first()
    )
    if found is None:
        raise NotFound(str(notification_id))
    return found


def refuse(actor: Actor, action: str, notification: Notification, decision: Decision) -> NoReturn:
    """Audit a denial and raise NotFound or Refused as the decision says."""
    audit.append(
        action,
        object_type="notification",
        object_id=str(notification.id),
        actor_user=actor.user,
        actor_org=actor.org,
        tlp=notification.tlp,
        outcome=f"denied:{decision.reason}",
        details={"rule": decision.rule},
    )
    if decision.not_found:
        raise NotFound(str(notification.id))
    raise Refused(decision.reason)


def title_of(notification: Notification, first: Submission | None = None) -> str:
    """The title, decrypted when it is stored encrypted (AMBER+STRICT, RED)."""
    if notification.title_ct is None:
        return notification.title_clear
    first = first or notification.submissions.order_by("id").select_related("data_key").first()
    key = getattr(first, "data_key", None) if first is not None else None
    if first is None or key is None:
        raise IntegrityFailure("data key shredded")
    data_key = crypto.unwrap(key.key_id, bytes(key.wrapped))
    return crypto.open_text(
        bytes(notification.title_ct),
        data_key,
        notification_id=str(notification.id),
        tlp=notification.tlp,
    )
