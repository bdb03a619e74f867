"""Exercises on the production templates (EXCHANGE.md §6.8): the named actions (re-exporting
the after-play actions of `exercise_after`, the reads and scores of `exercise_reads`).

Only a liaison manager of the organising EU body, covering the exercise's areas, plans and
runs an exercise (§6.11); participants play. The actions:

- `plan_exercise` — title, areas, organiser, participants, period, scenario (sealed).
- `add_injects` — notifications on the real templates to be sent at `run_after` to
  participants; each payload is validated against its stage now and sealed until release.
- `start` — the exercise runs: one `release_task` per unreleased inject is enqueued with
  `run_after` (django-tasks); injects added later are enqueued as they are added.
- `release_inject` — sends the inject through `actions.send(..., exercise=id)` as a member of
  the organiser; idempotent: the inject is claimed by a conditional UPDATE, so a second run
  (or a duplicated task) releases nothing.
- `finish`, `record_after_action`, `add_follow_up`, `close_follow_up` (the owner organisation
  or the organiser closes; a second closing keeps the first).
- `score` — per participant: recipient stage clocks on time / late / missed, acknowledgements
  in time, handling errors (the participant's refused acts on the exercise's items, audited).

Errors: `ExerciseError` (what was asked does not fit, 422), `Refused` (403), `NotFound` (404),
`PayloadInvalid` (an inject's payload, each problem at `/injects/<i>/payload/...`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django_tasks import task

from oip.accounts.models import Membership, Organisation
from oip.exchange import actions, crypto
from oip.exchange.exercise_after import add_follow_up, close_follow_up, record_after_action
from oip.exchange.exercise_reads import (
    SCENARIO_STAGE,
    SCENARIO_TLP,
    ParticipantScore,
    exercise_refs,
    follow_up_state,
    follow_up_status,
    get_exercise,
    inject_payload,
    participant_ids,
    scenario_of,
    score,
)
from oip.exchange.exercise_rights import (
    ExerciseError,
    audit_exercise,
    exercise_errors,
    organisation_of,
    require_manager,
)
from oip.exchange.fetch import NotFound, PayloadInvalid, Refused
from oip.exchange.models import (
    Exercise,
    ExerciseParticipant,
    Inject,
    Notification,
)
from oip.liaison.access import SENDING_ROLES
from oip.liaison.templates import PayloadError, shipped
from oip.site import clock

__all__ = [
    "ExerciseError",
    "InjectSpec",
    "ParticipantScore",
    "add_follow_up",
    "add_injects",
    "close_follow_up",
    "exercise_errors",
    "exercise_refs",
    "finish",
    "follow_up_state",
    "follow_up_status",
    "get_exercise",
    "inject_payload",
    "organisation_of",
    "plan_exercise",
    "record_after_action",
    "release_inject",
    "release_task",
    "scenario_of",
    "score",
    "start",
]


@dataclass(frozen=True, slots=True)
class InjectSpec:
    """One inject to add: a stage of a real template, sent at `run_after`. Empty `addressees`
    means every participant; `tlp` None means the template's default; `area` None the
    template's area."""

    template: str
    stage: str
    payload: Mapping[str, Any]
    run_after: dt.datetime
    tlp: str | None = None
    addressees: Sequence[str] = ()
    title: str = ""
    area: str | None = None


# --- planning ---------------------------------------------------------------------------------


def plan_exercise(
    user: Any,
    *,
    title: str,
    organiser: Organisation | str,
    areas: Sequence[str],
    participants: Sequence[Organisation | str],
    starts: dt.datetime,
    ends: dt.datetime,
    scenario: str = "",
    eu_wide: bool = False,
    now: dt.datetime | None = None,
) -> Exercise:
    """Plan an exercise; return it (status `planned`). Refused unless `user` is a liaison
    manager of `organiser` (an EU body) for all `areas`; ExerciseError for an empty title or
    area list, an area not the organiser's, an empty period, an unknown participant or one
    of none of the areas."""
    moment = now or clock.now()
    org = organisation_of(organiser)
    areas = list(dict.fromkeys(areas))
    if org.kind != "eu_body":
        raise ExerciseError("the organiser is an EU body")
    require_manager(user, org, areas, moment)
    if not title.strip():
        raise ExerciseError("title: required")
    if not areas or not set(areas) <= set(org.areas):
        raise ExerciseError(f"areas: one or more of the organiser's ({', '.join(org.areas)})")
    if ends <= starts:
        raise ExerciseError("the exercise must end after it starts")
    players = [organisation_of(p) for p in participants]
    if not players:
        raise ExerciseError("participants: at least one")
    for p in players:
        if not set(p.areas) & set(areas):
            raise ExerciseError(f"{p.short_name} is an organisation of none of {areas}")
    exercise_id = uuid.uuid4()
    sealed = crypto.seal_payload(
        {"scenario": scenario},
        notification_id=str(exercise_id),
        stage=SCENARIO_STAGE,
        revision=1,
        tlp=SCENARIO_TLP,
    )
    with transaction.atomic():
        exercise = Exercise.objects.create(
            id=exercise_id,
            title=title.strip(),
            areas=areas,
            organiser=org,
            scenario_ct=sealed.payload_ct,
            scenario_mac=sealed.payload_mac,
            scenario_key_id=sealed.key_id,
            scenario_wrapped=sealed.wrapped,
            starts=starts,
            ends=ends,
            eu_wide=eu_wide,
            created_by=user,
            created_at=moment,
        )
        for p in dict.fromkeys(players):
            ExerciseParticipant.objects.create(
                exercise=exercise, organisation=p, recorded_at=moment
            )
        audit_exercise("exercise.plan", exercise, user, moment, participants=len(set(players)))
    return exercise


