"""`oip exchange org add ID --name NAME --kind eu_body|national --areas A,B [--country C] [--body B]`.

Creates an organisation whose ID (short name) other commands name with `--org`; prints the ID.
A refusal names the argument at fault and exits 1, writing nothing.
"""

from __future__ import annotations

from typing import Any

from oip.exchange.arguments import comma_list
from oip.exchange.people import ORG_KINDS, Refused, add_organisation


def register(subparsers: Any) -> None:
    group = subparsers.add_parser("org", help="organisations (EU bodies, national authorities)")
    actions = group.add_subparsers(dest="org_action", metavar="ACTION")
    actions.required = True
    add = actions.add_parser("add", help="add an organisation; prints its ID")
    add.add_argument("id", metavar="ID", help="short name, unique (e.g. CSIRT-AL, ENISA)")
    add.add_argument("--name", required=True, help="full name")
    add.add_argument("--kind", required=True, choices=ORG_KINDS)
    add.add_argument(
        "--areas", required=True, type=comma_list, help="catalogue area ids, comma-separated"
    )
    add.add_argument("--country", help="country code of a national organisation (e.g. AL)")
    add.add_argument("--body", help="catalogue body id of an EU body (e.g. enisa)")
    add.add_argument(
        "--functions", type=comma_list, default=[], help="e.g. national_csirt (comma-separated)"
    )
    add.set_defaults(run=run_add)


def run_add(options: dict[str, Any]) -> int:
    try:
        organisation = add_organisation(
            options["id"],
            name=options["name"],
            kind=options["kind"],
            areas=options["areas"],
            country=options["country"],
            body=options["body"],
            functions=options["functions"],
        )
    except Refused as refused:
        options["stderr"].write(f"org add: {refused}")
        return 1
    options["stdout"].write(organisation.short_name)
    return 0
