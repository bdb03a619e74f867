"""The exercise console (EXCHANGE.md §6.8, §6.11): the exercises a person organises or plays
in, and one exercise.

Who sees what of an exercise:
- the organiser (an officer or liaison manager of the organising EU body): everything — the
  scenario, the injects with their release state, every participant's score, the after-action
  report and the follow-ups; its liaison managers also run it from here (start, finish, the
  after-action report, follow-ups);
- a participant (a member of a participating organisation with a content role): the header,
  the participants, its own score, the after-action report and the follow-ups (it closes its
  own); never the scenario nor the injects before they reach it (they are its inbox's);
- the OIP administrator: metadata (header, participant and inject counts) for support;
- anyone else: 404 (they may not learn the exercise exists). Not signed in: the login page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from oip.accounts.models import Membership
from oip.exchange import exercises, reads
from oip.exchange.auth import exchange_login_required
from oip.exchange.crypto import IntegrityFailure
from oip.exchange.exercise_reads import participant_ids
from oip.exchange.models import Exercise
from oip.exchange.views.common import error_page, organisation_names
from oip.liaison.access import CONTENT_ROLES
from oip.site import clock

ORGANISER_ROLES = frozenset({"officer", "liaison_manager"})


def _roles(user: Any, now: dt.datetime) -> dict[str, set[str]]:
    """The person's organisations (id text) and roles in each, at `now`."""
    found: dict[str, set[str]] = {}
    for org_id, role in (
        Membership.objects.valid_at(now).filter(user=user).values_list("organisation_id", "role")
    ):
        found.setdefault(str(org_id), set()).add(role)
    return found


def viewer(user: Any, exercise: Exercise, now: dt.datetime) -> str | None:
    """`organiser`, `participant`, `operator` or None (may not know the exercise exists)."""
    roles = _roles(user, now)
    if not roles and getattr(user, "is_superuser", False):
        return "operator"
    if roles.get(str(exercise.organiser_id), set()) & ORGANISER_ROLES:
        return "organiser"
    if any(roles.get(p, set()) & CONTENT_ROLES for p in participant_ids(exercise)):
        return "participant"
    return None


def _visible(user: Any, now: dt.datetime) -> list[Exercise]:
    roles = _roles(user, now)
    rows = Exercise.objects.select_related("organiser").order_by("-starts", "id")
    if not roles and getattr(user, "is_superuser", False):
        return list(rows)
    organising = [o for o, r in roles.items() if r & ORGANISER_ROLES]
    playing = [o for o, r in roles.items() if r & CONTENT_ROLES]
    return list(
        (
            rows.filter(organiser__pk__in=organising)
            | rows.filter(participants__organisation_id__in=playing)
        ).distinct()
    )


@require_http_methods(["GET", "HEAD"])
@exchange_login_required
def exercise_list(request: HttpRequest) -> HttpResponse:
    """The exercises the person organises or plays in (all of them, as metadata, for the
    administrator)."""
    now = clock.now()
    context = {"title": "Exercises", "nav": "exercises", "rows": _visible(request.user, now)}
    return render(request, "exchange/exercises.html", context)


