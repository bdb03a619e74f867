"""`oip exchange breach report|sign|list`: the handling-breach register from the command line
(EXCHANGE.md §6.9; the rules are `oip.exchange.breaches`).

    oip exchange breach report --by USER --concerned ORG --area A --tlp T [--kind K]   -> id
    oip exchange breach sign ID confirm|dismiss|remedy --by USER                        -> state
    oip exchange breach list [--format json|table]

A confirmation takes the signatures of two liaison managers of the EU body the benchmark names
(four eyes); each refusal exits 1 with its reason, and nothing is written.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from oip.accounts.models import Organisation
from oip.exchange.breaches import Decision, breach_state, report_breach, sign_breach
from oip.exchange.fetch import NotFound, Refused
from oip.exchange.models import HandlingBreach
from oip.vocabulary import TLP_LEVELS


def register(subparsers: Any) -> None:
    group = subparsers.add_parser("breach", help="the handling-breach register (§6.9)")
    commands = group.add_subparsers(dest="breach_command", metavar="COMMAND")
    commands.required = True
    report = commands.add_parser("report", help="record an alleged breach; prints its id")
    report.add_argument("--by", required=True, help="the reporting member (username)")
    report.add_argument("--concerned", required=True, help="the national organisation's ID")
    report.add_argument("--area", required=True, help="catalogue area, e.g. cyber")
    report.add_argument("--tlp", required=True, choices=TLP_LEVELS, help="the TLP mishandled")
    report.add_argument("--kind", default="tlp", help="what was mishandled (default tlp)")
    report.set_defaults(run=run_report)
    sign = commands.add_parser("sign", help="sign confirm, dismiss or remedy (four eyes)")
    sign.add_argument("id", help="the breach id")
    sign.add_argument("decision", choices=["confirm", "dismiss", "remedy"])
    sign.add_argument("--by", required=True, help="a liaison manager of the body (username)")
    sign.set_defaults(run=run_sign)
    listing = commands.add_parser("list", help="the register, newest first")
    listing.add_argument("--format", choices=["json", "table"], default="table")
    listing.set_defaults(run=run_list)


def _user(options: dict[str, Any]) -> Any:
    user = get_user_model().objects.filter(username=options["by"]).first()
    if user is None:
        options["stderr"].write(f"--by: unknown user {options['by']!r}")
    return user


def _organisation(key: str) -> Organisation | None:
    """The organisation whose short name (the ID the commands print) or UUID is `key`."""
    found = Organisation.objects.filter(short_name=key).first()
    if found is None:
        with contextlib.suppress(ValueError, ValidationError):
            found = Organisation.objects.filter(pk=uuid.UUID(key)).first()
    return found


def run_report(options: dict[str, Any]) -> int:
    user = _user(options)
    if user is None:
        return 1
    concerned = _organisation(options["concerned"])
    if concerned is None:
        options["stderr"].write(f"--concerned: unknown organisation {options['concerned']!r}")
        return 1
    try:
        breach = report_breach(
            user,
            concerned_org=concerned,
            area=options["area"],
            tlp_mishandled=options["tlp"],
            kind=options["kind"],
        )
    except (Refused, NotFound) as refused:
        options["stderr"].write(f"refused: {refused}")
        return 1
    options["stdout"].write(str(breach.pk))
    return 0


def run_sign(options: dict[str, Any]) -> int:
    user = _user(options)
    if user is None:
        return 1
    try:
        signed = sign_breach(user, options["id"], cast(Decision, options["decision"]))
    except (Refused, NotFound) as refused:
        options["stderr"].write(f"refused: {refused}")
        return 1
    state = signed.state
    effect = "in effect" if signed.effective else "awaits a second liaison manager"
    recorded = f"; recorded {', '.join(state.benchmarks)}" if signed.effective else ""
    options["stdout"].write(f"{state.state} ({effect}){recorded}")
    return 0


def run_list(options: dict[str, Any]) -> int:
    rows = []
    for breach in HandlingBreach.objects.select_related("concerned_org").order_by("-reported_at"):
        state = breach_state(breach)
        rows.append(
            {
                "id": str(breach.pk),
                "concerned": breach.concerned_org.short_name,
                "country": breach.country_id,
                "area": breach.area,
                "tlp_mishandled": breach.tlp_mishandled,
                "kind": breach.kind,
                "reported_at": breach.reported_at.isoformat(),
                "state": state.state,
                "benchmarks": list(state.benchmarks),
            }
        )
    if options["format"] == "json":
        options["stdout"].write(json.dumps(rows, indent=2))
    else:
        for row in rows:
            options["stdout"].write(
                f"{row['id']}  {row['country']} {row['area']:<20} {row['tlp_mishandled']:<12} "
                f"{row['state']:<10} {row['reported_at'][:16]}"
            )
    return 0
