"""The exchange's only scheduled job: one idempotent pass at `now` (EXCHANGE.md §6.6.5).

`tick(now)`, in order:
1. release the reachability challenges whose send time has come (`reachability.release_due`);
2. compute the clock states of every open item from its immutable events (the core's
   `clock_state`, the shell's event selection of `oip.exchange.clocking`), batched: a few
   queries for all items, none per item;
3. under the tick lock, `due_reminders` against the keys already in the outbox, INSERT the new
   rows (the UNIQUE key makes a second writer's row a no-op), enqueue `deliver` for each, and
   enqueue again the unsent rows whose delivery task was lost (a worker killed mid-task);
4. close the reachability tests whose deadline passed unanswered (`not_met`, one retry);
5. the withdrawal sweep: `Withdrawal` rows for items above the lowered cap of a country whose
   standing is suspended (`oip.exchange.sweep`), keyed so a rerun adds nothing.

Ticks on several workers at once are safe: step 3 runs under a lock (a PostgreSQL advisory
lock; SQLite's IMMEDIATE write lock), and every write is keyed by a UNIQUE constraint anyway.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from django.db import connection, connections, transaction
from django.db.models import Q, QuerySet
from django_tasks_db.models import DBTaskResult

from oip.accounts.models import Organisation
from oip.exchange import reachability
from oip.exchange.clocking import (
    DEFAULT_WITHIN,
    EU_CALENDAR,
    HORIZON,
    contact_terms,
    org_events,
    recent_events,
)
from oip.exchange.models import (
    Delivery,
    ExchangeEvent,
    Notification,
    Outbox,
    ReachabilityTest,
)
from oip.exchange.reads import policy
from oip.exchange.sweep import sweep_withdrawals
from oip.exchange.tasks import MAX_ATTEMPTS, deliver
from oip.liaison.calendars import Calendars, default_calendars
from oip.liaison.clocks import ClockError, clock_state
from oip.liaison.escalation import due_reminders
from oip.liaison.templates import shipped
from oip.liaison.types import ClockDef, ClockState, Event, ItemRef, Party, Reminder, ReminderKey

__all__ = ["HORIZON", "LEASE", "MAX_PER_TICK", "TickReport", "open_clock_states", "tick"]

#: A delivery task running longer than this is presumed lost with its worker.
LEASE = dt.timedelta(minutes=10)
_LOCK_KEY = 0x0E1C_7157  # the PostgreSQL advisory lock of the tick's writes
_CHUNK = 500
#: At most this many reminders are written (and enqueued) per tick: after an outage, a flood
#: is spread over the next ticks instead of holding the write lock for minutes (2 to 3 s
#: on SQLite); the highest levels go first.
MAX_PER_TICK = 2000


@dataclass(frozen=True, slots=True)
class TickReport:
    """What one tick did, as counts."""

    now: dt.datetime
    open_items: int = 0
    running_clocks: int = 0
    reminders: int = 0
    written: int = 0
    enqueued: int = 0
    redelivered: int = 0
    released: int = 0
    expired: int = 0
    withdrawals: int = 0


def tick(now: dt.datetime) -> TickReport:
    """One idempotent pass at `now`; running it again at the same `now` writes nothing new."""
    released = reachability.release_due(now)
    items, states = open_clock_states(now)
    with transaction.atomic():
        _lock()
        reminders = _due(states, now)
        written, enqueued = _write_outbox(reminders[:MAX_PER_TICK], now)
        redelivered = _redeliver_lost(now)
    expired = reachability.expire_due(now)
    swept = sweep_withdrawals(now)
    return TickReport(
        now=now,
        open_items=items,
        running_clocks=sum(1 for _, s, _ in states if s.status in ("running", "overdue")),
        reminders=len(reminders),
        written=written,
        enqueued=enqueued,
        redelivered=redelivered,
        released=len(released),
        expired=len(expired),
        withdrawals=swept,
    )


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


# --- clock states of the open items --------------------------------------------------------


def _open_ids(now: dt.datetime) -> QuerySet[ExchangeEvent, Any]:
    """The open items' ids, as a subquery: an event in the HORIZON up to `now`."""
    return recent_events(now).values("notification_id").distinct()