def _detail(exercise: Exercise, seen_as: str, user: Any, now: dt.datetime) -> dict[str, Any]:
    players = participant_ids(exercise)
    injects = list(exercise.injects.order_by("run_after", "id"))
    names = organisation_names(
        [*players, str(exercise.organiser_id)] + [a for i in injects for a in i.addressees]
    )
    context: dict[str, Any] = {
        "title": f"Exercise: {exercise.title}",
        "nav": "exercises",
        "exercise": exercise,
        "seen_as": seen_as,
        "participants": sorted(names.get(p, p) for p in players),
        "inject_count": len(injects),
        "released_count": sum(1 for i in injects if i.released_at is not None),
    }
    if seen_as == "operator":
        return context
    mine = set(_roles(user, now))
    scores = exercises.score(exercise, now)
    if seen_as == "participant":
        scores = [s for s in scores if s.organisation in mine]
    reports = list(exercise.after_action_reports.order_by("recorded_at", "id"))
    follow_ups = [
        {
            "f": f,
            "owner": names.get(str(f.owner_id), ""),
            "state": exercises.follow_up_state(f, now.date()),
            "may_close": str(f.owner_id) in mine or seen_as == "organiser",
        }
        for f in exercise.follow_ups.select_related("closure").order_by("due", "recorded_at")
    ]
    context |= {
        "scores": [s.as_dict() for s in scores],
        "report": reports[-1] if reports else None,
        "follow_ups": follow_ups,
        "runs": seen_as == "organiser" and _runs(user, exercise, now),
    }
    if seen_as == "organiser":
        try:
            scenario = exercises.scenario_of(exercise)
        except IntegrityFailure:
            scenario = None
        context |= {
            "scenario": scenario,
            "injects": [
                {
                    "i": i,
                    "to": ", ".join(names.get(a, a) for a in i.addressees),
                    "state": "released"
                    if i.released_at is not None
                    else ("not sent: " + i.release_error if i.release_error else "waiting"),
                }
                for i in injects
            ],
            "owners": sorted((names.get(p, p), p) for p in [*players, str(exercise.organiser_id)]),
        }
    return context


def _runs(user: Any, exercise: Exercise, now: dt.datetime) -> bool:
    return "liaison_manager" in _roles(user, now).get(str(exercise.organiser_id), set())


def _exercise_or_404(request: HttpRequest, exercise_id: str) -> tuple[Exercise, str] | HttpResponse:
    now = clock.now()
    try:
        exercise = exercises.get_exercise(exercise_id)
    except reads.NotFound:
        exercise = None
    seen_as = viewer(request.user, exercise, now) if exercise is not None else None
    if exercise is None or seen_as is None:
        return error_page(request, 404, "There is no such exercise in your exchange.")
    return exercise, seen_as


@require_http_methods(["GET", "HEAD"])
@exchange_login_required
def exercise_page(request: HttpRequest, exercise_id: str) -> HttpResponse:
    """One exercise, as the person's part in it lets them see it."""
    found = _exercise_or_404(request, exercise_id)
    if isinstance(found, HttpResponse):
        return found
    exercise, seen_as = found
    context = _detail(exercise, seen_as, request.user, clock.now())
    return render(request, "exchange/exercise.html", context)


@require_POST
@exchange_login_required
def exercise_act(request: HttpRequest, exercise_id: str) -> HttpResponse:
    """The console's buttons: `do` = start | finish | after_action | follow_up | close."""
    found = _exercise_or_404(request, exercise_id)
    if isinstance(found, HttpResponse):
        return found
    exercise, _seen_as = found
    data = request.POST
    what = data.get("do", "")
    try:
        if what == "start":
            exercises.start(request.user, exercise.pk)
        elif what == "finish":
            exercises.finish(request.user, exercise.pk)
        elif what == "after_action":
            exercises.record_after_action(request.user, exercise.pk, data.get("text", ""))
        elif what == "follow_up":
            due = dt.date.fromisoformat(data.get("due", ""))
            exercises.add_follow_up(
                request.user,
                exercise.pk,
                action=data.get("action", ""),
                owner=data.get("owner", ""),
                due=due,
            )
        elif what == "close":
            follow = exercise.follow_ups.filter(pk=data.get("follow_up", "")).first()
            if follow is None:
                return error_page(request, 404, "There is no such follow-up in this exercise.")
            exercises.close_follow_up(request.user, follow.pk, data.get("note", ""))
        else:
            return error_page(request, 400, "Unknown action.")
    except reads.Refused as refused:
        return error_page(
            request, 403, "Only the organiser's liaison manager may do this.", reason=refused.reason
        )
    except (exercises.ExerciseError, ValueError, ValidationError) as problem:
        return error_page(request, 422, str(problem))
    target = reverse("exchange:exercise", args=[exercise.pk])
    return HttpResponseRedirect(target, status=303)
