"""Rule 6 of the conditionality semantics: progress within and across tiers.

Per tier: targets achieved of total (and core ones) and benchmarks by state; an area's `score`
(0-100) and how much of it is `assessed`; a country's overall score. Pure: no Django.

- `score` = 100 x (met + partial / 2) / the area's benchmarks, `not_applicable` and `presumed`
  ones left out ("no breach recorded" is not progress); `unknown` and `expired` count nothing.
  One decimal. None when no benchmark is left to count.
- `assessed`: the area's benchmarks, and those with evidence (an observation: any state but
  `unknown` and `presumed`). An area with none is "not assessed": its score is shown as such
  and never enters a mean.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Final

from oip.conditionality.model import SATISFIED, AreaModel
from oip.conditionality.types import Assessed, BenchmarkState, BenchmarkStatus, TierProgress
from oip.vocabulary import BENCHMARK_STATUSES

__all__ = [
    "NO_EVIDENCE",
    "Assessed",
    "TierProgress",
    "assessed",
    "change",
    "overall_score",
    "score",
    "tier_progress",
    "year_earlier",
]

#: The states that rest on no observation.
NO_EVIDENCE: Final[frozenset[BenchmarkStatus]] = frozenset({"unknown", "presumed"})
#: What each state adds to the score's numerator; None: left out of the score altogether.
_WEIGHT: Final[Mapping[BenchmarkStatus, float | None]] = MappingProxyType(
    {
        "met": 1.0,
        "partial": 0.5,
        "not_met": 0.0,
        "expired": 0.0,
        "not_applicable": None,
        "presumed": None,
        "unknown": 0.0,
    }
)
if set(_WEIGHT) != set(BENCHMARK_STATUSES):  # a new status must be weighed on purpose
    raise RuntimeError("_WEIGHT must weigh every benchmark status")


def year_earlier(day: dt.date) -> dt.date:
    """Return the same calendar day a year before `day`; 28 February for a 29 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # only 29 February has no twin in the year before
        return day.replace(year=day.year - 1, day=28)


def score(states: Iterable[BenchmarkState]) -> float | None:
    """Return the area's score from its benchmarks' states (see the module docstring)."""
    counted = 0
    points = 0.0
    for state in states:
        weight = _WEIGHT[state.status]
        if weight is not None:
            counted += 1
            points += weight
    if counted == 0:
        return None
    return round(100 * points / counted, 1)


def assessed(states: Sequence[BenchmarkState]) -> Assessed:
    """Return how many of `states` there are and how many rest on an observation."""
    return Assessed(len(states), sum(s.status not in NO_EVIDENCE for s in states))


def tier_progress(model: AreaModel, states: Sequence[BenchmarkState]) -> tuple[TierProgress, ...]:
    """Return the progress of every tier level 1..max of the area, from its benchmarks' states
    (in the model's benchmark order)."""
    levels = range(1, model.max_tier + 1)
    targets = dict.fromkeys(levels, 0)
    achieved = dict.fromkeys(levels, 0)
    core = dict.fromkeys(levels, 0)
    core_achieved = dict.fromkeys(levels, 0)
    by_state = {level: dict.fromkeys(BENCHMARK_STATUSES, 0) for level in levels}
    start = 0
    for target in model.targets:
        end = start + len(target.benchmarks)
        done = all(SATISFIED[s.status] for s in states[start:end])
        targets[target.tier] += 1
        achieved[target.tier] += done
        core[target.tier] += target.core
        core_achieved[target.tier] += target.core and done
        for s in states[start:end]:
            by_state[target.tier][s.status] += 1
        start = end
    return tuple(
        TierProgress(
            level,
            targets[level],
            achieved[level],
            core[level],
            core_achieved[level],
            MappingProxyType(by_state[level]),
        )
        for level in levels
    )


def change(now: float | None, before: float | None, assessed_before: bool) -> float | None:
    """Return `now - before` to one decimal; None if either is None or the area was not
    assessed before (a first assessment is not progress)."""
    if now is None or before is None or not assessed_before:
        return None
    return round(now - before, 1)


def overall_score(scores: Iterable[tuple[float | None, bool]]) -> float | None:
    """Return the mean of the (score, assessed) pairs' scores, leaving out not-assessed areas
    and those with no score; one decimal; None if none is left."""
    kept = [value for value, is_assessed in scores if is_assessed and value is not None]
    if not kept:
        return None
    return round(sum(kept) / len(kept), 1)
