"""The shipped taxonomies: RSIT v1003, the SRB-CERT map, NIS2 sectors, CIR 2024/2690 thresholds.

The expected values are transcribed from the sources named in each file (EXCHANGE.md §3.2, the
MISP taxonomies `rsit`, `srbcert`, `nis2`, and the OJ text of CIR 2024/2690 Arts. 3-14).
"""

from __future__ import annotations

from typing import Any

import pytest

from oip.liaison.templates import shipped

TAXONOMIES = shipped().taxonomies

RSIT = {
    "abusive-content": ["spam", "harmful-speech", "violence"],
    "malicious-code": [
        "infected-system",
        "c2-server",
        "malware-distribution",
        "malware-configuration",
    ],
    "information-gathering": ["scanner", "sniffing", "social-engineering"],
    "intrusion-attempts": ["ids-alert", "brute-force", "exploit"],
    "intrusions": [
        "privileged-account-compromise",
        "unprivileged-account-compromise",
        "application-compromise",
        "system-compromise",
        "burglary",
    ],
    "availability": ["dos", "ddos", "misconfiguration", "sabotage", "outage"],
    "information-content-security": [
        "unauthorised-information-access",
        "unauthorised-information-modification",
        "data-loss",
        "data-leak",
    ],
    "fraud": ["unauthorised-use-of-resources", "copyright", "masquerade", "phishing"],
    "vulnerable": [
        "weak-crypto",
        "ddos-amplifier",
        "potentially-unwanted-accessible",
        "information-disclosure",
        "vulnerable-system",
    ],
    "other": ["other", "undetermined"],
    "test": ["test"],
}


def test_rsit_has_11_classes_and_39_types_by_class() -> None:
    rsit = TAXONOMIES["rsit"]
    assert (rsit.version, rsit.sets["classes"]) == ("1003", tuple(RSIT))
    types = [t for t in rsit.data["sets"]["types"]]
    assert len(types) == 39
    by_class: dict[str, list[str]] = {}
    for entry in types:
        by_class.setdefault(entry["parent"], []).append(entry["id"])
    assert by_class == RSIT


def test_srbcert_maps_all_36_incident_types_onto_rsit_types() -> None:
    srbcert = TAXONOMIES["rsit-map-srbcert"]
    entries = srbcert.data["maps"]["entries"]
    assert len(srbcert.sets["incident_types"]) == 36
    assert sorted(entries) == sorted(srbcert.sets["incident_types"])
    assert srbcert.sets["criticality"] == ("low", "medium", "high", "very-high")
    assert {
        k: entries[k] for k in ("ransomware", "port-scanning", "data-breaches", "hardware-errors")
    } == {
        "ransomware": "information-content-security/unauthorised-information-modification",
        "port-scanning": "information-gathering/scanner",
        "data-breaches": "information-content-security/data-leak",
        "hardware-errors": "availability/outage",
    }
    for target in entries.values():
        rsit_class, rsit_type = target.split("/")
        assert rsit_type in RSIT[rsit_class]


def test_nis2_sectors_cover_annex_i_and_ii() -> None:
    nis2 = TAXONOMIES["nis2-sectors"]
    assert len(nis2.sets["sectors"]) == 18  # Annex I: 11 sectors; Annex II: 7
    assert nis2.parents["hydrogen"] == "energy"
    assert nis2.parents["road"] == "transport"
    assert [s for s, p in nis2.parents.items() if p == "manufacturing"] == [
        "medical-devices-manufacturing",
        "computer-manufacturing",
        "electrical-equipment-manufacturing",
        "machinery-equipment-manufacturing",
        "vehicles-trailers-manufacturing",
        "other-transport-manufacturing",
    ]


