"""The catalogue holds the Menu, whole and exact, with measurable benchmarks."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from oip.catalogue.schema import Catalogue

MENU = yaml.safe_load((Path(__file__).parent / "menu_table.yaml").read_text(encoding="utf-8"))
SENSITIVE_AREAS = ("cyber", "fdi", "eppo", "eurojust", "fimi", "financial-integrity")


def test_every_menu_item_is_a_target_in_its_area_and_tier(catalogue: Catalogue) -> None:
    expected = {
        (area, tier, title)
        for area, tiers in MENU.items()
        for tier, titles in tiers.items()
        for title in titles
    }
    actual = {(t.area, t.tier, t.title) for t in catalogue.targets if t.source == "menu"}
    assert sorted(expected - actual) == []
    assert sorted(actual - expected) == []


def test_the_menu_has_69_targets(catalogue: Catalogue) -> None:
    assert len([t for t in catalogue.targets if t.source == "menu"]) == 69


def test_menu_targets_per_area_and_tier(catalogue: Catalogue) -> None:
    counts = Counter((t.area, t.tier) for t in catalogue.targets if t.source == "menu")
    assert counts == {
        ("cyber", 1): 8, ("cyber", 2): 3, ("cyber", 3): 3,
        ("fdi", 1): 2, ("fdi", 2): 3, ("fdi", 3): 3,
        ("rule-of-law", 1): 3, ("rule-of-law", 2): 3, ("rule-of-law", 3): 3,
        ("eppo", 1): 2, ("eppo", 2): 2, ("eppo", 3): 2,
        ("eurojust", 1): 2, ("eurojust", 2): 2, ("eurojust", 3): 3,
        ("fimi", 1): 9, ("fimi", 2): 6, ("fimi", 3): 6,
        ("security", 1): 2, ("security", 2): 1,
        ("public-administration", 1): 1,
    }  # fmt: skip


def test_financial_integrity_comes_from_the_memo_text(catalogue: Catalogue) -> None:
    area = catalogue.area("financial-integrity")
    assert area.source == "memo-text"
    targets = catalogue.targets_in("financial-integrity")
    assert {t.tier for t in targets} == {1, 2, 3}
    assert {t.source for t in targets} == {"memo-text"}


def test_the_six_countries_in_order(catalogue: Catalogue) -> None:
    assert [(c.code, c.name) for c in catalogue.countries] == [
        ("AL", "Albania"),
        ("BA", "Bosnia and Herzegovina"),
        ("XK", "Kosovo"),
        ("ME", "Montenegro"),
        ("MK", "North Macedonia"),
        ("RS", "Serbia"),
    ]


def test_tiers_and_instruments(catalogue: Catalogue) -> None:
    assert [(t.level, t.name) for t in catalogue.tiers] == [
        (1, "incremental"),
        (2, "structural"),
        (3, "transformational"),
    ]
    assert [i.code for i in catalogue.instruments] == list("ABCDEFG")


def test_every_target_has_a_benchmark_with_accepted_evidence(catalogue: Catalogue) -> None:
    for target in catalogue.targets:
        assert target.benchmarks, target.id
        for benchmark in target.benchmarks:
            assert benchmark.statement.strip(), benchmark.id
            assert benchmark.accepted_evidence.strip(), benchmark.id


def test_practice_is_told_from_law_on_paper(catalogue: Catalogue) -> None:
    """Only targets about adopting or aligning law may rest on legal benchmarks alone."""
    legal_only = sorted(
        t.id for t in catalogue.targets if all(b.kind == "legal" for b in t.benchmarks)
    )
    assert legal_only == []


def test_sensitive_areas_carry_integrity_on_their_highest_tier(catalogue: Catalogue) -> None:
    for area in SENSITIVE_AREAS:
        targets = catalogue.targets_in(area)
        top = max(t.tier for t in targets)
        kinds = {b.kind for t in targets if t.tier == top for b in t.benchmarks}
        assert "integrity" in kinds, area


def test_milestones_are_due_by_2027_and_link_targets(catalogue: Catalogue) -> None:
    assert len(catalogue.milestones) >= 6
    for milestone in catalogue.milestones:
        assert milestone.due.year <= 2027, milestone.id
        assert milestone.targets, milestone.id
    sources = {m.source for m in catalogue.milestones}
    assert sources == {"memo-text", "op-ed"}
