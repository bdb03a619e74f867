"""One notification template as compiled values: its stages, schemas, clocks and routing.

Pure: no Django. `build_template` turns a checked template file into a `Template` whose
`validate` answers with JSON pointers; `oip.liaison.loader` checks the files and calls it, and
`oip.liaison.templates` loads, ships and exports whole sets. Loading problems are `Problem`s
(`templates/x.yaml:12: stages.final.clocks[0].party: required`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from oip.liaison.problems import DataFileError, Problem
from oip.liaison.routing import Rule
from oip.liaison.schema import ClockFile, TemplateFile
from oip.liaison.types import ClockDef
from oip.vocabulary import Tlp

__all__ = [
    "FORMATS",
    "PayloadError",
    "Problem",
    "Stage",
    "Taxonomy",
    "Template",
    "TemplateErrors",
    "TemplateSet",
    "build_template",
    "inline_refs",
    "payload_errors_of",
]


class TemplateErrors(DataFileError):
    """The templates are invalid; `problems` lists every defect, sorted by file and line."""


@dataclass(frozen=True, slots=True)
class PayloadError:
    """One reason a payload does not fit a stage: `pointer` is a JSON pointer ("" = the root)."""

    pointer: str
    message: str


@dataclass(frozen=True, slots=True)
class Taxonomy:
    id: str
    version: str
    title: str
    source: str
    sets: Mapping[str, tuple[str, ...]]
    parents: Mapping[str, str]
    retired: Mapping[str, str]
    data: Mapping[str, Any]


@dataclass(frozen=True)
class Stage:
    id: str
    kind: Literal["stage", "response", "request"]
    title: str
    schema: dict[str, Any]
    clocks: tuple[ClockDef, ...]
    examples: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Template:
    id: str
    version: str
    uuid: str
    area: str
    title: str
    legal_basis: tuple[str, ...]
    senders: tuple[str, ...]
    receivers: tuple[str, ...]
    tlp_default: Tlp
    tlp_allowed: tuple[Tlp, ...]
    onward_sharing: str
    personal_data: bool
    escalation: str
    ack: ClockDef | None
    stages: Mapping[str, Stage]
    routing: tuple[Rule, ...]
    content_hash: str
    retention: Mapping[str, str] = field(default_factory=dict)
    _validators: Mapping[str, Draft202012Validator] = field(
        default_factory=dict, repr=False, compare=False
    )

    def validate(self, stage: str, payload: Mapping[str, Any]) -> list[PayloadError]:
        """Return why `payload` does not fit `stage` ([] = it fits), sorted by pointer.

        A missing required property is reported at its own pointer (`/aware_at`), an unknown
        one at its pointer too; an unknown stage gives one error at "".
        """
        validator = self._validators.get(stage)
        if validator is None:
            known = ", ".join(self.stages)
            return [PayloadError("", f"unknown stage {stage!r} of {self.id}: one of {known}")]
        # Each missing property is its own jsonschema error, but every one of them carries the
        # whole `required` list: the set keeps one error per pointer and message.
        found = set(_payload_errors(validator, payload))
        return sorted(found, key=lambda e: (e.pointer, e.message))

    def opening_stage(self) -> str:
        """Return the first stage of kind `stage`: the one that opens a notification."""
        return next(s.id for s in self.stages.values() if s.kind == "stage")

    def clocks(self) -> tuple[ClockDef, ...]:
        """Return the acknowledgement clock (if any) and every stage's clocks, in file order."""
        own = tuple(clock for stage in self.stages.values() for clock in stage.clocks)
        return ((self.ack,) if self.ack is not None else ()) + own


@dataclass(frozen=True)
class TemplateSet:
    version: str
    templates: Mapping[str, Template]
    taxonomies: Mapping[str, Taxonomy]

    def get(self, template_id: str) -> Template:
        """Return the template `template_id`; KeyError naming the known ids otherwise."""
        try:
            return self.templates[template_id]
        except KeyError:
            known = ", ".join(sorted(self.templates))
            raise KeyError(f"unknown template {template_id!r}; known: {known}") from None


