"""Plain-data forms of the engine's values: the JSON contract of `docs/contracts.md`, and table rows.

Pure: no Django. The CLI, the API, the monitor's downloads and the reports all use these,
so a standing reads the same everywhere.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from oip.catalogue.schema import Catalogue
from oip.conditionality.types import BenchmarkState, Change, Standing, TierProgress


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def benchmark_state_dict(state: BenchmarkState) -> dict[str, Any]:
    return {
        "benchmark": state.benchmark,
        "target": state.target,
        "who": state.who,
        "status": state.status,
        "observed_on": _day(state.observed_on),
        "lapsed_on": _day(state.lapsed_on),
    }


def progress_dict(progress: TierProgress) -> dict[str, Any]:
    return {
        "tier": progress.tier,
        "targets": progress.targets,
        "achieved": progress.achieved,
        "core": progress.core,
        "core_achieved": progress.core_achieved,
        "benchmarks": dict(progress.benchmarks),
    }


def standing_dict(catalogue: Catalogue, standing: Standing) -> dict[str, Any]:
    """Return `standing` in the `oip standing` JSON contract (plus `holding`, `suspended_by`,
    and `not_assessed`: true when the area has no evidence, so its tier and score say nothing)."""
    return {
        "country": standing.country,
        "area": standing.area,
        "as_of": standing.as_of.isoformat(),
        "tier": standing.tier,
        "tier_name": catalogue.tier_name(standing.tier),
        "raw_tier": standing.raw_tier,
        "status": standing.status,
        "since": _day(standing.since),
        "notice_until": _day(standing.notice_until),
        "next_tier": standing.next_tier,
        "score": standing.score,
        "change_12m": standing.change_12m,
        "assessed": {
            "benchmarks": standing.assessed.benchmarks,
            "with_evidence": standing.assessed.with_evidence,
        },
        "not_assessed": standing.not_assessed,
        "progress": [progress_dict(p) for p in standing.progress],
        "missing": [
            {"benchmark": s.benchmark, "target": s.target, "who": s.who, "status": s.status}
            for s in standing.missing
        ],
        "holding": [benchmark_state_dict(s) for s in standing.holding],
        "achieved_targets": list(standing.achieved_targets),
        "suspended_by": list(standing.suspended_by),
    }


def change_dict(change: Change) -> dict[str, Any]:
    return {
        "country": change.country,
        "area": change.area,
        "on": change.on.isoformat(),
        "kind": change.kind,
        "tier_before": change.tier_before,
        "tier_after": change.tier_after,
        "cause": list(change.cause),
    }


def table(headers: list[str], rows: list[list[Any]]) -> str:
    """Render rows as a plain fixed-width text table (for terminals and logs)."""
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)
