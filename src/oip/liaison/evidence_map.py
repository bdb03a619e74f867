"""The rules that turn measured performance into evidence, as data (EXCHANGE.md §6.10.2).

Pure: no Django. `load_evidence_map()` reads `data/evidence-map.yaml` (or another file) into an
`EvidenceMap` or raises `EvidenceMapError` with one `file:line: field: message` per problem,
like the catalogue loader. The rules themselves are applied by `oip.liaison.metrics`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from oip.liaison.problems import DataFileError, Problem

__all__ = [
    "EvidenceMap",
    "EvidenceMapError",
    "Mode",
    "Problem",
    "Rule",
    "RuleKind",
    "load_evidence_map",
    "shipped_evidence_map",
]

#: `reachability`: tests and requests answered in time; `usage`: at least one use of the
#: templates in 12 months; `quarterly_usage`: use in each of the last `quarters` quarters;
#: `response_times`: C2, the share of the country's response clocks met; `breach`: confirmed
#: handling breaches; `attestation` / `exercise`: fed by the confirm queue and the exercise
#: console, never by a measured fact.
RuleKind = Literal[
    "reachability",
    "usage",
    "quarterly_usage",
    "response_times",
    "breach",
    "attestation",
    "exercise",
]
Mode = Literal["auto", "confirm"]
Name = Annotated[str, Field(min_length=1, max_length=120, pattern=r"^[a-z0-9][a-z0-9_./+-]*$")]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Rule(_Frozen):
    """One benchmark the exchange can measure, and how.

    `bodies`: the catalogue bodies whose liaison managers confirm (mode `confirm`) or whose
    tests and requests count; `body_name` names them in sources ("confirmed by ENISA").
    `functions` (reachability): every one of these contact-point functions must have passed.
    `strands` (usage): a use in every strand within the 12 months. `requires`: a benchmark the
    country must have met (the EU body recognised the exchange as the channel) for the rule to
    apply.
    """

    id: Name
    benchmark: Name
    area: Name
    kind: RuleKind
    mode: Mode
    coarsened: bool = False
    bodies: tuple[Name, ...] = Field(min_length=1)
    body_name: Annotated[str, Field(min_length=1, max_length=80)]
    templates: tuple[Name, ...] = ()
    stages: tuple[Name, ...] = ()
    functions: tuple[Name, ...] = ()
    strands: tuple[Name, ...] = ()
    requires: Name | None = None
    quarters: Annotated[int, Field(ge=1, le=8)] = 4
    min_clocks: Annotated[int, Field(ge=1)] = 5
    min_rate: Annotated[float, Field(gt=0, le=1)] = 0.9
    window_days: Annotated[int, Field(ge=1, le=3650)] = 365

    @model_validator(mode="after")
    def _consistent(self) -> Rule:
        if self.coarsened and self.kind != "usage":
            raise ValueError("only usage rules are coarsened")
        if self.kind in ("breach", "attestation") and self.mode != "confirm":
            raise ValueError(f"{self.kind} rules need an EU body's word: mode must be confirm")
        if self.kind in ("usage", "quarterly_usage") and not self.templates:
            raise ValueError(f"{self.kind} rules name the templates whose use counts")
        return self


class EvidenceMap(_Frozen):
    """Every rule, the lag of coarsened rules and the publisher of generated sources."""

    version: Annotated[str, Field(min_length=1, max_length=40)]
    lag_days: Annotated[int, Field(ge=0, le=3650)] = 90
    publisher: Annotated[str, Field(min_length=1, max_length=120)] = "OIP liaison exchange"
    rules: tuple[Rule, ...]
    hash: str = ""

    @model_validator(mode="after")
    def _unique(self) -> EvidenceMap:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"duplicate rule id {rule.id!r}")
            seen.add(rule.id)
        return self

    def by_kind(self, kind: RuleKind) -> tuple[Rule, ...]:
        """The rules of one kind, in file order."""
        return tuple(rule for rule in self.rules if rule.kind == kind)

    def for_benchmark(self, benchmark: str) -> Rule | None:
        """The rule that measures `benchmark`, if any."""
        return next((rule for rule in self.rules if rule.benchmark == benchmark), None)


class EvidenceMapError(DataFileError):
    """The evidence map is invalid; `problems` lists every defect found."""


def _lines(
    node: yaml.Node, loc: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], int]]:
    yield loc, node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield (*loc, str(key.value)), key.start_mark.line + 1
            for inner in _lines(value, (*loc, str(key.value))):
                if inner[0] != (*loc, str(key.value)):
                    yield inner
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from _lines(item, (*loc, i))


def _field(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + part
    return out or "-"


def default_path() -> Path:
    """The evidence map shipped inside the package."""
    return Path(str(resources.files("oip.liaison") / "data" / "evidence-map.yaml"))


def load_evidence_map(path: Path | str | None = None) -> EvidenceMap:
    """Read and validate an evidence map; EvidenceMapError names every problem's line."""
    file = Path(path) if path is not None else default_path()
    display = file.name
    try:
        raw = file.read_bytes()
        text = raw.decode("utf-8")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data: Any = yaml.safe_load(text)
    except OSError as exc:
        raise EvidenceMapError([Problem(display, 1, "-", f"cannot read: {exc.strerror}")]) from exc
    except UnicodeDecodeError as exc:
        raise EvidenceMapError([Problem(display, 1, "-", "not UTF-8 text")]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise EvidenceMapError([Problem(display, line, "-", f"malformed YAML: {exc}")]) from exc
    if not isinstance(data, dict) or node is None:
        raise EvidenceMapError([Problem(display, 1, "-", "expected a mapping at the top level")])
    lines = dict(_lines(node, ()))
    try:
        return EvidenceMap.model_validate({**data, "hash": hashlib.sha256(raw).hexdigest()})
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            line = next((lines[loc[:n]] for n in range(len(loc), -1, -1) if loc[:n] in lines), 1)
            problems.append(Problem(display, line, _field(loc), error["msg"]))
        raise EvidenceMapError(problems) from exc


_SHIPPED: list[EvidenceMap] = []


def shipped_evidence_map() -> EvidenceMap:
    """The shipped evidence map, read once per process."""
    if not _SHIPPED:
        _SHIPPED.append(load_evidence_map())
    return _SHIPPED[0]
