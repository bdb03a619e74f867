"""The scripted scenario of EXCHANGE.md §10 (issue 15's "Done when"), run as a user would: the
shell script against a real `oip serve`, in its own scratch data directory."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "exchange-scenario.sh"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.skipif(sys.platform != "linux", reason="bash, curl and a POSIX server")
def test_the_scripted_scenario_runs_against_oip_serve() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OIP_", "DJANGO_"))}
    env["OIP_BIN"] = str(Path(sys.executable).parent)
    # The script makes its own SQLite database; the PostgreSQL run tests the same code paths
    # in the rest of the suite.
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        ["bash", str(SCRIPT), str(free_port())],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    lines = done.stdout.splitlines()
    answers = [line.split(" -> ")[1][:3] for line in lines if " -> " in line]
    # create, access, read, ack, BA refused, own create, breach: refused, own read, access
    assert answers == ["201", "200", "200", "200", "403", "201", "403", "200", "200"]
    assert any('403 {"reason": "above_tier_cap"}' in line for line in lines)
    assert any('403 {"reason": "withdrawn_suspension"}' in line for line in lines)
    assert any("AL       cyber  0 none  suspended" in line for line in lines)
    assert lines[-1] == "scenario passed"


@pytest.mark.skipif(sys.platform != "linux", reason="bash, curl and a POSIX server")
def test_the_closed_loop_runs_against_oip_serve() -> None:
    """Issue 17's run: a reachability pass raises AL to tier 2 with measured evidence, a breach
    confirmed by two ENISA managers suspends (the AMBER read refused, the monitor says why),
    and the remedy lifts it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OIP_", "DJANGO_"))}
    env["OIP_BIN"] = str(Path(sys.executable).parent)
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "exchange-loop.sh"), str(free_port())],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    lines = done.stdout.splitlines()
    tiers = [line.split()[2:4] for line in lines if line.startswith("AL       cyber")]
    assert tiers == [["1", "incremental"], ["2", "structural"], ["0", "none"], ["2", "structural"]]
    assert any('-> 200 {"result": "met"' in line for line in lines)
    assert "/countries/AL/ cites the test: measured by the liaison exchange" in lines
    assert any('403 {"reason": "withdrawn_suspension"}' in line for line in lines)
    assert any(line.startswith("/countries/AL/ says: Suspended") for line in lines)
    assert lines[-1] == "loop passed"
