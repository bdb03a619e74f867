"""The catalogue as the engine uses it: one compiled model per area, built once per evaluation.

Also holds the two facts every other module of the engine reads: which statuses count as
satisfied (rule 2 of the conditionality semantics in `docs/contracts.md`), and how many achieved
targets a tier's quorum asks for (rule 3). Pure: no Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from oip.catalogue.schema import Catalogue
from oip.conditionality.types import BenchmarkState, BenchmarkStatus, Who
from oip.vocabulary import BENCHMARK_STATUSES

__all__ = [
    "SATISFIED",
    "SATISFIED_STATUSES",
    "AreaModel",
    "BenchmarkSpec",
    "TargetSpec",
    "compile_catalogue",
    "targets_needed",
]

#: Whether a benchmark in each status counts towards its target (rule 2): `met`,
#: `not_applicable` and `presumed` (no breach recorded) do; `partial`, `not_met`, `expired`
#: (a `met` past its validity) and `unknown` (no evidence) do not.
SATISFIED: Final[Mapping[BenchmarkStatus, bool]] = MappingProxyType(
    {
        "met": True,
        "partial": False,
        "not_met": False,
        "expired": False,
        "not_applicable": True,
        "presumed": True,
        "unknown": False,
    }
)
if set(SATISFIED) != set(BENCHMARK_STATUSES):  # a new status must be placed on purpose
    raise RuntimeError("SATISFIED must say, for every benchmark status, whether it satisfies")

#: The satisfied statuses, in vocabulary order.
SATISFIED_STATUSES: Final[tuple[BenchmarkStatus, ...]] = tuple(
    status for status in BENCHMARK_STATUSES if SATISFIED[status]
)


def targets_needed(targets: int, quorum: float) -> int:
    """Return the fewest achieved targets out of `targets` whose share is >= `quorum`.

    A tier level with no targets needs none. The share is compared as a float, exactly as
    the semantics state it ("the share of achieved tier-t targets is at least the quorum").
    """
    if targets == 0:
        return 0
    for achieved in range(targets + 1):
        if achieved / targets >= quorum:
            return achieved
    return targets


@dataclass(frozen=True, slots=True)
class BenchmarkSpec:
    """One benchmark as the engine reads it; `local_index` is its place in its area."""

    id: str
    target: str
    target_index: int  # index of the target within its area
    local_index: int  # index of the benchmark within its area (catalogue order)
    tier: int
    who: Who
    kind: str
    validity: dt.timedelta | None
    unknown_state: BenchmarkState  # the state with no observation: `presumed` or `unknown`
    presumed: bool = False

    @property
    def is_integrity(self) -> bool:
        return self.kind == "integrity"


@dataclass(frozen=True, slots=True)
class TargetSpec:
    """One target: its tier, whether it is core, and its benchmarks, contiguous in area order."""

    id: str
    tier: int
    benchmarks: tuple[BenchmarkSpec, ...]
    core: bool = False


@dataclass(frozen=True, slots=True)
class AreaModel:
    """One area: its targets and benchmarks in catalogue order, its grace and its quorum."""

    id: str
    grace: dt.timedelta
    targets: tuple[TargetSpec, ...]
    benchmarks: tuple[BenchmarkSpec, ...]
    max_tier: int
    targets_per_tier: tuple[int, ...]  # index = tier level, 0 unused
    needed_per_tier: tuple[int, ...]  # achieved targets a tier needs to meet the quorum
    core_per_tier: tuple[int, ...] = ()  # core targets per tier level (index = level)

    def raw_tier(
        self, achieved_per_tier: Sequence[int], core_achieved_per_tier: Sequence[int]
    ) -> int:
        """Return the highest tier whose level and every level below are reached (rule 3):
        every core target of the level achieved, and achieved targets meeting the quorum.

        An empty level below the highest populated one needs no targets, so it is reached.
        """
        raw = 0
        for level in range(1, self.max_tier + 1):
            if achieved_per_tier[level] < self.needed_per_tier[level]:
                break
            if core_achieved_per_tier[level] < self.core_per_tier[level]:
                break
            raw = level
        return raw

    def next_tier(self, tier: int) -> int | None:
        """Return `tier + 1` if the area has targets at that level, else None."""
        following = tier + 1
        if following <= self.max_tier and self.targets_per_tier[following] > 0:
            return following
        return None


def _benchmark_specs(
    catalogue: Catalogue, area: str
) -> tuple[tuple[TargetSpec, ...], tuple[BenchmarkSpec, ...]]:
    target_specs: list[TargetSpec] = []
    benchmark_specs: list[BenchmarkSpec] = []
    for target_index, target in enumerate(catalogue.targets_in(area)):
        specs: list[BenchmarkSpec] = []
        for benchmark in target.benchmarks:
            who = target.benchmark_who(benchmark)
            spec = BenchmarkSpec(
                id=benchmark.id,
                target=target.id,
                target_index=target_index,
                local_index=len(benchmark_specs),
                tier=target.tier,
                who=who,
                kind=benchmark.kind,
                validity=(
                    dt.timedelta(days=benchmark.validity_days)
                    if benchmark.validity_days is not None
                    else None
                ),
                unknown_state=BenchmarkState(
                    benchmark=benchmark.id,
                    target=target.id,
                    tier=target.tier,
                    who=who,
                    kind=benchmark.kind,
                    status="presumed" if benchmark.presumed else "unknown",
                ),
                presumed=benchmark.presumed,
            )
            specs.append(spec)
            benchmark_specs.append(spec)
        target_specs.append(TargetSpec(target.id, target.tier, tuple(specs), target.core))
    return tuple(target_specs), tuple(benchmark_specs)


def compile_catalogue(catalogue: Catalogue) -> dict[str, AreaModel]:
    """Return the model of every area of `catalogue`, by area id, in catalogue order."""
    models: dict[str, AreaModel] = {}
    for area in catalogue.areas:
        targets = catalogue.targets_in(area.id)
        max_tier = max((t.tier for t in targets), default=0)
        per_tier = [0] * (max_tier + 1)
        core_per_tier = [0] * (max_tier + 1)
        for target in targets:
            per_tier[target.tier] += 1
            core_per_tier[target.tier] += target.core
        target_specs, benchmark_specs = _benchmark_specs(catalogue, area.id)
        models[area.id] = AreaModel(
            id=area.id,
            grace=dt.timedelta(days=area.grace_days),
            targets=target_specs,
            benchmarks=benchmark_specs,
            max_tier=max_tier,
            targets_per_tier=tuple(per_tier),
            needed_per_tier=(0, *(targets_needed(n, area.quorum) for n in per_tier[1:])),
            core_per_tier=tuple(core_per_tier),
        )
    return models
