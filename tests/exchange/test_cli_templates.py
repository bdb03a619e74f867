"""`oip exchange templates validate|export` (EXCHANGE.md §10)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from oip.liaison.templates import shipped

FIXTURES = Path(__file__).parents[1] / "liaison" / "fixtures" / "templates"


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("exchange", "templates", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_validate_exits_0_on_the_shipped_data() -> None:
    status, out, err = _run("validate")
    template_set = shipped()
    stages = sum(len(t.stages) for t in template_set.templates.values())
    assert (status, err) == (0, "")
    assert out == (
        f"templates {template_set.version} are valid: {len(template_set.templates)} templates,"
        f" {stages} stages, {len(template_set.taxonomies)} taxonomies\n"
    )


@pytest.mark.parametrize(
    ("case", "line"),
    [
        (
            "unknown_area",
            "templates/tiny.yaml:5: area: unknown catalogue area 'nowhere': one of cyber, eppo,"
            " eurojust, fdi, fimi, financial-integrity, public-administration, rule-of-law,"
            " security",
        ),
        (
            "unknown_taxonomy_id",
            "templates/tiny.yaml:25: stages.alert.examples[0].kind: example does not validate:"
            " unknown id 'ransomware' in rsit#types",
        ),
        (
            "retired_id",
            "templates/tiny.yaml:25: stages.alert.examples[0].kind: retired id TA03: retired in"
            " DISARM v1.x; use TA14 Develop Narratives",
        ),
        ("clock_without_party", "templates/tiny.yaml:23: stages.alert.clocks[0].party: required"),
        (
            "changed_published",
            "templates/tiny.yaml:3: version: changed content under the published version label"
            " 2026.1: give it a new version",
        ),
    ],
)
def test_validate_exits_1_with_one_line_per_problem(case: str, line: str) -> None:
    status, out, err = _run("validate", "--dir", str(FIXTURES / case))
    assert (status, out) == (1, "")
    assert err == f"{line}\ntemplates invalid: 1 problem(s)\n"


def test_export_prints_every_template_with_valid_examples() -> None:
    status, out, err = _run("export", "--format", "json")
    assert (status, err) == (0, "")
    data = json.loads(out)
    template_set = shipped()
    assert data["version"] == template_set.version
    assert [t["id"] for t in data["templates"]] == sorted(template_set.templates)
    cyber = next(t for t in data["templates"] if t["id"] == "cyber-incident")
    assert {k: cyber[k] for k in ("version", "area", "title", "tlp")} == {
        "version": "2026.1",
        "area": "cyber",
        "title": "Cross-border cyber incident notification",
        "tlp": {"default": "amber", "allowed": ["clear", "green", "amber", "amber+strict", "red"]},
    }
    assert [s["id"] for s in cyber["stages"]] == [
        "early_warning",
        "notification",
        "intermediate",
        "final",
        "progress",
        "initial_feedback",
    ]
    assert cyber["stages"][0]["clocks"][0] == {
        "id": "early-warning",
        "start": "field.aware_at",
        "stop": "stage.early_warning.submitted",
        "within": "PT24H",
        "calendar": "24x7",
        "party": "sender",
        "restart": None,
        "restart_within": None,
        "basis": "NIS2 Art. 23(4)(a), by analogy",
    }
    for template in data["templates"]:
        for stage in template["stages"]:
            assert set(stage) >= {"id", "schema", "clocks", "examples"}
            assert stage["examples"], (template["id"], stage["id"])
            for example in stage["examples"]:
                found = template_set.get(template["id"]).validate(stage["id"], example)
                assert found == []
