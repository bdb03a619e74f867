"""Response shapes of the JSON API (they appear in the OpenAPI schema).

Every enumerated field takes its type from `oip.vocabulary` (or the pure core that owns it).
"""

from __future__ import annotations

from ninja import Field, Schema

from oip.region.analytics import TrendLabel
from oip.vocabulary import (
    BenchmarkStatus,
    ChangeKind,
    ObservationStatus,
    SourceKind,
    StandingStatus,
    Who,
)


class Missing(Schema):
    benchmark: str
    target: str
    who: Who
    status: BenchmarkStatus


class Holding(Schema):
    benchmark: str
    target: str
    who: Who
    status: BenchmarkStatus
    observed_on: str | None
    lapsed_on: str | None


class Assessed(Schema):
    benchmarks: int
    with_evidence: int


class TierProgressOut(Schema):
    tier: int
    targets: int
    achieved: int
    core: int
    core_achieved: int
    benchmarks: dict[BenchmarkStatus, int]


class StandingOut(Schema):
    country: str
    area: str
    as_of: str
    tier: int
    tier_name: str
    raw_tier: int
    status: StandingStatus
    since: str | None
    notice_until: str | None
    next_tier: int | None
    missing: list[Missing]
    holding: list[Holding]
    achieved_targets: list[str]
    suspended_by: list[str]
    assessed: Assessed
    score: float | None
    change_12m: float | None
    not_assessed: bool
    progress: list[TierProgressOut]


class ChangeOut(Schema):
    country: str
    area: str
    on: str
    kind: ChangeKind
    tier_before: int
    tier_after: int
    cause: list[str]


class AreaDivergenceOut(Schema):
    area: str
    as_of: str | None
    tiers: dict[str, int]
    mean: float
    spread: int
    two_speed: bool
    year_ago_mean: float | None
    trend: float | None
    trend_label: TrendLabel
    year_ago_spread: int | None
    scores: dict[str, float | None]
    score_mean: float
    score_spread: float
    year_ago_score_mean: float | None
    score_trend: float | None
    not_assessed: list[str]


class GapOut(Schema):
    area: str
    target: str
    tier: int
    achieved_by: list[str]
    left_out: list[str]
    not_assessed: list[str]


class BlockerOut(Schema):
    area: str
    target: str
    benchmark: str
    who: Who
    countries: list[str]


class PriorityOut(Schema):
    country: str
    area: str
    tier: int
    next_tier: int
    missing: list[str]


class RegionOut(Schema):
    as_of: str
    areas: list[AreaDivergenceOut]
    gaps: list[GapOut]
    blockers: list[BlockerOut]
    priorities: list[PriorityOut]


class SourceOut(Schema):
    id: int
    kind: SourceKind
    url: str
    title: str
    publisher: str
    published_on: str | None
    excerpt: str


class ObservationOut(Schema):
    id: int
    country: str
    benchmark: str
    target: str
    area: str
    status: ObservationStatus
    observed_on: str
    recorded_at: str
    recorded_by: str
    note: str
    source: SourceOut
    fingerprint: str = Field(description="the observation's stable identity across installs")
    supersedes: int | None = Field(description="the id of the observation this one corrects")
    superseded_by: int | None = Field(
        description="the id of the first correction of this observation, as known then"
    )


class EvidencePage(Schema):
    count: int
    limit: int
    offset: int
    results: list[ObservationOut]


class ContextNoteOut(Schema):
    key: str
    country: str | None
    area: str
    title: str
    body: str
    noted_on: str | None
    source: SourceOut


class ErrorOut(Schema):
    """A 404: what was not found, in a sentence."""

    detail: str


class Problem(Schema):
    """One refused input: its kind, where it is (`["query", name]`) and why."""

    type: str
    loc: list[str | int]
    msg: str


class ValidationErrorOut(Schema):
    """A 422: every refused input of the request."""

    detail: list[Problem]
