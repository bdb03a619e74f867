"""A form drawn from a stage's JSON Schema: one input per top-level property (EXCHANGE.md §6.14).

`fields(schema)` turns the schema's top-level `properties` into `FormField`s: an enumeration is
a select (a multiple select for an array of an enumeration), a string a text input (a text area
when it may be long), `integer` / `number` a number input, `boolean` a yes/no select, an array of
strings a text area of one item per line, and anything nested (objects, other arrays, `oneOf`...) a JSON text area.
Each field is labelled with its property's `title`, else its id humanised with acronyms kept
upper-case (`label`: "rsit_class" -> "RSIT class"); the notification page labels the same way. `read(fields, data)`
turns the posted values back into a payload and the problems it found at their JSON pointers
(`/name`); empty optional inputs are left out of the payload. `with_errors` attaches messages
(by pointer, as `PayloadInvalid` gives them) to the fields they concern, and returns the rest.

Pure: plain values in and out; the compose page renders the fields and calls `actions.send`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

Kind = Literal[
    "text", "textarea", "number", "integer", "boolean", "select", "multiselect", "list", "json"
]
#: Strings that may be longer than this are given a text area.
SHORT_TEXT = 200
#: Words of a property id kept upper-case in its label ("rsit_class" -> "RSIT class").
ACRONYMS = frozenset(
    {
        "aml", "cir", "cn", "disarm", "eppo", "eu", "eur", "fdi", "hs", "iban", "id", "nace",
        "nis2", "pif", "rsit", "swift", "tlp", "url", "vat",
    }
)  # fmt: skip
#: Words of a property id shown as a sign ("share_pct" -> "Share %").
SIGNS = {"pct": "%"}


@dataclass(frozen=True, slots=True)
class FormField:
    """One input of the form: `name` is the payload property, `value` what to show back."""

    name: str
    label: str
    kind: Kind
    required: bool
    help: str = ""
    choices: tuple[str, ...] = ()
    value: str | tuple[str, ...] = ""
    errors: tuple[str, ...] = ()

    @property
    def input_id(self) -> str:
        return f"f-{self.name}"


def humanise(name: str) -> str:
    """A property id as a label: words split on `_` and `-`, the first capitalised, acronyms
    (`ACRONYMS`) upper-case, the rest as written ("rsit_class" -> "RSIT class")."""
    words = [w for w in re.split(r"[_\-]+", name) if w]
    shown = [w.upper() if w.lower() in ACRONYMS else SIGNS.get(w.lower(), w) for w in words]
    if shown and shown[0] == words[0]:
        shown[0] = shown[0][:1].upper() + shown[0][1:]
    return " ".join(shown) or name


def label(name: str, spec: Mapping[str, Any]) -> str:
    """The label of property `name`: the schema's `title` when it has one, else `humanise`."""
    title = spec.get("title") if isinstance(spec, Mapping) else None
    return str(title).strip() if isinstance(title, str) and title.strip() else humanise(name)


def resolve(spec: Any, root: Mapping[str, Any]) -> Mapping[str, Any]:
    """`spec` with its local `$ref` (`#/$defs/...`, `#/definitions/...`) followed; {} else."""
    for _ in range(16):  # a chain of references, never a loop
        if not isinstance(spec, Mapping):
            return {}
        ref = spec.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#/"):
            return spec
        target: Any = root
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part) if isinstance(target, Mapping) else None
        spec = (
            {**target, **{k: v for k, v in spec.items() if k != "$ref"}}
            if isinstance(target, Mapping)
            else {}
        )
    return {}


def _kind(spec: Mapping[str, Any], root: Mapping[str, Any]) -> tuple[Kind, tuple[str, ...]]:
    kind = spec.get("type")
    if "enum" in spec and all(isinstance(v, str) for v in spec["enum"]):
        return "select", tuple(spec["enum"])
    if kind == "array":
        items = resolve(spec.get("items"), root)
        enum = items.get("enum") if isinstance(items, Mapping) else None
        if isinstance(enum, list) and all(isinstance(v, str) for v in enum):
            return "multiselect", tuple(enum)
        if items.get("type") == "string":
            return "list", ()
        return "json", ()
    if kind == "string":
        long = spec.get("maxLength", SHORT_TEXT + 1) > SHORT_TEXT and "format" not in spec
        return ("textarea" if long else "text"), ()
    if kind == "integer":
        return "integer", ()
    if kind == "number":
        return "number", ()
    if kind == "boolean":
        return "boolean", ()
    return "json", ()


