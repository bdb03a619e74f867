"""Read template and taxonomy files, check them all at once and build a `TemplateSet`.

Pure: no Django. Called through `oip.liaison.templates.load_templates`; every defect becomes a
`Problem` naming the file, the line and the dotted field (`stages.final.clocks[0].party`). What
is checked beyond each file's shape: the catalogue area, taxonomy references (`x-oip-taxonomy`
gets the set's ids injected as `enum`), retired ids, clock references, examples against their
stage's schema, routing rules, and the content hash under a published version label.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from pydantic import BaseModel
from pydantic import ValidationError as ModelError

from oip.liaison.routing import (
    All,
    AnyOf,
    Condition,
    FieldTest,
    Not,
    Requirement,
    Rule,
    RuleSyntaxError,
    parse_condition,
)
from oip.liaison.schema import ClockFile, TaxonomyFile, TemplateFile
from oip.liaison.template import (
    FORMATS,
    Problem,
    Taxonomy,
    Template,
    TemplateErrors,
    TemplateSet,
    build_template,
    inline_refs,
    payload_errors_of,
)
from oip.liaison.yamllines import Loc, content_hash, field_name, parse_yaml

_EVENTS = frozenset(
    {"delivered", "requested", "acknowledged", "recalled", "attested", "sent", "answered"}
)
_REFERENCE = re.compile(
    r"^(field\.(?P<field>[a-z_][a-z0-9_]*)|event\.(?P<event>[a-z_]+)"
    r"|stage\.(?P<stage>[a-z_][a-z0-9_]*)\.(submitted|delivered))$"
)
_DURATION = re.compile(
    r"^(P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?|B\d+[DH])$"
)
_NAMED_DURATIONS = frozenset(
    {"contact_point.ack_within", "contact_point.reachability_limit", "request.within"}
)
_CALENDARS = frozenset({"24x7", "calendar-days", "sender", "recipient", "eu-institutions"})


def _model_message(error: Any) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return "required"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "value_error":
        return str(error["ctx"]["error"])
    return str(error.get("msg", "invalid"))


def _retired_message(taxon: str, message: str) -> str:
    prefix = f"retired id {taxon}: "
    return message if message.startswith(prefix) else prefix + message


def _strings(value: Any, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(item, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, (*loc, i))


def _fields(condition: Condition) -> Iterator[str]:
    if isinstance(condition, All | AnyOf):
        for c in condition.conditions:
            yield from _fields(c)
    elif isinstance(condition, Not):
        yield from _fields(condition.condition)
    elif isinstance(condition, FieldTest):
        yield condition.field


class _File:
    """One file being checked: where problems go and how lines are found."""

    def __init__(self, loader: Loader, display: str, lines: Mapping[Loc, int]) -> None:
        self.loader, self.display, self.lines = loader, display, lines

    def problem(self, loc: Loc, message: str) -> None:
        probe = loc
        while probe and probe not in self.lines:
            probe = probe[:-1]
        line = self.lines.get(probe, 1)
        self.loader.problems.append(Problem(self.display, line, field_name(loc), message))

    def model(self, model: type[BaseModel], data: Any) -> Any:
        try:
            return model.model_validate(data)
        except ModelError as exc:
            for error in exc.errors():
                self.problem(tuple(error["loc"]), _model_message(error))
            return None


class Loader:
    def __init__(self, root: Path, areas: frozenset[str], check_published: bool) -> None:
        self.root, self.areas, self.check_published = root, areas, check_published
        self.problems: list[Problem] = []

    def display(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def read(self, path: Path) -> tuple[Any, _File] | None:
        display = self.display(path)
        try:
            data, lines = parse_yaml(path, display)
        except TemplateErrors as exc:
            self.problems.extend(exc.problems)
            return None
        if not isinstance(data, dict):
            self.problems.append(Problem(display, 1, "-", "expected a mapping at the top level"))
            return None
        return data, _File(self, display, lines)

    def load(self, templates_dir: Path, taxonomies_dir: Path) -> TemplateSet:
        taxonomies = self.load_taxonomies(taxonomies_dir)
        published: dict[str, Any] = {}
        published_path = templates_dir / "published.yaml"
        if self.check_published and published_path.exists():
            read = self.read(published_path)
            published = read[0] if read is not None else {}
        templates: dict[str, Template] = {}
        for path in sorted(templates_dir.glob("*.yaml")):
            if path.name == "published.yaml":
                continue
            template = self.load_template(path, taxonomies, published)
            if template is not None:
                templates[template.id] = template
        if self.problems:
            raise TemplateErrors(sorted(self.problems, key=lambda p: (p.file, p.line, p.field)))
        summary = "\n".join(
            f"{t.id}={t.content_hash}" for t in sorted(templates.values(), key=lambda t: t.id)
        )
        version = hashlib.sha256(summary.encode("utf-8")).hexdigest()[:12]
        return TemplateSet(version=version, templates=templates, taxonomies=taxonomies)

    # -- taxonomies ---------------------------------------------------------------------------

    def load_taxonomies(self, directory: Path) -> dict[str, Taxonomy]:
        taxonomies: dict[str, Taxonomy] = {}
        maps: list[tuple[TaxonomyFile, _File]] = []
        for path in sorted(directory.glob("*.yaml")):
            read = self.read(path)
            if read is None:
                continue
            data, file = read
            parsed: TaxonomyFile | None = file.model(TaxonomyFile, data)
            if parsed is None:
                continue
            if parsed.id != path.stem:
                file.problem(("id",), f"must be the file's name {path.stem!r}")
            parents = {t.id: t.parent for items in parsed.sets.values() for t in items if t.parent}
            taxonomies[parsed.id] = Taxonomy(
                id=parsed.id,
                version=parsed.version,
                title=parsed.title,
                source=parsed.source,
                sets={name: tuple(t.id for t in items) for name, items in parsed.sets.items()},
                parents=parents,
                retired=dict(parsed.retired),
                data=data,
            )
            if parsed.maps is not None:
                maps.append((parsed, file))
        for parsed, file in maps:
            assert parsed.maps is not None
            target = self.taxonomy_set(taxonomies, parsed.maps.to)
            if target is None:
                file.problem(("maps", "to"), f"unknown taxonomy set {parsed.maps.to!r}")
                continue
            taxonomy, ids = target
            for key, value in parsed.maps.entries.items():
                parent, _, child = value.rpartition("/")
                if child not in ids:
                    file.problem(
                        ("maps", "entries", key), f"unknown id {child!r} in {parsed.maps.to}"
                    )
                elif parent and taxonomy.parents.get(child) != parent:
                    file.problem(
                        ("maps", "entries", key),
                        f"{child!r} belongs to {taxonomy.parents.get(child)!r}, not {parent!r}",
                    )
        return taxonomies

    @staticmethod
    def taxonomy_set(
        taxonomies: Mapping[str, Taxonomy], reference: str
    ) -> tuple[Taxonomy, tuple[str, ...]] | None:
        taxonomy_id, _, set_name = reference.partition("#")
        taxonomy = taxonomies.get(taxonomy_id)
        if taxonomy is None or set_name not in taxonomy.sets:
            return None
        return taxonomy, taxonomy.sets[set_name]

    # -- templates ----------------------------------------------------------------------------

    def load_template(
        self, path: Path, taxonomies: Mapping[str, Taxonomy], published: Mapping[str, Any]
    ) -> Template | None:
        read = self.read(path)
        if read is None:
            return None
        data, file = read
        digest = content_hash(data)
        parsed: TemplateFile | None = file.model(TemplateFile, data)
        if parsed is None:
            return None
        before = len(self.problems)
        if parsed.id != path.stem:
            file.problem(("id",), f"must be the file's name {path.stem!r}")
        if parsed.area not in self.areas:
            file.problem(
                ("area",),
                f"unknown catalogue area {parsed.area!r}: one of {', '.join(sorted(self.areas))}",
            )
        labels = published.get(parsed.id) if isinstance(published, Mapping) else None
        if isinstance(labels, Mapping) and labels.get(parsed.version) not in (None, digest):
            file.problem(
                ("version",),
                f"changed content under the published version label {parsed.version}:"
                " give it a new version",
            )
        retired = {k: v for t in taxonomies.values() for k, v in t.retired.items()}
        defs = copy.deepcopy(parsed.defs)
        self.inject(file, defs, ("defs",), taxonomies, retired)
        properties = set()
        schemas: dict[str, dict[str, Any]] = {}
        validators: dict[str, Draft202012Validator] = {}
        for stage_id, stage in parsed.stages.items():
            loc: Loc = ("stages", stage_id, "schema")
            schema = copy.deepcopy(stage.schema_)
            self.inject(file, schema, loc, taxonomies, retired)
            if defs:
                schema["$defs"] = {**defs, **schema.get("$defs", {})}
            properties |= set(schema.get("properties", {}))
            try:
                Draft202012Validator.check_schema(schema)
            except SchemaError as exc:
                file.problem((*loc, *exc.path), f"not a valid JSON Schema 2020-12: {exc.message}")
                continue
            validator = Draft202012Validator(inline_refs(schema), format_checker=FORMATS)
            schemas[stage_id], validators[stage_id] = schema, validator
            for i, example in enumerate(stage.examples):
                self.check_example(
                    file, ("stages", stage_id, "examples", i), example, validator, retired
                )
        for stage_id, stage in parsed.stages.items():
            for i, clock in enumerate(stage.clocks):
                self.check_clock(file, ("stages", stage_id, "clocks", i), clock, parsed, properties)
        if parsed.ack is not None:
            self.check_clock(file, ("ack",), parsed.ack, parsed, properties)
        clock_ids = [c.id for s in parsed.stages.values() for c in s.clocks]
        clock_ids += [parsed.ack.id] if parsed.ack is not None else []
        for clock_id in sorted({c for c in clock_ids if clock_ids.count(c) > 1}):
            file.problem(("stages",), f"clock id {clock_id!r} is used twice")
        rules = self.rules(file, parsed, properties)
        if len(self.problems) > before:
            return None
        return build_template(parsed, schemas, validators, rules, digest)

    def inject(
        self,
        file: _File,
        node: Any,
        loc: Loc,
        taxonomies: Mapping[str, Taxonomy],
        retired: Mapping[str, str],
    ) -> None:
        """Give every `x-oip-taxonomy` node its set's ids as `enum`; flag retired ids."""
        if isinstance(node, list):
            for i, item in enumerate(node):
                self.inject(file, item, (*loc, i), taxonomies, retired)
            return
        if not isinstance(node, dict):
            return
        for key in ("const", "enum"):
            for where, value in _strings(node.get(key), (*loc, key)):
                if value in retired:
                    file.problem(where, _retired_message(value, retired[value]))
        for key, value in list(node.items()):
            self.inject(file, value, (*loc, key), taxonomies, retired)
        reference = node.get("x-oip-taxonomy")
        if reference is None:
            return
        target = self.taxonomy_set(taxonomies, str(reference))
        if target is None:
            file.problem((*loc, "x-oip-taxonomy"), f"unknown taxonomy set {reference!r}")
            return
        if node.get("type") == "array":
            holder = node.setdefault("items", {})
            holder["x-oip-taxonomy"] = reference  # so a wrong element names its taxonomy
        else:
            holder = node
        holder["enum"] = list(target[1])

    def check_example(
        self,
        file: _File,
        loc: Loc,
        example: Mapping[str, Any],
        validator: Draft202012Validator,
        retired: Mapping[str, str],
    ) -> None:
        retired_at = set()
        for where, value in _strings(example):
            if value in retired:
                retired_at.add(where)
                file.problem((*loc, *where), _retired_message(value, retired[value]))
        for error in validator.iter_errors(example):
            for payload_error in payload_errors_of(error):
                parts: Loc = tuple(
                    int(p) if p.isdigit() else p.replace("~1", "/").replace("~0", "~")
                    for p in payload_error.pointer.split("/")[1:]
                )
                if parts in retired_at:
                    continue
                file.problem((*loc, *parts), f"example does not validate: {payload_error.message}")

    def check_clock(
        self, file: _File, loc: Loc, clock: ClockFile, template: TemplateFile, fields: set[str]
    ) -> None:
        for key in ("start", "stop", "restart"):
            reference = getattr(clock, key)
            if reference is None:
                continue
            match = _REFERENCE.match(reference)
            if match is None:
                file.problem(
                    (*loc, key),
                    f"unknown reference {reference!r}: use field.<name>, event.<kind>"
                    " or stage.<stage>.submitted|delivered",
                )
            elif match["field"] and match["field"] not in fields:
                file.problem((*loc, key), f"no stage has the field {match['field']!r}")
            elif match["event"] and match["event"] not in _EVENTS:
                file.problem(
                    (*loc, key),
                    f"unknown event {match['event']!r}: one of {', '.join(sorted(_EVENTS))}",
                )
            elif match["stage"] and match["stage"] not in template.stages:
                file.problem((*loc, key), f"unknown stage {match['stage']!r}")
        for key in ("within", "restart_within"):
            value = getattr(clock, key)
            if value is not None and not (_DURATION.match(value) or value in _NAMED_DURATIONS):
                file.problem(
                    (*loc, key),
                    f"cannot parse {value!r}: an ISO 8601 duration (PT24H, P1M), B<n>D/B<n>H,"
                    f" or one of {', '.join(sorted(_NAMED_DURATIONS))}",
                )
        if (clock.restart is None) != (clock.restart_within is None):
            file.problem((*loc, "restart"), "restart and restart_within go together")
        if clock.calendar not in _CALENDARS and not re.fullmatch(r"[a-z]{2}", clock.calendar):
            file.problem(
                (*loc, "calendar"),
                f"unknown calendar {clock.calendar!r}: one of {', '.join(sorted(_CALENDARS))}"
                " or a country code",
            )

    def rules(self, file: _File, template: TemplateFile, fields: set[str]) -> tuple[Rule, ...]:
        rules = []
        for i, rule in enumerate(template.routing):
            try:
                when = parse_condition(rule.when)
            except RuleSyntaxError as exc:
                file.problem(("routing", i, "when", *exc.loc), exc.message)
                continue
            for name in _fields(when):
                if name not in fields:
                    file.problem(("routing", i, "when"), f"no stage has the field {name!r}")
            for j, requirement in enumerate(rule.require):
                if requirement.stage not in template.stages:
                    file.problem(("routing", i, "require", j, "stage"), "unknown stage")
            require = tuple(Requirement(r.to, r.stage) for r in rule.require)
            rules.append(Rule(rule.id, rule.explain, when, require))
        return tuple(rules)
