"""Clock states of a notification, computed on read from its immutable events (§6.6).

The shell's part of the clocks: turn `ExchangeEvent` rows into the core's `Event` values, pick
the events one organisation's clocks run on, resolve what the core leaves to the shell (the
contact point's `ack_within` / `reachability_limit`, the sender's and recipient's calendars),
and call `oip.liaison.clocks.clock_state` for every clock of the template.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import QuerySet

from oip.accounts.models import Organisation
from oip.exchange.models import ContactPoint, ExchangeEvent, Notification
from oip.liaison.calendars import Calendars, default_calendars
from oip.liaison.clocks import ClockError, clock_state
from oip.liaison.templates import shipped
from oip.liaison.types import ClockDef, ClockState, Event, Party

__all__ = [
    "DEFAULT_WITHIN",
    "HORIZON",
    "core_event",
    "item_clocks",
    "org_events",
    "recent_events",
    "resolve_within",
]

#: The sender's facts every party's clocks may read (whoever looks at the item).
SENDER_KINDS = frozenset({"submitted", "withdrawn", "recalled", "sent"})
#: When an organisation has no contact point in force: 1 h (24x7) and 30 min (§6.6.1).
DEFAULT_WITHIN = {"contact_point.ack_within": "PT1H", "contact_point.reachability_limit": "PT30M"}
EU_CALENDAR = "eu-institutions"
#: An item is open while it had an event in this period (the tick's and the inbox's one
#: definition): every shipped clock (at most a month and a restart) reaches its last
#: escalation level well within it.
HORIZON = dt.timedelta(days=90)


def recent_events(now: dt.datetime) -> QuerySet[ExchangeEvent]:
    """The events of the HORIZON up to `now`: an item with one of them is open."""
    return ExchangeEvent.objects.filter(at__gte=now - HORIZON, at__lte=now)


def _instant(text: Any) -> dt.datetime | None:
    if not isinstance(text, str):
        return None
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def core_event(row: ExchangeEvent) -> Event:
    """The core's value of one stored event (declared instants and a request's `within`)."""
    data = row.data if isinstance(row.data, Mapping) else {}
    declared_raw = data.get("declared", {})
    declared = tuple(
        (name, instant)
        for name, value in sorted(declared_raw.items() if isinstance(declared_raw, dict) else [])
        if (instant := _instant(value)) is not None
    )
    within = data.get("within")
    return Event(
        kind=row.kind,
        at=row.at,
        recorded_at=row.recorded_at,
        stage=row.stage or None,
        declared=declared,
        within=within if isinstance(within, str) else None,
        org=str(row.actor_org_id) if row.actor_org_id else None,
    )


def org_events(
    notification: Notification, events: Iterable[ExchangeEvent], org: str
) -> list[Event]:
    """The events `org`'s clocks run on: all of them for the originator; for a recipient its
    own organisation's, the sender's facts and the originator's responses."""
    originator = str(notification.originator_org_id)
    chosen = []
    for row in events:
        actor_org = str(row.actor_org_id or "")
        if (
            org == originator
            or actor_org == org
            or row.kind in SENDER_KINDS
            or (row.kind == "responded" and actor_org == originator)
        ):
            chosen.append(core_event(row))
    return chosen


def points_in_force(now: dt.datetime) -> QuerySet[ContactPoint]:
    """The contact-point designations in force at `now`, the one that counts first for each
    (organisation, area): by function (`deputy`, `duty_24x7`, `primary`), then latest."""
    return (
        ContactPoint.objects.filter(valid_from__lte=now)
        .exclude(valid_to__lte=now)
        .order_by("function", "-valid_from")
    )


def contact_terms(now: dt.datetime) -> dict[tuple[str, str], dict[str, str]]:
    """The clock terms of the contact point in force per (organisation id, area) at `now`, as
    `within` names them (`contact_point.ack_within`, `contact_point.reachability_limit`): the
    same choice as `resolve_within`, read once for many items (the tick, the evidence run)."""
    terms: dict[tuple[str, str], dict[str, str]] = {}
    for org, area, ack, limit in points_in_force(now).values_list(
        "organisation_id", "area", "ack_within", "reachability_limit"
    ):
        terms.setdefault(
            (str(org), area),
            {"contact_point.ack_within": ack, "contact_point.reachability_limit": limit},
        )
    return terms


def resolve_within(defn: ClockDef, org: str, area: str, now: dt.datetime) -> str | None:
    """The per-item `within` of a clock whose definition names the contact point's terms."""
    if not defn.within.startswith("contact_point."):
        return None
    if not org:
        return DEFAULT_WITHIN.get(defn.within)
    field = defn.within.removeprefix("contact_point.")
    point = points_in_force(now).filter(organisation_id=org, area=area).first()
    value = getattr(point, field, None) if point is not None else None
    return value if isinstance(value, str) and value else DEFAULT_WITHIN.get(defn.within)


def _calendar_id(organisation: Organisation | None, calendars: Calendars) -> str:
    if organisation is None or organisation.country_id is None:
        return EU_CALENDAR
    code = str(organisation.country_id).lower()
    return code if code in calendars else "calendar-days"


def item_clocks(
    notification: Notification,
    events: Iterable[ExchangeEvent],
    org: str,
    now: dt.datetime,
    known_at: dt.datetime | None = None,
    *,
    reader: Organisation | None = None,
    withins: dict[tuple[str, str, str], str | None] | None = None,
) -> tuple[ClockState, ...]:
    """Every clock of the notification's template as `org` sees it at `now` (in template
    order). A clock the core cannot compute for this item (an unresolved name) is left out.

    For many items of one reader, pass its Organisation (`reader`) and one `withins` dict:
    the contact point's terms are then read once per (organisation, area, name)."""
    try:
        template = shipped().get(notification.template)
    except KeyError:
        return ()
    calendars = default_calendars()
    originator = notification.originator_org
    recipient_org: Organisation | None = None
    if org and org != str(notification.originator_org_id):
        if reader is not None and str(reader.pk) == org:
            recipient_org = reader
        else:
            recipient_org = Organisation.objects.filter(pk=org).first()
    else:
        # The first delivery's organisation: read ahead for many items (`first_delivery`, a
        # list of at most one, with its organisation), or one query.
        ahead = getattr(notification, "first_delivery", None)
        if ahead is not None:
            first = ahead[0] if ahead else None
        else:
            first = notification.deliveries.select_related("organisation").order_by("id").first()
        recipient_org = first.organisation if first is not None else None
    countries: dict[Party, str] = {
        "sender": _calendar_id(originator, calendars),
        "recipient": _calendar_id(recipient_org, calendars),
    }
    mine = org_events(notification, events, org)
    recipient_id = str(recipient_org.pk) if recipient_org is not None else ""
    states = []
    cache: dict[tuple[str, str, str], str | None] = {} if withins is None else withins
    for defn in template.clocks():
        key = (recipient_id, notification.area, defn.within)
        if key not in cache:
            cache[key] = resolve_within(defn, recipient_id, notification.area, now)
        within = cache[key]
        try:
            states.append(
                clock_state(
                    defn, mine, now, calendars, known_at, countries=countries, within=within
                )
            )
        except (ClockError, KeyError):
            continue
    return tuple(states)
