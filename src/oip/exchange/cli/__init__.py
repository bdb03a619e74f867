"""Subcommands of `oip exchange`, one module per group (`templates`, `org`, `user`, ...).

Every module of this package is a group: it exposes `register(subparsers)`, which adds its
parser(s) and sets `run=<callable(options) -> int>` as a default; the returned int is the exit
status. Messages go to `options["stdout"]` / `options["stderr"]` (the command's streams), so tests
capture them with `call_command`.
"""

from __future__ import annotations

import pkgutil
from pathlib import Path


def groups() -> list[str]:
    """Return the group modules' names, sorted (the order `oip exchange --help` lists them)."""
    return sorted(info.name for info in pkgutil.iter_modules([str(Path(__file__).parent)]))
