"""`oip exchange audit verify`: walk the audit chain (EXCHANGE.md §6.12, §10).

Exit 0 with "audit chain verified: N rows, head <hash>", or 1 with "audit chain broken at seq N:
<what>".
"""

from __future__ import annotations

from typing import Any

from oip.exchange.audit import verify_chain


def register(subparsers: Any) -> None:
    group = subparsers.add_parser("audit", help="the audit log's hash chain")
    commands = group.add_subparsers(dest="audit_command", metavar="COMMAND")
    commands.required = True
    verify = commands.add_parser("verify", help="check every row of the chain and its head")
    verify.add_argument("--database", default="default", help="database alias (default: default)")
    verify.set_defaults(run=run_verify)


def run_verify(options: dict[str, Any]) -> int:
    result = verify_chain(options.get("database") or "default")
    if result.verified:
        options["stdout"].write(f"audit chain verified: {result.rows} rows, head {result.head}")
        return 0
    options["stderr"].write(f"audit chain broken at seq {result.first_bad}: {result.problem}")
    return 1
