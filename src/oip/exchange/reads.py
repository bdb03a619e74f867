"""The exchange's read path: who is acting, what an item is, and what they may see of it.

Convert at the boundary: rows become the pure core's values (`Actor`, `Item`, `Event`), the
core decides (`oip.liaison.access.decide`, on the standing read with `fresh=True`, on every
read) and computes clocks (`oip.liaison.clocks.clock_state`). Denials, and reads at AMBER and
above, are audited; a MAC or GCM failure writes an `integrity_error` audit event and raises
`IntegrityFailure` (never a crash, never the altered bytes).

Errors with a vocabulary: `NotFound` (404: the actor may not know the item exists), `Refused`
(403, with the access rule's `reason`), `PayloadInvalid` (422, the actions'), and
`IntegrityFailure` (from `oip.exchange.crypto`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any, NoReturn

from oip.accounts.models import Organisation
from oip.exchange import audit, crypto
from oip.exchange.clocking import item_clocks
from oip.exchange.crypto import IntegrityFailure
from oip.exchange.fetch import (
    ExchangeError,
    NotFound,
    PayloadInvalid,
    Refused,
    actor_for,
    item_for,
    memo_standing,
    notification_or_404,
    policy,
    refuse,
    standing_for,
    title_of,
)
from oip.exchange.inbox import InboxRow, inbox
from oip.exchange.models import (
    ExchangeEvent,
    Notification,
    Submission,
)
from oip.liaison.access import decide
from oip.liaison.tlp import rank
from oip.liaison.types import Actor, ClockState, Decision
from oip.site import clock

__all__ = [
    "ExchangeError",
    "InboxRow",
    "IntegrityFailure",
    "NotFound",
    "Opened",
    "OpenedSubmission",
    "PayloadInvalid",
    "Refused",
    "ThreadEvent",
    "actor_for",
    "inbox",
    "item_for",
    "memo_standing",
    "notification_or_404",
    "open_item",
    "policy",
    "refuse",
    "standing_for",
    "title_of",
]

AUDITED_FROM = rank("amber")


# Opening an item


@dataclass(frozen=True, slots=True)
class OpenedSubmission:
    id: int
    stage: str
    kind: str
    revision: int
    submitted_by: str
    submitted_org: str
    submitted_at: dt.datetime
    supersedes: int | None
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ThreadEvent:
    seq: int
    kind: str
    at: dt.datetime
    stage: str
    actor_user: str
    actor_org: str


@dataclass(frozen=True, slots=True)
class Opened:
    """What a reader gets: the decision, the header, and — when `decision.level` is
    `content` — the title and the readable revisions (stages, the originator's and the reader's
    own organisation's responses), the thread of events and the clock states."""

    decision: Decision
    notification: Notification
    title: str | None
    submissions: tuple[OpenedSubmission, ...]
    thread: tuple[ThreadEvent, ...]
    clocks: tuple[ClockState, ...]


def _visible(submission: Submission, notification: Notification, org: str) -> bool:
    if submission.kind != "response" or org == str(notification.originator_org_id):
        return True
    return str(submission.submitted_org_id) in (org, str(notification.originator_org_id))


def _integrity_error(
    actor: Actor, notification: Notification, object_id: str, failure: IntegrityFailure
) -> NoReturn:
    audit.append(
        "integrity_error",
        object_type="submission",
        object_id=object_id,
        actor_user=actor.user,
        actor_org=actor.org,
        tlp=notification.tlp,
        outcome="denied:integrity_error",
        details={"notification": str(notification.id), "what": failure.what},
    )
    raise failure


def _open_submission(submission: Submission, notification: Notification) -> OpenedSubmission:
    key = getattr(submission, "data_key", None)
    payload = crypto.open_payload(
        payload_ct=bytes(submission.payload_ct),
        payload_mac=submission.payload_mac,
        key_id=key.key_id if key is not None else submission.key_id,
        wrapped=bytes(key.wrapped) if key is not None else None,
        notification_id=str(notification.id),
        stage=submission.stage,
        revision=submission.revision,
        tlp=notification.tlp,
    )
    return OpenedSubmission(
        id=submission.pk,
        stage=submission.stage,
        kind=submission.kind,
        revision=submission.revision,
        submitted_by=submission.submitted_by.get_username(),
        submitted_org=str(submission.submitted_org_id),
        submitted_at=submission.submitted_at,
        supersedes=submission.supersedes_id,
        payload=payload,
    )


def open_item(
    user: Any,
    notification_id: str | uuid.UUID,
    now: dt.datetime | None = None,
    org: Organisation | str | None = None,
) -> Opened:
    """Open a notification for `user`, deciding access now (EXCHANGE.md §6.5.2).

    NotFound (404) or Refused (403, `reason`) when the rule denies, audited. The operator, org
    admins and auditors get the header only (`level` metadata). Reads of AMBER and above are
    audited; the first content read by a recipient organisation records an `opened` event.
    IntegrityFailure (after an `integrity_error` audit event) when stored bytes fail to check.
    """
    moment = now or clock.now()
    actor = actor_for(user, moment, org)
    try:
        notification = notification_or_404(notification_id)
    except NotFound:
        audit.append(
            "read",
            object_type="notification",
            object_id=str(notification_id)[:64],
            actor_user=actor.user,
            actor_org=actor.org,
            outcome="denied:not_found",
        )
        raise
    item = item_for(notification, actor.org)
    decision = decide(actor, item, "read", memo_standing(), policy(), moment)
    if not decision.allowed:
        refuse(actor, "read", notification, decision)
    audited = rank(notification.tlp) >= AUDITED_FROM  # type: ignore[arg-type]
    if decision.level != "content":
        if audited:
            audit.append(
                "read_metadata",
                object_type="notification",
                object_id=str(notification.id),
                actor_user=actor.user,
                actor_org=actor.org,
                tlp=notification.tlp,
                details={"reason": decision.reason},
            )
        return Opened(decision, notification, None, (), (), ())
    rows = list(notification.submissions.select_related("data_key", "submitted_by").order_by("id"))
    opened: list[OpenedSubmission] = []
    current = ""
    try:
        current = str(rows[0].pk) if rows else ""
        title = title_of(notification, rows[0] if rows else None)
        for row in rows:
            current = str(row.pk)
            if _visible(row, notification, actor.org):
                opened.append(_open_submission(row, notification))
    except IntegrityFailure as failure:
        _integrity_error(actor, notification, current, failure)
    events = list(notification.events.select_related("actor_user").order_by("seq"))
    thread = tuple(
        ThreadEvent(
            e.seq,
            e.kind,
            e.at,
            e.stage,
            e.actor_user.get_username() if e.actor_user is not None else "",
            str(e.actor_org_id or ""),
        )
        for e in events
    )
    clocks = item_clocks(notification, events, actor.org, moment)
    if audited:
        audit.append(
            "read",
            object_type="notification",
            object_id=str(notification.id),
            actor_user=actor.user,
            actor_org=actor.org,
            tlp=notification.tlp,
            details={"reason": decision.reason},
        )
    _record_opened(notification, actor, user, events, moment)
    return Opened(decision, notification, title, tuple(opened), thread, clocks)


def _record_opened(
    notification: Notification,
    actor: Actor,
    user: Any,
    events: list[ExchangeEvent],
    moment: dt.datetime,
) -> None:
    if actor.org == str(notification.originator_org_id):
        return
    if any(e.kind == "opened" and str(e.actor_org_id) == actor.org for e in events):
        return
    ExchangeEvent.objects.create(
        notification=notification,
        kind="opened",
        at=moment,
        recorded_at=clock.now(),
        actor_user=user,
        actor_org_id=actor.org,
    )