CIR_THRESHOLDS = [
    (
        "art3-1a",
        "any",
        "Art. 3(1)(a)",
        ">",
        500000,
        "EUR",
        5,
        "percent of annual turnover",
        "lower",
        None,
    ),
    ("art3-1b", "any", "Art. 3(1)(b)", "==", True, "fact", None, None, None, None),
    ("art3-1c", "any", "Art. 3(1)(c)", ">=", 1, "natural persons", None, None, None, None),
    ("art3-1d", "any", "Art. 3(1)(d)", "==", True, "fact", None, None, None, None),
    ("art3-1e", "any", "Art. 3(1)(e)", "==", True, "fact", None, None, None, None),
    ("art4", "any", "Art. 4 (via Art. 3(1)(f))", ">=", 2, "incidents", None, None, None, "P6M"),
    ("art5-a", "dns-service-provider", "Art. 5(a)", ">", 30, "minutes", None, None, None, None),
    ("art5-b", "dns-service-provider", "Art. 5(b)", ">", 10, "seconds", None, None, None, "PT1H"),
    ("art5-c", "dns-service-provider", "Art. 5(c)", "==", True, "fact", None, None, None, None),
    ("art6-a", "tld-name-registry", "Art. 6(a)", ">", 0, "minutes", None, None, None, None),
    ("art6-b", "tld-name-registry", "Art. 6(b)", ">", 10, "seconds", None, None, None, "PT1H"),
    ("art6-c", "tld-name-registry", "Art. 6(c)", "==", True, "fact", None, None, None, None),
    (
        "art7-a",
        "cloud-computing-service-provider",
        "Art. 7(a)",
        ">",
        30,
        "minutes",
        None,
        None,
        None,
        None,
    ),
    (
        "art7-b",
        "cloud-computing-service-provider",
        "Art. 7(b)",
        ">",
        5,
        "percent of Union users",
        1000000,
        "Union users",
        "smaller",
        "PT1H",
    ),
    (
        "art7-c",
        "cloud-computing-service-provider",
        "Art. 7(c)",
        "==",
        True,
        "fact",
        None,
        None,
        None,
        None,
    ),
    (
        "art7-d",
        "cloud-computing-service-provider",
        "Art. 7(d)",
        ">",
        5,
        "percent of Union users",
        1000000,
        "Union users",
        "smaller",
        None,
    ),
    (
        "art8-a",
        "data-centre-service-provider",
        "Art. 8(a)",
        ">",
        0,
        "minutes",
        None,
        None,
        None,
        None,
    ),
    (
        "art8-b",
        "data-centre-service-provider",
        "Art. 8(b)",
        ">",
        60,
        "minutes",
        None,
        None,
        None,
        None,
    ),
    (
        "art8-c",
        "data-centre-service-provider",
        "Art. 8(c)",
        "==",
        True,
        "fact",
        None,
        None,
        None,
        None,
    ),
    (
        "art8-d",
        "data-centre-service-provider",
        "Art. 8(d)",
        "==",
        True,
        "fact",
        None,
        None,
        None,
        None,
    ),
    (
        "art9-a",
        "content-delivery-network-provider",
        "Art. 9(a)",
        ">",
        30,
        "minutes",
        None,
        None,
        None,
        None,
    ),
    (
        "art9-b",
        "content-delivery-network-provider",
        "Art. 9(b)",
        ">",
        5,
        "percent of Union users",
        1000000,
        "Union users",
        "smaller",
        "PT1H",
    ),
    (
        "art9-c",
        "content-delivery-network-provider",
        "Art. 9(c)",
        "==",
        True,
        "fact",
        None,
        None,
        None,
        None,
    ),
    (
        "art9-d",
        "content-delivery-network-provider",
        "Art. 9(d)",
        ">",
        5,
        "percent of Union users",
        1000000,
        "Union users",
        "smaller",
        None,
    ),
    (
        "art10-a",
        "managed-service-provider",
        "Art. 10(a)",
        ">",
        30,
        "minutes",
        None,
        None,
        None,
        None,
    ),
    (
        "art10-b",
        "managed-service-provider",
        "Art. 10(b)",
        ">",
        5,
        "percent of Union users",
        1000000,
        "Union users",
        "smaller",
        "PT1H",
    ),
    (
        "art10-c",
        "managed-service-provider",
        "Art. 10(c)",
        "==",
        True,
        "fact",
        None,
        None,
        None,
        None,
    ),
    (
        "art10-d",
        "managed-service-provider",
        "Art. 10(d)",
        ">",
        5,
        "percent of Union users",
        1000000,
        "Union users",
        "smaller",
        None,
    ),
    (
        "art11-a",
        "online-marketplace-provider",
        "Art. 11(a)",
        ">",
        5,
        "percent of Union users",
        1000000,
        "Union users",
        "smaller",
        None,
    ),
    (
        "art11-b",
        "online-marketplace-provider",
        "Art. 11(b)",
        ">",
        5,
        "percent of Union users",
        1000000,
        "Union users",
        "smaller",
        None,
    ),
    (
        "art11-c",
        "online-marketplace-provider",
        "Art. 11(c)",
        "==",
        True,
        "fact",
        None,
        None,
        None,
        None,
    ),
    (
        "art11-d",
        "online-marketplace-provider",
        "Art. 11(d)",
        ">",
        5,
        "percent of Union users",
        1000000,
        "Union users",
        "smaller",
        None,
    ),
    (
        "art12-a",
        "online-search-engine-provider",
        "Art. 12(a)",
        ">",
        5,
        "percent of Union users",
        1000000,
        "Union users",
        "smaller",
        None,
    ),
    (
        "art12-b",
        "online-search-engine-provider",
        "Art. 12(b)",
        ">",
        5,
        "percent of Union users",
        1000000,
        "Union users",
        "smaller",
        None,
    ),
    (
        "art12-c",
        "online-search-engine-provider",
        "Art. 12(c)",
        "==",
        True,
        "fact",
        None,
        None,
        None,
        None,
    ),
    (
        "art12-d",
        "online-search-engine-provider",
        "Art. 12(d)",
        ">",
        5,
        "percent of Union users",
        1000000,
        "Union users",
        "smaller",
        None,
    ),
    (
        "art13-a",
        "social-networking-platform-provider",
        "Art. 13(a)",
        ">",
        5,
        "percent of Union users",
        1000000,
        "Union users",
        "smaller",
        None,
    ),
    (
        "art13-b",
        "social-networking-platform-provider",
        "Art. 13(b)",
        ">",
        5,
        "percent of Union users",
        1000000,
        "Union users",
        "smaller",
        None,
    ),
    (
        "art13-c",
        "social-networking-platform-provider",
        "Art. 13(c)",
        "==",
        True,
        "fact",
        None,
        None,
        None,
        None,
    ),
    (
        "art13-d",
        "social-networking-platform-provider",
        "Art. 13(d)",
        ">",
        5,
        "percent of Union users",
        1000000,
        "Union users",
        "smaller",
        None,
    ),
    ("art14-a", "trust-service-provider", "Art. 14(a)", ">", 20, "minutes", None, None, None, None),
    (
        "art14-b",
        "trust-service-provider",
        "Art. 14(b)",
        ">",
        60,
        "minutes per calendar week",
        None,
        None,
        None,
        None,
    ),
    (
        "art14-c",
        "trust-service-provider",
        "Art. 14(c)",
        ">",
        1,
        "percent of users or relying parties",
        200000,
        "users or relying parties",
        "smaller",
        None,
    ),
    ("art14-d", "trust-service-provider", "Art. 14(d)", "==", True, "fact", None, None, None, None),
    (
        "art14-e",
        "trust-service-provider",
        "Art. 14(e)",
        ">",
        0.1,
        "percent of users or relying parties",
        100,
        "users or relying parties",
        "smaller",
        None,
    ),
]