def _help(spec: Mapping[str, Any], kind: Kind) -> str:
    parts = [str(spec["description"]).strip()] if spec.get("description") else []
    if parts and not parts[0].endswith((".", "?", "!")):
        parts[0] += "."  # a sentence of its own: the format's sentence may follow it
    if spec.get("format") == "date-time":
        parts.append("Date and time in ISO 8601 with a zone, e.g. 2026-03-28T22:00:00Z.")
    elif spec.get("format") == "date":
        parts.append("A date, e.g. 2026-03-28.")
    if kind == "json":
        parts.append("JSON.")
    elif kind == "list":
        parts.append("One per line.")
    return " ".join(parts)


def fields(schema: Mapping[str, Any]) -> list[FormField]:
    """The form's fields, in the schema's property order."""
    required = set(schema.get("required", ()))
    found = []
    for name, raw in schema.get("properties", {}).items():
        spec = resolve(raw, schema)
        kind, choices = _kind(spec, schema)
        found.append(
            FormField(name, label(name, spec), kind, name in required, _help(spec, kind), choices)
        )
    return found


def read(
    form: Sequence[FormField], data: Mapping[str, Sequence[str]]
) -> tuple[dict[str, Any], list[FormField], list[tuple[str, str]]]:
    """The payload the posted `data` (name -> values) gives, the fields holding what was
    posted (to show back), and the problems found, as (pointer, message)."""
    payload: dict[str, Any] = {}
    shown: list[FormField] = []
    problems: list[tuple[str, str]] = []
    for field in form:
        values = [v for v in data.get(field.name, ()) if isinstance(v, str)]
        if field.kind == "multiselect":
            chosen = tuple(v for v in values if v)
            shown.append(replace(field, value=chosen))
            if chosen:
                payload[field.name] = list(chosen)
            continue
        text = values[-1].strip() if values else ""
        shown.append(replace(field, value=text))
        if not text:
            continue
        try:
            payload[field.name] = _value(field, text)
        except ValueError as error:
            problems.append((f"/{field.name}", str(error)))
    return payload, shown, problems


def _value(field: FormField, text: str) -> Any:
    if field.kind == "integer":
        try:
            return int(text)
        except ValueError:
            raise ValueError("must be a whole number") from None
    if field.kind == "number":
        try:
            number = float(text)
        except ValueError:
            raise ValueError("must be a number") from None
        return int(number) if number.is_integer() and "." not in text else number
    if field.kind == "boolean":
        if text not in {"true", "false"}:
            raise ValueError("must be yes or no")
        return text == "true"
    if field.kind == "list":
        return [item.strip() for item in text.splitlines() if item.strip()]
    if field.kind == "json":
        try:
            return json.loads(text)
        except ValueError as error:
            raise ValueError(f"not valid JSON: {error}") from None
    return text


def _first_segment(pointer: str) -> tuple[str, str]:
    """`/a/b/c` -> ("a", "/b/c"), JSON pointer escapes undone in the first segment."""
    head, _, rest = pointer.lstrip("/").partition("/")
    return head.replace("~1", "/").replace("~0", "~"), ("/" + rest if rest else "")


def with_errors(
    form: Sequence[FormField], problems: Sequence[tuple[str, str]]
) -> tuple[list[FormField], list[tuple[str, str]]]:
    """Attach each problem to the field its pointer names; return the fields and the rest."""
    by_name: dict[str, list[str]] = {}
    rest: list[tuple[str, str]] = []
    names = {f.name for f in form}
    for pointer, message in problems:
        head, tail = _first_segment(pointer)
        if pointer and head in names:
            by_name.setdefault(head, []).append(f"{tail}: {message}" if tail else message)
        else:
            rest.append((pointer, message))
    marked = [
        replace(f, errors=f.errors + tuple(by_name[f.name])) if f.name in by_name else f
        for f in form
    ]
    return marked, rest
