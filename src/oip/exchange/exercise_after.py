"""Exercises, after the play (§6.8): the after-action report and follow-up actions with owners
and due dates. The organiser's liaison manager records them; the owner organisation (or the
organiser) closes a follow-up — once: the closure is a record, a second closing keeps the first.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import transaction

from oip.accounts.models import Organisation
from oip.exchange.exercise_reads import get_exercise, participant_ids
from oip.exchange.exercise_rights import (
    ExerciseError,
    audit_exercise,
    organisation_of,
    require_manager,
)
from oip.exchange.fetch import NotFound, actor_for
from oip.exchange.models import AfterActionReport, FollowUp, FollowUpClosure
from oip.liaison.access import SENDING_ROLES
from oip.site import clock

__all__ = ["add_follow_up", "close_follow_up", "record_after_action"]


def record_after_action(
    user: Any, exercise_id: str | uuid.UUID, text: str, now: dt.datetime | None = None
) -> AfterActionReport:
    """Record (a newer version of) the after-action report."""
    moment = now or clock.now()
    exercise = get_exercise(exercise_id)
    require_manager(user, exercise.organiser, exercise.areas, moment)
    if not text.strip():
        raise ExerciseError("text: required")
    with transaction.atomic():
        report = AfterActionReport.objects.create(
            exercise=exercise, text=text.strip(), recorded_by=user, recorded_at=moment
        )
        audit_exercise("exercise.after_action", exercise, user, moment)
    return report


def add_follow_up(
    user: Any,
    exercise_id: str | uuid.UUID,
    *,
    action: str,
    owner: Organisation | str,
    due: dt.date,
    now: dt.datetime | None = None,
) -> FollowUp:
    """Add a follow-up action owned by a participant (or the organiser), due on `due`."""
    moment = now or clock.now()
    exercise = get_exercise(exercise_id)
    require_manager(user, exercise.organiser, exercise.areas, moment)
    org = organisation_of(owner)
    if str(org.pk) not in [*participant_ids(exercise), str(exercise.organiser_id)]:
        raise ExerciseError(f"{org.short_name} neither organises nor plays in the exercise")
    if not action.strip():
        raise ExerciseError("action: required")
    with transaction.atomic():
        made = FollowUp.objects.create(
            exercise=exercise,
            action=action.strip(),
            owner=org,
            due=due,
            recorded_by=user,
            recorded_at=moment,
        )
        audit_exercise(
            "exercise.follow_up",
            exercise,
            user,
            moment,
            follow_up=str(made.pk),
            due=due.isoformat(),
        )
    return made


def close_follow_up(
    user: Any, follow_up_id: str | uuid.UUID, note: str = "", now: dt.datetime | None = None
) -> FollowUpClosure:
    """Close a follow-up: a member of the owner organisation (sending role or org admin) or a
    liaison manager of the organiser. A second closing returns the first, unchanged."""
    moment = now or clock.now()
    try:
        follow = FollowUp.objects.select_related("exercise__organiser").get(
            pk=uuid.UUID(str(follow_up_id))
        )
    except (ValueError, FollowUp.DoesNotExist):
        raise NotFound(str(follow_up_id)) from None
    existing = FollowUpClosure.objects.filter(follow_up=follow).first()
    if existing is not None:
        return existing
    actor = actor_for(user, moment, follow.owner)
    owner_ok = (
        actor.membership_valid
        and actor.org == str(follow.owner_id)
        and bool(actor.roles & (SENDING_ROLES | {"org_admin"}))
    )
    if not owner_ok:
        require_manager(user, follow.exercise.organiser, follow.exercise.areas, moment)
    with transaction.atomic():
        closure = FollowUpClosure.objects.create(
            follow_up=follow, closed_at=moment, closed_by=user, note=note.strip()
        )
        audit_exercise(
            "exercise.follow_up_closed", follow.exercise, user, moment, follow_up=str(follow.pk)
        )
    return closure
