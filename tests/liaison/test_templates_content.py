"""The FDI, EPPO, FIMI, AML and customs templates and their taxonomies, as shipped.

Content tests: exact clocks (FDI 35 days, then 20 after additional information), the EPPO
completeness check, the DISARM Red ids, every example valid, the routing rules.
"""

from __future__ import annotations

import copy
import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from oip.liaison.calendars import load_calendars
from oip.liaison.clocks import clock_state
from oip.liaison.completeness import completeness
from oip.liaison.routing import Route, required_routes
from oip.liaison.templates import (
    PayloadError,
    Template,
    TemplateErrors,
    data_directory,
    load_templates,
    shipped,
)
from oip.liaison.types import ClockDef, Event

MINE = ("fdi-notification", "eppo-referral", "fimi-alert", "aml-exchange", "customs-risk")
AREAS = frozenset({"cyber", "fdi", "eppo", "fimi", "financial-integrity"})
CALENDARS = load_calendars()
UTC = dt.UTC


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


def ev(kind: str, at: dt.datetime, stage: str | None = None) -> Event:
    return Event(kind, at, at, stage=stage)


def template(template_id: str) -> Template:
    return shipped().get(template_id)


def clock(template_id: str, clock_id: str) -> ClockDef:
    return next(c for c in template(template_id).clocks() if c.id == clock_id)


EXAMPLES = [
    pytest.param(t, s, i, id=f"{t}.{s}[{i}]")
    for t in MINE
    for s, stage in template(t).stages.items()
    for i in range(len(stage.examples))
]


# --- every template, every example ---------------------------------------------------------


def test_the_five_templates_are_shipped_with_their_stages() -> None:
    stages = {t: tuple(template(t).stages) for t in MINE}
    assert stages == {
        "fdi-notification": (
            "early_warning",
            "notification",
            "info_request",
            "additional_info",
            "comments",
            "outcome",
        ),
        "eppo-referral": (
            "referral",
            "registration",
            "info_request",
            "supplementary_info",
            "outcome",
        ),
        "fimi-alert": ("alert", "assessment", "update"),
        "aml-exchange": ("message", "reply"),
        "customs-risk": ("risk_information", "control_result"),
    }
    assert {t: template(t).opening_stage() for t in MINE} == {
        "fdi-notification": "early_warning",
        "eppo-referral": "referral",
        "fimi-alert": "alert",
        "aml-exchange": "message",
        "customs-risk": "risk_information",
    }


@pytest.mark.parametrize(("template_id", "stage", "index"), EXAMPLES)
def test_every_example_validates_and_is_complete(template_id: str, stage: str, index: int) -> None:
    example = template(template_id).stages[stage].examples[index]
    assert template(template_id).validate(stage, example) == []
    assert completeness(template_id, stage, example) == []


def test_defaults_follow_confidentiality() -> None:
    summary = {
        t: (
            template(t).area,
            template(t).tlp_default,
            template(t).onward_sharing,
            template(t).personal_data,
        )
        for t in MINE
    }
    assert summary == {
        "fdi-notification": ("fdi", "amber+strict", "originator_consent_required", False),
        "eppo-referral": ("eppo", "amber+strict", "originator_consent_required", True),
        "fimi-alert": ("fimi", "amber", "per_tlp", True),
        "aml-exchange": ("financial-integrity", "amber", "originator_consent_required", True),
        "customs-risk": ("financial-integrity", "amber", "per_tlp", True),
    }


# --- clocks -----------------------------------------------------------------------------------


def test_fdi_clocks_are_those_of_article_6_7_by_analogy() -> None:
    assert clock("fdi-notification", "comments") == ClockDef(
        id="comments",
        start="stage.notification.delivered",
        stop="stage.comments.submitted",
        within="P35D",
        calendar="calendar-days",
        party="recipient",
        restart="stage.additional_info.submitted",
        restart_within="P20D",
        basis="Regulation (EU) 2019/452 Art. 6(7), by analogy",
    )
    assert clock("fdi-notification", "additional-info") == ClockDef(
        id="additional-info",
        start="stage.info_request.submitted",
        stop="stage.additional_info.submitted",
        within="B10D",
        calendar="sender",
        party="sender",
        basis="OIP default (Art. 6(6) 'without undue delay')",
    )