def _inject_errors(
    exercise: Exercise, i: int, spec: InjectSpec, players: list[str]
) -> list[PayloadError]:
    at = f"/injects/{i}"
    try:
        form = shipped().get(spec.template)
    except KeyError:
        return [PayloadError(f"{at}/template", f"unknown template {spec.template!r}")]
    errors = []
    area = spec.area or form.area
    if area not in exercise.areas:
        errors.append(PayloadError(f"{at}/area", f"one of the exercise's areas {exercise.areas}"))
    if spec.stage not in form.stages or form.stages[spec.stage].kind == "response":
        errors.append(PayloadError(f"{at}/stage", f"not a stage {form.id} opens with"))
    else:
        errors += [
            PayloadError(f"{at}/payload{e.pointer}", e.message)
            for e in form.validate(spec.stage, spec.payload)
        ]
    if (spec.tlp or form.tlp_default) not in form.tlp_allowed:
        errors.append(PayloadError(f"{at}/tlp", f"one of {', '.join(form.tlp_allowed)}"))
    if not exercise.starts <= spec.run_after <= exercise.ends:
        errors.append(PayloadError(f"{at}/run_after", "inside the exercise's period"))
    for a in spec.addressees:
        if a not in players:
            errors.append(PayloadError(f"{at}/addressees", f"{a!r} is no participant"))
    return errors


def add_injects(
    user: Any,
    exercise_id: str | uuid.UUID,
    specs: Sequence[InjectSpec],
    now: dt.datetime | None = None,
) -> list[Inject]:
    """Add injects to a planned or running exercise (a running one enqueues them at once);
    return them. Addressees are organisation ids or short names of participants.
    PayloadInvalid lists every problem of every inject; nothing is stored then."""
    moment = now or clock.now()
    exercise = get_exercise(exercise_id)
    require_manager(user, exercise.organiser, exercise.areas, moment)
    if exercise.status == "ended":
        raise ExerciseError("the exercise has ended")
    players = participant_ids(exercise)
    short = dict(Organisation.objects.filter(pk__in=players).values_list("short_name", "pk"))
    resolved = [
        InjectSpec(
            s.template,
            s.stage,
            s.payload,
            s.run_after,
            s.tlp,
            [str(short.get(a, a)) for a in s.addressees],
            s.title,
            s.area,
        )
        for s in specs
    ]
    errors = [e for i, s in enumerate(resolved) for e in _inject_errors(exercise, i, s, players)]
    if errors:
        raise PayloadInvalid(errors)
    made = []
    with transaction.atomic():
        for spec in resolved:
            form = shipped().get(spec.template)
            inject_id = uuid.uuid4()
            tlp = spec.tlp or form.tlp_default
            sealed = crypto.seal_payload(
                spec.payload, notification_id=str(inject_id), stage=spec.stage, revision=1, tlp=tlp
            )
            inject = Inject.objects.create(
                id=inject_id,
                exercise=exercise,
                template=form.id,
                stage=spec.stage,
                area=spec.area or form.area,
                tlp=tlp,
                addressees=list(spec.addressees) or players,
                title=spec.title.strip() or f"{form.title} ({spec.stage})",
                payload_ct=sealed.payload_ct,
                payload_mac=sealed.payload_mac,
                key_id=sealed.key_id,
                wrapped=sealed.wrapped,
                run_after=spec.run_after,
                created_at=moment,
            )
            made.append(inject)
            if exercise.status == "running":
                _enqueue(inject)
        audit_exercise("exercise.injects", exercise, user, moment, added=len(made))
    return made


