"""The routing rule language (oip.liaison.routing): parsing, evaluation and the shipped rules."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oip.liaison.routing import (
    All,
    AnyOf,
    Condition,
    FieldTest,
    Not,
    Route,
    RuleSyntaxError,
    holds,
    parse_condition,
    required_routes,
)
from oip.liaison.templates import shipped

CYBER = shipped().get("cyber-incident")
EARLY_WARNING = CYBER.stages["early_warning"].examples[0]

ENISA = Route(
    "significant-cross-border-to-enisa",
    "body:enisa",
    "early_warning",
    "A significant (or still assessed) incident with a cross-border impact that is yes or"
    " unknown goes to ENISA's liaison as an early warning.",
)
EXERCISE = Route(
    "test-exercise-only",
    "exercise:only",
    "early_warning",
    "An incident classified rsit test takes the exercise path only: it never reaches real inboxes.",
)


def test_cross_border_significant_incident_goes_to_enisa() -> None:
    assert required_routes(CYBER, EARLY_WARNING) == [ENISA]


def test_unknown_cross_border_impact_goes_to_enisa_too() -> None:
    payload = {**EARLY_WARNING, "cross_border_impact": "unknown"}
    assert required_routes(CYBER, payload) == [ENISA]


def test_national_incident_stays_national() -> None:
    payload = {**EARLY_WARNING, "cross_border_impact": "no"}
    assert required_routes(CYBER, payload) == []


def test_no_significance_means_no_enisa_route() -> None:
    payload = {**EARLY_WARNING, "significance": []}
    assert required_routes(CYBER, payload) == []


def test_rsit_test_takes_the_exercise_path_only() -> None:
    payload = {**EARLY_WARNING, "rsit_class": "test", "rsit_type": "test"}
    assert required_routes(CYBER, payload) == [EXERCISE]


@pytest.mark.parametrize(
    ("data", "message", "loc"),
    [
        (
            {"field": "a", "gt": 1},
            "a field test has exactly one of in, not_in, nonempty, eq; got ['gt']",
            (),
        ),
        ({"all": {"field": "a", "eq": 1}}, "expected a list of conditions", ("all",)),
        ({"any": [{"xor": []}]}, "unknown operator xor: use all/any/not/field", ("any", 0)),
        ({"field": "a", "in": "yes"}, "expected a list of values", ("in",)),
        ({"not": {"field": "a", "nonempty": "yes"}}, "expected true or false", ("not", "nonempty")),
        ({"all": [], "any": []}, "`all` stands alone in its condition", ()),
        ([1], "a condition is a mapping", ()),
    ],
)
def test_conditions_outside_the_language_are_refused(
    data: Any, message: str, loc: tuple[Any, ...]
) -> None:
    with pytest.raises(RuleSyntaxError) as caught:
        parse_condition(data)
    assert (caught.value.message, caught.value.loc) == (message, loc)


def test_field_tests_on_missing_and_list_fields() -> None:
    assert holds(FieldTest("a", "in", ("x",)), {}) is False
    assert holds(FieldTest("a", "not_in", ("x",)), {}) is True
    assert holds(FieldTest("a", "eq", None), {}) is False
    assert holds(FieldTest("a", "nonempty", False), {}) is True
    assert holds(FieldTest("a", "in", ("x",)), {"a": ["y", "x"]}) is True
    assert holds(FieldTest("a", "nonempty", True), {"a": ""}) is False
    assert holds(All(()), {}) is True
    assert holds(AnyOf(()), {}) is False


# -- properties of the evaluator -----------------------------------------------------------------

VALUES = st.sampled_from(["yes", "no", "unknown", "", None, 0, 1])
PAYLOADS = st.dictionaries(
    st.sampled_from(["a", "b", "c"]), st.one_of(VALUES, st.lists(VALUES, max_size=3)), max_size=3
)
TESTS = st.builds(
    FieldTest,
    st.sampled_from(["a", "b", "c"]),
    st.sampled_from(["in", "not_in", "eq", "nonempty"]),
    st.none(),
).flatmap(
    lambda t: (
        st.lists(VALUES, max_size=3).map(lambda v: FieldTest(t.field, t.operator, tuple(v)))
        if t.operator in ("in", "not_in")
        else st.booleans().map(lambda v: FieldTest(t.field, t.operator, v))
        if t.operator == "nonempty"
        else VALUES.map(lambda v: FieldTest(t.field, t.operator, v))
    )
)
CONDITIONS: st.SearchStrategy[Condition] = st.recursive(
    TESTS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda cs: All(tuple(cs))),
        st.lists(inner, max_size=3).map(lambda cs: AnyOf(tuple(cs))),
        inner.map(Not),
    ),
    max_leaves=8,
)


def _as_data(condition: Condition) -> Any:
    if isinstance(condition, All):
        return {"all": [_as_data(c) for c in condition.conditions]}
    if isinstance(condition, AnyOf):
        return {"any": [_as_data(c) for c in condition.conditions]}
    if isinstance(condition, Not):
        return {"not": _as_data(condition.condition)}
    value = list(condition.value) if isinstance(condition.value, tuple) else condition.value
    return {"field": condition.field, condition.operator: value}


@settings(max_examples=500)
@given(CONDITIONS, PAYLOADS)
def test_not_inverts(condition: Condition, payload: dict[str, Any]) -> None:
    assert holds(Not(condition), payload) is (not holds(condition, payload))


@settings(max_examples=500)
@given(CONDITIONS, PAYLOADS)
def test_all_or_any_of_one_is_the_one(condition: Condition, payload: dict[str, Any]) -> None:
    assert holds(All((condition,)), payload) is holds(condition, payload)
    assert holds(AnyOf((condition,)), payload) is holds(condition, payload)


@settings(max_examples=500)
@given(st.lists(CONDITIONS, max_size=4), PAYLOADS)
def test_de_morgan(conditions: list[Condition], payload: dict[str, Any]) -> None:
    negated = tuple(Not(c) for c in conditions)
    assert holds(Not(All(tuple(conditions))), payload) is holds(AnyOf(negated), payload)


@settings(max_examples=500)
@given(TESTS, PAYLOADS)
def test_in_and_not_in_are_complements(test: FieldTest, payload: dict[str, Any]) -> None:
    if test.operator in ("in", "not_in"):
        inside = holds(FieldTest(test.field, "in", test.value), payload)
        assert holds(FieldTest(test.field, "not_in", test.value), payload) is (not inside)


@settings(max_examples=500)
@given(CONDITIONS)
def test_parse_reads_back_what_was_written(condition: Condition) -> None:
    assert parse_condition(_as_data(condition)) == condition
