"""The inbox: the items a reader may see, with their clock states, most urgent first (§6.16).

Bounded work whatever the history: the candidates are selected in SQL from the reader's side
(deliveries to its organisation, its own items, the addressees naming it or its user, and for
an EU body the community items of its areas; every item for the operator), each source walked
by recency on its index and cut at `PAGE` rows. Only that page is read with its events and
clocked; the access rule decides every row. `state="open"` keeps the items with an event in
the HORIZON (the tick's definition, `oip.exchange.clocking.recent_events`) whose clock still
runs (or that wait for the reader's acknowledgement), most urgent first, at most `ROWS`;
`state="all"` pages by date: the `ROWS` newest visible items created before `before`.
"""

from __future__ import annotations

import datetime as dt
import heapq
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects

from oip.accounts.models import Organisation
from oip.exchange.clocking import HORIZON, item_clocks, recent_events
from oip.exchange.crypto import IntegrityFailure
from oip.exchange.fetch import actor_for, item_for, memo_standing, policy, title_of
from oip.exchange.models import (
    Addressee,
    Delivery,
    ExceptionalAddressing,
    ExchangeEvent,
    Notification,
    Submission,
)
from oip.liaison.access import decide
from oip.liaison.types import Actor, ClockState, Decision
from oip.site import clock

__all__ = ["PAGE", "ROWS", "RUNNING", "InboxRow", "inbox"]

#: Candidates read per call: the most recent of each source, then of all. Twice the rows
#: answered: a page's rows are thousands of objects (events, deliveries, addressees), and
#: past ~100 candidates their collection dominates the call (§6.16: p95 <= 150 ms).
PAGE = 100
#: Rows an inbox answers at most.
ROWS = 50
RUNNING = frozenset({"running", "overdue", "paused"})
#: The lists a page's items are given (`_page`), dropped after use (`_release`).
PREFETCHED = (
    "all_addressees",
    "all_events",
    "first_delivery",
    "first_revisions",
    "reader_deliveries",
    "reader_exceptional",
    "_prefetched_objects_cache",
)


@dataclass(frozen=True, slots=True)
class InboxRow:
    """One item of an inbox: its header, the decision, the title when content may be read, its
    clock states for the reader's organisation, and whether it is still open."""

    id: str
    template: str
    area: str
    tlp: str
    audience: str
    originator_org: str
    created_at: dt.datetime
    title: str | None
    decision: Decision
    clocks: tuple[ClockState, ...]
    open: bool
    overdue: bool
    next_due: dt.datetime | None


def _walk(
    rows: QuerySet[Any, Any],
    prefix: str,
    order: str,
    *,
    area: str | None,
    before: dt.datetime | None,
    open_at: dt.datetime | None,
) -> list[tuple[dt.datetime, uuid.UUID]]:
    """The `PAGE` most recent (by `order`) of one source as (instant, notification id);
    `prefix` leads from the source's rows to their notification ("" for notifications).

    With `open_at`, open items only (an event in the HORIZON up to `open_at`). A row whose
    `order` instant is in the HORIZON is open without looking further (that instant is an
    event's: the item's `submitted`, or the `delivered` of a delivery), so the events are
    probed only for older rows, and only when the recent ones do not fill the page."""
    if area is not None:
        rows = rows.filter(**{f"{prefix}area": area})
    if before is not None:
        rows = rows.filter(**{f"{prefix}created_at__lt": before})
    column = "notification_id" if prefix else "id"
    if open_at is None:
        return _first(rows, order, column, PAGE)
    since = open_at - HORIZON
    found = _first(
        rows.filter(**{f"{order}__gte": since, f"{order}__lte": open_at}), order, column, PAGE
    )
    if len(found) < PAGE:
        recent = recent_events(open_at).filter(notification_id=OuterRef(column))
        older = rows.filter(**{f"{order}__lt": since}).filter(Exists(recent))
        found += _first(older, order, column, PAGE - len(found))
    return found


