"""The shape of a template file and of a taxonomy file, as pydantic models (EXCHANGE.md §6.3).

Pure: no Django. These models check only the shape of one file (every key known, ids and labels
well-formed, TLP default among the allowed levels); everything that needs more than one file
(taxonomy references, the catalogue's areas, published hashes, examples against schemas) is
checked by `oip.liaison.loader`. A template is `data/templates/<id>.yaml` (id, version label,
uuid, area, stages each with a JSON Schema 2020-12, clocks and examples, optional `defs` shared
by the stages as `#/$defs/<name>`, routing rules); a taxonomy is `data/taxonomies/<id>.yaml`
(`sets` of ids, optional `maps` onto another taxonomy's set, `retired` ids, `thresholds`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from oip.vocabulary import Tlp

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$", max_length=80)]
StageId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
TaxonId = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.+/-]*$", max_length=120)
]
VersionLabel = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}\.[0-9]+$")]
TaxonomyVersion = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
Uuid4 = Annotated[
    str,
    StringConstraints(
        pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
    ),
]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Party = Literal["sender", "recipient"]
StageKind = Literal["stage", "response", "request"]
OnwardSharing = Literal["per_tlp", "originator_consent_required"]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TlpFile(_Strict):
    default: Tlp
    allowed: list[Tlp] = Field(min_length=1)

    @model_validator(mode="after")
    def _default_allowed(self) -> TlpFile:
        if self.default not in self.allowed:
            raise ValueError(f"default {self.default} is not among the allowed levels")
        return self


class RetentionFile(_Strict):
    payload: NonEmpty
    after: Literal["closed", "submitted"] = "closed"


class ClockFile(_Strict):
    """A `ClockDef` as written in a file; references are checked by the loader."""

    id: Identifier
    start: NonEmpty
    stop: NonEmpty
    within: NonEmpty
    calendar: NonEmpty
    party: Party
    restart: str | None = None
    restart_within: str | None = None
    basis: str = ""


class StageFile(_Strict):
    kind: StageKind = "stage"
    title: NonEmpty
    schema_: dict[str, Any] = Field(alias="schema")
    clocks: list[ClockFile] = []
    examples: list[dict[str, Any]] = Field(min_length=1)


class RequirementFile(_Strict):
    to: NonEmpty
    stage: StageId


class RuleFile(_Strict):
    id: Identifier
    explain: NonEmpty
    when: dict[str, Any]
    require: list[RequirementFile] = Field(min_length=1)


class TemplateFile(_Strict):
    id: Identifier
    version: VersionLabel
    uuid: Uuid4
    area: Identifier
    title: NonEmpty
    legal_basis: list[NonEmpty] = []
    senders: list[NonEmpty] = Field(min_length=1)
    receivers: list[NonEmpty] = Field(min_length=1)
    tlp: TlpFile
    onward_sharing: OnwardSharing = "per_tlp"
    personal_data: bool = False
    retention: RetentionFile
    escalation: Identifier = "default"
    ack: ClockFile | None = None
    note: str = ""
    defs: dict[str, Any] = {}
    stages: dict[StageId, StageFile] = Field(min_length=1)
    routing: list[RuleFile] = []

    @model_validator(mode="after")
    def _opening_stage(self) -> TemplateFile:
        if not any(stage.kind == "stage" for stage in self.stages.values()):
            raise ValueError("needs at least one stage of kind 'stage' (the one that opens)")
        return self


class TaxonFile(_Strict):
    id: TaxonId
    label: NonEmpty
    parent: TaxonId | None = None
    description: str = ""


class ThresholdFile(_Strict):
    """One numeric or qualitative threshold of a legal text (CIR 2024/2690 Arts. 3-14).

    `criterion` is the id of the set entry it belongs to; `operator` compares the incident's
    measured `metric` with `value` (`>` "more than", `>=` "at least", `==` for yes/no facts);
    `alternative` gives a second value in another unit for "X or Y, whichever is lower/smaller"
    (`alternative_rule` says which wins)."""

    id: TaxonId
    criterion: TaxonId
    entity_type: NonEmpty
    article: NonEmpty
    metric: NonEmpty
    operator: Literal[">", ">=", "=="]
    value: int | float | bool
    unit: NonEmpty
    alternative: int | float | None = None
    alternative_unit: str | None = None
    alternative_rule: Literal["lower", "smaller"] | None = None
    duration: str | None = None
    text: NonEmpty


class MapFile(_Strict):
    """`from` names the national scheme; `to` a `<taxonomy>#<set>`; entries national id -> target
    id (or `<parent>/<id>`, checked against the target's parent)."""

    from_: NonEmpty = Field(alias="from")
    to: Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+#[a-z0-9_-]+$")]
    entries: dict[str, TaxonId] = Field(min_length=1)


class TaxonomyFile(_Strict):
    id: Identifier
    version: TaxonomyVersion
    title: NonEmpty
    source: NonEmpty
    sets: dict[StageId, list[TaxonFile]] = {}
    maps: MapFile | None = None
    retired: dict[str, NonEmpty] = {}
    thresholds: list[ThresholdFile] = []

    @model_validator(mode="after")
    def _has_content(self) -> TaxonomyFile:
        if not self.sets and self.maps is None:
            raise ValueError("a taxonomy needs `sets` or `maps`")
        return self
