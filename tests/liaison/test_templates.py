"""The template loader (oip.liaison.templates): shipped data, fixtures of defects, payload errors."""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path
from typing import Any

import pytest
import yaml

from oip.liaison.templates import (
    PayloadError,
    Problem,
    TemplateErrors,
    _main,
    load_templates,
    shipped,
)
from oip.liaison.types import ClockDef

FIXTURES = Path(__file__).parent / "fixtures" / "templates"


def _problems(case: str) -> list[str]:
    with pytest.raises(TemplateErrors) as caught:
        load_templates(FIXTURES / case)
    return [str(p) for p in caught.value.problems]


# -- defects are reported as file:line: field: message ------------------------------------------


def test_unknown_catalogue_area_is_reported_with_file_line_and_field() -> None:
    assert _problems("unknown_area") == [
        "templates/tiny.yaml:5: area: unknown catalogue area 'nowhere': one of cyber, eppo,"
        " eurojust, fdi, fimi, financial-integrity, public-administration, rule-of-law, security"
    ]


def test_areas_can_be_given() -> None:
    template_set = load_templates(FIXTURES / "unknown_area", areas={"nowhere"})
    assert list(template_set.templates) == ["tiny"]


def test_unknown_taxonomy_id_in_an_example_is_reported() -> None:
    assert _problems("unknown_taxonomy_id") == [
        "templates/tiny.yaml:25: stages.alert.examples[0].kind: example does not validate:"
        " unknown id 'ransomware' in rsit#types"
    ]


def test_retired_id_is_reported_with_its_replacement() -> None:
    assert _problems("retired_id") == [
        "templates/tiny.yaml:25: stages.alert.examples[0].kind: retired id TA03: retired in"
        " DISARM v1.x; use TA14 Develop Narratives"
    ]


def test_clock_without_party_is_reported() -> None:
    assert _problems("clock_without_party") == [
        "templates/tiny.yaml:23: stages.alert.clocks[0].party: required"
    ]


def test_changed_content_under_a_published_label_is_refused() -> None:
    assert _problems("changed_published") == [
        "templates/tiny.yaml:3: version: changed content under the published version label"
        " 2026.1: give it a new version"
    ]


def test_problem_prints_as_file_line_field_message() -> None:
    assert str(Problem("templates/x.yaml", 12, "stages.a.clocks[0].party", "required")) == (
        "templates/x.yaml:12: stages.a.clocks[0].party: required"
    )


