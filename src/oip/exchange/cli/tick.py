"""`oip exchange tick [--now DATETIME]`: one idempotent pass (EXCHANGE.md §6.6.5, §10).

Releases due reachability challenges, writes due reminders into the outbox (and enqueues their
delivery: `oip exchange worker` sends them), closes unanswered tests, sweeps withdrawals.
`--now` runs it as of that moment (ISO date and time, naive = UTC); prints what it did.
"""

from __future__ import annotations

from typing import Any

from oip.exchange.tick import tick
from oip.site import clock
from oip.site.arguments import datetime_arg


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "tick", help="one pass: reminders into the outbox, reachability tests, withdrawals"
    )
    parser.add_argument(
        "--now", type=datetime_arg, default=None, help="run as of this instant (default: now)"
    )
    parser.set_defaults(run=run)


def run(options: dict[str, Any]) -> int:
    report = tick(options["now"] or clock.now())
    options["stdout"].write(
        f"tick at {report.now.isoformat()}: {report.open_items} open items, "
        f"{report.running_clocks} running clocks, {report.written} reminders written, "
        f"{report.enqueued + report.redelivered} deliveries enqueued, "
        f"{report.released} reachability challenges sent, {report.expired} tests not met, "
        f"{report.withdrawals} withdrawals"
    )
    return 0
