"""`oip exchange reachability schedule --org ORG --area A --window-start DT --window-end DT`
(EXCHANGE.md §6.7, §10): schedule a test; prints its id. `reachability list` shows the tests.

The challenge goes out at a random instant inside the window (the tick sends it as a
`reachability-test` notification); the contact point answers by echoing the code in the
platform (`POST /api/v1/exchange/reachability-tests/{id}/answer`).
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import get_user_model

from oip.exchange.models import ReachabilityTest
from oip.exchange.reachability import ReachabilityError, schedule
from oip.site.arguments import datetime_arg


def register(subparsers: Any) -> None:
    group = subparsers.add_parser("reachability", help="reachability tests of contact points")
    commands = group.add_subparsers(dest="reachability_command", metavar="COMMAND")
    commands.required = True
    plan = commands.add_parser("schedule", help="schedule a test; prints its id")
    plan.add_argument("--org", required=True, help="organisation short name or id")
    plan.add_argument("--area", required=True, help="catalogue area, e.g. cyber")
    plan.add_argument("--window-start", required=True, type=datetime_arg)
    plan.add_argument("--window-end", required=True, type=datetime_arg)
    plan.add_argument("--by", default=None, help="the EU-body member scheduling (username)")
    plan.set_defaults(run=run_schedule)
    listing = commands.add_parser("list", help="the tests, with their results")
    listing.add_argument("--format", choices=["json", "table"], default="table")
    listing.set_defaults(run=run_list)


def run_schedule(options: dict[str, Any]) -> int:
    by = None
    if options["by"]:
        by = get_user_model().objects.filter(username=options["by"]).first()
        if by is None:
            options["stderr"].write(f"unknown user {options['by']!r}")
            return 1
    try:
        test = schedule(
            options["org"],
            options["area"],
            options["window_start"],
            options["window_end"],
            by=by,
        )
    except ReachabilityError as refused:
        options["stderr"].write(str(refused))
        return 1
    options["stdout"].write(str(test.pk))
    return 0


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def run_list(options: dict[str, Any]) -> int:
    found = [
        {
            "id": str(t.pk),
            "organisation": t.organisation.short_name,
            "area": t.area,
            "window_start": _iso(t.window_start),
            "window_end": _iso(t.window_end),
            "released_at": _iso(t.released_at),
            "deadline": _iso(t.deadline),
            "answered_at": _iso(t.answered_at),
            "result": t.result,
            "retry_of": str(t.retry_of_id) if t.retry_of_id else None,
        }
        for t in ReachabilityTest.objects.select_related("organisation").order_by("created_at")
    ]
    out = options["stdout"]
    if options["format"] == "json":
        out.write(json.dumps(found, indent=2))
        return 0
    for t in found:
        out.write(
            f"{t['id']}  {t['organisation']}  {t['area']}  {t['result']}  "
            f"released {t['released_at'] or '-'}  answered {t['answered_at'] or '-'}"
        )
    return 0
