"""The conditionality engine: derives each country's tier per area from the evidence.

Pure: no Django. See `oip.conditionality.engine` for the rules and `types` for the values.
"""

from oip.conditionality.engine import (
    Evaluation,
    benchmark_state,
    changes,
    evaluate,
    standing,
    standings,
    standings_series,
)
from oip.conditionality.types import BenchmarkState, Change, Observation, Standing

__all__ = [
    "BenchmarkState",
    "Change",
    "Evaluation",
    "Observation",
    "Standing",
    "benchmark_state",
    "changes",
    "evaluate",
    "standing",
    "standings",
    "standings_series",
]
