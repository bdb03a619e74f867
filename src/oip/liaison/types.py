"""Plain values the liaison core takes and returns, shared by its modules and by the shell.

Pure: no Django. Every instant is an aware `datetime` in UTC; every date a `date`. The access
rule's values follow EXCHANGE.md §6.5.2, the clocks' §6.6.1-6.6.2; the escalation ladder §6.6.3.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal, Protocol

from oip.vocabulary import OrganisationKind, StandingStatus, Tlp

__all__ = [
    "Action",
    "Actor",
    "Audience",
    "ClockDef",
    "ClockState",
    "ClockStatus",
    "Decision",
    "DecisionLevel",
    "DeliveryFact",
    "Event",
    "Exceptional",
    "Item",
    "ItemRef",
    "Ladder",
    "LadderStep",
    "Party",
    "Reminder",
    "ReminderKey",
    "StandingLike",
    "Tlp",
]

Audience = Literal["addressed", "community"]
Party = Literal["sender", "recipient"]
Action = Literal["read", "send", "acknowledge", "respond", "export"]
DecisionLevel = Literal["none", "metadata", "content"]
ClockStatus = Literal["not_started", "running", "paused", "met", "late", "overdue"]


class StandingLike(Protocol):
    """What the access rule reads of a standing: `oip.conditionality.types.Standing` fits."""

    @property
    def tier(self) -> int: ...

    @property
    def status(self) -> StandingStatus: ...


# --- access (§6.5) ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Actor:
    """A person acting for one organisation, as the shell resolved them at the moment of use.

    `membership_valid` is computed by the shell from the validity periods at `now`; `clearance`
    is the member's highest readable TLP; `country` is None for EU bodies, `body` None for
    national organisations.
    """

    user: str
    org: str
    org_kind: OrganisationKind
    country: str | None
    body: str | None
    roles: frozenset[str]
    areas: frozenset[str]
    clearance: Tlp
    membership_valid: bool


@dataclass(frozen=True, slots=True)
class DeliveryFact:
    """What was true when an item was delivered to the actor's organisation."""

    cap_at_delivery: Tlp
    delivered_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Exceptional:
    """An EU liaison manager's addressing of one item above the country's cap (§6.5.1)."""

    justification: str
    expires_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Item:
    """A notification as the access rule sees it: metadata only, never content."""

    id: str
    template: str
    area: str
    tlp: Tlp
    audience: Audience
    originator_org: str
    addressees: frozenset[str]
    named: frozenset[str]
    exercise: str | None = None
    exercise_participants: frozenset[str] = frozenset()
    delivery: DeliveryFact | None = None
    exceptional: Exceptional | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """The access rule's answer. `reason` is a stable word the API returns (`above_tier_cap`,
    `withdrawn_suspension`, ...); `rule` names the policy line that decided, for explanations;
    `not_found` is true when the actor may not even learn the item exists (answer 404)."""

    allowed: bool
    level: DecisionLevel
    reason: str
    rule: str
    not_found: bool = False


# --- clocks (§6.6) ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClockDef:
    """One deadline of a template stage, as data (EXCHANGE.md §6.6.1).

    `start` / `stop` / `restart` are references:
      - `field.<name>`: an instant the sender declared in a payload (e.g. `field.aware_at`);
      - `event.<kind>`: the first event of that kind (`event.delivered`, `event.requested`,
        `event.acknowledged`, `event.recalled`, `event.attested`, `event.sent`, `event.answered`);
      - `stage.<stage>.submitted` / `stage.<stage>.delivered`: the first submission or delivery
        of that stage (or response) of the notification.
    `within` is an ISO 8601 duration (`PT24H`, `P35D`, `P1M`: hours-based durations are
    absolute; `P1M` is the same local time one calendar month later, clamped to the month's end),
    business time (`B10D` business days, `B4H` business hours), or a name the shell resolves
    per item (`contact_point.ack_within`, `contact_point.reachability_limit`, `request.within`).
    `calendar` is `24x7`, `calendar-days`, `sender`, `recipient` (that party's country), a
    country code, or `eu-institutions`. `restart` (with `restart_within`) starts the clock again
    from that reference when it occurs (FDI: 35 days, then 20 after additional information).
    """

    id: str
    start: str
    stop: str
    within: str
    calendar: str
    party: Party
    restart: str | None = None
    restart_within: str | None = None
    basis: str = ""


@dataclass(frozen=True, slots=True)
class Event:
    """One immutable fact of a notification's life, as the clocks read it.

    `at` is server time; `recorded_at` when the platform stored it (equal for live events, later
    for imports); `declared` holds sender-declared instants from the payload (`aware_at`,
    `handled_at`); `within` the requester's deadline on a `requested` event.
    """

    kind: str
    at: dt.datetime
    recorded_at: dt.datetime
    stage: str | None = None
    declared: tuple[tuple[str, dt.datetime], ...] = ()
    within: str | None = None
    org: str | None = None


@dataclass(frozen=True, slots=True)
class ClockState:
    """Where one clock stands at `now` (met: stopped in time; late: stopped after the due
    instant; overdue: still running past it). `fraction` is elapsed / allowed time (1.0 = due),
    business time for business clocks. `allowed` is the allowed time as a length (business
    days count 24 h, business hours their hours, a month 30 days), None when unknown; the
    ladder's "clocks of at most 24 h" rule reads it."""

    clock: str
    party: Party
    status: ClockStatus
    started_at: dt.datetime | None
    due_at: dt.datetime | None
    stopped_at: dt.datetime | None
    fraction: float
    overdue_by: dt.timedelta | None
    allowed: dt.timedelta | None = None


# --- escalation (§6.6.3) ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LadderStep:
    """Level `level` is reached at `fraction` of the allowed time; for clocks of at most
    `short_clock` length, `short_offset` after the due instant instead (L3: due + 1 h)."""

    level: int
    fraction: float
    notify: tuple[str, ...]
    short_clock: dt.timedelta | None = None
    short_offset: dt.timedelta | None = None


@dataclass(frozen=True, slots=True)
class Ladder:
    id: str
    steps: tuple[LadderStep, ...]


@dataclass(frozen=True, slots=True)
class ItemRef:
    """A notification and the recipient organisation a clock runs for."""

    notification: str
    org: str


@dataclass(frozen=True, slots=True)
class ReminderKey:
    """The outbox's unique key: one reminder per (notification, clock, level, recipient)."""

    notification: str
    clock: str
    level: int
    recipient: str


@dataclass(frozen=True, slots=True)
class Reminder:
    """A reminder to write into the outbox: links only, never content or titles."""

    key: ReminderKey
    notify: str
    due_at: dt.datetime | None
    state: ClockState
