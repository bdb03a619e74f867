"""The conditionality engine: evidence -> benchmark status -> target -> tier -> standing.

Pure: takes a `Catalogue` and `Observation`s, returns `BenchmarkState`, `Standing`, `Change`
and `TierInterval` values; imports nothing from Django. The semantics are those of
`docs/contracts.md` ("Conditionality"). The modules, in the order data flows through them:
`types` (the values), `model` (the catalogue compiled per area; what "satisfied" means),
`timeline` (one benchmark in one country over time, lapses included), `transition` (rule 4:
how the held tier follows the raw tier), `sweep` (one country in one area, day by day),
`history` (the standing over time as intervals), `progress` (rule 6: per-tier progress, score,
assessed), `evaluation` (`Evaluation`, `evaluate` and thin functions), `present` (plain-data
forms for the shell).

Rules beyond the letter of the semantics (decisions, stated once here):
- "Satisfied" means `met`, `not_applicable` or `presumed`. A `met` past its validity is
  `expired`: not satisfied, so it may start a notice, but never a suspension. Only a confirmed
  breach suspends: an integrity benchmark observed `not_met`.
- A breached integrity benchmark at tier T suspends only if T <= the held tier on that date. While
  suspended the held tier is `min(raw, lowest suspending tier - 1)` and follows the raw tier at
  once in both directions (no grace). When every suspending benchmark is satisfied again the
  held tier becomes the raw tier and the status `stable` (`advanced` if the tier rose, else
  `restored`).
- With `grace_days == 0` a drop of the raw tier takes the held tier down the same day: a single
  `fell` change, no `on_notice`.
- A `fell` at the end of a grace period names as `cause` the benchmarks that put the standing on
  notice, plus any whose status changed on the day it fell.
- A tier level with no targets below the area's highest populated tier counts as satisfied;
  tiers above it cannot be reached.
"""

from oip.conditionality.evaluation import (
    Evaluation,
    benchmark_state,
    changes,
    evaluate,
    standing,
    standings,
    standings_series,
)
from oip.conditionality.history import tier_steps
from oip.conditionality.model import SATISFIED, SATISFIED_STATUSES, targets_needed
from oip.conditionality.progress import overall_score
from oip.conditionality.types import (
    Assessed,
    BenchmarkState,
    Change,
    Observation,
    Standing,
    TierInterval,
    TierProgress,
)

__all__ = [
    "SATISFIED",
    "SATISFIED_STATUSES",
    "Assessed",
    "BenchmarkState",
    "Change",
    "Evaluation",
    "Observation",
    "Standing",
    "TierInterval",
    "TierProgress",
    "benchmark_state",
    "changes",
    "evaluate",
    "overall_score",
    "standing",
    "standings",
    "standings_series",
    "targets_needed",
    "tier_steps",
]
