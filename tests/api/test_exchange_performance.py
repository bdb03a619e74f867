"""GET /api/v1/exchange-performance (EXCHANGE.md §6.10.3, §8 WP4 test 4): public, aggregated,
lagged 90 days, counts below 3 as "fewer than 3", EU bodies' own on-time rates, the daily
audit head, and no names of organisations."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client

from oip.accounts.models import Organisation
from oip.exchange import actions, exercises
from oip.exchange.models import AuditEvent
from oip.exchange.performance import forget_performance
from oip.exchange.reachability import answer, schedule
from oip.exchange.tick import tick
from oip.liaison.templates import shipped

# The exchange's fixtures (its key-encryption key, members, AL's evidence), shared from there.
from tests.exchange.conftest import (  # noqa: F401
    al_officer,
    enisa_officer,
    exchange_member,
    kek_file,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC
URL = "/api/v1/exchange-performance"


def at(day: str, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), UTC)


@pytest.fixture(autouse=True)
def fresh() -> Iterator[None]:
    forget_performance()
    yield
    forget_performance()


@pytest.fixture
def travel() -> Iterator[Any]:
    with time_machine.travel(at("2026-05-04", 9), tick=False) as traveller:

        def move(instant: dt.datetime) -> dt.datetime:
            traveller.move_to(instant)
            return instant

        yield move


class Fixed:
    def random(self) -> float:
        return 0.0


def test_without_exchange_data_nothing_is_published(client: Client, travel: Any) -> None:
    travel(at("2026-10-01", 12))
    assert client.get(URL).json() == {
        "as_of": "2026-10-01",
        "lag_days": 90,
        "small_count": "fewer than 3",
        "published_through": None,
        "quarters": [],
        "eu_bodies": [],
        "audit_head": None,
    }


@pytest.fixture
def exchanged(
    travel: Any,
    enisa: Organisation,
    enisa_officer: Any,  # noqa: F811
    al_csirt: Organisation,
    al_officer: Any,  # noqa: F811
) -> None:
    """Three ENISA early warnings (TLP:CLEAR, AL holds no tier) to AL in May 2026 (acknowledged after 20 minutes, feedback
    by 11:00), one in August; one reachability test passed in May."""
    cyber = shipped().get("cyber-incident")
    feedback = copy.deepcopy(cyber.stages["initial_feedback"].examples[0])
    for day in ("2026-05-05", "2026-05-06", "2026-05-07", "2026-08-04"):
        payload = {
            **copy.deepcopy(cyber.stages["early_warning"].examples[0]),
            "aware_at": f"{day}T08:00:00Z",
            "detected_at": f"{day}T07:40:00Z",
        }
        notification = actions.send(
            enisa_officer, template="cyber-incident", area="cyber", tlp="clear",
            audience="community", addressees=[], stage="early_warning", payload=payload,
            title="Ransomware", now=travel(at(day, 9)),
        )  # fmt: skip
        actions.acknowledge(al_officer, notification.id, now=travel(at(day, 9, 20)))
        actions.respond(
            al_officer, notification.id, stage="initial_feedback", payload=feedback,
            now=travel(at(day, 11)),
        )  # fmt: skip
    travel(at("2026-05-11", 9))
    test = schedule(
        al_csirt, "cyber", at("2026-05-11", 10), at("2026-05-11", 18), by=enisa_officer,
        now=at("2026-05-11", 9), rng=Fixed(),
    )  # fmt: skip
    tick(travel(at("2026-05-11", 10)))
    test.refresh_from_db()
    answer(al_officer, str(test.pk), test.code, now=travel(at("2026-05-11", 10, 7)))


def test_published_quarters_are_aggregated_thresholded_and_lagged(
    client: Client, exchanged: None, travel: Any
) -> None:
    travel(at("2026-11-30", 12))
    body = client.get(URL).json()
    head = AuditEvent.objects.filter(at__lt=at("2026-11-30", 0)).order_by("-seq").first()
    assert head is not None
    assert body == {
        "as_of": "2026-11-30",
        "lag_days": 90,
        "small_count": "fewer than 3",
        "published_through": "2026Q2",
        "quarters": [
            {
                "country": "AL",
                "area": "cyber",
                "quarter": "2026Q2",
                "clocks_due": "3-9",  # 3 acknowledgements and 3 initial feedbacks
                "on_time_percent": 100,
                "median_ack_minutes": 20,
                "reachability_tests": "fewer than 3",
                "reachability_pass_percent": None,
                "confirmed_breaches": "fewer than 3",
                "exceptional_deliveries": "fewer than 3",
                "exercises_played": "fewer than 3",
            }
        ],
        # ENISA's own clocks as the sender: 3 early warnings in time, 3 notifications missed.
        "eu_bodies": [
            {"body": "enisa", "quarter": "2026Q2", "clocks_due": "3-9", "on_time_percent": 50}
        ],
        "audit_head": {"day": "2026-11-29", "seq": head.seq, "hash": head.hash},
    }
    text = client.get(URL).content.decode()
    for name in ("CSIRT", "ENISA", "Albania", "al-cp", "enisa-officer"):
        assert name not in text


def test_a_quarter_younger_than_90_days_is_not_shown(
    client: Client, exchanged: None, travel: Any
) -> None:
    travel(at("2026-09-27", 12))
    assert client.get(URL).json()["quarters"] == []
    travel(at("2026-09-28", 12))
    assert [q["quarter"] for q in client.get(URL).json()["quarters"]] == ["2026Q2"]


def test_filters_and_refusals(client: Client, exchanged: None, travel: Any) -> None:
    travel(at("2026-11-30", 12))
    assert client.get(f"{URL}?country=BA").json()["quarters"] == []
    assert [q["area"] for q in client.get(f"{URL}?area=cyber").json()["quarters"]] == ["cyber"]
    assert client.get(f"{URL}?country=albania").status_code == 422
    assert client.get(f"{URL}?colour=red").status_code == 422


@pytest.fixture
def drilled(exchanged: None, travel: Any, enisa: Organisation, al_csirt: Organisation) -> None:
    """Three ENISA cyber exercises AL's CSIRT played, ended in June 2026; a fourth still runs."""
    manager = exchange_member("enisa-lm", enisa, "liaison_manager", "red")
    for n, day in enumerate(("2026-06-02", "2026-06-09", "2026-06-16", "2026-06-23")):
        exercise = exercises.plan_exercise(
            manager, title=f"Drill {n}", organiser=enisa, areas=["cyber"],
            participants=[al_csirt], starts=at(day, 9), ends=at(day, 17), now=travel(at(day, 8)),
        )  # fmt: skip
        exercises.start(manager, exercise.pk, now=travel(at(day, 9)))
        if n < 3:
            exercises.finish(manager, exercise.pk, now=travel(at(day, 17)))


def test_exercises_played_are_shown_beside_the_other_figures(
    client: Client, drilled: None, travel: Any
) -> None:
    travel(at("2026-11-30", 12))
    [row] = client.get(URL).json()["quarters"]
    assert (row["quarter"], row["clocks_due"], row["exercises_played"]) == ("2026Q2", "3-9", 3)