# --- running ----------------------------------------------------------------------------------


def _enqueue(inject: Inject) -> None:
    release_task.using(run_after=inject.run_after).enqueue(str(inject.pk))


def start(user: Any, exercise_id: str | uuid.UUID, now: dt.datetime | None = None) -> Exercise:
    """Start a planned exercise: status `running`, one release task per unreleased inject
    (run at its `run_after`). Starting a running exercise again enqueues nothing."""
    moment = now or clock.now()
    exercise = get_exercise(exercise_id)
    require_manager(user, exercise.organiser, exercise.areas, moment)
    with transaction.atomic():
        changed = Exercise.objects.filter(pk=exercise.pk, status="planned").update(
            status="running", started_at=moment, started_by=user
        )
        if changed:
            pending = list(exercise.injects.filter(released_at__isnull=True))
            for inject in pending:
                _enqueue(inject)
            audit_exercise("exercise.start", exercise, user, moment, injects=len(pending))
    exercise.refresh_from_db()
    if exercise.status == "ended":
        raise ExerciseError("the exercise has ended")
    return exercise


def finish(user: Any, exercise_id: str | uuid.UUID, now: dt.datetime | None = None) -> Exercise:
    """End the exercise: unreleased injects will not be released any more."""
    moment = now or clock.now()
    exercise = get_exercise(exercise_id)
    require_manager(user, exercise.organiser, exercise.areas, moment)
    if (
        Exercise.objects.filter(pk=exercise.pk)
        .exclude(status="ended")
        .update(status="ended", ended_at=moment)
    ):
        audit_exercise("exercise.finish", exercise, user, moment)
    exercise.refresh_from_db()
    return exercise


def _senders(exercise: Exercise, area: str, moment: dt.datetime) -> list[Any]:
    """Members of the organiser who may send the inject: the starter, the planner, then any
    valid member with a sending role for the area."""
    preferred = [exercise.started_by_id, exercise.created_by_id]
    members = [
        m
        for m in Membership.objects.valid_at(moment)
        .filter(organisation=exercise.organiser, role__in=SENDING_ROLES, user__is_active=True)
        .select_related("user")
        .order_by("user__username")
        if area in m.areas
    ]
    members.sort(key=lambda m: preferred.index(m.user_id) if m.user_id in preferred else 2)
    return list(dict.fromkeys(m.user for m in members))


def release_inject(
    inject_id: str | uuid.UUID, now: dt.datetime | None = None
) -> Notification | None:
    """Send the inject now if its exercise is running and it is due; return the notification.
    None when there is nothing to release: already released (a second run), not yet due, the
    exercise not running, or no member of the organiser could send it (`release_error` says
    why, and the inject stays unreleased)."""
    moment = now or clock.now()
    try:
        inject = Inject.objects.select_related("exercise__organiser").get(
            pk=uuid.UUID(str(inject_id))
        )
    except (ValueError, Inject.DoesNotExist):
        return None
    exercise = inject.exercise
    if inject.released_at is not None or exercise.status != "running" or moment < inject.run_after:
        return None
    problems = []
    for sender in _senders(exercise, inject.area, moment):
        try:
            with transaction.atomic():
                if not Inject.objects.filter(pk=inject.pk, released_at__isnull=True).update(
                    released_at=moment
                ):
                    return None
                notification = actions.send(
                    sender,
                    template=inject.template,
                    area=inject.area,
                    tlp=inject.tlp,
                    audience=inject.audience,
                    addressees=list(inject.addressees),
                    stage=inject.stage,
                    payload=inject_payload(inject),
                    title=inject.title,
                    exercise=str(exercise.pk),
                    org=exercise.organiser,
                    now=moment,
                )
                Inject.objects.filter(pk=inject.pk).update(released=notification, release_error="")
                audit_exercise("exercise.release", exercise, sender, moment, inject=str(inject.pk))
                return notification
        except (Refused, PayloadInvalid, NotFound) as error:
            problems.append(f"{sender.get_username()}: {error}")
    Inject.objects.filter(pk=inject.pk, released_at__isnull=True).update(
        release_error="; ".join(problems) or "no member of the organiser may send it"
    )
    return None


@task()
def release_task(inject_id: str) -> str:
    """The queue's release of one inject: the notification id, or `nothing released`."""
    found = release_inject(inject_id)
    return str(found.pk) if found is not None else "nothing released"