def _first(
    rows: QuerySet[Any, Any], order: str, column: str, count: int
) -> list[tuple[dt.datetime, uuid.UUID]]:
    return [(at, nid) for at, nid in rows.order_by(f"-{order}").values_list(order, column)[:count]]


def _candidate_ids(
    actor: Actor,
    user: Any,
    area: str | None,
    before: dt.datetime | None,
    open_at: dt.datetime | None,
) -> list[uuid.UUID]:
    """The ids of the `PAGE` most recent items the actor's organisation might see."""
    walk: dict[str, Any] = {"area": area, "before": before, "open_at": open_at}
    if actor.org_kind == "operator":
        sources = [_walk(Notification.objects.all(), "", "created_at", **walk)]
    elif not actor.org:
        return []
    else:
        sources = [
            _walk(
                Delivery.objects.filter(organisation_id=actor.org),
                "notification__",
                "delivered_at",
                **walk,
            ),
            _walk(
                Notification.objects.filter(Q(originator_org_id=actor.org)),
                "",
                "created_at",
                **walk,
            ),
        ]
        if getattr(user, "pk", None) is not None:
            # Addressed organisations are delivered to (`actions.send`): the deliveries
            # cover them; the addressees add the items naming the user (RED).
            named = Addressee.objects.filter(named_user_id=user.pk)
            sources.append(_walk(named, "notification__", "recorded_at", **walk))
        if actor.org_kind == "eu_body":
            # One walk per area: each reads the (area, created_at) index newest first.
            for each in sorted(actor.areas):
                if area is None or each == area:
                    community = Notification.objects.filter(audience="community", area=each)
                    sources.append(_walk(community, "", "created_at", **walk))
    ids: dict[uuid.UUID, None] = {}
    for _, nid in heapq.merge(*sources, reverse=True):
        ids.setdefault(nid, None)
        if len(ids) == PAGE:
            break
    return list(ids)


def _page(actor: Actor, ids: list[uuid.UUID]) -> list[Notification]:
    """The candidates with what the rule and the clocks read, newest first."""
    reader = actor.org or None
    page: list[Notification] = list(
        Notification.objects.filter(id__in=ids)
        .select_related("created_by", "originator_org")
        .prefetch_related(
            Prefetch(
                "addressees",
                queryset=Addressee.objects.select_related("named_user")
                .defer("recorded_at")
                .order_by("id"),
                # A list (`to_attr`): a prefetch into the manager makes a queryset per item.
                to_attr="all_addressees",
            ),
            Prefetch(
                "deliveries",
                queryset=Delivery.objects.filter(organisation_id=reader)
                .defer("recorded_at")
                .order_by("id")
                if reader
                else Delivery.objects.none(),
                to_attr="reader_deliveries",
            ),
            Prefetch(
                "exceptional",
                queryset=ExceptionalAddressing.objects.filter(organisation_id=reader).order_by("id")
                if reader
                else ExceptionalAddressing.objects.none(),
                to_attr="reader_exceptional",
            ),
            Prefetch(
                "events",
                queryset=ExchangeEvent.objects.defer("declared_at").order_by("seq"),
                to_attr="all_events",
            ),
            Prefetch(
                "submissions",
                queryset=Submission.objects.filter(revision=1)
                .defer("payload_ct", "payload_mac", "clock_fields", "submitted_at", "recorded_at")
                .select_related("data_key")
                .order_by("id"),
                to_attr="first_revisions",
            ),
        )
        .order_by("-created_at", "id")
    )
    # What the originator's clocks read for its own items: the first recipient's calendar.
    prefetch_related_objects(
        [n for n in page if str(n.originator_org_id) == actor.org or not actor.org],
        Prefetch(
            "deliveries",
            queryset=Delivery.objects.select_related("organisation").order_by("id")[:1],
            to_attr="first_delivery",
        ),
    )
    return page


