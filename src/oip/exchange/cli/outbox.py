"""`oip exchange outbox [--format json|table]`: the reminders written (EXCHANGE.md §10).

One row per reminder, oldest first: key, notification, recipient ("<org id>:<role>"), level,
clock, channel, created_at, sent_at (null until delivered), attempts, last_error. Links only:
no title, no content.
"""

from __future__ import annotations

import json
from typing import Any

from oip.exchange.models import Outbox

COLUMNS = ("key", "recipient", "level", "clock", "created_at", "sent_at")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("outbox", help="the reminders written, and whether sent")
    parser.add_argument("--format", choices=["json", "table"], default="table")
    parser.add_argument(
        "--unsent", action="store_true", help="only the reminders not yet delivered"
    )
    parser.set_defaults(run=run)


def rows(*, unsent: bool = False) -> list[dict[str, Any]]:
    """The outbox as plain rows (instants in ISO 8601 UTC), oldest first."""
    found = Outbox.objects.order_by("created_at", "id")
    if unsent:
        found = found.filter(sent_at__isnull=True)
    return [
        {
            "key": row.key,
            "notification": str(row.notification_id),
            "recipient": row.recipient,
            "level": row.level,
            "clock": row.clock,
            "channel": row.channel,
            "created_at": row.created_at.isoformat(),
            "sent_at": row.sent_at.isoformat() if row.sent_at else None,
            "attempts": row.attempts,
            "last_error": row.last_error,
        }
        for row in found
    ]


def run(options: dict[str, Any]) -> int:
    found = rows(unsent=options["unsent"])
    out = options["stdout"]
    if options["format"] == "json":
        out.write(json.dumps(found, indent=2))
        return 0
    table = [list(COLUMNS)] + [
        [str(r[c] if r[c] is not None else "-") for c in COLUMNS] for r in found
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
    for line in table:
        out.write("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
    if not found:
        out.write("(no reminders)")
    return 0
