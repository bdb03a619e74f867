"""The evidence bridge (EXCHANGE.md §6.10, §8 WP4 tests 1-2): measured facts of the exchange
become observations through `record_observation`, each with an `EvidenceLink`; reruns add
nothing."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command

from oip.accounts.models import Membership, Organisation
from oip.evidence.models import Observation
from oip.exchange import actions, exercises
from oip.exchange.evidence import read_facts, run_evidence
from oip.exchange.exercises import InjectSpec
from oip.exchange.models import EvidenceLink, Notification, ReachabilityTest
from oip.exchange.reachability import answer, schedule
from oip.exchange.tick import tick
from oip.liaison.measured import ExercisePlayed
from oip.liaison.performance import quarter_metrics
from oip.liaison.templates import shipped
from tests.exchange.conftest import NOW, SINCE, exchange_member
from tests.exchange.queue import drain

pytestmark = pytest.mark.django_db

UTC = dt.UTC
INJECT_AT = dt.datetime(2026, 10, 1, 11, 0, tzinfo=UTC)


def at(day: str, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), UTC)


class Fixed:
    def random(self) -> float:
        return 0.0


@pytest.fixture
def travel() -> Iterator[Any]:
    with time_machine.travel(at("2026-05-04", 9), tick=False) as traveller:

        def move(instant: dt.datetime) -> dt.datetime:
            traveller.move_to(instant)
            return instant

        yield move


def generated(benchmark: str) -> list[tuple[str, str, dt.date, str]]:
    return [
        (o.country_id, o.status, o.observed_on, o.source.publisher)
        for o in Observation.objects.filter(
            benchmark_id=benchmark, recorded_by__startswith="exchange:"
        )
        .select_related("source")
        .order_by("observed_on", "id")
    ]


def reachability_test(day: str, al_csirt: Organisation, by: Any, travel: Any) -> ReachabilityTest:
    travel(at(day, 9))
    test = schedule(al_csirt, "cyber", at(day, 10), at(day, 18), by=by, now=at(day, 9), rng=Fixed())
    tick(travel(at(day, 10)))
    test.refresh_from_db()
    return test


def test_a_reachability_pass_becomes_met_with_its_link_and_reruns_add_nothing(
    travel: Any, enisa: Organisation, enisa_officer: Any, al_csirt: Organisation, al_officer: Any
) -> None:
    test = reachability_test("2026-05-04", al_csirt, enisa_officer, travel)
    answer(al_officer, str(test.pk), test.code, now=travel(at("2026-05-04", 10, 12)))

    report = run_evidence(travel(at("2026-05-05", 2)))

    assert (report.created, report.existing, report.refused) == (1, 0, [])
    assert generated("cyber.structured-liaison.reachable") == [
        ("AL", "met", dt.date(2026, 5, 4), "OIP liaison exchange")
    ]
    observation = Observation.objects.get(recorded_by="exchange:reachability-v1/cyber")
    assert (observation.source.kind, observation.source.url, observation.source.excerpt) == (
        "measured",
        "http://127.0.0.1:8000/exchange/performance/AL/cyber/2026Q2",
        "Answered in 12 min; agreed limit 30 min.",
    )
    assert list(
        EvidenceLink.objects.values_list("observation_id", "rule_id", "origin", "origin_id")
    ) == [(observation.pk, "reachability-v1/cyber", "test", str(test.pk))]
    again = run_evidence(travel(at("2026-05-06", 2)))
    assert (again.created, again.existing) == (0, 1)
    assert EvidenceLink.objects.count() == 1

    # A later failed test, with the pass still in force, records nothing.
    failed = reachability_test("2026-08-03", al_csirt, enisa_officer, travel)
    tick(travel(at("2026-08-03", 10, 30)))
    failed.refresh_from_db()
    assert failed.result == "not_met"
    later = run_evidence(travel(at("2026-08-04", 2)))
    assert (later.created, later.existing) == (0, 1)
    assert generated("cyber.structured-liaison.reachable") == [
        ("AL", "met", dt.date(2026, 5, 4), "OIP liaison exchange")
    ]


@pytest.fixture
def eppo_pair(db: None) -> tuple[Any, Organisation]:
    eppo = Organisation.objects.create(
        name="European Public Prosecutor's Office", short_name="EPPO", kind="eu_body",
        body="eppo", areas=["eppo"], valid_from=SINCE.date(),
    )  # fmt: skip
    prosecution = Organisation.objects.create(
        name="Albania's special prosecution office", short_name="SPAK-AL", kind="national",
        country_id="AL", functions=["prosecution_service"], areas=["eppo"], valid_from=SINCE.date(),
    )  # fmt: skip
    user = exchange_member("al-prosecutor", prosecution, "contact_point", "amber")
    Membership.objects.filter(user=user).delete()
    Membership.objects.create(
        user=user, organisation=prosecution, role="contact_point", areas=["eppo"],
        clearance="amber", valid_from=SINCE,
    )  # fmt: skip
    return user, eppo


def test_an_eppo_referral_is_coarsened_to_its_quarter_and_lagged_90_days(
    travel: Any, eppo_pair: tuple[Any, Organisation]
) -> None:
    user, _eppo = eppo_pair
    referral = shipped().get("eppo-referral")
    actions.send(
        user, template="eppo-referral", area="eppo", tlp="amber", audience="addressed",
        addressees=["EPPO"], stage="referral",
        payload=copy.deepcopy(referral.stages["referral"].examples[0]),
        title="Referral", now=travel(at("2026-05-17", 11)),
    )  # fmt: skip

    early = run_evidence(travel(at("2026-09-27", 12)))
    assert (early.created, generated("eppo.regular-liaison.used")) == (0, [])

    report = run_evidence(travel(at("2026-09-28", 0, 5)))
    assert report.created == 1
    assert generated("eppo.regular-liaison.used") == [
        ("AL", "met", dt.date(2026, 6, 30), "OIP liaison exchange")
    ]
    observation = Observation.objects.get(benchmark_id="eppo.regular-liaison.used")
    assert observation.source.published_on == dt.date(2026, 9, 28)
    assert observation.source.excerpt == (
        "At least one eppo-referral exchange through the liaison exchange in 2026Q2."
    )
    assert EvidenceLink.objects.get().origin_id == "AL/eppo/2026Q2"


def test_acknowledgements_and_feedback_in_time_meet_the_response_times_benchmark(
    travel: Any, cyber_evidence: None, enisa_officer: Any, al_officer: Any
) -> None:
    """AL receives ENISA's early warnings: its acknowledgement and initial-feedback clocks
    are the country's response clocks (2 per item); 6 met by 3 October."""
    cyber = shipped().get("cyber-incident")
    example = {
        **copy.deepcopy(cyber.stages["early_warning"].examples[0]),
        "aware_at": "2026-10-01T08:00:00Z",
        "detected_at": "2026-10-01T07:40:00Z",
    }
    feedback = copy.deepcopy(cyber.stages["initial_feedback"].examples[0])
    for day in ("2026-10-01", "2026-10-02", "2026-10-03"):
        notification = actions.send(
            enisa_officer, template="cyber-incident", area="cyber", tlp="amber",
            audience="community", addressees=[], stage="early_warning", payload=example,
            title="Ransomware", now=travel(at(day, 9)),
        )  # fmt: skip
        actions.acknowledge(al_officer, notification.id, now=travel(at(day, 9, 20)))
        actions.respond(
            al_officer, notification.id, stage="initial_feedback", payload=feedback,
            now=travel(at(day, 11)),
        )  # fmt: skip

    assert run_evidence(travel(at("2026-10-03", 23))).due == []  # the day is not over
    report = run_evidence(travel(at("2026-10-04", 1)))
    assert [(o.benchmark, o.status, o.observed_on) for o in report.due] == [
        ("cyber.structured-liaison.response-times", "met", dt.date(2026, 10, 3))
    ]
    assert report.due[0].source.excerpt == (
        "6 of 6 response clocks met in the 12 months to 2026-10-03 (at least 90% of at least 5)."
    )
    assert report.created == 1