def inbox(
    user: Any,
    now: dt.datetime | None = None,
    area: str | None = None,
    state: str = "open",
    org: Organisation | str | None = None,
    before: dt.datetime | None = None,
) -> list[InboxRow]:
    """The items `user` may see now (the access rule decides each), with their clock states,
    most urgent first: overdue (longest overdue first), then by nearest due instant, then
    newest. `state` "open" keeps items with an event in the HORIZON, not withdrawn, with a
    clock still running (or not yet acknowledged by the reader's organisation), read from the
    `PAGE` most recent candidates, at most `ROWS`; "all" keeps the `ROWS` newest visible items
    created before `before` (a page; the next one starts before the last row's `created_at`).
    Titles are given only where content may be read; reads are not audited (no content)."""
    moment = now or clock.now()
    actor = actor_for(user, moment, org)
    if not actor.membership_valid:
        return []
    reader = Organisation.objects.filter(pk=actor.org).first() if actor.org else None
    ids = _candidate_ids(actor, user, area, before, moment if state == "open" else None)
    page = _page(actor, ids)
    try:
        found = _rows(actor, page, state, moment, reader)
    finally:
        _release(page)
    return sorted(found, key=_urgency)[:ROWS]


def _rows(
    actor: Actor,
    page: list[Notification],
    state: str,
    moment: dt.datetime,
    reader: Organisation | None,
) -> list[InboxRow]:
    """The page's rows the rule lets the actor see (and, for "open", the open ones)."""
    standing = memo_standing()
    rules = policy()
    withins: dict[tuple[str, str, str], str | None] = {}
    found: list[InboxRow] = []
    for notification in page:
        item = item_for(notification, actor.org)
        decision = decide(actor, item, "read", standing, rules, moment)
        if not decision.allowed:
            continue
        events: list[ExchangeEvent] = getattr(notification, "all_events", [])
        withdrawn = any(
            e.kind == "withdrawn" and e.actor_org_id == notification.originator_org_id
            for e in events
        )
        if withdrawn and actor.org != item.originator_org:
            continue
        content = decision.level == "content"
        clocks = (
            item_clocks(notification, events, actor.org, moment, reader=reader, withins=withins)
            if content
            else ()
        )
        acknowledged = any(
            e.kind == "acknowledged" and str(e.actor_org_id) == actor.org for e in events
        )
        waiting = actor.org != item.originator_org and not acknowledged and content
        recent = any(moment - HORIZON <= e.at <= moment for e in events)
        running = waiting or any(c.status in RUNNING for c in clocks)
        is_open = recent and not withdrawn and running
        if state == "open" and not is_open:
            continue
        title: str | None = None
        if content:
            try:
                firsts = getattr(notification, "first_revisions", [])
                title = title_of(notification, firsts[0] if firsts else None)
            except IntegrityFailure:
                title = None
        dues = [c.due_at for c in clocks if c.status in RUNNING and c.due_at is not None]
        found.append(
            InboxRow(
                id=str(notification.id),
                template=notification.template,
                area=notification.area,
                tlp=notification.tlp,
                audience=notification.audience,
                originator_org=item.originator_org,
                created_at=notification.created_at,
                title=title,
                decision=decision,
                clocks=clocks,
                open=is_open,
                overdue=any(c.status == "overdue" for c in clocks),
                next_due=min(dues) if dues else None,
            )
        )
        if state != "open" and len(found) == ROWS:
            break
    return found


def _release(page: list[Notification]) -> None:
    """Break the page's reference cycles (each prefetched row points back at its item), so
    reference counting frees it at once: left to the collector, a page's thousands of rows
    cost a full collection of the heap every few calls (~0.1 s)."""
    for notification in page:
        for name in PREFETCHED:
            notification.__dict__.pop(name, None)


def _urgency(row: InboxRow) -> tuple[int, float, float]:
    if row.overdue:
        worst = max((c.overdue_by for c in row.clocks if c.overdue_by), default=dt.timedelta())
        return (0, -worst.total_seconds(), -row.created_at.timestamp())
    if row.next_due is not None:
        return (1, row.next_due.timestamp(), -row.created_at.timestamp())
    return (2, 0.0, -row.created_at.timestamp())
