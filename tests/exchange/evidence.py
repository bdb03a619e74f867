"""Evidence for the exchange's tests: which cyber benchmarks lift a country to which tier.

Cyber (catalogue 2026.2) needs 3 in 5 targets per tier (5 of 8 at tier 1, 3 of 4 at tier 2,
2 of 3 at tier 3) with its core targets; presumed integrity benchmarks need no observation.
"""

from __future__ import annotations

import datetime as dt

from oip.evidence.actions import record_observation
from oip.evidence.records import SourceRecord

OBSERVED_ON = dt.date(2026, 6, 1)
SOURCE = SourceRecord(
    kind="public",
    url="https://example.org/enisa-report",
    title="ENISA cooperation report",
    publisher="ENISA",
    published_on=dt.date(2026, 6, 1),
    excerpt="",
)

BA_TIER_1 = (
    "cyber.enisa-working-arrangement.signed",
    "cyber.enisa-working-arrangement.joint-activities",
    "cyber.csirt-networks.national-csirt",
    "cyber.csirt-networks.protocol",
    "cyber.csirt-networks.tested",
    "cyber.enisa-training.attended",
    "cyber.technical-working-groups.admitted",
    "cyber.technical-working-groups.attended",
    "cyber.eu-internet-forum.invited",
    "cyber.eu-internet-forum.attended",
)
AL_TIER_2 = (
    *BA_TIER_1,
    "cyber.structured-liaison.designated",
    "cyber.structured-liaison.reachable",
    "cyber.structured-liaison.response-times",
    "cyber.certification-pilots.agreed",
    "cyber.certification-pilots.assessed",
    "cyber.eu-cyber-exercises.invited",
    "cyber.eu-cyber-exercises.participated",
    "cyber.eu-cyber-exercises.follow-up",
)
AL_TIER_3 = (
    "cyber.enisa-observer-status.legal-basis",
    "cyber.enisa-observer-status.granted",
    "cyber.threat-assessments.contributed",
)


def record(
    country: str,
    benchmarks: tuple[str, ...],
    status: str = "met",
    observed_on: dt.date = OBSERVED_ON,
) -> None:
    """Record `status` for each benchmark of `country`, observed on `observed_on`."""
    for benchmark in benchmarks:
        record_observation(
            country=country,
            benchmark=benchmark,
            status=status,
            observed_on=observed_on,
            source=SOURCE,
            note="exchange test fixture",
            recorded_by="test",
        )
