"""Catalogue 2026.2: core targets and quorums with their reasons, presumed integrity, C1, C2, the op-ed.

Exact values: a change to any of them is a change of methodology and must show here.
"""

from __future__ import annotations

from oip.catalogue.schema import Catalogue
from oip.conditionality import targets_needed

C1_WORDING = (
    "No confirmed breach of the agreed information-handling rules (TLP 2.0, onward-sharing "
    "consent, data protection) in exchanges with {within}, or a breach remedied to the "
    "satisfaction of {by}."
)
C2_WORDING = (
    "At least 90% of the country's response clocks in the liaison exchange were met in the last "
    "12 months (at least 5 clocks)."
)
REWORDED = (
    "cyber.enisa-observer-status.information-handling",
    "cyber.threat-assessments.information-handling",
    "cyber.board-digital-services.confidentiality",
    "fdi.secure-channels.information-handling",
    "fdi.expert-group-observer.confidentiality",
    "fdi.early-warning-exchange.information-handling",
    "eppo.regular-liaison.information-handling",
    "eppo.case-coordination.information-handling",
    "eurojust.secure-ict.information-handling",
    "eurojust.coordination-centres.information-handling",
    "eurojust.multi-country-jits.information-handling",
    "fimi.ras-interface.information-handling",
    "fimi.ebms-observer-cooperation.confidentiality",
    "fimi.early-warning-contribution.information-handling",
    "financial-integrity.secure-channels.information-handling",
)
C1 = {
    "cyber.csirt-networks": ("the EU CSIRTs Network and ENISA", "ENISA"),
    "fdi.screening-authority": ("the Commission", "the Commission"),
    "eppo.contact-points": ("EPPO", "EPPO"),
    "fimi.eeas-liaison-points": ("the EEAS", "the EEAS"),
    "financial-integrity.liaison-points": ("the EU counterparts", "the EU counterparts"),
}
C2 = {
    "cyber.structured-liaison": 2,
    "fdi.secure-channels": 2,
    "fimi.ras-operational-interface": 2,
    "financial-integrity.routine-liaison": 2,
    "eppo.regular-liaison": 3,
}


def test_the_core_targets(catalogue: Catalogue) -> None:
    core = [(t.id, t.tier) for t in catalogue.targets if t.core]
    assert core == [
        ("cyber.enisa-working-arrangement", 1),
        ("cyber.csirt-networks", 1),
        ("cyber.structured-liaison", 2),
        ("fdi.screening-law", 1),
        ("fdi.screening-authority", 1),
        ("rule-of-law.rol-report", 1),
        ("eppo.working-arrangement", 1),
        ("eppo.contact-points", 1),
        ("eurojust.cooperation-agreement", 1),
        ("fimi.eeas-liaison-points", 1),
        ("security.cepol-working-arrangement", 2),
        ("financial-integrity.liaison-points", 1),
    ]


def test_the_quorum_per_area(catalogue: Catalogue) -> None:
    assert {a.id: a.quorum for a in catalogue.areas} == {
        "cyber": 0.6,
        "fdi": 0.6,
        "rule-of-law": 0.6,
        "eppo": 0.5,
        "eurojust": 0.5,
        "fimi": 0.5,
        "security": 0.5,
        "public-administration": 1.0,
        "financial-integrity": 0.5,
    }


def test_every_area_gives_both_reasons_on_one_line(catalogue: Catalogue) -> None:
    for area in catalogue.areas:
        for reason in (area.quorum_reason, area.core_reason):
            assert reason is not None, area.id
            assert "\n" not in reason, area.id
            assert 40 <= len(reason) <= 200, (area.id, reason)


def test_the_quorums_ask_for_these_many_targets_per_tier(catalogue: Catalogue) -> None:
    """What each quorum means in targets, by the engine's count (the reasons quote some)."""
    counts = {
        area.id: [
            (len(tier), targets_needed(len(tier), area.quorum))
            for level in (1, 2, 3)
            if (tier := [t for t in catalogue.targets_in(area.id) if t.tier == level])
        ]
        for area in catalogue.areas
    }
    assert counts == {
        "cyber": [(8, 5), (4, 3), (3, 2)],
        "fdi": [(2, 2), (3, 2), (3, 2)],
        "rule-of-law": [(3, 2), (3, 2), (3, 2)],
        "eppo": [(2, 1), (2, 1), (2, 1)],
        "eurojust": [(2, 1), (2, 1), (3, 2)],
        "fimi": [(9, 5), (6, 3), (6, 3)],
        "security": [(2, 1), (1, 1)],
        "public-administration": [(1, 1)],
        "financial-integrity": [(2, 1), (2, 1), (2, 1)],
    }