def test_cli_dry_run_prints_and_writes_nothing(
    travel: Any, enisa: Organisation, enisa_officer: Any, al_csirt: Organisation, al_officer: Any
) -> None:
    test = reachability_test("2026-05-04", al_csirt, enisa_officer, travel)
    answer(al_officer, str(test.pk), test.code, now=travel(at("2026-05-04", 10, 5)))
    out = StringIO()
    call_command("exchange", "evidence", "--now", "2026-05-05T00:00:00", "--dry-run", stdout=out)
    assert out.getvalue().splitlines() == [
        f"AL cyber.structured-liaison.reachable met observed 2026-05-04 "
        f"(reachability-v1/cyber, test {test.pk})",
        "dry run at 2026-05-05T00:00:00+00:00: 1 observations due",
    ]
    assert Observation.objects.filter(recorded_by__startswith="exchange:").count() == 0
    out = StringIO()
    call_command("exchange", "evidence", "--now", "2026-05-05T00:00:00", stdout=out)
    assert out.getvalue().splitlines()[-1] == (
        "evidence at 2026-05-05T00:00:00+00:00: 1 observations due, 1 recorded, "
        "0 already recorded, 0 refused"
    )


def test_a_request_of_enisa_acknowledged_in_time_counts_as_reachable(
    travel: Any, enisa: Organisation, enisa_officer: Any, al_csirt: Organisation, al_officer: Any
) -> None:
    cyber = shipped().get("cyber-incident")
    payload = {
        **copy.deepcopy(cyber.stages["early_warning"].examples[0]),
        "aware_at": "2026-05-04T08:00:00Z",
        "detected_at": "2026-05-04T07:40:00Z",
    }
    addressed = actions.send(
        enisa_officer, template="cyber-incident", area="cyber", tlp="clear",
        audience="addressed", addressees=["CSIRT-AL"], stage="early_warning", payload=payload,
        title="Request", now=travel(at("2026-05-04", 9)),
    )  # fmt: skip
    actions.acknowledge(al_officer, addressed.id, now=travel(at("2026-05-04", 9, 20)))

    report = run_evidence(travel(at("2026-05-05", 1)))

    reachable = [o for o in report.due if o.benchmark == "cyber.structured-liaison.reachable"]
    assert [(o.status, o.observed_on, o.origin_id) for o in reachable] == [
        ("met", dt.date(2026, 5, 4), f"request:{addressed.id}/{al_csirt.pk}")
    ]
    assert (reachable[0].source.title, reachable[0].source.excerpt) == (
        "Request of ENISA acknowledged by the AL cyber liaison point",
        "Acknowledged in 20 min; agreed limit 60 min.",
    )


