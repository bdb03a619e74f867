"""`oip exchange user add USERNAME --org ID --role ROLE --clearance TLP [--areas A,B] [--password-file F]`.

Creates a person with a membership of the organisation `ID`, valid from now; the password is
the first line of `F` (without it the account cannot sign in until one is set). People then
sign in at /exchange/login/ and set up their second factor. Prints the username.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from oip.exchange.arguments import comma_list
from oip.exchange.people import Refused, add_user
from oip.vocabulary import MEMBERSHIP_ROLES, TLP_LEVELS


def register(subparsers: Any) -> None:
    group = subparsers.add_parser("user", help="people and their memberships")
    actions = group.add_subparsers(dest="user_action", metavar="ACTION")
    actions.required = True
    add = actions.add_parser("add", help="add a person with a membership of an organisation")
    add.add_argument("username", metavar="USERNAME")
    add.add_argument("--org", required=True, metavar="ID", help="the organisation's ID")
    add.add_argument("--role", required=True, choices=MEMBERSHIP_ROLES)
    add.add_argument(
        "--clearance", required=True, choices=TLP_LEVELS, help="the highest TLP label to read"
    )
    add.add_argument(
        "--areas", type=comma_list, default=None, help="default: all the organisation's areas"
    )
    add.add_argument("--password-file", type=Path, metavar="F", help="first line: the password")
    add.set_defaults(run=run_add)


def read_password(path: Path | None) -> str | None:
    """The first line of `path` without its line end; None without a path."""
    if path is None:
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise Refused("--password-file", f"cannot read {str(path)!r}: {error}") from None
    lines = text.splitlines()
    return lines[0] if lines else ""


def run_add(options: dict[str, Any]) -> int:
    try:
        user = add_user(
            options["username"],
            org_id=options["org"],
            role=options["role"],
            clearance=options["clearance"],
            areas=options["areas"],
            password=read_password(options["password_file"]),
        )
    except Refused as refused:
        options["stderr"].write(f"user add: {refused}")
        return 1
    options["stdout"].write(user.get_username())
    return 0