def test_every_information_handling_integrity_benchmark_is_presumed(catalogue: Catalogue) -> None:
    integrity = {b.id: b for _, b in catalogue.benchmarks() if b.kind == "integrity"}
    presumed = sorted(i for i, b in integrity.items() if b.presumed)
    assert presumed == sorted([*REWORDED, *(f"{t}.information-handling" for t in C1)])
    for benchmark_id in presumed:
        benchmark = integrity[benchmark_id]
        assert benchmark.statement.startswith("No confirmed breach "), benchmark_id
        assert ", or a breach remedied to the satisfaction of " in benchmark.statement
        assert "in the last 12 months" not in benchmark.statement, benchmark_id
        assert benchmark.validity_days is None, benchmark_id
        assert benchmark.who == "country", benchmark_id


def test_other_integrity_benchmarks_need_evidence(catalogue: Catalogue) -> None:
    not_presumed = {
        b.id: b.validity_days
        for _, b in catalogue.benchmarks()
        if b.kind == "integrity" and not b.presumed
    }
    assert not_presumed == {
        "rule-of-law.fra-data-collection.independence": 365,
        "fimi.ebms-observer-status.independence": 365,
    }


def test_only_integrity_benchmarks_are_presumed(catalogue: Catalogue) -> None:
    assert {b.kind for _, b in catalogue.benchmarks() if b.presumed} == {"integrity"}


def test_c1_on_the_tier_1_liaison_target_of_each_exchange_area(catalogue: Catalogue) -> None:
    for target_id, (within, by) in C1.items():
        target = catalogue.target(target_id)
        assert (target.tier, target.core) == (1, True)
        benchmark = target.benchmarks[-1]
        assert benchmark.id == f"{target_id}.information-handling"
        assert (benchmark.kind, benchmark.presumed, benchmark.validity_days) == (
            "integrity",
            True,
            None,
        )
        assert target.benchmark_who(benchmark) == "country"
        assert benchmark.statement == C1_WORDING.format(within=within, by=by)
        assert benchmark.accepted_evidence.startswith(f"A written confirmation by {by}: ")


def test_c2_response_times_on_the_liaison_targets(catalogue: Catalogue) -> None:
    found = {
        t.id: (t.tier, b.id, b.kind, b.statement, b.validity_days, t.benchmark_who(b))
        for t, b in catalogue.benchmarks()
        if "response clocks" in b.statement
    }
    assert found == {
        target_id: (
            tier,
            f"{target_id}.response-times",
            "track_record",
            C2_WORDING,
            450,
            "country",
        )
        for target_id, tier in C2.items()
    }


def test_the_op_ed_criteria_for_enisa_observer_status(catalogue: Catalogue) -> None:
    op_ed = [t for t in catalogue.targets if t.source == "op-ed"]
    assert [(t.id, t.area, t.tier, t.title, t.who, t.core) for t in op_ed] == [
        (
            "cyber.enisa-observer-criteria",
            "cyber",
            2,
            "Basic legal and institutional criteria for observer status in ENISA",
            "country",
            False,
        )
    ]
    assert [(b.id, b.kind, b.validity_days, b.presumed) for b in op_ed[0].benchmarks] == [
        ("cyber.enisa-observer-criteria.nis2-law", "legal", None, False),
        ("cyber.enisa-observer-criteria.competent-authority", "institutional", None, False),
        ("cyber.enisa-observer-criteria.national-csirt", "institutional", None, False),
    ]
    assert "NIS2" in op_ed[0].benchmarks[0].statement
    # Observer status, the step the criteria lead to, sits one tier above them.
    assert catalogue.target("cyber.enisa-observer-status").tier == 3


def test_the_enisa_roadmap_milestone_links_the_criteria(catalogue: Catalogue) -> None:
    milestone = next(m for m in catalogue.milestones if m.id == "oped.enisa-observer-status")
    assert milestone.targets == ("cyber.enisa-observer-criteria", "cyber.enisa-observer-status")


def test_the_catalogue_size(catalogue: Catalogue) -> None:
    assert catalogue.version == "2026.2"
    assert len(catalogue.targets) == 76
    assert sum(len(t.benchmarks) for t in catalogue.targets) == 155
