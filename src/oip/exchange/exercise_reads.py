"""Exercises, the read side (EXCHANGE.md §6.8): an exercise by id, its sealed scenario and
inject payloads opened, follow-up states, per-participant scores, and the exercise references
that banners and API rows show. Reads only: the writes are `oip.exchange.exercises`'.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from oip.accounts.models import Organisation
from oip.exchange import crypto
from oip.exchange.clocking import item_clocks
from oip.exchange.crypto import IntegrityFailure
from oip.exchange.fetch import NotFound
from oip.exchange.models import (
    AuditEvent,
    Exercise,
    FollowUp,
    FollowUpClosure,
    Inject,
    Notification,
    Submission,
)
from oip.liaison.measured import InjectHandled
from oip.liaison.routing import required_routes
from oip.liaison.templates import shipped
from oip.site import clock

__all__ = [
    "ACK_CLOCK",
    "SCENARIO_STAGE",
    "SCENARIO_TLP",
    "ParticipantScore",
    "exercise_refs",
    "follow_up_state",
    "follow_up_status",
    "get_exercise",
    "inject_handling",
    "inject_payload",
    "participant_ids",
    "scenario_of",
    "score",
]

SCENARIO_STAGE = "scenario"
SCENARIO_TLP = "amber"
ACK_CLOCK = "ack"


def get_exercise(exercise_id: str | uuid.UUID) -> Exercise:
    """The exercise, or NotFound."""
    try:
        return Exercise.objects.select_related("organiser").get(pk=uuid.UUID(str(exercise_id)))
    except (ValueError, Exercise.DoesNotExist):
        raise NotFound(str(exercise_id)) from None


def participant_ids(exercise: Exercise) -> list[str]:
    """The participants' organisation ids (UUID text), in the order they were recorded."""
    return [str(o) for o in exercise.participants.values_list("organisation_id", flat=True)]


def scenario_of(exercise: Exercise) -> str:
    """The scenario text (IntegrityFailure if the stored bytes do not check)."""
    opened = crypto.open_payload(
        payload_ct=bytes(exercise.scenario_ct),
        payload_mac=exercise.scenario_mac,
        key_id=exercise.scenario_key_id,
        wrapped=bytes(exercise.scenario_wrapped),
        notification_id=str(exercise.pk),
        stage=SCENARIO_STAGE,
        revision=1,
        tlp=SCENARIO_TLP,
    )
    return str(opened.get("scenario", ""))


def inject_payload(inject: Inject) -> dict[str, Any]:
    """The inject's payload (IntegrityFailure if the stored bytes do not check)."""
    return crypto.open_payload(
        payload_ct=bytes(inject.payload_ct),
        payload_mac=inject.payload_mac,
        key_id=inject.key_id,
        wrapped=bytes(inject.wrapped),
        notification_id=str(inject.pk),
        stage=inject.stage,
        revision=1,
        tlp=inject.tlp,
    )


def _participant_ids(exercise: Exercise) -> list[str]:
    return [str(o) for o in exercise.participants.values_list("organisation_id", flat=True)]


def follow_up_status(due: dt.date, closed_on: dt.date | None, today: dt.date) -> str:
    """The rule, on dates (UTC): closed by `today` → `closed` (on or before `due`) or
    `closed_late`; open → `overdue` once `today` is past `due`, `open` until then. A closing
    after `today` is not known yet on `today`."""
    if closed_on is not None and closed_on <= today:
        return "closed" if closed_on <= due else "closed_late"
    return "overdue" if today > due else "open"


def follow_up_state(follow: FollowUp, today: dt.date) -> str:
    """`follow_up_status` of a stored follow-up (its closure, if any, read once)."""
    closed_on = follow.closure.closed_at.astimezone(dt.UTC).date() if _has_closure(follow) else None
    return follow_up_status(follow.due, closed_on, today)