FDI_DELIVERED = ev("delivered", utc(2026, 3, 2, 9), "notification")
FDI_REQUEST = ev("submitted", utc(2026, 3, 10, 10), "info_request")
FDI_MORE_INFO = ev("submitted", utc(2026, 3, 24, 15), "additional_info")
FDI_COMMENTS = ev("submitted", utc(2026, 4, 12, 11), "comments")


def test_fdi_comments_are_due_35_calendar_days_after_delivery() -> None:
    state = clock_state(
        clock("fdi-notification", "comments"), [FDI_DELIVERED], utc(2026, 3, 20), CALENDARS
    )
    assert (state.status, state.started_at, state.due_at) == (
        "running",
        utc(2026, 3, 2, 9),
        utc(2026, 4, 6, 9),
    )


def test_fdi_comments_restart_with_20_days_after_additional_information() -> None:
    events = [FDI_DELIVERED, FDI_REQUEST, FDI_MORE_INFO, FDI_COMMENTS]
    state = clock_state(clock("fdi-notification", "comments"), events, utc(2026, 4, 20), CALENDARS)
    assert (state.status, state.started_at, state.due_at, state.stopped_at) == (
        "met",
        utc(2026, 3, 24, 15),
        utc(2026, 4, 13, 15),
        utc(2026, 4, 12, 11),
    )


def test_fdi_comments_on_day_41_without_a_request_are_late() -> None:
    events = [FDI_DELIVERED, FDI_COMMENTS]
    state = clock_state(clock("fdi-notification", "comments"), events, utc(2026, 4, 20), CALENDARS)
    assert (state.status, state.due_at, state.overdue_by) == (
        "late",
        utc(2026, 4, 6, 9),
        dt.timedelta(days=6, hours=2),
    )


def test_fdi_additional_information_is_due_in_10_business_days_of_the_sender() -> None:
    state = clock_state(
        clock("fdi-notification", "additional-info"),
        [FDI_DELIVERED, FDI_REQUEST],
        utc(2026, 3, 20),
        CALENDARS,
        countries={"sender": "me"},
    )
    assert (state.status, state.started_at, state.due_at) == (
        "running",
        utc(2026, 3, 10, 10),
        utc(2026, 3, 24, 10),
    )


@settings(max_examples=500, deadline=None)
@given(
    delivered=st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2027, 12, 31)),
    more_info_after=st.timedeltas(
        min_value=dt.timedelta(minutes=1), max_value=dt.timedelta(days=34)
    ),
    comments_after=st.timedeltas(
        min_value=dt.timedelta(minutes=1), max_value=dt.timedelta(days=30)
    ),
)
def test_fdi_after_additional_information_the_comments_are_due_20_days_later(
    delivered: dt.datetime, more_info_after: dt.timedelta, comments_after: dt.timedelta
) -> None:
    start = delivered.replace(tzinfo=UTC)
    more_info = start + more_info_after
    comments = more_info + comments_after
    events = [
        ev("delivered", start, "notification"),
        ev("submitted", more_info, "additional_info"),
        ev("submitted", comments, "comments"),
    ]
    state = clock_state(clock("fdi-notification", "comments"), events, comments, CALENDARS)
    assert state.due_at == more_info + dt.timedelta(days=20)
    assert state.status == ("met" if comments_after <= dt.timedelta(days=20) else "late")


def test_the_other_clocks_of_the_clock_table() -> None:
    def row(template_id: str, clock_id: str) -> tuple[str, str, str, str, str]:
        c = clock(template_id, clock_id)
        return (c.start, c.stop, c.within, c.calendar, c.party)

    assert row("eppo-referral", "registration") == (
        "event.delivered",
        "stage.registration.submitted",
        "B5D",
        "eu-institutions",
        "recipient",
    )
    assert row("eppo-referral", "supplementary-info") == (
        "stage.info_request.submitted",
        "stage.supplementary_info.submitted",
        "B10D",
        "sender",
        "sender",
    )
    assert row("fimi-alert", "ack-election") == (
        "event.delivered",
        "event.acknowledged",
        "PT2H",
        "24x7",
        "recipient",
    )
    assert row("fimi-alert", "assessment-election") == (
        "event.delivered",
        "stage.assessment.submitted",
        "PT24H",
        "24x7",
        "recipient",
    )
    assert row("fimi-alert", "assessment") == (
        "event.delivered",
        "stage.assessment.submitted",
        "B3D",
        "recipient",
        "recipient",
    )
    assert row("aml-exchange", "ack") == (
        "event.delivered",
        "event.acknowledged",
        "B2D",
        "recipient",
        "recipient",
    )
    assert row("aml-exchange", "reply") == (
        "stage.message.delivered",
        "stage.reply.submitted",
        "B5D",
        "recipient",
        "recipient",
    )
    assert row("customs-risk", "control-result") == (
        "event.delivered",
        "stage.control_result.submitted",
        "P30D",
        "calendar-days",
        "recipient",
    )


