"""Response shapes of the JSON API (they appear in the OpenAPI schema)."""

from __future__ import annotations

from typing import Literal

from ninja import Schema


class Missing(Schema):
    benchmark: str
    target: str
    who: Literal["eu", "country", "joint"]
    status: Literal["unknown", "not_met", "partial", "met", "not_applicable"]


class Holding(Schema):
    benchmark: str
    target: str
    who: Literal["eu", "country", "joint"]
    status: str
    observed_on: str | None
    lapsed_on: str | None


class Assessed(Schema):
    benchmarks: int
    with_evidence: int


class StandingOut(Schema):
    country: str
    area: str
    as_of: str
    tier: int
    tier_name: str
    raw_tier: int
    status: Literal["stable", "on_notice", "suspended"]
    since: str | None
    notice_until: str | None
    next_tier: int | None
    missing: list[Missing]
    holding: list[Holding]
    achieved_targets: list[str]
    suspended_by: list[str]
    assessed: Assessed


class ChangeOut(Schema):
    country: str
    area: str
    on: str
    kind: Literal["advanced", "on_notice", "restored", "fell", "suspended"]
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
    trend_label: str
    year_ago_spread: int | None


class GapOut(Schema):
    area: str
    target: str
    tier: int
    achieved_by: list[str]
    left_out: list[str]


class BlockerOut(Schema):
    area: str
    target: str
    benchmark: str
    who: str
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
    status: Literal["met", "partial", "not_met", "not_applicable"]
    observed_on: str
    recorded_at: str
    recorded_by: str
    note: str
    source: SourceOut


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
    detail: str