def _has_closure(follow: FollowUp) -> bool:
    try:
        follow.closure  # noqa: B018 - a reverse one-to-one raises when absent
    except FollowUpClosure.DoesNotExist:
        return False
    return True


# --- scoring ----------------------------------------------------------------------------------


@dataclass
class ParticipantScore:
    """One participant's score: its recipient stage clocks (on time, late, missed = overdue,
    still running), its acknowledgements (in time of all injects delivered), its routing
    decisions (the routes its own exercise items had to take, and took) and its handling
    errors (acts on the exercise's items the access rule refused)."""

    organisation: str
    short_name: str
    injects: int = 0
    on_time: int = 0
    late: int = 0
    missed: int = 0
    running: int = 0
    acks_in_time: int = 0
    acks_total: int = 0
    routing_correct: int = 0
    routing_total: int = 0
    handling_errors: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "organisation": self.organisation,
            "short_name": self.short_name,
            "injects": self.injects,
            "stages": {
                "on_time": self.on_time,
                "late": self.late,
                "missed": self.missed,
                "running": self.running,
            },
            "acknowledgements": {"in_time": self.acks_in_time, "total": self.acks_total},
            "routing": {"correct": self.routing_correct, "total": self.routing_total},
            "handling_errors": self.handling_errors,
        }


def score(
    exercise: Exercise | str | uuid.UUID, now: dt.datetime | None = None
) -> list[ParticipantScore]:
    """Every participant's score at `now` (clocks computed on read), by short name."""
    moment = now or clock.now()
    found = exercise if isinstance(exercise, Exercise) else get_exercise(exercise)
    rows = {
        str(p.organisation_id): ParticipantScore(str(p.organisation_id), p.organisation.short_name)
        for p in found.participants.select_related("organisation")
    }
    notifications = list(
        Notification.objects.filter(exercise=found.pk)
        .select_related("originator_org")
        .prefetch_related("deliveries")
    )
    for notification in notifications:
        events = list(notification.events.order_by("seq"))
        sender = rows.get(str(notification.originator_org_id))
        if sender is not None:
            correct, total = _routing(notification)
            sender.routing_correct += correct
            sender.routing_total += total
        for delivery in notification.deliveries.all():
            row = rows.get(str(delivery.organisation_id))
            if row is None:
                continue
            row.injects += 1
            for state in item_clocks(notification, events, row.organisation, moment):
                if state.party != "recipient" or state.status == "not_started":
                    continue
                if state.clock == ACK_CLOCK:
                    row.acks_total += 1
                    row.acks_in_time += state.status == "met"
                elif state.status == "met":
                    row.on_time += 1
                elif state.status == "late":
                    row.late += 1
                elif state.status == "overdue":
                    row.missed += 1
                else:
                    row.running += 1
    ids = [str(n.pk) for n in notifications]
    for org_id, outcome in AuditEvent.objects.filter(
        object_type="notification", object_id__in=ids, outcome__startswith="denied"
    ).values_list("actor_org", "outcome"):
        if org_id in rows:
            rows[org_id].handling_errors += 1
            rows[org_id].errors.append(outcome)
    return sorted(rows.values(), key=lambda r: r.short_name)


