"""The access policy as data: the shipped policy.yaml, its tables and its loader's errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from oip.catalogue.loader import load_catalogue
from oip.liaison.policy import (
    PolicyError,
    UnknownTemplate,
    default_path,
    load_policy,
    parse_duration,
)
from oip.liaison.types import Ladder, LadderStep
from oip.vocabulary import Tlp

POLICY = load_policy()
TEMPLATES = (
    "cyber-incident",
    "reachability-test",
    "fdi-notification",
    "eppo-referral",
    "fimi-alert",
    "aml-exchange",
    "customs-risk",
)


@pytest.mark.parametrize(
    ("tier", "addressed", "community"),
    [
        (0, "green", "clear"),  # none
        (1, "amber", "green"),  # incremental
        (2, "amber", "amber"),  # structural
        (3, "red", "red"),  # transformational: AMBER+STRICT, and RED for named individuals
    ],
)
@pytest.mark.parametrize("template", TEMPLATES)
def test_receive_caps_are_the_table_of_6_5_1(
    template: str, tier: int, addressed: str, community: str
) -> None:
    assert POLICY.receive_cap(template, "addressed", tier) == addressed
    assert POLICY.receive_cap(template, "community", tier) == community


def test_status_modifiers_and_periods() -> None:
    assert POLICY.keep_on_fall("cyber-incident") is True
    assert POLICY.withdraw_on_suspension("cyber-incident") is True
    assert POLICY.backfill == dt.timedelta(days=30)
    assert POLICY.exceptional_expiry == dt.timedelta(days=30)
    assert POLICY.no_new_on_notice("cyber-incident") is None
    assert POLICY.receive_cap("cyber-incident", "addressed", 7) == "red"
    with pytest.raises(ValueError, match="negative tier"):
        POLICY.receive_cap("cyber-incident", "addressed", -1)


def test_template_areas_are_the_table_of_6_5_3() -> None:
    assert {t: POLICY.area_of(t) for t in TEMPLATES} == {
        "cyber-incident": "cyber",
        "reachability-test": "cyber",
        "fdi-notification": "fdi",
        "eppo-referral": "eppo",
        "fimi-alert": "fimi",
        "aml-exchange": "financial-integrity",
        "customs-risk": "financial-integrity",
    }
    assert POLICY.integrity_benchmarks("fdi-notification") == (
        "fdi.secure-channels.information-handling",
        "fdi.early-warning-exchange.information-handling",
    )
    with pytest.raises(UnknownTemplate):
        POLICY.area_of("no-such-template")


def test_breach_benchmarks_are_the_table_of_6_5_4() -> None:
    t3 = (
        "cyber.enisa-observer-status.information-handling",
        "cyber.threat-assessments.information-handling",
    )
    assert POLICY.breach_benchmarks("cyber", "red") == t3
    assert POLICY.breach_benchmarks("cyber", "amber+strict") == t3
    assert POLICY.breach_benchmarks("cyber", "amber") == (
        "cyber.csirt-networks.information-handling",
    )
    assert POLICY.breach_benchmarks("cyber", "green") == (
        "cyber.csirt-networks.information-handling",
    )
    assert POLICY.breach_benchmarks("cyber", "red", onward=True) == (
        "cyber.csirt-networks.information-handling",
    )
    assert POLICY.breach_benchmarks("cyber", "clear") == ()
    assert POLICY.breach_benchmarks("fdi", "amber") == ("fdi.secure-channels.information-handling",)
    assert POLICY.breach_benchmarks("fdi", "green") == (
        "fdi.screening-authority.information-handling",
    )
    assert POLICY.breach_benchmarks("financial-integrity", "amber+strict") == (
        "financial-integrity.secure-channels.information-handling",
    )


def test_every_benchmark_named_exists_in_the_catalogue_at_the_right_tier() -> None:
    tier_of = {b.id: t.tier for t, b in load_catalogue().benchmarks()}
    for template in TEMPLATES:
        for benchmark in POLICY.integrity_benchmarks(template):
            assert tier_of[benchmark] >= 2, benchmark
    expected_tiers: dict[Tlp, int] = {"red": 3, "amber+strict": 3, "green": 1}
    for area in ("cyber", "fdi", "eppo", "fimi", "financial-integrity"):
        for level, tier in expected_tiers.items():
            assert {tier_of[b] for b in POLICY.breach_benchmarks(area, level)} == {tier}
        assert {tier_of[b] for b in POLICY.breach_benchmarks(area, "amber")} == (
            {2} if area == "fdi" else {1}
        )
        assert {tier_of[b] for b in POLICY.breach_benchmarks(area, "green", onward=True)} == {1}


def test_default_ladder_is_6_6_3() -> None:
    assert POLICY.ladder("default") == Ladder(
        "default",
        (
            LadderStep(1, 0.5, ("contact_point_on_duty",)),
            LadderStep(2, 1.0, ("deputy_contact_point", "org_admin")),
            LadderStep(
                3,
                1.25,
                ("counterpart_liaison_manager", "oip_operations"),
                dt.timedelta(hours=24),
                dt.timedelta(hours=1),
            ),
        ),
    )


def test_content_hash_ignores_comments(tmp_path: Path) -> None:
    text = default_path().read_text(encoding="utf-8")
    copy = tmp_path / "policy.yaml"
    copy.write_text("# a comment\n" + text, encoding="utf-8")
    assert load_policy(copy).content_hash == POLICY.content_hash
    copy.write_text(text.replace("backfill: P30D", "backfill: P31D"), encoding="utf-8")
    assert load_policy(copy).content_hash != POLICY.content_hash


def _broken(tmp_path: Path, old: str, new: str) -> list[str]:
    text = default_path().read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "policy.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    return [str(p) for p in caught.value.problems]


def test_unknown_key_names_file_line_and_field(tmp_path: Path) -> None:
    assert _broken(tmp_path, "keep_on_fall: true", "keep_on_fal: true\nkeep_on_fall: true") == [
        "policy.yaml:15: keep_on_fal: Extra inputs are not permitted"
    ]


def test_unknown_tlp_level_names_its_field(tmp_path: Path) -> None:
    problems = _broken(tmp_path, "1: {addressed: amber,", "1: {addressed: yellow,")
    assert len(problems) == 1
    assert problems[0].startswith("policy.yaml:9: receive[1].addressed: Input should be ")


def test_caps_falling_with_the_tier_are_refused(tmp_path: Path) -> None:
    problems = _broken(
        tmp_path, "2: {addressed: amber, community: amber", "2: {addressed: green, community: amber"
    )
    assert problems == ["policy.yaml:7: receive: tier 2 receives less than tier 1"]


def test_bad_duration_and_malformed_yaml(tmp_path: Path) -> None:
    assert _broken(tmp_path, "backfill: P30D", "backfill: P1M") == [
        "policy.yaml:18: backfill: not a duration in days/hours/minutes: 'P1M'"
    ]
    assert _broken(tmp_path, "backfill: P30D", "backfill: [P30D")[0].startswith("policy.yaml:")


def test_parse_duration() -> None:
    assert parse_duration("P30D") == dt.timedelta(days=30)
    assert parse_duration("PT1H") == dt.timedelta(hours=1)
    assert parse_duration("P1DT2H30M") == dt.timedelta(days=1, hours=2, minutes=30)
    for bad in ("P", "PT", "P1M", "30D", "P1DT"):
        with pytest.raises(ValueError):
            parse_duration(bad)
