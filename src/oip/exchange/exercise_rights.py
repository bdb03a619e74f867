"""Exercises: who may run one, and their vocabulary of errors and audit rows (§6.8, §6.11).

Only a liaison manager of the organising EU body, covering every area of the exercise, plans
and runs it (`require_manager`, audited when refused); `ExerciseError` says what does not fit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError

from oip.accounts.models import Organisation
from oip.exchange import audit
from oip.exchange.fetch import Refused, actor_for
from oip.exchange.models import Exercise, ExerciseParticipant
from oip.liaison.templates import PayloadError

__all__ = [
    "ExerciseError",
    "audit_exercise",
    "exercise_errors",
    "organisation_of",
    "require_manager",
]


class ExerciseError(ValueError):
    """What was asked does not fit (the message says why); nothing was stored."""


def organisation_of(key: Organisation | str) -> Organisation:
    """The organisation by short name or id; ExerciseError when unknown."""
    if isinstance(key, Organisation):
        return key
    found = Organisation.objects.filter(short_name=key).first()
    if found is None:
        try:
            found = Organisation.objects.filter(pk=key).first()
        except (ValueError, ValidationError):
            found = None
    if found is None:
        raise ExerciseError(f"unknown organisation {key!r}")
    return found


def require_manager(
    user: Any, organiser: Organisation, areas: Iterable[str], moment: dt.datetime
) -> None:
    """Refused unless `user` is a liaison manager of the EU body `organiser`, at `moment`,
    covering every area of the exercise."""
    actor = actor_for(user, moment, organiser)
    ok = (
        actor.membership_valid
        and actor.org == str(organiser.pk)
        and actor.org_kind == "eu_body"
        and "liaison_manager" in actor.roles
        and set(areas) <= set(actor.areas)
    )
    if not ok:
        audit.append(
            "exercise.run",
            object_type="exercise",
            actor_user=user.get_username(),
            actor_org=actor.org,
            outcome="denied:role",
            at=moment,
        )
        raise Refused("role")


def audit_exercise(
    action: str, exercise: Exercise, user: Any, moment: dt.datetime, **details: Any
) -> None:
    audit.append(
        action,
        object_type="exercise",
        object_id=str(exercise.pk),
        actor_user=user.get_username() if user is not None else "",
        actor_org=str(exercise.organiser_id),
        details=details,
        at=moment,
    )


def exercise_errors(exercise: str | None, org: str) -> list[PayloadError]:
    """What a send marked `exercise=` must be refused for (at `/exercise`): an unknown
    exercise, one not running, or a sending organisation that neither organises nor plays in
    it — so no real item can be kept out of the metrics by marking it an exercise."""
    if not exercise:
        return []
    try:
        found = Exercise.objects.filter(pk=str(exercise)).first()
    except (ValueError, ValidationError):
        found = None
    if found is None:
        return [PayloadError("/exercise", f"unknown exercise {exercise!r}")]
    if found.status != "running":
        return [PayloadError("/exercise", f"the exercise is {found.status}, not running")]
    playing = ExerciseParticipant.objects.filter(exercise=found, organisation_id=org).exists()
    if org != str(found.organiser_id) and not playing:
        return [PayloadError("/exercise", "your organisation neither organises nor plays in it")]
    return []
