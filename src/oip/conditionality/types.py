"""Plain values the conditionality engine takes and returns. Pure: no Django."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from oip.vocabulary import (
    OBSERVATION_STATUSES,
    BenchmarkStatus,
    ChangeKind,
    ObservationStatus,
    StandingStatus,
    Who,
)

__all__ = [
    "OBSERVATION_STATUSES",
    "BenchmarkState",
    "BenchmarkStatus",
    "Change",
    "ChangeKind",
    "Observation",
    "ObservationStatus",
    "Standing",
    "StandingStatus",
    "TierInterval",
    "Who",
]


class Observation(NamedTuple):
    """A dated, sourced fact about one benchmark in one country.

    Among observations with the same `observed_on`, the one recorded last wins
    (`recorded_at`, then `id`), so results never depend on the order records arrive in.
    A named tuple rather than a dataclass: the engine builds hundreds of thousands of them
    per evaluation, and a tuple is several times cheaper to construct.
    """

    country: str
    benchmark: str
    status: ObservationStatus
    observed_on: dt.date
    recorded_at: dt.datetime
    id: int = 0


@dataclass(frozen=True, slots=True)
class BenchmarkState:
    """A benchmark's status for a country at a date, with the observation it rests on.

    `lapsed_on` is set when a `met` has lapsed (status `not_met`); `valid_until` is the date a
    `met` observation with `validity_days` lapses (or lapsed), so a monitor can say "renew by".
    """

    benchmark: str
    target: str
    tier: int
    who: Who
    kind: str
    status: BenchmarkStatus
    observed_on: dt.date | None = None
    lapsed_on: dt.date | None = None
    observation_id: int | None = None
    valid_until: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Standing:
    """A country's standing in an area at `as_of` (`docs/contracts.md`, the conditionality rules).

    `tier` is the held tier, `raw_tier` what the evidence supports right now.
    `holding` lists the met benchmarks of achieved targets at tiers <= `tier`;
    `missing` the benchmarks not satisfied in unachieved targets at tiers <= `next_tier`.
    """

    country: str
    area: str
    as_of: dt.date
    tier: int
    raw_tier: int
    status: StandingStatus
    since: dt.date | None
    notice_until: dt.date | None
    next_tier: int | None
    holding: tuple[BenchmarkState, ...] = ()
    missing: tuple[BenchmarkState, ...] = ()
    achieved_targets: tuple[str, ...] = ()
    suspended_by: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Change:
    """One change of standing, the feed a journalist follows.

    `cause` names the benchmarks whose status change at `on` brought it about.
    """

    country: str
    area: str
    on: dt.date
    kind: ChangeKind
    tier_before: int
    tier_after: int
    cause: tuple[str, ...] = field(default=())


class TierInterval(NamedTuple):
    """A stretch of days over which a standing's tier, raw tier and status held unchanged.

    `start` is the first day, `end` the first day after it (exclusive; None: it still holds).
    """

    start: dt.date
    end: dt.date | None
    tier: int
    raw_tier: int
    status: StandingStatus
