"""`oip exchange evidence [--now DATETIME] [--dry-run]`: measured performance into observations.

Evaluates the rules of `oip/liaison/data/evidence-map.yaml` on the exchange's facts as of
`--now` (ISO date and time, naive = UTC; default now) and records what is due with the
evidence store's own action (identical observations are skipped, so reruns add nothing).
`--dry-run` prints what would be recorded and writes nothing. One line per observation, then
a summary; exit 1 if any observation was refused by the evidence store's validation.
"""

from __future__ import annotations

from typing import Any

from oip.exchange.evidence import run_evidence
from oip.site import clock
from oip.site.arguments import datetime_arg


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "evidence", help="record measured performance as observations of the catalogue"
    )
    parser.add_argument(
        "--now", type=datetime_arg, default=None, help="evaluate as of this instant (default: now)"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print what would be recorded, write nothing"
    )
    parser.set_defaults(run=run)


def run(options: dict[str, Any]) -> int:
    dry_run = bool(options["dry_run"])
    report = run_evidence(options["now"] or clock.now(), dry_run=dry_run)
    out = options["stdout"]
    for item in report.due:
        out.write(
            f"{item.country} {item.benchmark} {item.status} observed {item.observed_on} "
            f"({item.rule_id}, {item.origin} {item.origin_id})"
        )
    for item, message in report.refused:
        options["stderr"].write(f"refused: {item.country} {item.benchmark}: {message}")
    if dry_run:
        out.write(f"dry run at {report.now.isoformat()}: {len(report.due)} observations due")
    else:
        out.write(
            f"evidence at {report.now.isoformat()}: {len(report.due)} observations due, "
            f"{report.created} recorded, {report.existing} already recorded, "
            f"{len(report.refused)} refused"
        )
    return 1 if report.refused else 0
