"""`oip exchange breach report|sign|list` (the register from the command line)."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from oip.accounts.models import Organisation
from oip.evidence.models import Observation
from oip.exchange.models import BreachSignature, HandlingBreach
from tests.exchange.conftest import exchange_member

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("exchange", "breach", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, out.getvalue().strip(), err.getvalue().strip()


@pytest.fixture
def managers(enisa: Organisation) -> tuple[Any, Any]:
    return (
        exchange_member("enisa-lm1", enisa, "liaison_manager", "red"),
        exchange_member("enisa-lm2", enisa, "liaison_manager", "red"),
    )


def test_report_then_two_signatures_confirm_and_record_the_integrity_benchmark(
    managers: tuple[Any, Any], al_csirt: Organisation, frozen: dt.datetime
) -> None:
    code, breach, _ = run(
        "report", "--by", "enisa-lm1", "--concerned", al_csirt.short_name, "--area", "cyber",
        "--tlp", "amber",
    )  # fmt: skip
    assert code == 0
    assert HandlingBreach.objects.get().pk.hex == breach.replace("-", "")
    assert run("sign", breach, "confirm", "--by", "enisa-lm1") == (
        0,
        "alleged (awaits a second liaison manager)",
        "",
    )
    assert Observation.objects.count() == 0
    assert run("sign", breach, "confirm", "--by", "enisa-lm2") == (
        0,
        "confirmed (in effect); recorded cyber.csirt-networks.information-handling",
        "",
    )
    assert list(Observation.objects.values_list("country", "benchmark", "status")) == [
        ("AL", "cyber.csirt-networks.information-handling", "not_met")
    ]
    code, listed, _ = run("list", "--format", "json")
    assert [(r["country"], r["state"]) for r in json.loads(listed)] == [("AL", "confirmed")]


def test_refusals_name_what_is_wrong_and_write_nothing(
    managers: tuple[Any, Any], al_csirt: Organisation, enisa: Organisation, frozen: dt.datetime
) -> None:
    assert run(
        "report", "--by", "nobody", "--concerned", "CSIRT-AL", "--area", "cyber", "--tlp", "amber"
    ) == (1, "", "--by: unknown user 'nobody'")
    assert run(
        "report", "--by", "enisa-lm1", "--concerned", "NOPE", "--area", "cyber", "--tlp", "amber"
    ) == (1, "", "--concerned: unknown organisation 'NOPE'")
    code, _, err = run(
        "report", "--by", "enisa-lm1", "--concerned", enisa.short_name, "--area", "cyber",
        "--tlp", "amber",
    )  # fmt: skip
    assert (code, err.startswith("refused:")) == (1, True)
    assert HandlingBreach.objects.count() == 0
    assert BreachSignature.objects.count() == 0
