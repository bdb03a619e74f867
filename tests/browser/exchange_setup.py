"""A live exchange for browser tests: `oip serve` (see live.py) with two organisations and two
people set up by the administrator's commands, as an operator would.

- ENISA (EU body, cyber) with `enisa-officer` (officer, clearance red);
- CSIRT-AL (Albania's national CSIRT, cyber) with `al-cp` (contact point, clearance red);
- observations that give Albania tier 2 in cyber (recorded 30 days before today), so the
  access rule lets AL receive AMBER community notifications;
- both with the password `PASSWORD`, and no second factor yet: each sets it up in the browser.

`token(exchange, username)` issues a bearer token (`oip exchange token issue`) for setting up
further items through the API; `post_json` sends them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.browser import live
from tests.exchange.evidence import AL_TIER_2

PASSWORD = "correct horse battery staple 42"
SOURCE = (
    "{url: 'https://example.org/enisa-report', title: ENISA cooperation report, "
    "publisher: ENISA, published_on: %s}"
)
ORGS = [
    ("ENISA", "European Union Agency for Cybersecurity", "eu_body", ["--body", "enisa"]),
    ("CSIRT-AL", "Albania national CSIRT", "national", ["--country", "AL"]),
]
PEOPLE = [
    ("enisa-officer", "ENISA", "officer"),
    ("al-cp", "CSIRT-AL", "contact_point"),
]


@dataclass
class Exchange:
    url: str
    env: dict[str, str]
    server: live.LiveServer


def evidence_yaml(today: dt.date) -> str:
    """Albania at tier 2 in cyber: every benchmark of `AL_TIER_2` met 30 days before `today`."""
    day = (today - dt.timedelta(days=30)).isoformat()
    lines = ["observations:"]
    for benchmark in AL_TIER_2:
        lines.append(
            f"  - {{country: AL, benchmark: {benchmark}, status: met, observed_on: {day}, "
            f"source: {SOURCE % day}}}"
        )
    return "\n".join(lines) + "\n"


def oip(env: dict[str, str], *args: str) -> str:
    """Run `oip ARGS` against the live server's database; return its standard output."""
    done = subprocess.run(
        [str(live.BIN / "oip"), *args], env=env, check=False, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"oip {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout.strip()


def start(var: Path) -> Exchange:
    """Serve a fresh exchange under `var` with the organisations and people above."""
    evidence = var / "al-cyber.yaml"
    evidence.write_text(evidence_yaml(dt.datetime.now(dt.UTC).date()), encoding="utf-8")
    server = live.start(var, [evidence])
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"OIP_VAR": str(var), "OIP_ENV": "development"})
    try:
        for org_id, name, kind, extra in ORGS:
            oip(env, "exchange", "org", "add", org_id, "--name", name, "--kind", kind,
                "--areas", "cyber", *extra)  # fmt: skip
        password = var / "password.txt"
        password.write_text(PASSWORD + "\n", encoding="utf-8")
        for username, org_id, role in PEOPLE:
            oip(env, "exchange", "user", "add", username, "--org", org_id, "--role", role,
                "--clearance", "red", "--password-file", str(password))  # fmt: skip
    except BaseException:
        server.stop()
        raise
    return Exchange(server.url, env, server)


def token(exchange: Exchange, username: str) -> str:
    """A bearer token of `username` for the exchange's API."""
    return oip(exchange.env, "exchange", "token", "issue", username).splitlines()[-1]


def post_json(exchange: Exchange, path: str, bearer: str, body: dict[str, Any]) -> Any:
    """POST `body` to the API at `path`; return the decoded answer (raises on 4xx/5xx)."""
    request = urllib.request.Request(
        exchange.url + path,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {bearer}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())
