"""`oip exchange designation queue --by USERNAME [--format json]` and
`oip exchange designation confirm CONTACT_POINT --notified-on DATE --by USERNAME` (§6.10.2).

`queue` lists the national contact points the EU body's liaison manager may confirm; `confirm`
records that the designation was notified to the body on DATE (`met` on the area's
`.designated` benchmark, observed on DATE; see `oip.exchange.designations`) and prints
`created` or `existing`. Refusals and unknown ids exit 1 with the reason on stderr.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from django.contrib.auth import get_user_model

from oip.exchange.designations import confirm_designation, designation_queue
from oip.exchange.fetch import NotFound, PayloadInvalid, Refused
from oip.site.arguments import date_arg


def register(subparsers: Any) -> None:
    group = subparsers.add_parser("designation", help="contact-point designations to confirm")
    commands = group.add_subparsers(dest="designation_command", metavar="COMMAND")
    commands.required = True
    queue = commands.add_parser("queue", help="the designations the manager may confirm")
    queue.add_argument("--by", required=True, help="the EU body's liaison manager (username)")
    queue.add_argument("--format", choices=["json", "table"], default="table")
    queue.set_defaults(run=run_queue)
    confirm = commands.add_parser("confirm", help="confirm a designation was notified on a date")
    confirm.add_argument("contact_point", help="the contact point's id")
    confirm.add_argument("--notified-on", required=True, type=date_arg)
    confirm.add_argument("--by", required=True, help="the EU body's liaison manager (username)")
    confirm.set_defaults(run=run_confirm)


def _user(options: dict[str, Any]) -> Any:
    user = get_user_model().objects.filter(username=options["by"]).first()
    if user is None:
        options["stderr"].write(f"unknown user {options['by']!r}")
    return user


def run_queue(options: dict[str, Any]) -> int:
    user = _user(options)
    if user is None:
        return 1
    rows = [
        asdict(p) | {"designated_on": p.designated_on.isoformat()} for p in designation_queue(user)
    ]
    out = options["stdout"]
    if options["format"] == "json":
        out.write(json.dumps(rows, indent=2))
        return 0
    for r in rows:
        out.write(
            f"{r['contact_point']}  {r['organisation']}  {r['country']}  {r['area']}  "
            f"{r['function']}  designated {r['designated_on']}  -> {r['benchmark']}"
        )
    return 0


def run_confirm(options: dict[str, Any]) -> int:
    user = _user(options)
    if user is None:
        return 1
    try:
        report = confirm_designation(user, options["contact_point"], options["notified_on"])
    except Refused as refused:
        options["stderr"].write(refused.reason)
        return 1
    except PayloadInvalid as invalid:
        options["stderr"].write(str(invalid))
        return 1
    except NotFound:
        options["stderr"].write(f"no contact point {options['contact_point']!r}")
        return 1
    options["stdout"].write("created" if report.created else "existing")
    return 0