def _routing(notification: Notification) -> tuple[int, int]:
    """(correct, total) of the routing obligations (§6.6.4) a participant's own exercise item
    triggered with its opening stage: each `body:<id>` / `org:<id>` route must be among the
    organisations it reached; `exercise:only` is met by being an exercise item. The payload is
    opened to evaluate the rules only; nothing of it leaves this function."""
    first = (
        notification.submissions.filter(kind="stage")
        .select_related("data_key")
        .order_by("id")
        .first()
    )
    try:
        form = shipped().get(notification.template)
    except KeyError:
        return (0, 0)
    if first is None:
        return (0, 0)
    key = getattr(first, "data_key", None)
    try:
        payload = crypto.open_payload(
            payload_ct=bytes(first.payload_ct),
            payload_mac=first.payload_mac,
            key_id=key.key_id if key is not None else first.key_id,
            wrapped=bytes(key.wrapped) if key is not None else None,
            notification_id=str(notification.pk),
            stage=first.stage,
            revision=first.revision,
            tlp=notification.tlp,
        )
    except IntegrityFailure:
        return (0, 0)
    routes = [r for r in required_routes(form, payload) if r.stage == first.stage]
    reached = {str(d.organisation_id) for d in notification.deliveries.all()}
    reached |= {
        str(o)
        for o in notification.addressees.exclude(organisation=None).values_list(
            "organisation_id", flat=True
        )
    }
    bodies = set(
        Organisation.objects.filter(pk__in=reached).exclude(body="").values_list("body", flat=True)
    )
    correct = 0
    for route in routes:
        kind, _, target = route.to.partition(":")
        correct += (
            (kind == "body" and target in bodies)
            or (kind == "org" and target in reached)
            or kind == "exercise"
        )
    return (correct, len(routes))


def exercise_refs(notification_ids: Iterable[str]) -> dict[str, dict[str, str]]:
    """`{notification id: {"id", "title"}}` for the exercise items among the ids (one query
    for the headers, one for the titles): what banners and API rows show."""
    pairs = {
        str(pk): str(ex)
        for pk, ex in Notification.objects.filter(
            pk__in=list(notification_ids), exercise__isnull=False
        ).values_list("pk", "exercise")
    }
    titles = dict(
        (str(pk), title)
        for pk, title in Exercise.objects.filter(pk__in=set(pairs.values())).values_list(
            "pk", "title"
        )
    )
    return {n: {"id": ex, "title": titles.get(ex, "")} for n, ex in pairs.items()}


# --- evidence ---------------------------------------------------------------------------------


def inject_handling(
    now: dt.datetime, orgs: dict[str, tuple[str, str | None, str, list[str]]]
) -> list[InjectHandled]:
    """What national organisations did on exercise items by `now`: each stage or response
    they submitted (id: the submission's), and each acknowledgement within its clock (id:
    `ack:<delivery id>`) (`orgs`: id -> (kind, country,
    body, functions), as the evidence bridge reads them). Exercise participation's only way
    into evidence; never usage or clocks."""
    out: list[InjectHandled] = []
    for pk, submitter, exercise, area, template, at, kind in Submission.objects.filter(
        notification__exercise__isnull=False, kind__in=("stage", "response"), submitted_at__lte=now
    ).values_list(
        "id", "submitted_org_id", "notification__exercise", "notification__area",
        "notification__template", "submitted_at", "kind",
    ):  # fmt: skip
        org_kind, country, _body, functions = orgs.get(str(submitter), ("", None, "", []))
        if org_kind == "national" and country:
            act: Literal["stage", "response"] = "stage" if kind == "stage" else "response"
            out.append(
                InjectHandled(
                    str(pk), str(exercise), country, area, template, tuple(functions), act, at
                )
            )
    notifications = Notification.objects.filter(exercise__isnull=False).prefetch_related(
        "deliveries"
    )
    for notification in notifications.select_related("originator_org"):
        events = list(notification.events.order_by("seq"))
        for delivery in notification.deliveries.all():
            org = str(delivery.organisation_id)
            org_kind, country, _body, functions = orgs.get(org, ("", None, "", []))
            if org_kind != "national" or not country:
                continue
            for state in item_clocks(notification, events, org, now):
                if (
                    state.party == "recipient"
                    and state.clock == ACK_CLOCK
                    and state.status == "met"
                    and state.stopped_at is not None
                ):
                    out.append(
                        InjectHandled(
                            f"ack:{delivery.pk}", str(notification.exercise),
                            country, notification.area, notification.template,
                            tuple(functions), "acknowledgement", state.stopped_at,
                        )
                    )  # fmt: skip
    return out