# --- EPPO completeness ------------------------------------------------------------------------

REFERRAL: dict[str, Any] = copy.deepcopy(template("eppo-referral").stages["referral"].examples[0])
FACTS = "Art. 24(1) EPPO Regulation asks for a description of the facts"
DAMAGE = (
    "Art. 24(1) EPPO Regulation asks for an assessment of the damage caused or likely to be "
    "caused: give damage.assessed_eur in EUR, or `unknown` with a reason"
)
QUALIFICATION = (
    "Art. 24(1) EPPO Regulation asks for the possible legal qualification: the PIF offence "
    "and the national provision"
)
MISSING = {
    "facts": PayloadError("/facts", f"{FACTS}: what happened, when and where"),
    "damage": PayloadError("/damage", DAMAGE),
    "legal_qualification": PayloadError("/legal_qualification", QUALIFICATION),
}


def referral(**changes: Any) -> dict[str, Any]:
    payload = copy.deepcopy(REFERRAL)
    for key, value in changes.items():
        if value is None:
            payload.pop(key, None)
        else:
            payload[key] = value
    return payload


def test_a_referral_without_facts_damage_and_qualification_cannot_be_submitted() -> None:
    payload = referral(facts=None, damage=None, legal_qualification=None)
    assert completeness("eppo-referral", "referral", payload) == [
        MISSING["damage"],
        MISSING["facts"],
        MISSING["legal_qualification"],
    ]
    # set(): with several required fields missing at once, the validator names each of them
    assert set(template("eppo-referral").validate("referral", payload)) == {
        PayloadError("/damage", "required"),
        PayloadError("/facts", "required"),
        PayloadError("/legal_qualification", "required"),
    }


@settings(max_examples=500)
@given(st.sets(st.sampled_from(sorted(MISSING))))
def test_completeness_names_exactly_the_missing_parts(removed: set[str]) -> None:
    payload = referral(**dict.fromkeys(removed))
    assert completeness("eppo-referral", "referral", payload) == sorted(
        (MISSING[name] for name in removed), key=lambda e: (e.pointer, e.message)
    )


def test_damage_unknown_needs_a_reason() -> None:
    damage = {"assessed_eur": "unknown", "basis": "Audit under way."}
    assert completeness("eppo-referral", "referral", referral(damage=damage)) == [
        PayloadError(
            "/damage/unknown_reason",
            "a damage of `unknown` needs the reason it cannot be assessed yet "
            "(Art. 24(1) EPPO Regulation asks for an assessment of the damage)",
        )
    ]
    assert template("eppo-referral").validate("referral", referral(damage=damage)) == [
        PayloadError("/damage/unknown_reason", "required")
    ]
    damage["unknown_reason"] = "The audit's first results are due in May."
    assert completeness("eppo-referral", "referral", referral(damage=damage)) == []


def test_facts_and_qualification_with_blank_parts_are_incomplete() -> None:
    payload = referral(
        facts={"description": " ", "period_from": "2026-01-01", "places": []},
        legal_qualification={"offence": "fraud-expenditure-procurement", "national_provision": ""},
    )
    assert completeness("eppo-referral", "referral", payload) == [
        PayloadError("/facts/description", f"{FACTS}: what happened"),
        PayloadError("/facts/places", f"{FACTS}: where (at least one country)"),
        PayloadError("/legal_qualification/national_provision", QUALIFICATION),
    ]


