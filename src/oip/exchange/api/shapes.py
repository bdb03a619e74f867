"""What the exchange's API answers, as plain JSON values, and their OpenAPI schemas.

`notification_out`, `inbox_item_out` and `access_out` turn the read path's values
(`reads.Opened`, `reads.InboxRow`, `access.Capabilities`) into JSON-ready dicts; the `...Out`
schemas describe them (and the error bodies) in the OpenAPI document. Instants are ISO 8601
in UTC; durations are seconds.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema

from oip.exchange.exercise_reads import exercise_refs
from oip.exchange.reads import InboxRow, Opened
from oip.liaison.access import Capabilities
from oip.liaison.types import ClockState


class ReasonOut(Schema):
    reason: str


class DetailOut(Schema):
    detail: str


class ProblemOut(Schema):
    pointer: str
    message: str


class ProblemsOut(Schema):
    detail: list[ProblemOut]


class CreatedOut(Schema):
    id: str


class SubmittedOut(Schema):
    id: str
    stage: str
    kind: str
    revision: int
    at: dt.datetime


class AckOut(Schema):
    id: str
    kind: str
    at: dt.datetime


class ClockOut(Schema):
    clock: str
    party: str
    status: str
    started_at: dt.datetime | None
    due_at: dt.datetime | None
    stopped_at: dt.datetime | None
    fraction: float
    overdue_by_seconds: float | None


class SubmissionOut(Schema):
    stage: str
    kind: str
    revision: int
    submitted_by: str
    submitted_org: str
    submitted_at: dt.datetime
    payload: dict[str, Any]


class EventOut(Schema):
    seq: int
    kind: str
    at: dt.datetime
    stage: str
    actor_user: str
    actor_org: str


class ExerciseRefOut(Schema):
    id: str
    title: str


class NotificationOut(Schema):
    id: str
    template: str
    area: str
    tlp: str
    audience: str
    originator_org: str
    created_at: dt.datetime
    exercise: ExerciseRefOut | None
    banner: str | None
    level: str
    reason: str
    title: str | None
    submissions: list[SubmissionOut]
    thread: list[EventOut]
    clocks: list[ClockOut]


class InboxItemOut(Schema):
    id: str
    template: str
    area: str
    tlp: str
    audience: str
    originator_org: str
    created_at: dt.datetime
    title: str | None
    exercise: ExerciseRefOut | None
    banner: str | None
    level: str
    open: bool
    overdue: bool
    next_due: dt.datetime | None
    clocks: list[ClockOut]


class AccessOut(Schema):
    country: str
    area: str
    tier: int
    status: str
    templates: list[str]
    addressed: str
    community: str
    red: bool
    sentence: str


def _instant(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat()


def clock_out(state: ClockState) -> dict[str, Any]:
    return {
        "clock": state.clock,
        "party": state.party,
        "status": state.status,
        "started_at": _instant(state.started_at),
        "due_at": _instant(state.due_at),
        "stopped_at": _instant(state.stopped_at),
        "fraction": round(state.fraction, 4),
        "overdue_by_seconds": (
            None if state.overdue_by is None else state.overdue_by.total_seconds()
        ),
    }


#: The top-level marking of every exercise item in the API (§6.8: a banner in every view).
EXERCISE_BANNER = "EXERCISE"


def notification_out(opened: Opened) -> dict[str, Any]:
    """A notification as the caller may see it: content fields empty at `metadata` level; an
    exercise item names its exercise (`{"id", "title"}`) and carries `"banner": "EXERCISE"`."""
    n = opened.notification
    drill = exercise_refs([str(n.id)]).get(str(n.id)) if n.exercise else None
    return {
        "id": str(n.id),
        "template": n.template,
        "area": n.area,
        "tlp": n.tlp,
        "audience": n.audience,
        "originator_org": str(n.originator_org_id),
        "created_at": _instant(n.created_at),
        "exercise": drill,
        "banner": EXERCISE_BANNER if drill is not None else None,
        "level": opened.decision.level,
        "reason": opened.decision.reason,
        "title": opened.title,
        "submissions": [
            {
                "stage": s.stage,
                "kind": s.kind,
                "revision": s.revision,
                "submitted_by": s.submitted_by,
                "submitted_org": s.submitted_org,
                "submitted_at": _instant(s.submitted_at),
                "payload": s.payload,
            }
            for s in opened.submissions
        ],
        "thread": [
            {
                "seq": e.seq,
                "kind": e.kind,
                "at": _instant(e.at),
                "stage": e.stage,
                "actor_user": e.actor_user,
                "actor_org": e.actor_org,
            }
            for e in opened.thread
        ],
        "clocks": [clock_out(c) for c in opened.clocks],
    }


def inbox_item_out(row: InboxRow, exercise: dict[str, str] | None = None) -> dict[str, Any]:
    """One inbox row; `exercise` (`exercise_refs`' value for the row) marks an exercise item."""
    return {
        "id": row.id,
        "template": row.template,
        "area": row.area,
        "tlp": row.tlp,
        "audience": row.audience,
        "originator_org": row.originator_org,
        "created_at": _instant(row.created_at),
        "title": row.title,
        "exercise": exercise,
        "banner": EXERCISE_BANNER if exercise is not None else None,
        "level": row.decision.level,
        "open": row.open,
        "overdue": row.overdue,
        "next_due": _instant(row.next_due),
        "clocks": [clock_out(c) for c in row.clocks],
    }


def access_out(found: Capabilities) -> dict[str, Any]:
    return {
        "country": found.country,
        "area": found.area,
        "tier": found.tier,
        "status": found.status,
        "templates": list(found.templates),
        "addressed": found.addressed,
        "community": found.community,
        "red": found.red,
        "sentence": found.sentence,
    }


def _body(schema: dict[str, Any], example: dict[str, Any]) -> dict[str, Any]:
    content = {"application/json": {"schema": schema, "example": example}}
    return {"requestBody": {"required": True, "content": content}}


_OBJECT = {"type": "object", "additionalProperties": True}
NOTIFICATION_BODY = _body(
    {
        "type": "object",
        "required": ["template", "area", "tlp", "payload"],
        "properties": {
            "template": {"type": "string"},
            "area": {"type": "string"},
            "tlp": {"type": "string", "enum": ["clear", "green", "amber", "amber+strict", "red"]},
            "audience": {"type": "string", "enum": ["addressed", "community"]},
            "addressees": {"type": "array", "items": {"type": "string"}},
            "named_recipients": {"type": "array", "items": {"type": "string"}},
            "stage": {"type": "string", "description": "default: the template's opening stage"},
            "title": {"type": "string", "description": "default: the template's title"},
            "payload": _OBJECT,
            "exercise": {"type": ["string", "null"]},
            "exceptional": {
                "type": ["object", "null"],
                "description": "an EU liaison manager's addressing above the cap (§6.5.1)",
                "required": ["justification"],
                "properties": {
                    "justification": {"type": "string", "minLength": 1},
                    "expires_at": {"type": "string", "format": "date-time"},
                },
            },
        },
    },
    {
        "template": "cyber-incident",
        "area": "cyber",
        "tlp": "amber",
        "audience": "community",
        "addressees": [],
        "stage": "early_warning",
        "payload": {},
        "exercise": None,
    },
)
PAYLOAD_BODY = _body(
    {"type": "object", "required": ["payload"], "properties": {"payload": _OBJECT}},
    {"payload": {}},
)
RESPONSE_BODY = _body(
    {
        "type": "object",
        "required": ["stage", "payload"],
        "properties": {"stage": {"type": "string"}, "payload": _OBJECT},
    },
    {"stage": "response", "payload": {}},
)
REQUEST_BODY = _body(
    {
        "type": "object",
        "required": ["stage", "within"],
        "properties": {
            "stage": {"type": "string"},
            "within": {
                "type": "string",
                "description": "ISO 8601 or business duration: PT24H, B5D",
            },
        },
    },
    {"stage": "intermediate", "within": "P3D"},
)
