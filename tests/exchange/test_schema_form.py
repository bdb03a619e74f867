"""The compose form drawn from a JSON Schema: fields per top-level property, values read back,
problems attached to the fields their pointers name."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oip.exchange.schema_form import FormField, fields, read, resolve, with_errors
from oip.liaison.templates import shipped

SCHEMA = {
    "type": "object",
    "required": ["when", "level"],
    "properties": {
        "when": {"$ref": "#/$defs/instant"},
        "level": {"type": "string", "enum": ["low", "high"]},
        "sectors": {"type": "array", "items": {"$ref": "#/$defs/sector"}},
        "countries": {"type": "array", "items": {"type": "string"}},
        "count": {"type": "integer"},
        "loss": {"type": "number"},
        "malicious": {"type": "boolean"},
        "note": {"type": "string", "maxLength": 100},
        "summary": {"type": "string"},
        "impact": {"type": "object"},
    },
    "$defs": {
        "instant": {"type": "string", "format": "date-time"},
        "sector": {"type": "string", "enum": ["energy", "health"]},
    },
}


def test_one_field_per_top_level_property_of_the_right_kind() -> None:
    found = [(f.name, f.kind, f.required, f.choices) for f in fields(SCHEMA)]
    assert found == [
        ("when", "text", True, ()),
        ("level", "select", True, ("low", "high")),
        ("sectors", "multiselect", False, ("energy", "health")),
        ("countries", "list", False, ()),
        ("count", "integer", False, ()),
        ("loss", "number", False, ()),
        ("malicious", "boolean", False, ()),
        ("note", "text", False, ()),
        ("summary", "textarea", False, ()),
        ("impact", "json", False, ()),
    ]
    assert fields(SCHEMA)[0].help == (
        "Date and time in ISO 8601 with a zone, e.g. 2026-03-28T22:00:00Z."
    )


def test_read_turns_inputs_into_a_payload_and_leaves_out_empty_ones() -> None:
    posted = {
        "when": ["2026-03-28T22:00:00Z"],
        "level": ["high"],
        "sectors": ["energy", "health"],
        "countries": ["AL\r\n ME \n\n"],
        "count": ["12"],
        "loss": ["2.5"],
        "malicious": ["false"],
        "note": ["  "],
        "impact": ['{"users": 3}'],
    }
    payload, shown, problems = read(fields(SCHEMA), posted)
    assert payload == {
        "when": "2026-03-28T22:00:00Z",
        "level": "high",
        "sectors": ["energy", "health"],
        "countries": ["AL", "ME"],
        "count": 12,
        "loss": 2.5,
        "malicious": False,
        "impact": {"users": 3},
    }
    assert problems == []
    assert [f.value for f in shown][:3] == ["2026-03-28T22:00:00Z", "high", ("energy", "health")]


def test_read_reports_what_it_cannot_read_at_its_pointer() -> None:
    posted = {"count": ["twelve"], "loss": ["x"], "malicious": ["maybe"], "impact": ["{"]}
    payload, _, problems = read(fields(SCHEMA), posted)
    assert payload == {}
    assert [p for p, _ in problems] == ["/count", "/loss", "/malicious", "/impact"]
    assert problems[0] == ("/count", "must be a whole number")
    assert problems[3][1].startswith("not valid JSON: ")


def test_problems_go_to_their_fields_and_the_rest_is_returned() -> None:
    marked, rest = with_errors(
        fields(SCHEMA),
        [
            ("/when", "required"),
            ("/impact/users", "must be at least 0"),
            ("/tlp", "one of amber, red"),
            ("", "the body must be a JSON object"),
        ],
    )
    errors = {f.name: f.errors for f in marked if f.errors}
    assert errors == {"when": ("required",), "impact": ("/users: must be at least 0",)}
    assert rest == [("/tlp", "one of amber, red"), ("", "the body must be a JSON object")]


def test_resolve_follows_local_references_and_refuses_loops() -> None:
    root = {
        "$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"type": "string"}, "x": {"$ref": "#/$defs/x"}}
    }
    assert resolve({"$ref": "#/$defs/a"}, root) == {"type": "string"}
    assert resolve({"$ref": "#/$defs/x"}, root) == {}
    assert resolve({"$ref": "https://example.org/s.json"}, root) == {
        "$ref": "https://example.org/s.json"
    }
    assert resolve(None, root) == {}


def what_a_person_enters(field: FormField, value: Any) -> list[str]:
    if field.kind == "multiselect":
        return list(value)
    if field.kind == "boolean":
        return ["true" if value else "false"]
    if field.kind == "list":
        return ["\n".join(value)]
    if field.kind == "json":
        return [json.dumps(value)]
    return [str(value)]


EXAMPLES = [
    (template.id, stage.id, index, stage.schema, example)
    for template in shipped().templates.values()
    for stage in template.stages.values()
    for index, example in enumerate(stage.examples)
]


@pytest.mark.parametrize(
    ("template", "stage", "index", "schema", "example"),
    EXAMPLES,
    ids=[f"{t}-{s}-{i}" for t, s, i, _, _ in EXAMPLES],
)
def test_every_shipped_example_survives_the_form(
    template: str, stage: str, index: int, schema: dict[str, Any], example: dict[str, Any]
) -> None:
    """Typing a valid example into the form gives the example back (and no problem)."""
    form = {f.name: f for f in fields(schema)}
    posted = {name: what_a_person_enters(form[name], value) for name, value in example.items()}
    payload, _, problems = read(list(form.values()), posted)
    assert problems == []
    assert payload == example
    assert shipped().get(template).validate(stage, payload) == []


@settings(max_examples=500)
@given(
    count=st.integers(min_value=-(10**12), max_value=10**12),
    loss=st.floats(allow_nan=False, allow_infinity=False, width=64),
    countries=st.lists(st.from_regex(r"[A-Z]{2}", fullmatch=True), max_size=6),
    impact=st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5), max_size=4),
)
def test_numbers_lists_and_json_round_trip(
    count: int, loss: float, countries: list[str], impact: dict[str, Any]
) -> None:
    form = {f.name: f for f in fields(SCHEMA)}
    values = {"count": count, "loss": loss, "countries": countries, "impact": impact}
    posted = {name: what_a_person_enters(form[name], value) for name, value in values.items()}
    payload, _, problems = read(list(form.values()), posted)
    assert problems == []
    expected = {k: v for k, v in values.items() if v != []}
    assert payload == expected
