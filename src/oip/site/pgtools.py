"""PostgreSQL's own tools for backups: `pg_dump`, `pg_restore` and an archive's table list.

Each runs with the Django connection's settings passed as libpq environment variables (the
password never appears on a command line) and raises `PgToolError` with the tool's last
lines of output when it fails or is not installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any


class PgToolError(Exception):
    """A PostgreSQL client tool is missing or failed; the message says which and why."""


def libpq_environment(settings_dict: Mapping[str, Any]) -> dict[str, str]:
    """The libpq environment for the Django connection (the password never on a command line)."""
    env = dict(os.environ)
    for key in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSERVICE"):
        env.pop(key, None)
    values = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
        "PGSSLMODE": (settings_dict.get("OPTIONS") or {}).get("sslmode"),
    }
    env.update({k: str(v) for k, v in values.items() if v not in (None, "")})
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise PgToolError(f"{name} not found on PATH: install the PostgreSQL client tools")
    return found


def _run(argv: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise PgToolError(f"{what} failed (exit {result.returncode}): " + " / ".join(detail[-5:]))


def archive_tables(source: Path) -> set[str]:
    """The tables a pg_dump custom archive holds, from its table of contents."""
    result = subprocess.run(
        [_tool("pg_restore"), "--list", str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        detail = " / ".join(result.stderr.strip().splitlines()[-3:])
        raise PgToolError(f"{source}: not a readable pg_dump archive: {detail}")
    tables = set()
    for line in result.stdout.splitlines():
        # e.g. "215; 1259 16390 TABLE public evidence_observation postgres"
        words = line.split(";", 1)[-1].split()
        if len(words) >= 5 and words[2] == "TABLE" and words[3] != "DATA":
            tables.add(words[4])
    return tables


def dump(settings_dict: Mapping[str, Any], partial: Path) -> None:
    """Write the connection's database to `partial` as a custom-format archive (mode 0600)."""
    # Created here, private, before pg_dump writes a byte into it (it keeps the mode).
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    argv = [_tool("pg_dump"), "--format=custom", "--no-password", f"--file={partial}"]
    _run(argv, libpq_environment(settings_dict), "pg_dump")


def restore(settings_dict: Mapping[str, Any], source: Path) -> None:
    """Replace the connection's database content with the archive `source`, in one
    transaction."""
    env = libpq_environment(settings_dict)
    argv = [
        _tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-password",
        "--single-transaction",
        f"--dbname={env.get('PGDATABASE', '')}",
        str(source),
    ]
    _run(argv, env, "pg_restore")