BELOW = PayloadError(
    "/damage/below_threshold_grounds",
    "Art. 25(2) EPPO Regulation: below EUR 10,000 the EPPO acts only if the offence has "
    "repercussions at Union level or Union officials are suspected: say which",
)


@settings(max_examples=500)
@given(amount=st.integers(min_value=0, max_value=100_000), grounds=st.booleans())
def test_below_10000_eur_the_referral_says_why_the_eppo_should_act(
    amount: int, grounds: bool
) -> None:
    damage: dict[str, Any] = {"assessed_eur": amount, "basis": "Invoices."}
    if grounds:
        damage["below_threshold_grounds"] = ["union_officials_suspected"]
    expected = [BELOW] if amount < 10_000 and not grounds else []
    assert completeness("eppo-referral", "referral", referral(damage=damage)) == expected


def test_vat_fraud_needs_10_million_and_two_member_states() -> None:
    qualification = {
        "offence": "fraud-revenue-vat",
        "national_provision": "Criminal Code, Art. 225",
    }
    damage = {"assessed_eur": 2_500_000, "basis": "Tax audit.", "vat_member_states": ["HR"]}
    payload = referral(legal_qualification=qualification, damage=damage, eu_funds=None)
    assert completeness("eppo-referral", "referral", payload) == [
        PayloadError(
            "/damage/assessed_eur",
            "Art. 22(1) EPPO Regulation: VAT fraud is within the EPPO's competence only with a "
            "total damage of at least EUR 10 million",
        ),
        PayloadError(
            "/damage/vat_member_states",
            "Art. 22(1) EPPO Regulation: VAT fraud is within the EPPO's competence only when "
            "connected with the territory of two or more Member States: name them",
        ),
    ]
    damage.update(assessed_eur=10_000_000, vat_member_states=["HR", "SI"])
    assert completeness("eppo-referral", "referral", payload) == []


def test_expenditure_fraud_names_the_eu_funds() -> None:
    payload = referral(eu_funds=None)
    assert completeness("eppo-referral", "referral", payload) == [
        PayloadError(
            "/eu_funds",
            "expenditure fraud: name the EU programme, the project or contract and the managing "
            "or contracting authority",
        )
    ]
    assert template("eppo-referral").validate("referral", payload) == [
        PayloadError("/eu_funds", "required")
    ]


def test_other_templates_and_stages_have_no_completeness_rule() -> None:
    assert completeness("eppo-referral", "outcome", {}) == []
    assert completeness("fdi-notification", "notification", {}) == []
    assert completeness("no-such-template", "referral", {}) == []


def test_a_malformed_referral_is_incomplete_not_an_exception() -> None:
    payload = {"facts": "text", "damage": ["1"], "legal_qualification": 3}
    assert completeness("eppo-referral", "referral", payload) == [
        MISSING["damage"],
        MISSING["facts"],
        MISSING["legal_qualification"],
    ]


# --- taxonomies -------------------------------------------------------------------------------


def test_disarm_red_has_the_four_phases_and_sixteen_tactics_of_version_1_6() -> None:
    disarm = shipped().taxonomies["disarm-red"]
    assert disarm.version == "1.6"
    assert disarm.sets["phases"] == ("P01", "P02", "P03", "P04")
    assert disarm.sets["tactics"] == (
        "TA01", "TA02", "TA05", "TA06", "TA07", "TA08", "TA09", "TA10",
        "TA11", "TA12", "TA13", "TA14", "TA15", "TA16", "TA17", "TA18",
    )  # fmt: skip
    tactic_phase = {t: disarm.parents[t] for t in disarm.sets["tactics"]}
    assert tactic_phase == {
        "TA01": "P01", "TA02": "P01", "TA13": "P01",
        "TA05": "P02", "TA06": "P02", "TA07": "P02", "TA14": "P02", "TA15": "P02", "TA16": "P02",
        "TA08": "P03", "TA09": "P03", "TA10": "P03", "TA11": "P03", "TA17": "P03", "TA18": "P03",
        "TA12": "P04",
    }  # fmt: skip


