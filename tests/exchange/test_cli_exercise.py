"""`oip exchange exercise plan|inject|start|finish|score`: the whole cycle from the command line,
exact JSON scores, refusals with exit 1 and nothing stored."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command

from oip.accounts.models import Organisation
from oip.exchange import actions
from oip.exchange.models import Exercise, Inject, Notification
from tests.exchange.conftest import exchange_member
from tests.exchange.queue import drain

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("exchange", "exercise", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue().strip(), err.getvalue().strip()
    return 0, out.getvalue().strip(), err.getvalue().strip()


@pytest.fixture
def manager(
    frozen: dt.datetime,
    cyber_evidence: None,
    enisa: Organisation,
    al_csirt: Organisation,
    ba_csirt: Organisation,
    al_officer: Any,
) -> Any:
    return exchange_member("enisa-lm", enisa, "liaison_manager", "red")


def test_plan_inject_start_score(manager: Any, al_officer: Any, tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.txt"
    scenario.write_text("Ransomware at a port")
    status, exercise_id, err = run(
        "plan", "--title", "Port Storm", "--organiser", "ENISA", "--area", "cyber",
        "--participants", "CSIRT-AL,CSIRT-BA", "--starts", "2026-10-01T10:00:00Z",
        "--ends", "2026-10-03T10:00:00Z", "--scenario-file", str(scenario),
    )  # fmt: skip
    assert (status, err) == (0, "")
    exercise = Exercise.objects.get()
    assert (exercise_id, exercise.created_by, exercise.status) == (
        str(exercise.pk),
        manager,
        "planned",
    )
    status, inject_id, err = run(
        "inject", exercise_id, "--template", "cyber-incident", "--at", "2026-10-01T11:00:00Z",
        "--to", "CSIRT-AL", "--title", "Port down",
    )  # fmt: skip
    assert (status, err) == (0, "")
    inject = Inject.objects.get()
    assert (inject_id, inject.stage, inject.addressees) == (
        str(inject.pk),
        "early_warning",
        [str(Organisation.objects.get(short_name="CSIRT-AL").pk)],
    )
    assert run("start", exercise_id) == (0, f"{exercise_id} running", "")
    at = dt.datetime(2026, 10, 1, 11, tzinfo=dt.UTC)
    with time_machine.travel(at, tick=False):
        drain()
    note = Notification.objects.get()
    with time_machine.travel(at + dt.timedelta(minutes=20), tick=False):
        actions.acknowledge(al_officer, note.pk)
    status, out, _ = run("score", exercise_id, "--at", "2026-10-02T12:00:00Z", "--format", "json")
    assert status == 0
    body = json.loads(out)
    assert body["title"] == "Port Storm"
    assert [
        (p["short_name"], p["injects"], p["acknowledgements"], p["stages"])
        for p in body["participants"]
    ] == [
        (
            "CSIRT-AL",
            1,
            {"in_time": 1, "total": 1},
            {"on_time": 0, "late": 0, "missed": 1, "running": 0},
        ),
        (
            "CSIRT-BA",
            0,
            {"in_time": 0, "total": 0},
            {"on_time": 0, "late": 0, "missed": 0, "running": 0},
        ),
    ]
    assert run("finish", exercise_id) == (0, f"{exercise_id} ended", "")
    status, out, _ = run("list", "--format", "json")
    assert [
        (e["id"], e["status"], e["participants"], e["injects"], e["released"])
        for e in json.loads(out)
    ] == [(exercise_id, "ended", 2, 1, 1)]


def test_refusals_exit_1_and_store_nothing(manager: Any, al_officer: Any) -> None:
    base = ["plan", "--title", "T", "--area", "cyber", "--participants", "CSIRT-AL",
            "--starts", "2026-10-01T10:00:00Z", "--ends", "2026-10-02T10:00:00Z"]  # fmt: skip
    status, _, err = run(*base, "--organiser", "ENISA", "--by", "al-cp")
    assert (status, err) == (
        1,
        "refused: role (only the organiser's liaison manager runs exercises)",
    )
    status, _, err = run(*base, "--organiser", "CSIRT-AL", "--by", "enisa-lm")
    assert (status, err) == (1, "the organiser is an EU body")
    status, _, err = run(*base[:-1], "2026-10-01T09:00:00Z", "--organiser", "ENISA")
    assert (status, err) == (1, "the exercise must end after it starts")
    assert Exercise.objects.count() == 0
    assert run("start", "not-an-id")[0] == 1
    assert run("score", "not-an-id")[0] == 1
