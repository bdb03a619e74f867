"""`oip exchange token issue USERNAME [--expires-in 1d] [--org ID]`: a machine client's token.

Also `token list [USERNAME]` (one line per token: prefix, user, organisation, created,
expires, revoked or `-`; never the token) and `token revoke PREFIX` (from now on).

Prints the bearer token alone on one line (it is stored only as a hash: keep it now). The
token is bound to the organisation of the user's valid membership (`--org` chooses when there
are several) and expires after `--expires-in` (default 1d; m, h, d or w; at most 365d).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from oip.exchange.arguments import duration
from oip.exchange.people import Refused, issue_token, revoke_token, tokens_of

DEFAULT_LIFETIME = dt.timedelta(days=1)


def register(subparsers: Any) -> None:
    group = subparsers.add_parser("token", help="bearer tokens for machine clients")
    actions = group.add_subparsers(dest="token_action", metavar="ACTION")
    actions.required = True
    issue = actions.add_parser("issue", help="issue a token; prints it alone on one line")
    issue.add_argument("username", metavar="USERNAME")
    issue.add_argument(
        "--expires-in",
        type=duration,
        default=DEFAULT_LIFETIME,
        metavar="DURATION",
        help="e.g. 12h, 1d, 4w (default 1d, at most 365d)",
    )
    issue.add_argument("--org", metavar="ID", help="needed when the user has several")
    issue.set_defaults(run=run_issue)
    listing = actions.add_parser("list", help="list tokens (prefixes, never the tokens)")
    listing.add_argument("username", metavar="USERNAME", nargs="?")
    listing.set_defaults(run=run_list)
    revoke = actions.add_parser("revoke", help="revoke a token from now on")
    revoke.add_argument("prefix", metavar="PREFIX", help="the 8 characters `token list` shows")
    revoke.set_defaults(run=run_revoke)


def run_issue(options: dict[str, Any]) -> int:
    try:
        token, _ = issue_token(
            options["username"], lifetime=options["expires_in"], org_id=options["org"]
        )
    except Refused as refused:
        options["stderr"].write(f"token issue: {refused}")
        return 1
    options["stdout"].write(token)
    return 0


def _instant(value: dt.datetime | None) -> str:
    return "-" if value is None else value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def run_list(options: dict[str, Any]) -> int:
    try:
        rows = tokens_of(options["username"])
    except Refused as refused:
        options["stderr"].write(f"token list: {refused}")
        return 1
    for row in rows:
        options["stdout"].write(
            " ".join(
                [
                    row.prefix,
                    row.user.get_username(),
                    row.organisation.short_name,
                    _instant(row.created_at),
                    _instant(row.expires_at),
                    _instant(row.revoked_at),
                ]
            )
        )
    return 0


def run_revoke(options: dict[str, Any]) -> int:
    try:
        row = revoke_token(options["prefix"])
    except Refused as refused:
        options["stderr"].write(f"token revoke: {refused}")
        return 1
    options["stdout"].write(f"{row.prefix} revoked at {_instant(row.revoked_at)}")
    return 0