def open_clock_states(now: dt.datetime) -> tuple[int, list[tuple[ItemRef, ClockState, str]]]:
    """The number of open items and (item and organisation, clock state, ladder id) for every
    clock of every open item: sender clocks for the originator, recipient clocks for each
    organisation delivered to. Items of unknown templates, and clocks the core cannot compute
    (an unresolved name), are left out."""
    open_ids = _open_ids(now)
    notifications = [
        _Header(_id_text(header_id), template, area, _id_text(originator))
        for header_id, template, area, originator in _raw(
            Notification.objects.filter(id__in=open_ids).values_list(
                "id", "template", "area", "originator_org_id"
            )
        )
    ]
    events: dict[str, list[_EventRow]] = defaultdict(list)
    for event_nid, kind, at, recorded_at, stage, data, actor_org in _raw(
        ExchangeEvent.objects.filter(notification_id__in=open_ids)
        .order_by("notification_id", "seq")
        .values_list(
            "notification_id", "kind", "at", "recorded_at", "stage", "data", "actor_org_id"
        )
    ):
        events[_id_text(event_nid)].append(
            _EventRow(
                kind,
                _instant(at),
                _instant(recorded_at),
                stage,
                _json(data),
                _id_text(actor_org) if actor_org else None,
            )
        )
    delivered: dict[str, list[str]] = defaultdict(list)
    for delivered_nid, delivered_org in _raw(
        Delivery.objects.filter(notification_id__in=open_ids)
        .order_by("id")
        .values_list("notification_id", "organisation_id")
    ):
        delivered[_id_text(delivered_nid)].append(_id_text(delivered_org))
    limits = {
        str(tested): limit
        for tested, limit in ReachabilityTest.objects.filter(
            notification_id__in=open_ids
        ).values_list("notification_id", "limit")
    }
    calendars = default_calendars()
    countries = _calendar_ids(calendars)
    terms = contact_terms(now)
    out: list[tuple[ItemRef, ClockState, str]] = []
    forms: dict[str, tuple[tuple[ClockDef, ...], str] | None] = {}
    pairs: dict[tuple[str, str], dict[Party, str]] = {}
    for notification in notifications:
        nid = notification.id
        if notification.template not in forms:
            try:
                template = shipped().get(notification.template)
                forms[notification.template] = (template.clocks(), template.escalation)
            except KeyError:
                forms[notification.template] = None
        form = forms[notification.template]
        if form is None:
            continue
        clocks, ladder = form
        originator = notification.originator_org_id
        recipients = delivered.get(nid, [])
        rows = events.get(nid, [])
        seen: dict[str, list[Event]] = {}
        for defn in clocks:
            orgs = [originator] if defn.party == "sender" else recipients
            for org in orgs:
                recipient = org if defn.party == "recipient" else (recipients or [""])[0]
                if org not in seen:
                    seen[org] = org_events(cast(Any, notification), cast(Any, rows), org)
                within = None
                if defn.within.startswith("contact_point."):
                    within = limits.get(nid) if defn.within.endswith("reachability_limit") else None
                    within = within or terms.get((recipient, notification.area), {}).get(
                        defn.within, DEFAULT_WITHIN.get(defn.within)
                    )
                party_calendars = pairs.get((originator, recipient))
                if party_calendars is None:
                    party_calendars = pairs[(originator, recipient)] = {
                        "sender": countries.get(originator, EU_CALENDAR),
                        "recipient": countries.get(recipient, EU_CALENDAR),
                    }
                try:
                    state = clock_state(
                        defn, seen[org], now, calendars, countries=party_calendars, within=within
                    )
                except (ClockError, KeyError):
                    continue
                out.append((ItemRef(nid, org), state, ladder))
    return len(notifications), out


# Tens of thousands of rows per tick: read them with the database driver's own conversions
# (a third of the ORM's cost) and normalise the few differences between SQLite (text) and
# PostgreSQL (native types) here.


def _raw(query: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """The rows of a `values_list` query, as the driver returns them (no ORM converters)."""
    sql, params = query.query.sql_with_params()
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


@lru_cache(maxsize=100_000)
def _id_text(value: Any) -> str:
    """A UUID as its canonical text, whether the driver gave a UUID or 32 hex digits."""
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))


def _instant(value: Any) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _json(value: Any) -> Any:
    if isinstance(value, str | bytes):
        return json.loads(value) if value not in ("{}", b"{}", "") else {}
    return value if value is not None else {}


@dataclass(frozen=True, slots=True)
class _Header:
    """What the clocks read of a notification."""

    id: str
    template: str
    area: str
    originator_org_id: str