def test_every_problem_of_every_file_at_once(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    for case in ("unknown_area", "clock_without_party"):
        text = (FIXTURES / case / "templates" / "tiny.yaml").read_text()
        name = case.replace("_", "-")
        (tmp_path / "templates" / f"{name}.yaml").write_text(
            text.replace("id: tiny", f"id: {name}")
        )
    with pytest.raises(TemplateErrors) as caught:
        load_templates(tmp_path)
    assert [(p.file, p.line, p.field) for p in caught.value.problems] == [
        ("templates/clock-without-party.yaml", 23, "stages.alert.clocks[0].party"),
        ("templates/unknown-area.yaml", 5, "area"),
    ]


def test_bad_clock_references_are_reported(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    text = (FIXTURES / "unknown_taxonomy_id" / "templates" / "tiny.yaml").read_text()
    text = text.replace("kind: ransomware", "kind: phishing")
    text = text.replace("start: stage.alert.delivered", "start: stage.nowhere.delivered")
    text = text.replace("stop: event.acknowledged", "stop: event.exploded")
    text = text.replace("within: PT4H", "within: four hours").replace(
        "calendar: 24x7", "calendar: moon"
    )
    (tmp_path / "templates" / "tiny.yaml").write_text(text)
    with pytest.raises(TemplateErrors) as caught:
        load_templates(tmp_path)
    # All on one line: sorted by field.
    assert [p.field + ": " + p.message for p in caught.value.problems] == [
        "stages.alert.clocks[0].calendar: unknown calendar 'moon': one of 24x7, calendar-days,"
        " eu-institutions, recipient, sender or a country code",
        "stages.alert.clocks[0].start: unknown stage 'nowhere'",
        "stages.alert.clocks[0].stop: unknown event 'exploded': one of acknowledged, answered,"
        " attested, delivered, recalled, requested, sent",
        "stages.alert.clocks[0].within: cannot parse 'four hours': an ISO 8601 duration (PT24H,"
        " P1M), B<n>D/B<n>H, or one of contact_point.ack_within,"
        " contact_point.reachability_limit, request.within",
    ]


# -- the shipped set ----------------------------------------------------------------------------

SHIPPED = shipped()
OWN = ("cyber-incident", "reachability-test", "handling-breach", "recall")


def test_shipped_templates_include_the_service_and_cyber_templates() -> None:
    assert set(OWN) <= set(SHIPPED.templates)
    assert SHIPPED.get("recall").opening_stage() == "recall"
    assert SHIPPED.get("cyber-incident").opening_stage() == "early_warning"


def test_unknown_template_id_names_the_known_ones() -> None:
    with pytest.raises(KeyError) as caught:
        SHIPPED.get("nope")
    assert "unknown template 'nope'; known: " in str(caught.value)
    assert "cyber-incident" in str(caught.value)


def test_set_version_is_a_short_hash_of_all_template_hashes() -> None:
    lines = "\n".join(f"{t}={SHIPPED.templates[t].content_hash}" for t in sorted(SHIPPED.templates))
    assert SHIPPED.version == hashlib.sha256(lines.encode()).hexdigest()[:12]


def test_every_shipped_template_is_published_with_its_hash() -> None:
    published = yaml.safe_load(
        (Path(__file__).parents[2] / "src/oip/liaison/data/templates/published.yaml").read_text()
    )
    assert published == {t.id: {t.version: t.content_hash} for t in SHIPPED.templates.values()}


EXAMPLES = [
    pytest.param(t.id, s.id, i, id=f"{t.id}:{s.id}:{i}")
    for t in SHIPPED.templates.values()
    for s in t.stages.values()
    for i in range(len(s.examples))
]


@pytest.mark.parametrize(("template_id", "stage_id", "index"), EXAMPLES)
def test_every_shipped_example_validates(template_id: str, stage_id: str, index: int) -> None:
    template = SHIPPED.get(template_id)
    assert template.validate(stage_id, template.stages[stage_id].examples[index]) == []


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        resolved: dict[str, Any] = schema["$defs"][ref.removeprefix("#/$defs/")]
        return resolved
    return node


def _removals() -> list[Any]:
    cases = []
    for t in SHIPPED.templates.values():
        for s in t.stages.values():
            example = s.examples[0]
            for name in s.schema.get("required", []):
                cases.append(pytest.param(t.id, s.id, (name,), id=f"{t.id}:{s.id}:/{name}"))
                value = example.get(name)
                sub = _resolve(s.schema, s.schema["properties"][name])
                if isinstance(value, dict):
                    for inner in sub.get("required", []):
                        cases.append(
                            pytest.param(
                                t.id, s.id, (name, inner), id=f"{t.id}:{s.id}:/{name}/{inner}"
                            )
                        )
    return cases


@pytest.mark.parametrize(("template_id", "stage_id", "path"), _removals())
def test_removing_a_required_field_gives_exactly_one_error_at_its_pointer(
    template_id: str, stage_id: str, path: tuple[str, ...]
) -> None:
    template = SHIPPED.get(template_id)
    payload = copy.deepcopy(template.stages[stage_id].examples[0])
    holder = payload
    for part in path[:-1]:
        holder = holder[part]
    holder.pop(path[-1], None)
    assert template.validate(stage_id, payload) == [PayloadError("/" + "/".join(path), "required")]


def test_unknown_stage_is_one_error_at_the_root() -> None:
    assert SHIPPED.get("recall").validate("nope", {}) == [
        PayloadError("", "unknown stage 'nope' of recall: one of recall, attestation")
    ]


def test_unknown_field_and_bad_instant_are_named_by_pointer() -> None:
    template = SHIPPED.get("cyber-incident")
    payload = dict(template.stages["early_warning"].examples[0])
    payload["bogus"] = 1
    payload["aware_at"] = "yesterday"
    payload["significance"] = ["art3-1a", "art99"]
    assert template.validate("early_warning", payload) == [
        PayloadError("/aware_at", "'yesterday' is not a 'date-time'"),
        PayloadError("/bogus", "unknown field"),
        PayloadError("/significance/1", "unknown id 'art99' in cir-2024-2690#criteria"),
    ]


def test_cross_border_yes_requires_affected_countries() -> None:
    template = SHIPPED.get("cyber-incident")
    payload = dict(template.stages["early_warning"].examples[0])
    del payload["affected_countries"]
    assert template.validate("early_warning", payload) == [
        PayloadError("/affected_countries", "required")
    ]


def test_cyber_clocks_are_the_table_of_section_6_6_1() -> None:
    clocks = {c.id: c for c in SHIPPED.get("cyber-incident").clocks()}
    assert list(clocks) == [
        "ack",
        "early-warning",
        "notification",
        "intermediate",
        "final",
        "final-after-handling",
        "initial-feedback",
    ]
    assert clocks["early-warning"] == ClockDef(
        id="early-warning",
        start="field.aware_at",
        stop="stage.early_warning.submitted",
        within="PT24H",
        calendar="24x7",
        party="sender",
        basis="NIS2 Art. 23(4)(a), by analogy",
    )
    assert (clocks["notification"].start, clocks["notification"].within) == (
        "field.aware_at",
        "PT72H",
    )
    assert (clocks["intermediate"].start, clocks["intermediate"].within) == (
        "event.requested",
        "request.within",
    )
    assert (clocks["final"].start, clocks["final"].within) == (
        "stage.notification.submitted",
        "P1M",
    )
    assert (clocks["initial-feedback"].start, clocks["initial-feedback"].party) == (
        "stage.early_warning.delivered",
        "recipient",
    )
    assert clocks["ack"].within == "contact_point.ack_within"


def test_service_template_clocks() -> None:
    (answer,) = SHIPPED.get("reachability-test").clocks()
    assert (answer.start, answer.stop, answer.within, answer.calendar, answer.party) == (
        "event.sent",
        "stage.echo.submitted",
        "contact_point.reachability_limit",
        "recipient",
        "recipient",
    )
    (attestation,) = SHIPPED.get("recall").clocks()
    assert (attestation.within, attestation.calendar, attestation.party) == (
        "B5D",
        "recipient",
        "recipient",
    )
    assert SHIPPED.get("handling-breach").clocks() == ()


def test_taxonomy_enum_is_injected_into_the_schema() -> None:
    schema = SHIPPED.get("cyber-incident").stages["early_warning"].schema
    assert schema["$defs"]["rsit_class"]["enum"][:3] == [
        "abusive-content",
        "malicious-code",
        "information-gathering",
    ]
    assert schema["$defs"]["significance"]["items"]["enum"][-1] == "under_assessment"


EXAMPLE_LINES = '    examples:\n      - {seen_at: "2026-04-01T10:00:00Z", kind: phishing}\n'


def _tiny(tmp_path: Path, *replacements: tuple[str, str]) -> list[str]:
    (tmp_path / "templates").mkdir()
    text = (FIXTURES / "clock_without_party" / "templates" / "tiny.yaml").read_text()
    text = text.replace("calendar: 24x7}", "calendar: 24x7, party: recipient}")
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    (tmp_path / "templates" / "tiny.yaml").write_text(text)
    with pytest.raises(TemplateErrors) as caught:
        load_templates(tmp_path)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("replacements", "expected"),
    [
        (
            [('"rsit#types"', '"rsit#colours"')],
            "templates/tiny.yaml:21: stages.alert.schema.properties.kind.x-oip-taxonomy:"
            " unknown taxonomy set 'rsit#colours'",
        ),
        (
            [("tlp: {default: amber,", "tlp: {default: red,")],
            "templates/tiny.yaml:9: tlp: default red is not among the allowed levels",
        ),
        (
            [("title: Tiny template", "title: Tiny template\ncolour: blue")],
            "templates/tiny.yaml:7: colour: unknown field",
        ),
        (
            [('version: "2026.1"', "version: latest")],
            "templates/tiny.yaml:3: version: String should match pattern '^[0-9]{4}\\.[0-9]+$'",
        ),
        (
            [("seen_at: {type: string, format: date-time}", "seen_at: {type: strang}")],
            "templates/tiny.yaml:20: stages.alert.schema.properties.seen_at.type: not a valid"
            " JSON Schema 2020-12: 'strang' is not valid under any of the given schemas",
        ),
        (
            [('seen_at: "2026-04-01T10:00:00Z"', 'seen_at: "1 April"')],
            "templates/tiny.yaml:25: stages.alert.examples[0].seen_at: example does not"
            " validate: '1 April' is not a 'date-time'",
        ),
        (
            [(EXAMPLE_LINES, "    examples: []\n")],
            "templates/tiny.yaml:24: stages.alert.examples: List should have at least 1 item"
            " after validation, not 0",
        ),
    ],
    ids=[
        "taxonomy-set",
        "tlp-default",
        "unknown-key",
        "version",
        "schema",
        "example",
        "no-example",
    ],
)
def test_file_defects(tmp_path: Path, replacements: list[tuple[str, str]], expected: str) -> None:
    assert _tiny(tmp_path, *replacements) == [expected]


def test_routing_rules_outside_the_language_are_reported(tmp_path: Path) -> None:
    rules = (
        "routing:\n"
        "  - id: one\n"
        "    explain: Bad operator.\n"
        "    when: {field: kind, gt: 3}\n"
        "    require: [{to: 'body:enisa', stage: alert}]\n"
        "  - id: two\n"
        "    explain: Unknown field and stage.\n"
        "    when: {any: [{field: colour, eq: red}]}\n"
        "    require: [{to: 'body:enisa', stage: alarm}]\n"
    )
    assert _tiny(tmp_path, (EXAMPLE_LINES, EXAMPLE_LINES + rules)) == [
        "templates/tiny.yaml:29: routing[0].when: a field test has exactly one of in, not_in,"
        " nonempty, eq; got ['gt']",
        "templates/tiny.yaml:33: routing[1].when: no stage has the field 'colour'",
        "templates/tiny.yaml:34: routing[1].require[0].stage: unknown stage",
    ]


def test_retired_id_in_a_schema_enum_is_reported(tmp_path: Path) -> None:
    (tmp_path / "taxonomies").mkdir()
    (tmp_path / "taxonomies" / "mini-disarm.yaml").write_text(
        (FIXTURES / "retired_id" / "taxonomies" / "mini-disarm.yaml").read_text()
    )
    problems = _tiny(
        tmp_path,
        (
            'kind: {type: string, x-oip-taxonomy: "rsit#types"}',
            "kind: {type: string, enum: [TA03, phishing]}",
        ),
    )
    assert problems == [
        "templates/tiny.yaml:21: stages.alert.schema.properties.kind.enum[0]: retired id TA03:"
        " retired in DISARM v1.x; use TA14 Develop Narratives"
    ]


def test_hashes_prints_one_published_line_per_template(capsys: pytest.CaptureFixture[str]) -> None:
    assert _main(["templates", "--hashes"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f'{t.id}: {{"{t.version}": "{t.content_hash}"}}'
        for t in sorted(SHIPPED.templates.values(), key=lambda t: t.id)
    ]


def test_removing_several_required_fields_names_each_once() -> None:
    """Three missing fields give three errors, not three times three (one per jsonschema error
    once each, though every `required` error carries the whole list)."""
    template = shipped().get("cyber-incident")
    payload = dict(template.stages["early_warning"].examples[0])
    for name in ("aware_at", "rsit_class", "summary"):
        payload.pop(name)
    assert template.validate("early_warning", payload) == [
        PayloadError("/aware_at", "required"),
        PayloadError("/rsit_class", "required"),
        PayloadError("/summary", "required"),
    ]
