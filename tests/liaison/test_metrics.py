"""The rules that turn the exchange's measured facts into observations (EXCHANGE.md §6.10)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from oip.catalogue.loader import default_directory, load_catalogue
from oip.liaison.evidence_map import EvidenceMapError, load_evidence_map, shipped_evidence_map
from oip.liaison.measured import ExercisePlayed, InjectHandled
from oip.liaison.metrics import (
    BreachDecision,
    ClockOutcome,
    Facts,
    ObservationToRecord,
    ReachabilityResult,
    Source,
    TemplateUse,
    observations,
    quarter_end,
    quarter_label,
)
from oip.liaison.performance import FEWER_THAN_3, BodyRow, QuarterRow, quarter_metrics

UTC = dt.UTC
MAP = shipped_evidence_map()
CATALOGUE = load_catalogue(default_directory())
VALIDITY = {b.id: b.validity_days for t in CATALOGUE.targets for b in t.benchmarks}
URL = "https://oip.example"


def at(day: str, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), UTC)


def probe(id: str, day: str, result: str = "met", answer_min: int | None = 12, **kw: str):
    sent = at(day)
    answered = sent + dt.timedelta(minutes=answer_min) if answer_min is not None else None
    fields = {"country": "AL", "area": "cyber", "body": "enisa", "function": "national_csirt"}
    fields.update(kw)
    return ReachabilityResult(
        id,
        sent_at=sent,
        limit=dt.timedelta(minutes=30),
        answered_at=answered,
        result=result,
        **fields,  # type: ignore[arg-type]
    )


def run(facts: Facts, now: dt.datetime) -> list[ObservationToRecord]:
    return observations(facts, MAP, VALIDITY, now, public_url=URL)


# --- the map ----------------------------------------------------------------------------------


def test_every_rule_names_a_benchmark_and_bodies_of_the_shipped_catalogue():
    bodies = {b.id for b in CATALOGUE.bodies}
    assert [r.benchmark for r in MAP.rules if r.benchmark not in VALIDITY] == []
    assert [r.id for r in MAP.rules if not set(r.bodies) <= bodies] == []
    assert len(MAP.rules) == 44


def test_every_integrity_benchmark_of_the_exchange_areas_has_a_breach_rule():
    areas = {"cyber", "fdi", "eppo", "fimi", "financial-integrity"}
    integrity = {
        b.id
        for t in CATALOGUE.targets
        if t.area in areas
        for b in t.benchmarks
        if b.kind == "integrity" and "information-handling" in b.id
    }
    assert {r.benchmark for r in MAP.by_kind("breach")} == integrity


def test_coarsened_rules_are_the_sensitive_templates_usage():
    assert sorted(r.benchmark for r in MAP.rules if r.coarsened) == [
        "eppo.regular-liaison.used",
        "fdi.early-warning-exchange.flagged",
        "fdi.secure-channels.used",
        "fimi.ras-interface.used",
        "financial-integrity.common-templates.used",
        "financial-integrity.routine-liaison.exchanges",
    ]


def test_a_bad_map_names_file_line_and_field(tmp_path: Path):
    data = yaml.safe_load(Path(load_evidence_map.__globals__["default_path"]()).read_text())
    data["rules"][1]["mode"] = "sometimes"
    data["rules"][0]["kind"] = "breach"
    path = tmp_path / "map.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(EvidenceMapError) as error:
        load_evidence_map(path)
    assert [str(p).split(": ", 1)[1] for p in error.value.problems] == [
        "rules[0]: Value error, breach rules need an EU body's word: mode must be confirm",
        "rules[1].mode: Input should be 'auto' or 'confirm'",
    ]
    assert all(str(p).startswith("map.yaml:") for p in error.value.problems)


# --- reachability -----------------------------------------------------------------------------


def test_a_pass_records_met_on_its_day_with_the_measured_fact():
    assert run(Facts(reachability=[probe("t1", "2026-05-04")]), at("2026-05-05")) == [
        ObservationToRecord(
            observed_on=dt.date(2026, 5, 4),
            country="AL",
            benchmark="cyber.structured-liaison.reachable",
            status="met",
            recorded_from=dt.date(2026, 5, 4),
            rule_id="reachability-v1/cyber",
            origin="test",
            origin_id="t1",
            source=Source(
                url="https://oip.example/exchange/performance/AL/cyber/2026Q2",
                title="Reachability test of the AL cyber liaison point (ENISA)",
                publisher="OIP liaison exchange",
                published_on=dt.date(2026, 5, 4),
                excerpt="Answered in 12 min; agreed limit 30 min.",
            ),
        )
    ]


def test_a_failed_test_with_a_pass_in_force_records_nothing():
    facts = Facts(
        reachability=[probe("t1", "2026-05-04"), probe("t2", "2026-09-01", "not_met", None)]
    )
    assert [o.origin_id for o in run(facts, at("2026-10-01"))] == ["t1"]


def test_a_failed_test_after_the_pass_lapsed_records_not_met():
    facts = Facts(
        reachability=[
            probe("t1", "2025-05-04"),
            probe("t2", "2026-05-04", "not_met", None),  # 365 days later: lapsed that day
            probe("t3", "2026-05-05", "not_met", 45),
        ]
    )
    result = run(facts, at("2026-06-01"))
    assert [(o.origin_id, o.status, o.observed_on) for o in result] == [
        ("t1", "met", dt.date(2025, 5, 4)),
        ("t2", "not_met", dt.date(2026, 5, 4)),
        ("t3", "not_met", dt.date(2026, 5, 5)),
    ]
    assert [o.source.excerpt for o in result[1:]] == [
        "Not answered; agreed limit 30 min.",
        "Answered after 45 min; agreed limit 30 min.",
    ]


def test_tests_of_another_body_or_after_now_do_not_count():
    facts = Facts(reachability=[probe("t1", "2026-05-04", body="eppo"), probe("t2", "2026-05-06")])
    assert run(facts, at("2026-05-05")) == []


def test_financial_integrity_needs_every_liaison_point_to_have_passed():
    fi = {"area": "financial-integrity", "body": "fiu-platform"}
    facts = Facts(
        reachability=[
            probe("fiu", "2026-02-02", function="fiu", **fi),
            probe("aro", "2026-03-02", function="aro", **fi),
            probe("customs", "2026-04-02", function="customs", **fi),
            probe("fiu2", "2026-04-03", function="fiu", **fi),
        ]
    )
    result = run(facts, at("2026-05-01"))
    assert [(o.origin_id, o.observed_on) for o in result] == [
        ("customs", dt.date(2026, 4, 2)),
        ("fiu2", dt.date(2026, 4, 3)),
    ]
    assert result[0].source.excerpt == (
        "Answered in 12 min; agreed limit 30 min. Every liaison point (fiu, aro, customs) "
        "passed within 12 months."
    )


# --- usage, coarsened -------------------------------------------------------------------------


def use(id: str, day: str, template: str = "eppo-referral", area: str = "eppo", **kw: str):
    return TemplateUse(id, "AL", area, template, at(day), **kw)  # type: ignore[arg-type]


def test_an_eppo_referral_is_observed_at_the_quarter_end_and_recorded_90_days_later():
    facts = Facts(uses=[use("u1", "2026-05-17"), use("u2", "2026-06-02")])
    assert run(facts, at("2026-09-27", 23)) == []
    (observation,) = run(facts, at("2026-09-28", 0, 1))
    assert (observation.benchmark, observation.status, observation.observed_on) == (
        "eppo.regular-liaison.used",
        "met",
        dt.date(2026, 6, 30),
    )
    assert observation.recorded_from == dt.date(2026, 9, 28)
    assert observation.source == Source(
        url="https://oip.example/exchange/performance/AL/eppo/2026Q2",
        title="Use of the liaison exchange by AL in eppo (2026Q2)",
        publisher="OIP liaison exchange",
        published_on=dt.date(2026, 9, 28),
        excerpt="At least one eppo-referral exchange through the liaison exchange in 2026Q2.",
    )


def test_usage_needs_the_recognition_the_rule_requires():
    facts = Facts(uses=[use("u1", "2026-02-03", "fdi-notification", "fdi", stage="screening")])
    assert run(facts, at("2026-12-01")) == []
    recognised = Facts(
        uses=facts.uses, recognised=frozenset({("AL", "fdi.secure-channels.access")})
    )
    assert [o.benchmark for o in run(recognised, at("2026-12-01"))] == ["fdi.secure-channels.used"]


def test_strands_need_every_strand_within_twelve_months():
    fi = "financial-integrity"
    facts = Facts(
        uses=[
            use("a", "2026-01-10", "aml-exchange", fi, strand="aml"),
            use("b", "2026-05-10", "aml-exchange", fi, strand="asset-recovery"),
            use("c", "2026-08-10", "customs-risk", fi, strand="customs"),
        ]
    )
    result = [o for o in run(facts, at("2027-06-01")) if "routine-liaison" in o.benchmark]
    assert [(o.observed_on, o.recorded_from) for o in result] == [
        (dt.date(2026, 9, 30), dt.date(2026, 12, 29))
    ]


def test_use_in_each_of_four_quarters_records_regular_contribution():
    uses = [
        use(f"u{i}", d, "fimi-alert", "fimi")
        for i, d in enumerate(
            ["2026-01-05", "2026-04-05", "2026-07-05", "2026-10-05", "2027-02-01"]
        )
    ]
    result = [o for o in run(Facts(uses=uses), at("2027-04-02")) if "regular" in o.benchmark]
    assert [(o.observed_on, o.recorded_from) for o in result] == [
        (dt.date(2026, 12, 31), dt.date(2026, 12, 31)),
        (dt.date(2027, 3, 31), dt.date(2027, 3, 31)),
    ]


# --- C2 response times ------------------------------------------------------------------------


def clock(id: str, day: str, met: bool, side: str = "country", area: str = "cyber", **kw):
    due = at(day, 12)
    return ClockOutcome(
        id,
        kw.get("country", "AL"),
        area,
        side,
        "enisa",  # type: ignore[arg-type]
        kw.get("clock", "acknowledgement"),
        "met" if met else "late",
        due - dt.timedelta(hours=1),
        due,
        due - dt.timedelta(minutes=kw.get("ack", 30)) if met else due + dt.timedelta(hours=2),
    )


def test_response_times_met_when_90_percent_of_at_least_5_clocks():
    days = ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"]
    facts = Facts(clocks=[clock(f"c{i}", d, True) for i, d in enumerate(days)])
    result = run(facts, at("2026-04-01"))
    assert [(o.benchmark, o.status, o.observed_on) for o in result] == [
        ("cyber.structured-liaison.response-times", "met", dt.date(2026, 3, 5))
    ]
    assert result[0].source.excerpt == (
        "5 of 5 response clocks met in the 12 months to 2026-03-05 (at least 90% of at least 5)."
    )


def test_fewer_than_5_clocks_record_nothing_and_eu_clocks_do_not_count():
    facts = Facts(
        clocks=[clock(f"c{i}", f"2026-03-0{i + 1}", True) for i in range(4)]
        + [clock("eu", "2026-03-09", True, side="eu")]
    )
    assert run(facts, at("2026-04-01")) == []


def test_response_times_not_met_once_when_below_90_percent_and_no_met_in_force():
    clocks = [clock(f"c{i}", f"2026-03-0{i + 1}", i != 2) for i in range(6)]
    result = run(Facts(clocks=clocks), at("2026-05-01"))
    assert [(o.status, o.observed_on, o.source.excerpt) for o in result] == [
        (
            "not_met",
            dt.date(2026, 3, 5),
            "4 of 5 response clocks met in the 12 months to 2026-03-05 (fewer than 90%).",
        )
    ]


def test_a_clock_resolved_today_waits_for_the_day_to_end():
    facts = Facts(clocks=[clock(f"c{i}", f"2026-03-0{i + 1}", True) for i in range(5)])
    assert run(facts, at("2026-03-05", 23)) == []
    assert [o.observed_on for o in run(facts, at("2026-03-06", 0, 1))] == [dt.date(2026, 3, 5)]


# --- breaches ---------------------------------------------------------------------------------


def breach(state: str, day: str, benchmarks: tuple[str, ...]) -> BreachDecision:
    return BreachDecision("b1", "AL", "cyber", state, at(day), "red", benchmarks)  # type: ignore[arg-type]


def test_a_confirmed_breach_records_not_met_on_the_selected_benchmarks_a_dismissed_nothing():
    chosen = (
        "cyber.enisa-observer-status.information-handling",
        "cyber.threat-assessments.information-handling",
    )
    result = run(Facts(breaches=[breach("confirmed", "2026-05-04", chosen)]), at("2026-05-04", 11))
    assert [(o.benchmark, o.status, o.observed_on) for o in result] == [
        (chosen[0], "not_met", dt.date(2026, 5, 4)),
        (chosen[1], "not_met", dt.date(2026, 5, 4)),
    ]
    assert result[0].source.publisher == "OIP liaison exchange, confirmed by ENISA"
    assert (
        result[0].source.excerpt == "Handling breach (TLP:RED mishandled) confirmed on 2026-05-04."
    )
    assert run(Facts(breaches=[breach("dismissed", "2026-05-04", chosen)]), at("2026-06-01")) == []
    remedied = run(Facts(breaches=[breach("remedied", "2026-07-01", chosen[:1])]), at("2026-07-02"))
    assert [(o.status, o.observed_on) for o in remedied] == [("met", dt.date(2026, 7, 1))]


def test_a_rule_whose_benchmark_is_not_in_the_catalogue_is_skipped():
    facts = Facts(reachability=[probe("t1", "2026-05-04")])
    assert observations(facts, MAP, {}, at("2026-06-01")) == []


# --- the public view ---------------------------------------------------------------------------


def test_quarter_metrics_thresholds_small_counts_and_omits_young_quarters():
    clocks = [clock(f"c{i}", f"2026-02-0{i + 1}", i != 0, ack=10 * (i + 1)) for i in range(4)]
    clocks += [clock("eu1", "2026-02-10", True, side="eu"), clock("q3", "2026-08-01", True)]
    tests = [probe("t1", "2026-02-03"), probe("t2", "2026-02-04", "not_met", None)]
    facts = Facts(clocks=clocks, reachability=tests)
    metrics = quarter_metrics(facts, dt.date(2026, 10, 1))
    assert metrics.rows == (
        QuarterRow(
            country="AL",
            area="cyber",
            quarter="2026Q1",
            clocks_due="3-9",
            on_time_percent=75,
            median_ack_minutes=35,  # of 180, 40, 30, 20
            reachability_tests=FEWER_THAN_3,
            reachability_pass_percent=None,
            confirmed_breaches=FEWER_THAN_3,
            exceptional_deliveries=FEWER_THAN_3,
        ),
    )
    assert metrics.bodies == (BodyRow("enisa", "2026Q1", FEWER_THAN_3, None),)
    assert metrics.published_through == "2026Q1"
    assert quarter_metrics(facts, dt.date(2026, 6, 28)).rows == ()


def test_quarters():
    assert (quarter_end(dt.date(2026, 5, 17)), quarter_label(dt.date(2026, 12, 31))) == (
        dt.date(2026, 6, 30),
        "2026Q4",
    )


# --- properties -------------------------------------------------------------------------------

START = dt.datetime(2025, 1, 1, tzinfo=UTC)
moments = st.integers(0, 3 * 365 * 24).map(lambda h: START + dt.timedelta(hours=h))
countries = st.sampled_from(["AL", "BA", "ME"])
areas = st.sampled_from(["cyber", "fdi", "eppo", "fimi", "financial-integrity"])
BODY = {r.area: r.bodies[0] for r in MAP.by_kind("reachability")}
TEMPLATES = ["eppo-referral", "fdi-notification", "fimi-alert", "aml-exchange", "customs-risk"]

reach = st.builds(
    lambda i, c, a, sent, ok, mins, f: ReachabilityResult(
        f"t{i}",
        c,
        a,
        BODY[a],
        f,
        sent,
        dt.timedelta(minutes=30),
        sent + dt.timedelta(minutes=mins) if mins is not None else None,
        "met" if ok and mins is not None and mins <= 30 else "not_met",
    ),
    st.integers(0, 10**6),
    countries,
    areas,
    moments,
    st.booleans(),
    st.none() | st.integers(1, 90),
    st.sampled_from(["fiu", "aro", "customs", "national_csirt"]),
)
uses = st.builds(
    lambda i, c, t, a, s: TemplateUse(
        f"u{i}",
        c,
        {"eppo-referral": "eppo", "fdi-notification": "fdi", "fimi-alert": "fimi"}.get(
            t, "financial-integrity"
        ),
        t,
        a,
        stage="notification",
        strand=s,
    ),
    st.integers(0, 10**6),
    countries,
    st.sampled_from(TEMPLATES),
    moments,
    st.sampled_from(["aml", "asset-recovery", "customs"]),
)
clocks = st.builds(
    lambda i, c, a, due, ok, side: ClockOutcome(
        f"c{i}",
        c,
        a,
        side,
        "enisa",
        "acknowledgement",
        "met" if ok else "late",
        due - dt.timedelta(hours=4),
        due,
        due - dt.timedelta(hours=1) if ok else due + dt.timedelta(hours=1),
    ),
    st.integers(0, 10**6),
    countries,
    areas,
    moments,
    st.booleans(),
    st.sampled_from(["eu", "country"]),
)
all_facts = st.builds(
    lambda r, u, c: Facts(
        reachability=r,
        uses=u,
        clocks=c,
        recognised=frozenset(
            (country, b)
            for country in ("AL", "BA", "ME")
            for b in (
                "fdi.secure-channels.access",
                "fimi.ras-interface.established",
                "financial-integrity.secure-channels.connected",
            )
        ),
    ),
    st.lists(reach, max_size=25),
    st.lists(uses, max_size=25),
    st.lists(clocks, max_size=40),
)


@settings(max_examples=500, deadline=None)
@given(all_facts, moments, st.randoms(use_true_random=False))
def test_rerunning_yields_the_same_observations_in_any_fact_order(facts, now, rnd):
    shuffled = Facts(
        reachability=rnd.sample(list(facts.reachability), len(facts.reachability)),
        uses=rnd.sample(list(facts.uses), len(facts.uses)),
        clocks=rnd.sample(list(facts.clocks), len(facts.clocks)),
        recognised=facts.recognised,
    )
    assert run(facts, now) == run(facts, now) == run(shuffled, now)


@settings(max_examples=500, deadline=None)
@given(all_facts, moments, st.integers(0, 400))
def test_a_later_run_keeps_every_observation_of_an_earlier_one(facts, now, later_days):
    earlier = run(facts, now)
    later = run(facts, now + dt.timedelta(days=later_days))
    assert set(earlier) <= set(later)


@settings(max_examples=500, deadline=None)
@given(all_facts, moments)
def test_no_coarsened_observation_is_dated_inside_the_last_90_days(facts, now):
    coarsened = {r.id for r in MAP.rules if r.coarsened}
    for o in run(facts, now):
        if o.rule_id in coarsened:
            assert o.observed_on == quarter_end(o.observed_on)
            assert o.observed_on <= now.date() - dt.timedelta(days=90)
            assert o.recorded_from == o.observed_on + dt.timedelta(days=90)
        assert o.recorded_from <= now.date()


@settings(max_examples=500, deadline=None)
@given(all_facts, st.dates(dt.date(2025, 1, 1), dt.date(2029, 1, 1)))
def test_small_counts_are_never_shown(facts, today):
    metrics = quarter_metrics(facts, today)
    for row in metrics.rows:
        for count in (row.reachability_tests, row.confirmed_breaches, row.exceptional_deliveries):
            assert count == FEWER_THAN_3 or count >= 3
        assert row.clocks_due != "0"
        assert published_ok(row.quarter, today)
    for body in metrics.bodies:
        assert body.on_time_percent is None or body.clocks_due != FEWER_THAN_3
        assert published_ok(body.quarter, today)


def published_ok(quarter: str, today: dt.date) -> bool:
    year, q = int(quarter[:4]), int(quarter[5])
    end = quarter_end(dt.date(year, 3 * q, 1))
    return end + dt.timedelta(days=90) <= today


BREACH_BENCHMARKS = [r.benchmark for r in MAP.by_kind("breach")]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.builds(
            lambda i, state, moment, chosen: BreachDecision(
                f"b{i}", "AL", "cyber", state, moment, "red", tuple(chosen)
            ),
            st.integers(0, 10**6),
            st.sampled_from(["confirmed", "dismissed", "remedied"]),
            moments,
            st.lists(st.sampled_from(BREACH_BENCHMARKS), max_size=3, unique=True),
        ),
        max_size=10,
    ),
    moments,
)
def test_breaches_record_exactly_their_benchmarks_and_dismissals_nothing(decisions, now):
    result = run(Facts(breaches=decisions), now)
    expected = sorted(
        (d.at.date(), b, "not_met" if d.state == "confirmed" else "met", d.id)
        for d in decisions
        if d.state != "dismissed" and d.at <= now
        for b in d.benchmarks
    )
    assert sorted((o.observed_on, o.benchmark, o.status, o.origin_id) for o in result) == expected


def test_nine_of_ten_clocks_is_exactly_ninety_percent():
    clocks = [clock(f"c{i}", f"2026-03-{i + 1:02d}", i != 4) for i in range(10)]
    result = run(Facts(clocks=clocks), at("2026-04-01"))
    assert [(o.status, o.observed_on) for o in result] == [
        ("not_met", dt.date(2026, 3, 5)),  # 4 of 5
        ("met", dt.date(2026, 3, 10)),  # 9 of 10
    ]


def test_facts_that_tie_on_time_and_id_give_the_same_observations_in_either_order():
    """Found by the property above: a pass and a failure decided at the same instant under one
    id once gave different observations depending on which came first."""
    now = at("2025-06-01")
    passed = probe("t0", "2025-01-01", "met", 30)
    failed = probe("t0", "2025-01-01", "not_met", None)
    assert passed.decided_at == failed.decided_at
    one = run(Facts(reachability=[passed, failed]), now)
    other = run(Facts(reachability=[failed, passed]), now)
    assert one == other
    assert sorted((o.status, o.observed_on) for o in one) == [
        ("met", dt.date(2025, 1, 1)),
        ("not_met", dt.date(2025, 1, 1)),
    ]


# --- exercises played (issue 17) ---------------------------------------------------------------


def played(exercise: str, day: str, country: str = "AL", area: str = "cyber") -> ExercisePlayed:
    return ExercisePlayed(exercise, country, area, dt.date.fromisoformat(day))


def test_exercises_played_count_distinct_exercises_per_country_area_and_quarter():
    facts = Facts(
        exercises=[
            played("x1", "2026-01-15"),
            played("x1", "2026-01-15"),  # a second national organisation of AL in x1
            played("x2", "2026-02-20"),
            played("x3", "2026-03-31"),
            played("x4", "2026-04-01"),  # 2026Q2
            played("x1", "2026-01-15", "BA"),
            played("x5", "2026-02-01", area="fimi"),
        ]
    )
    metrics = quarter_metrics(facts, dt.date(2026, 6, 29))  # Q1 ended 90 days before
    assert [(r.country, r.area, r.quarter, r.exercises_played) for r in metrics.rows] == [
        ("AL", "cyber", "2026Q1", 3),
        ("AL", "fimi", "2026Q1", FEWER_THAN_3),
        ("BA", "cyber", "2026Q1", FEWER_THAN_3),
    ]
    al = metrics.rows[0]
    assert al.clocks_due == FEWER_THAN_3
    assert al.reachability_tests == FEWER_THAN_3
    assert metrics.published_through == "2026Q1"
    assert quarter_metrics(facts, dt.date(2026, 6, 28)).rows == ()
    later = quarter_metrics(facts, dt.date(2026, 9, 29))
    assert [(r.country, r.area, r.quarter, r.exercises_played) for r in later.rows] == [
        ("AL", "cyber", "2026Q1", 3),
        ("AL", "cyber", "2026Q2", FEWER_THAN_3),
        ("AL", "fimi", "2026Q1", FEWER_THAN_3),
        ("BA", "cyber", "2026Q1", FEWER_THAN_3),
    ]


def test_exercises_played_sit_beside_the_other_figures_of_their_row():
    clocks = [clock(f"c{i}", f"2026-02-0{i + 1}", True) for i in range(3)]
    exercises = [played(f"x{i}", f"2026-03-0{i + 1}") for i in range(4)]
    [row] = quarter_metrics(Facts(clocks=clocks, exercises=exercises), dt.date(2026, 10, 1)).rows
    assert (row.quarter, row.clocks_due, row.on_time_percent, row.exercises_played) == (
        "2026Q1",
        "3-9",
        100,
        4,
    )


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.builds(
            lambda i, c, a, day: ExercisePlayed(f"x{i}", c, a, day),
            st.integers(0, 20),
            countries,
            areas,
            st.dates(dt.date(2025, 1, 1), dt.date(2028, 12, 31)),
        ),
        max_size=30,
    ),
    st.dates(dt.date(2025, 1, 1), dt.date(2029, 1, 1)),
)
def test_exercises_played_are_distinct_thresholded_and_lagged(exercises, today):
    rows = quarter_metrics(Facts(exercises=exercises), today).rows
    for row in rows:
        expected = {
            e.id
            for e in exercises
            if (e.country, e.area, quarter_label(e.ended_on))
            == (row.country, row.area, row.quarter)
        }
        assert row.exercises_played == (len(expected) if len(expected) >= 3 else FEWER_THAN_3)
        assert published_ok(row.quarter, today)
    shown_keys = {(r.country, r.area, r.quarter) for r in rows}
    assert shown_keys == {
        (e.country, e.area, quarter_label(e.ended_on))
        for e in exercises
        if published_ok(quarter_label(e.ended_on), today)
    }


# --- exercise-v1/cyber-tested (issue 17) -------------------------------------------------------

TESTED = "cyber.csirt-networks.tested"


def handled(
    id: str,
    exercise: str,
    when: dt.datetime,
    act: str = "stage",
    country: str = "AL",
    template: str = "cyber-incident",
    functions: tuple[str, ...] = ("national_csirt",),
) -> InjectHandled:
    return InjectHandled(id, exercise, country, "cyber", template, functions, act, when)  # type: ignore[arg-type]


def test_the_csirt_handling_an_inject_records_tested_met_on_its_day():
    facts = Facts(handled=[handled("s1", "x1", at("2026-05-04", 9, 30))])
    assert run(facts, at("2026-05-04", 12)) == [
        ObservationToRecord(
            observed_on=dt.date(2026, 5, 4),
            country="AL",
            benchmark=TESTED,
            status="met",
            recorded_from=dt.date(2026, 5, 4),
            rule_id="exercise-v1/cyber-tested",
            origin="exercise",
            origin_id="s1",
            source=Source(
                url="https://oip.example/exchange/performance/AL/cyber/2026Q2",
                title="Exercise of ENISA played by the AL cyber contact point",
                publisher="OIP liaison exchange",
                published_on=dt.date(2026, 5, 4),
                excerpt="An inject stage submitted on an exercise item (cyber-incident) on 2026-05-04.",
            ),
        )
    ]
    assert run(facts, at("2026-05-04", 9)) == []  # not yet handled at `now`


def test_one_met_per_country_and_exercise_from_its_first_handling_only():
    facts = Facts(
        handled=[
            handled("s2", "x1", at("2026-05-05"), "response"),
            handled("ack:n1/o1", "x1", at("2026-05-04"), "acknowledgement"),
            handled("s3", "x2", at("2026-06-01"), "response"),
            handled("s4", "x1", at("2026-05-04"), country="BA"),
            handled("s5", "x3", at("2026-05-04"), template="fimi-alert"),
            handled("s6", "x4", at("2026-05-04"), functions=("fiu",)),
        ]
    )
    result = [
        (o.country, o.observed_on.isoformat(), o.origin_id, o.source.excerpt)
        for o in run(facts, at("2026-07-01"))
    ]
    assert result == [
        (
            "AL",
            "2026-05-04",
            "ack:n1/o1",
            "An inject acknowledged within its clock on an exercise item (cyber-incident) on 2026-05-04.",
        ),
        (
            "BA",
            "2026-05-04",
            "s4",
            "An inject stage submitted on an exercise item (cyber-incident) on 2026-05-04.",
        ),
        (
            "AL",
            "2026-06-01",
            "s3",
            "A response sent on an exercise item (cyber-incident) on 2026-06-01.",
        ),
    ]


def test_exercise_handling_never_enters_usage_or_response_times():
    facts = Facts(handled=[handled(f"s{i}", f"x{i}", at(f"2026-0{i + 1}-10")) for i in range(8)])
    assert {o.benchmark for o in run(facts, at("2027-06-01"))} == {TESTED}


handlings = st.builds(
    lambda i, x, c, t, f, a, when: InjectHandled(f"h{i}", f"x{x}", c, "cyber", t, f, a, when),
    st.integers(0, 10**6),
    st.integers(0, 5),
    countries,
    st.sampled_from(["cyber-incident", "fimi-alert"]),
    st.sampled_from([("national_csirt",), ("fiu",), ("national_csirt", "liaison"), ()]),
    st.sampled_from(["stage", "response", "acknowledgement"]),
    moments,
)


@settings(max_examples=500, deadline=None)
@given(st.lists(handlings, max_size=30), moments)
def test_tested_is_met_once_per_country_and_exercise_on_its_first_handling(acts, now):
    result = run(Facts(handled=acts), now)
    expected: dict[tuple[str, str], InjectHandled] = {}
    for a in sorted(acts, key=lambda h: (h.at, h.id, repr(h))):
        if a.at <= now and a.template == "cyber-incident" and "national_csirt" in a.functions:
            expected.setdefault((a.country, a.exercise), a)
    assert sorted((o.country, o.observed_on, o.origin_id) for o in result) == sorted(
        (c, a.at.date(), a.id) for (c, _x), a in expected.items()
    )
    assert all((o.benchmark, o.status, o.origin) == (TESTED, "met", "exercise") for o in result)