# --- exercises (issue 17) ----------------------------------------------------------------------


@pytest.fixture
def drill(
    frozen: dt.datetime,
    cyber_evidence: None,
    enisa: Organisation,
    al_csirt: Organisation,
    ba_csirt: Organisation,
) -> Any:
    """ENISA's cyber exercise with AL's and BA's CSIRTs, from 1 October 2026 10:00 to 3 October
    9:00 and not ended; one early warning inject to both at `INJECT_AT` (not released yet)."""
    manager = exchange_member("enisa-lm", enisa, "liaison_manager", "red")
    exercise = exercises.plan_exercise(
        manager,
        title="Cyber Shield 2026",
        organiser=enisa,
        areas=["cyber"],
        participants=[al_csirt, ba_csirt],
        starts=NOW + dt.timedelta(hours=1),
        ends=NOW + dt.timedelta(days=2),
    )
    early = shipped().get("cyber-incident").stages["early_warning"].examples[0]
    exercises.add_injects(
        manager, exercise.pk, [InjectSpec("cyber-incident", "early_warning", early, INJECT_AT)]
    )
    exercises.start(manager, exercise.pk, now=NOW + dt.timedelta(hours=1))
    return manager, exercise


def test_a_finished_exercise_is_played_by_each_national_participant_in_each_area(
    drill: Any, enisa: Organisation
) -> None:
    manager, exercise = drill
    assert read_facts(NOW + dt.timedelta(days=3)).exercises == []  # running: not played yet
    ended = dt.datetime(2026, 10, 2, 23, 30, tzinfo=UTC)
    exercises.finish(manager, exercise.pk, now=ended)
    assert read_facts(ended - dt.timedelta(minutes=1)).exercises == []  # not ended by then
    played = read_facts(ended)
    assert sorted(played.exercises, key=lambda e: e.country) == [
        ExercisePlayed(str(exercise.pk), "AL", "cyber", dt.date(2026, 10, 2)),
        ExercisePlayed(str(exercise.pk), "BA", "cyber", dt.date(2026, 10, 2)),
    ]
    # Exercise activity never enters the real usage or clock figures.
    assert (played.uses, played.clocks) == ([], [])
    figures = quarter_metrics(played, dt.date(2027, 3, 31))  # 2026Q4 ended 90 days before
    assert [(r.country, r.area, r.quarter, r.exercises_played) for r in figures.rows] == [
        ("AL", "cyber", "2026Q4", "fewer than 3"),
        ("BA", "cyber", "2026Q4", "fewer than 3"),
    ]
    assert quarter_metrics(played, dt.date(2027, 3, 30)).rows == ()


def test_the_csirt_handling_an_inject_records_tested_met_with_its_link_once(
    drill: Any, al_csirt: Organisation, al_officer: Any
) -> None:
    with time_machine.travel(INJECT_AT, tick=False):
        drain()
    item = Notification.objects.get()
    assert item.exercise is not None
    feedback = shipped().get("cyber-incident").stages["initial_feedback"].examples[0]
    actions.acknowledge(al_officer, item.pk, now=INJECT_AT + dt.timedelta(minutes=10))
    actions.respond(
        al_officer, item.pk, stage="initial_feedback", payload=feedback,
        now=INJECT_AT + dt.timedelta(minutes=20),
    )  # fmt: skip
    later = INJECT_AT + dt.timedelta(days=1)
    facts = read_facts(later)
    assert (facts.uses, facts.clocks) == ([], [])  # never the real usage or clock figures
    assert sorted((h.country, h.act, h.at) for h in facts.handled) == [
        ("AL", "acknowledgement", INJECT_AT + dt.timedelta(minutes=10)),
        ("AL", "response", INJECT_AT + dt.timedelta(minutes=20)),
    ]
    first = run_evidence(later)
    assert first.created == 1
    assert generated("cyber.csirt-networks.tested") == [
        ("AL", "met", dt.date(2026, 10, 1), "OIP liaison exchange")
    ]
    link = EvidenceLink.objects.get(rule_id="exercise-v1/cyber-tested")
    delivery = item.deliveries.get(organisation=al_csirt)
    assert (link.origin, link.origin_id) == ("exercise", f"ack:{delivery.pk}")
    assert link.observation.benchmark_id == "cyber.csirt-networks.tested"
    again = run_evidence(later + dt.timedelta(hours=1))
    assert (again.created, EvidenceLink.objects.filter(origin="exercise").count()) == (0, 1)
