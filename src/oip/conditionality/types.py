"""Plain values the conditionality engine takes and returns. Pure: no Django."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
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
    "Assessed",
    "BenchmarkState",
    "BenchmarkStatus",
    "Change",
    "ChangeKind",
    "Observation",
    "ObservationStatus",
    "Standing",
    "StandingStatus",
    "TierInterval",
    "TierProgress",
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

    `lapsed_on` is set when a `met` has lapsed (status `expired`); `valid_until` is the date a
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
class Assessed:
    """How many of an area's benchmarks there are, and how many rest on an observation."""

    benchmarks: int
    with_evidence: int

    @property
    def any(self) -> bool:
        """Whether the area is assessed at all (False: "not assessed")."""
        return self.with_evidence > 0


@dataclass(frozen=True, slots=True)
class TierProgress:
    """One tier level of an area: its targets, achieved ones, core ones, and benchmarks by state.

    `benchmarks` has every benchmark status as a key, in vocabulary order.
    """

    tier: int
    targets: int
    achieved: int
    core: int
    core_achieved: int
    benchmarks: Mapping[BenchmarkStatus, int]


@dataclass(frozen=True, slots=True)
class Standing:
    """A country's standing in an area at `as_of` (`docs/contracts.md`, the conditionality rules).

    `tier` is the held tier, `raw_tier` what the evidence supports right now.
    `holding` lists the met benchmarks of achieved targets at tiers <= `tier`;
    `missing` the benchmarks not satisfied in unachieved targets at tiers <= `next_tier`.
    Progress (rule 6, `oip.conditionality.progress`): `score` (0-100, None if nothing counts),
    `change_12m` (score now minus a year earlier, None if not computable), `assessed` and
    `progress` per tier level. `states` holds every benchmark of the area, in catalogue order.
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
    score: float | None = None
    change_12m: float | None = None
    assessed: Assessed = Assessed(0, 0)
    progress: tuple[TierProgress, ...] = ()
    states: tuple[BenchmarkState, ...] = ()

    @property
    def not_assessed(self) -> bool:
        """Whether the area has no evidence at all for the country ("not assessed")."""
        return not self.assessed.any


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