@dataclass(frozen=True, slots=True)
class _EventRow:
    """What `clocking.org_events` reads of an `ExchangeEvent` row."""

    kind: str
    at: dt.datetime
    recorded_at: dt.datetime
    stage: str
    data: Any
    actor_org_id: Any


def _calendar_ids(calendars: Calendars) -> dict[str, str]:
    """Each organisation's calendar: its country's, the EU institutions' for EU bodies."""
    ids = {}
    for org, country in Organisation.objects.values_list("id", "country_id"):
        code = str(country).lower() if country else EU_CALENDAR
        ids[str(org)] = code if code == EU_CALENDAR or code in calendars else "calendar-days"
    return ids


# --- the outbox ----------------------------------------------------------------------------


class _Written(AbstractSet[ReminderKey]):
    """The reminder keys already in the outbox, held as the key strings the table stores (no
    per-row conversion of tens of thousands of rows)."""

    def __init__(self, keys: set[str]) -> None:
        self._keys = keys

    def __contains__(self, key: object) -> bool:
        return isinstance(key, ReminderKey) and outbox_key(key) in self._keys

    def __iter__(self) -> Iterator[ReminderKey]:
        for text in self._keys:
            notification, clock_id, level, recipient = text.split("|", 3)
            yield ReminderKey(notification, clock_id, int(level), recipient)

    def __len__(self) -> int:
        return len(self._keys)


def _due(states: list[tuple[ItemRef, ClockState, str]], now: dt.datetime) -> list[Reminder]:
    """Reminders due and not yet in the outbox (read under the lock)."""
    by_ladder: dict[str, list[tuple[ItemRef, ClockState]]] = defaultdict(list)
    for ref, state, ladder in states:
        if state.status in ("running", "overdue"):
            by_ladder[ladder].append((ref, state))
    if not by_ladder:
        return []
    written = _Written(
        set(Outbox.objects.filter(notification_id__in=_open_ids(now)).values_list("key", flat=True))
    )
    out: list[Reminder] = []
    for ladder_id, pairs in by_ladder.items():
        out += due_reminders(pairs, policy().ladder(ladder_id), written)
    # Highest level first, then the longest overdue: what a capped tick must not postpone.
    out.sort(key=lambda r: (-r.key.level, r.due_at or now))
    return out


def outbox_key(key: ReminderKey) -> str:
    """The outbox's unique key text: "notification|clock|level|recipient"."""
    return f"{key.notification}|{key.clock}|{key.level}|{key.recipient}"


def _write_outbox(reminders: list[Reminder], now: dt.datetime) -> tuple[int, int]:
    rows = [
        Outbox(
            key=outbox_key(r.key),
            notification_id=r.key.notification,
            clock=r.key.clock,
            level=r.key.level,
            recipient=r.key.recipient,
            created_at=now,
        )
        for r in reminders
    ]
    Outbox.objects.bulk_create(rows, ignore_conflicts=True, batch_size=_CHUNK)
    ids: list[int] = []
    for chunk in _chunks([row.key for row in rows]):
        ids += Outbox.objects.filter(
            key__in=chunk, created_at=now, sent_at__isnull=True, attempts=0
        ).values_list("id", flat=True)
    for outbox_id in sorted(ids):
        deliver.enqueue(outbox_id)
    return len(ids), len(ids)


def _redeliver_lost(now: dt.datetime) -> int:
    """Enqueue again the e-mail reminders still unsent that no live task will deliver: written
    more than LEASE ago, no task waiting for them, none running for less than LEASE (a killed
    worker's task stays `RUNNING` for ever)."""
    candidates = list(
        Outbox.objects.filter(
            sent_at__isnull=True,
            channel="email",
            attempts__lt=MAX_ATTEMPTS,
            created_at__lte=now - LEASE,
        ).values_list("id", flat=True)
    )
    if not candidates:
        return 0
    pending: set[int] = set()
    for args in DBTaskResult.objects.filter(
        Q(status="READY") | Q(status="RUNNING", started_at__gte=now - LEASE),
        task_path=deliver.module_path,
    ).values_list("args_kwargs", flat=True):
        pending.update(int(a) for a in args.get("args", [])[:1])
    lost = [pk for pk in candidates if pk not in pending]
    for outbox_id in lost:
        deliver.enqueue(outbox_id)
    return len(lost)


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]
