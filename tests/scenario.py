"""A hand-written scenario for Montenegro in the EPPO area, shared by API and CLI tests.

2024-01-10  the working arrangement, contact points designated and tested -> tier 1
2024-03-01  observer in coordination meetings, joint training          -> tier 2
2025-01-09  the contact-point test (valid 365 days) lapses             -> on notice until 2025-04-09
2025-04-09  not remedied                                               -> falls to tier 0
2025-06-01  contact points tested again, meetings attended again       -> tier 2
2025-07-01  regular liaison and case coordination, handled safely      -> tier 3
2025-09-01  information mishandled (integrity not met)                 -> suspended, tier 2
2026-03-01  the joint training (valid 730 days) expires: tier 2 holds on the observer target
            alone (catalogue 2026.2: EPPO's quorum is 0.5)             -> no change
2026-06-01  the contact-point test expires again; contact points are a core target, so the raw
            tier is 0, and a suspended standing follows the raw tier   -> fell, tier 0

Under catalogue 2026.2 the C1 information-handling benchmark of the contact points is presumed
("no breach recorded") and satisfies without an observation; the C2 response-times benchmark of
the regular liaison is not assessed (unknown) and stays missing.
"""

from __future__ import annotations

from pathlib import Path

from oip.evidence.actions import ImportResult, import_evidence

SOURCE = "{url: 'https://example.org/eppo', title: EPPO annual report, publisher: EPPO, published_on: 2025-10-01}"

EVENTS = [
    ("eppo.working-arrangement.signed", "met", "2024-01-10"),
    ("eppo.contact-points.designated", "met", "2024-01-10"),
    ("eppo.contact-points.reachable", "met", "2024-01-10"),
    ("eppo.coordination-meetings-observer.agreed", "met", "2024-03-01"),
    ("eppo.coordination-meetings-observer.attended", "met", "2024-03-01"),
    ("eppo.joint-training.attended", "met", "2024-03-01"),
    ("eppo.contact-points.reachable", "met", "2025-06-01"),
    ("eppo.coordination-meetings-observer.attended", "met", "2025-06-01"),
    ("eppo.regular-liaison.in-place", "met", "2025-07-01"),
    ("eppo.regular-liaison.used", "met", "2025-07-01"),
    ("eppo.regular-liaison.information-handling", "met", "2025-07-01"),
    ("eppo.case-coordination.cases", "met", "2025-07-01"),
    ("eppo.case-coordination.information-handling", "met", "2025-07-01"),
    ("eppo.case-coordination.information-handling", "not_met", "2025-09-01"),
]


def scenario_yaml() -> str:
    lines = ["observations:"]
    for benchmark, status, day in EVENTS:
        lines.append(
            f"  - {{country: ME, benchmark: {benchmark}, status: {status}, observed_on: {day}, source: {SOURCE}}}"
        )
    return "\n".join(lines) + "\n"


def import_scenario(directory: Path) -> ImportResult:
    path = directory / "scenario.yaml"
    path.write_text(scenario_yaml(), encoding="utf-8")
    return import_evidence([path], recorded_by="test")