def test_disarm_red_techniques_hang_under_tactics_and_sub_techniques_under_techniques() -> None:
    disarm = shipped().taxonomies["disarm-red"]
    techniques = disarm.sets["techniques"]
    assert len(techniques) == 391
    assert len([t for t in techniques if "." in t]) == 288
    assert {disarm.parents[t] for t in techniques} <= set(disarm.sets["tactics"])
    assert {t.split(".")[0] for t in techniques if "." in t} <= set(techniques)
    assert disarm.data["sets"]["techniques"][0] == {
        "id": "T0002",
        "label": "Facilitate State Propaganda",
        "parent": "TA02",
    }


def test_disarm_retired_tactics_point_to_the_current_ids() -> None:
    retired = shipped().taxonomies["disarm-red"].retired
    assert sorted(retired) == ["TA03", "TA04"]
    assert "use TA13 Target Audience Analysis" in retired["TA03"]
    assert "use TA14 Develop Narratives" in retired["TA04"]


def test_an_example_with_the_retired_tactic_ta03_is_rejected(tmp_path: Path) -> None:
    shutil.copytree(data_directory() / "taxonomies", tmp_path / "taxonomies")
    (tmp_path / "templates").mkdir()
    source = (data_directory() / "templates" / "fimi-alert.yaml").read_text()
    text = source.replace(
        "disarm_tactics: [TA06, TA09, TA17]", "disarm_tactics: [TA03, TA09, TA17]", 1
    )
    (tmp_path / "templates" / "fimi-alert.yaml").write_text(text)
    line = 1 + text.split("disarm_tactics: [TA03")[0].count("\n")
    with pytest.raises(TemplateErrors) as raised:
        load_templates(tmp_path, areas=AREAS, check_published=False)
    problems = [p for p in raised.value.problems if "TA03" in p.message]
    assert [(p.file, p.line, p.field) for p in problems] == [
        ("templates/fimi-alert.yaml", line, "stages.alert.examples[0].disarm_tactics[0]")
    ]
    assert problems[0].message.startswith("retired id TA03: renumbered in DISARM 1.0")


def test_pif_offences_are_those_of_directive_2017_1371_and_article_22() -> None:
    pif = shipped().taxonomies["pif-offences"]
    assert pif.sets["offences"] == (
        "fraud-expenditure-non-procurement",
        "fraud-expenditure-procurement",
        "fraud-revenue-non-vat",
        "fraud-revenue-vat",
        "money-laundering",
        "corruption-passive",
        "corruption-active",
        "misappropriation",
        "criminal-organisation-pif",
        "inextricably-linked",
    )
    assert pif.sets["modifiers"] == ("incitement-aiding-attempt",)


def test_fdi_factors_follow_article_4() -> None:
    fdi = shipped().taxonomies["fdi-factors"]
    assert fdi.sets["target"] == (
        "critical-infrastructure",
        "critical-technologies",
        "critical-inputs",
        "sensitive-information",
        "media-freedom",
        "none",
    )
    assert fdi.sets["investor"] == ("state-control", "prior-security-activities", "criminal-risk")


def test_aml_indicators_and_customs_risk_areas() -> None:
    taxonomies = shipped().taxonomies
    assert len(taxonomies["aml-indicators"].sets["indicators"]) == 14
    assert len(taxonomies["aml-indicators"].sets["predicate_offences"]) == 21
    assert taxonomies["customs-risk-areas"].sets["risk_areas"] == (
        "security-safety", "financial", "undervaluation", "origin", "classification",
        "prohibitions-restrictions", "ipr", "drugs", "excise", "dual-use", "sanctions", "other",
    )  # fmt: skip


# --- routing ----------------------------------------------------------------------------------


def example(template_id: str, stage: str, index: int = 0) -> dict[str, Any]:
    return copy.deepcopy(template(template_id).stages[stage].examples[index])


FDI_HIGH = Route(
    "state-control-or-union-interest-high",
    "body:commission-dgs",
    "notification",
    "An investor controlled by a third-country government (Art. 4(2)(a)) or a project of Union "
    "interest (Art. 8) is flagged high; the Commission comments clock applies.",
)


def test_fdi_state_control_or_union_interest_is_flagged_high() -> None:
    fdi = template("fdi-notification")
    payload = example("fdi-notification", "notification")
    assert required_routes(fdi, payload) == [FDI_HIGH]
    payload["investor_state_control"] = "unknown"
    assert required_routes(fdi, payload) == [FDI_HIGH]  # the TEN-E interconnector
    payload["union_interest"] = []
    assert required_routes(fdi, payload) == []