def _pointer(path: Collection[str | int]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _payload_errors(
    validator: Draft202012Validator, payload: Mapping[str, Any]
) -> Iterator[PayloadError]:
    for error in validator.iter_errors(payload):
        yield from payload_errors_of(error)


def payload_errors_of(error: ValidationError) -> Iterator[PayloadError]:
    """Turn one jsonschema error into payload errors: a missing or unknown property is named by
    its own pointer; a taxonomy enum says which taxonomy set the id is not in."""
    where = list(error.absolute_path)
    if error.validator == "required":
        instance = error.instance if isinstance(error.instance, Mapping) else {}
        for name in error.validator_value:
            if name not in instance:
                yield PayloadError(_pointer([*where, name]), "required")
        return
    if error.validator in ("additionalProperties", "unevaluatedProperties"):
        instance = error.instance if isinstance(error.instance, Mapping) else {}
        allowed = set(error.schema.get("properties", {}))
        extra = [k for k in instance if k not in allowed] or [""]
        for name in extra:
            yield PayloadError(_pointer([*where, name] if name else where), "unknown field")
        return
    taxonomy = error.schema.get("x-oip-taxonomy") if isinstance(error.schema, Mapping) else None
    if error.validator == "enum" and taxonomy is not None:
        yield PayloadError(_pointer(where), f"unknown id {error.instance!r} in {taxonomy}")
        return
    if error.validator in ("anyOf", "oneOf") and error.context:
        best = min(error.context, key=lambda e: len(list(e.absolute_path)))
        yield PayloadError(_pointer(where), best.message)
        return
    yield PayloadError(_pointer(where), error.message)


def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", value):
        return False
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return bool(re.fullmatch(r"\d{4}-\d\d-\d\d", value))


FORMATS = FormatChecker(formats=())
FORMATS.checks("date-time")(_date_time)
FORMATS.checks("date")(_date)


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """Return `schema` with local `#/$defs/<name>` references replaced by their target.

    Only for the compiled validator (resolving a reference per payload costs a fifth of the
    time); the published schema keeps its references. A reference met again inside its own
    expansion (a recursive definition) stays a reference.
    """
    defs = schema.get("$defs", {})

    def expand(node: Any, seen: frozenset[str]) -> Any:
        if isinstance(node, list):
            return [expand(item, seen) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            name = ref.removeprefix("#/$defs/")
            if name in defs and "/" not in name and name not in seen:
                siblings = {k: v for k, v in node.items() if k != "$ref"}
                target = expand(defs[name], seen | {name})
                if not siblings:
                    return target
                return {"allOf": [target], **expand(siblings, seen)}
        return {key: expand(value, seen) for key, value in node.items()}

    expanded: dict[str, Any] = expand(schema, frozenset())
    return expanded


def build_template(
    data: TemplateFile,
    schemas: Mapping[str, dict[str, Any]],
    validators: Mapping[str, Draft202012Validator],
    rules: tuple[Rule, ...],
    digest: str,
) -> Template:
    def clock(c: ClockFile) -> ClockDef:
        return ClockDef(**c.model_dump())

    stages = {
        stage_id: Stage(
            id=stage_id,
            kind=stage.kind,
            title=stage.title,
            schema=schemas[stage_id],
            clocks=tuple(clock(c) for c in stage.clocks),
            examples=tuple(stage.examples),
        )
        for stage_id, stage in data.stages.items()
    }
    return Template(
        id=data.id,
        version=data.version,
        uuid=data.uuid,
        area=data.area,
        title=data.title,
        legal_basis=tuple(data.legal_basis),
        senders=tuple(data.senders),
        receivers=tuple(data.receivers),
        tlp_default=data.tlp.default,
        tlp_allowed=tuple(data.tlp.allowed),
        onward_sharing=data.onward_sharing,
        personal_data=data.personal_data,
        escalation=data.escalation,
        ack=clock(data.ack) if data.ack is not None else None,
        stages=stages,
        routing=rules,
        content_hash=digest,
        retention=data.retention.model_dump(),
        _validators=validators,
    )
