"""`oip exchange exercise plan|inject|start|finish|score` (EXCHANGE.md §6.8).

- `plan --title T --organiser ORG --area A [--area B] --participants ORG1,ORG2 --starts DT
  --ends DT [--scenario-file F] [--eu-wide] [--by USERNAME]` → prints the exercise id.
- `inject ID --template T --stage S --at DT [--payload-file F] [--tlp L] [--to ORG1,ORG2]
  [--title T] [--by USERNAME]` → prints the inject id (without `--payload-file`, the stage's
  first shipped example).
- `start ID [--by USERNAME]`, `finish ID [--by USERNAME]`.
- `score ID [--at DT] [--format json|table]`.
- `list [--format json|table]`: every exercise (id, title, organiser, period, status, counts).

Every action is the organiser's liaison manager's (§6.11): `--by` names them; without it, the
first liaison manager of the organiser covering the areas (the administrator runs the command
on their behalf, and the audit row names that manager). Exit 1 with the reason otherwise.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model

from oip.accounts.models import Membership, Organisation
from oip.exchange import exercises, reads
from oip.exchange.exercises import ExerciseError, InjectSpec
from oip.exchange.models import Exercise
from oip.liaison.templates import shipped
from oip.site import clock
from oip.site.arguments import datetime_arg


def _list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def register(subparsers: Any) -> None:
    group = subparsers.add_parser("exercise", help="exercises on the production templates")
    commands = group.add_subparsers(dest="exercise_command", metavar="COMMAND")
    commands.required = True
    plan = commands.add_parser("plan", help="plan an exercise; prints its id")
    plan.add_argument("--title", required=True)
    plan.add_argument("--organiser", required=True, help="the EU body (short name or id)")
    plan.add_argument("--area", required=True, action="append", help="repeat for more areas")
    plan.add_argument("--participants", required=True, type=_list, help="ORG1,ORG2")
    plan.add_argument("--starts", required=True, type=datetime_arg)
    plan.add_argument("--ends", required=True, type=datetime_arg)
    plan.add_argument("--scenario-file", type=Path, default=None)
    plan.add_argument("--eu-wide", action="store_true")
    plan.add_argument("--by", default=None, help="the organiser's liaison manager (username)")
    plan.set_defaults(run=run_plan)
    inject = commands.add_parser("inject", help="add an inject; prints its id")
    inject.add_argument("exercise")
    inject.add_argument("--template", required=True)
    inject.add_argument("--stage", default=None, help="default: the template's opening stage")
    inject.add_argument("--at", required=True, type=datetime_arg, help="release time")
    inject.add_argument("--payload-file", type=Path, default=None)
    inject.add_argument("--tlp", default=None)
    inject.add_argument("--to", type=_list, default=[], help="participants (default: all)")
    inject.add_argument("--title", default="")
    inject.add_argument("--by", default=None)
    inject.set_defaults(run=run_inject)
    for name, run in (("start", run_start), ("finish", run_finish)):
        one = commands.add_parser(name, help=f"{name} the exercise")
        one.add_argument("exercise")
        one.add_argument("--by", default=None)
        one.set_defaults(run=run)
    score = commands.add_parser("score", help="scores per participant")
    score.add_argument("exercise")
    score.add_argument("--at", type=datetime_arg, default=None)
    score.add_argument("--format", choices=["json", "table"], default="table")
    score.set_defaults(run=run_score)
    listing = commands.add_parser("list", help="every exercise, with its status")
    listing.add_argument("--format", choices=["json", "table"], default="table")
    listing.set_defaults(run=run_list)


def _manager(options: dict[str, Any], organiser: Organisation | str, areas: list[str]) -> Any:
    if options.get("by"):
        user = get_user_model().objects.filter(username=options["by"]).first()
        if user is None:
            raise ExerciseError(f"unknown user {options['by']!r}")
        return user
    org = exercises.organisation_of(organiser)
    for m in (
        Membership.objects.valid_at(clock.now())
        .filter(organisation=org, role="liaison_manager", user__is_active=True)
        .select_related("user")
        .order_by("user__username")
    ):
        if set(areas) <= set(m.areas):
            return m.user
    raise ExerciseError(f"{org.short_name} has no liaison manager for {', '.join(areas)}")


def _fail(options: dict[str, Any], error: Exception) -> int:
    if isinstance(error, reads.Refused):
        message = f"refused: {error.reason} (only the organiser's liaison manager runs exercises)"
    elif isinstance(error, reads.PayloadInvalid):
        message = "\n".join(f"{e.pointer or '/'}: {e.message}" for e in error.errors)
    elif isinstance(error, reads.NotFound):
        message = f"no such exercise {error}"
    else:
        message = str(error)
    options["stderr"].write(message)
    return 1


ERRORS = (ExerciseError, reads.Refused, reads.PayloadInvalid, reads.NotFound, OSError)


def run_plan(options: dict[str, Any]) -> int:
    try:
        scenario = options["scenario_file"].read_text() if options["scenario_file"] else ""
        found = exercises.plan_exercise(
            _manager(options, options["organiser"], options["area"]),
            title=options["title"],
            organiser=options["organiser"],
            areas=options["area"],
            participants=options["participants"],
            starts=options["starts"],
            ends=options["ends"],
            scenario=scenario,
            eu_wide=options["eu_wide"],
        )
    except ERRORS as error:
        return _fail(options, error)
    options["stdout"].write(str(found.pk))
    return 0


def run_inject(options: dict[str, Any]) -> int:
    try:
        exercise = exercises.get_exercise(options["exercise"])
        form = shipped().get(options["template"])
        stage = options["stage"] or form.opening_stage()
        if options["payload_file"]:
            payload = json.loads(options["payload_file"].read_text())
        elif stage in form.stages and form.stages[stage].examples:
            payload = form.stages[stage].examples[0]
        else:
            raise ExerciseError(f"no example for stage {stage!r}: give --payload-file")
        spec = InjectSpec(
            form.id, stage, payload, options["at"], options["tlp"], options["to"], options["title"]
        )
        user = _manager(options, exercise.organiser, exercise.areas)
        [made] = exercises.add_injects(user, exercise.pk, [spec])
    except KeyError:
        options["stderr"].write(f"unknown template {options['template']!r}")
        return 1
    except (*ERRORS, ValueError) as error:
        return _fail(options, error)
    options["stdout"].write(str(made.pk))
    return 0


def _run(options: dict[str, Any], action: Any) -> int:
    try:
        exercise = exercises.get_exercise(options["exercise"])
        found = action(_manager(options, exercise.organiser, exercise.areas), exercise.pk)
    except ERRORS as error:
        return _fail(options, error)
    options["stdout"].write(f"{found.pk} {found.status}")
    return 0


def run_start(options: dict[str, Any]) -> int:
    return _run(options, exercises.start)


def run_finish(options: dict[str, Any]) -> int:
    return _run(options, exercises.finish)


def run_score(options: dict[str, Any]) -> int:
    try:
        exercise = exercises.get_exercise(options["exercise"])
    except reads.NotFound as error:
        return _fail(options, error)
    at = options["at"] or clock.now()
    rows = exercises.score(exercise, at)
    out = options["stdout"]
    if options["format"] == "json":
        body = {
            "exercise": str(exercise.pk),
            "title": exercise.title,
            "at": at.isoformat(),
            "participants": [r.as_dict() for r in rows],
        }
        out.write(json.dumps(body, indent=2))
        return 0
    for r in rows:
        out.write(
            f"{r.short_name}  injects {r.injects}  on time {r.on_time}  late {r.late}  "
            f"missed {r.missed}  running {r.running}  acks {r.acks_in_time}/{r.acks_total}  "
            f"errors {r.handling_errors}"
        )
    return 0


def run_list(options: dict[str, Any]) -> int:
    found = [
        {
            "id": str(e.pk),
            "title": e.title,
            "organiser": e.organiser.short_name,
            "areas": e.areas,
            "starts": e.starts.isoformat(),
            "ends": e.ends.isoformat(),
            "status": e.status,
            "participants": e.participants.count(),
            "injects": e.injects.count(),
            "released": e.injects.filter(released_at__isnull=False).count(),
        }
        for e in Exercise.objects.select_related("organiser").order_by("starts", "id")
    ]
    out = options["stdout"]
    if options["format"] == "json":
        out.write(json.dumps(found, indent=2))
        return 0
    for e in found:
        out.write(
            f"{e['id']}  {e['title']}  {e['organiser']}  {e['status']}  "
            f"injects {e['released']}/{e['injects']}"
        )
    return 0