def test_fimi_election_or_spillover_goes_to_the_eeas() -> None:
    fimi = template("fimi-alert")
    election = example("fimi-alert", "alert", 0)
    ordinary = example("fimi-alert", "alert", 1)
    assert [r.to for r in required_routes(fimi, election)] == ["body:eeas-stratcom"]
    assert required_routes(fimi, ordinary) == []
    ordinary["spillover_member_states"] = ["HR"]
    assert [r.to for r in required_routes(fimi, ordinary)] == ["body:eeas-stratcom"]


def test_fimi_election_or_spillover_needs_alert_level_alert_or_urgent() -> None:
    fimi = template("fimi-alert")
    payload = example("fimi-alert", "alert", 1)
    payload["spillover_member_states"] = ["HR"]
    assert [e.pointer for e in fimi.validate("alert", payload)] == ["/alert_level"]
    payload["alert_level"] = "alert"
    assert fimi.validate("alert", payload) == []


def test_aml_procurement_corruption_with_eu_funds_proposes_an_eppo_referral() -> None:
    aml = template("aml-exchange")
    payload = example("aml-exchange", "message", 0)
    assert [(r.to, r.stage) for r in required_routes(aml, payload)] == [("body:eppo", "message")]
    payload["eu_funds_involved"] = False
    assert required_routes(aml, payload) == []


def test_an_aml_request_asks_questions() -> None:
    payload = example("aml-exchange", "message", 0)
    del payload["questions"]
    assert template("aml-exchange").validate("message", payload) == [
        PayloadError("/questions", "required")
    ]


def test_the_files_are_plain_yaml_under_the_2026_1_label() -> None:
    # every shipped file of this helper is plain YAML (no tags, no anchors that could differ)
    for name in MINE:
        data = yaml.safe_load((data_directory() / "templates" / f"{name}.yaml").read_text())
        assert data["id"] == name
        assert data["version"] == "2026.1"


@settings(max_examples=500)
@given(
    state_control=st.sampled_from(["yes", "no", "unknown"]),
    union_interest=st.lists(
        st.sampled_from(["ten-e", "ten-t", "copernicus", "other"]), unique=True
    ),
)
def test_fdi_flagged_high_exactly_when_state_control_or_union_interest(
    state_control: str, union_interest: list[str]
) -> None:
    payload = example("fdi-notification", "notification")
    payload.update(investor_state_control=state_control, union_interest=union_interest)
    fires = state_control == "yes" or bool(union_interest)
    assert required_routes(template("fdi-notification"), payload) == ([FDI_HIGH] if fires else [])


@settings(max_examples=500)
@given(
    election=st.booleans(),
    spillover=st.lists(st.sampled_from(["DE", "AT", "HR", "IT"]), unique=True),
    level=st.sampled_from(["info", "alert", "urgent"]),
)
def test_fimi_routed_to_the_eeas_exactly_in_elections_or_with_spillover(
    election: bool, spillover: list[str], level: str
) -> None:
    payload = example("fimi-alert", "alert", 1)
    payload.update(election_period=election, spillover_member_states=spillover, alert_level=level)
    fires = election or bool(spillover)
    routes = [r.to for r in required_routes(template("fimi-alert"), payload)]
    assert routes == (["body:eeas-stratcom"] if fires else [])
    invalid = fires and level == "info"
    assert [e.pointer for e in template("fimi-alert").validate("alert", payload)] == (
        ["/alert_level"] if invalid else []
    )


@settings(max_examples=500)
@given(
    indicators=st.lists(
        st.sampled_from(["structuring", "pep-link", "public-procurement-corruption"]),
        min_size=1,
        unique=True,
    ),
    eu_funds=st.booleans(),
)
def test_aml_proposes_an_eppo_referral_exactly_for_procurement_corruption_with_eu_funds(
    indicators: list[str], eu_funds: bool
) -> None:
    payload = example("aml-exchange", "message", 0)
    payload.update(indicators=indicators, eu_funds_involved=eu_funds)
    fires = eu_funds and "public-procurement-corruption" in indicators
    routes = [(r.to, r.stage) for r in required_routes(template("aml-exchange"), payload)]
    assert routes == ([("body:eppo", "message")] if fires else [])