RECORDS = {r["id"]: r for r in TAXONOMIES["cir-2024-2690"].data["thresholds"]}


def test_every_cir_threshold_is_tested() -> None:
    assert list(RECORDS) == [row[0] for row in CIR_THRESHOLDS]


@pytest.mark.parametrize("row", CIR_THRESHOLDS, ids=[row[0] for row in CIR_THRESHOLDS])
def test_cir_threshold(row: tuple[Any, ...]) -> None:
    record = RECORDS[row[0]]
    fields = (
        "id",
        "entity_type",
        "article",
        "operator",
        "value",
        "unit",
        "alternative",
        "alternative_unit",
        "alternative_rule",
        "duration",
    )
    assert tuple(record.get(f) for f in fields) == row


def test_cir_criteria_and_entity_types() -> None:
    cir = TAXONOMIES["cir-2024-2690"]
    assert cir.sets["criteria"] == (
        "art3-1a", "art3-1b", "art3-1c", "art3-1d", "art3-1e", "art4",
        "art5", "art6", "art7", "art8", "art9", "art10", "art11", "art12", "art13", "art14",
        "under_assessment",
    )  # fmt: skip
    assert {r["criterion"] for r in RECORDS.values()} == set(cir.sets["criteria"]) - {
        "under_assessment"
    }
    assert {r["entity_type"] for r in RECORDS.values()} - {"any"} == set(
        cir.sets["entity_types"]
    ) - {"other"}
