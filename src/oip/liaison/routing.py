"""The tiny rule language of template routing (EXCHANGE.md §6.6.4): parse and evaluate, pure.

A condition is one of
    {all: [c, ...]}   every condition holds (all of none holds)
    {any: [c, ...]}   at least one holds (any of none does not)
    {not: c}          c does not hold
    {field: f, in: [v, ...]}      the payload's field f equals one of the values; for a list
                                  field, at least one of its elements does
    {field: f, not_in: [v, ...]}  the negation of `in`
    {field: f, nonempty: true}    f is present and not null, "" or []; `false` asks the opposite
    {field: f, eq: v}             f is present and equals v
A missing field is never `in` anything and never equals anything. Rules are shown to users as
written, so the language stays this small on purpose.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from oip.liaison.template import Template

__all__ = [
    "All",
    "AnyOf",
    "Condition",
    "FieldTest",
    "Not",
    "Requirement",
    "Route",
    "Rule",
    "RuleSyntaxError",
    "holds",
    "parse_condition",
    "required_routes",
]

Operator = Literal["in", "not_in", "nonempty", "eq"]
_OPERATORS: tuple[Operator, ...] = ("in", "not_in", "nonempty", "eq")


@dataclass(frozen=True, slots=True)
class All:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    condition: Condition


@dataclass(frozen=True, slots=True)
class FieldTest:
    field: str
    operator: Operator
    value: Any


Condition = All | AnyOf | Not | FieldTest


@dataclass(frozen=True, slots=True)
class Requirement:
    """Where a rule sends the notification: `to` is `body:<id>`, `org:<id>` or `exercise:only`."""

    to: str
    stage: str


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    explain: str
    when: Condition
    require: tuple[Requirement, ...]


@dataclass(frozen=True, slots=True)
class Route:
    """One routing obligation a payload triggers, with the rule's own explanation."""

    rule_id: str
    to: str
    stage: str
    explain: str


class RuleSyntaxError(ValueError):
    """A condition outside the language; `loc` is the path inside the condition."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message


def parse_condition(data: Any, loc: tuple[str | int, ...] = ()) -> Condition:
    """Return the condition written as `data`; raise `RuleSyntaxError` naming where it is wrong."""
    if not isinstance(data, Mapping):
        raise RuleSyntaxError(loc, "a condition is a mapping")
    keys = set(data)
    for combinator in ("all", "any"):
        if combinator in keys:
            if keys != {combinator}:
                raise RuleSyntaxError(loc, f"`{combinator}` stands alone in its condition")
            items = data[combinator]
            if not isinstance(items, list):
                raise RuleSyntaxError((*loc, combinator), "expected a list of conditions")
            parsed = tuple(
                parse_condition(item, (*loc, combinator, i)) for i, item in enumerate(items)
            )
            return All(parsed) if combinator == "all" else AnyOf(parsed)
    if "not" in keys:
        if keys != {"not"}:
            raise RuleSyntaxError(loc, "`not` stands alone in its condition")
        return Not(parse_condition(data["not"], (*loc, "not")))
    if "field" in keys:
        field = data["field"]
        if not isinstance(field, str) or not field:
            raise RuleSyntaxError((*loc, "field"), "expected a field name")
        operators = [key for key in keys - {"field"}]
        if len(operators) != 1 or operators[0] not in _OPERATORS:
            raise RuleSyntaxError(
                loc,
                f"a field test has exactly one of {', '.join(_OPERATORS)}; got {sorted(operators)}",
            )
        operator: Operator = operators[0]
        value = data[operator]
        if operator in ("in", "not_in") and not isinstance(value, list):
            raise RuleSyntaxError((*loc, operator), "expected a list of values")
        if operator == "nonempty" and not isinstance(value, bool):
            raise RuleSyntaxError((*loc, operator), "expected true or false")
        return FieldTest(field, operator, tuple(value) if isinstance(value, list) else value)
    unknown = sorted(keys - {"all", "any", "not", "field"})
    raise RuleSyntaxError(
        loc, f"unknown operator {', '.join(unknown) or '(none)'}: use all/any/not/field"
    )


def _is_in(value: Any, values: Sequence[Any]) -> bool:
    if isinstance(value, list):
        return any(element in values for element in value)
    return value in values


def holds(condition: Condition, payload: Mapping[str, Any]) -> bool:
    """Return whether `condition` holds for `payload`."""
    if isinstance(condition, All):
        return all(holds(c, payload) for c in condition.conditions)
    if isinstance(condition, AnyOf):
        return any(holds(c, payload) for c in condition.conditions)
    if isinstance(condition, Not):
        return not holds(condition.condition, payload)
    present = condition.field in payload
    value = payload.get(condition.field)
    if condition.operator == "in":
        return present and _is_in(value, condition.value)
    if condition.operator == "not_in":
        return not (present and _is_in(value, condition.value))
    if condition.operator == "eq":
        return present and value == condition.value
    nonempty = present and value not in (None, "", [], {})
    return nonempty is condition.value


def required_routes(template: Template, payload: Mapping[str, Any]) -> list[Route]:
    """Return the routes `template`'s rules require for `payload`, in rule order."""
    return [
        Route(rule.id, requirement.to, requirement.stage, rule.explain)
        for rule in template.routing
        if holds(rule.when, payload)
        for requirement in rule.require
    ]
