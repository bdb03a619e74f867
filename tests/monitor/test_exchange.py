"""The "Liaison exchange" page (EXCHANGE.md §6.10.3): the published quarters, the EU bodies'
own answers and the audit head; the quarter page the generated observations cite."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from oip.liaison.measured import ClockOutcome, Facts
from oip.liaison.performance import PublicPerformance, quarter_metrics
from oip.monitor.pages.exchange import Selection, build
from tests.api.test_exchange_performance import (  # noqa: F401
    at,
    drilled,
    exchanged,
    fresh,
    travel,
)
from tests.exchange.conftest import al_officer, enisa_officer, kek_file  # noqa: F401

UTC = dt.UTC


def outcome(i: int, day: str, met: bool, side: str = "country") -> ClockOutcome:
    due = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(12), UTC)
    stopped = due - dt.timedelta(minutes=30) if met else due + dt.timedelta(hours=1)
    return ClockOutcome(
        f"c{i}", "AL", "cyber", side, "enisa", "ack",  # type: ignore[arg-type]
        "met" if met else "late", due - dt.timedelta(hours=1), due, stopped,
    )  # fmt: skip


def test_build_names_countries_and_areas_and_selects_one_quarter() -> None:
    clocks = [outcome(i, f"2026-02-0{i + 1}", i != 0) for i in range(4)]
    figures = PublicPerformance(
        dt.date(2026, 10, 1), 90, quarter_metrics(Facts(clocks=clocks), dt.date(2026, 10, 1)), None
    )
    page = build(figures, {"AL": "Albania"}, {"cyber": "Cybersecurity"})
    assert [(r.country_name, r.area_title, r.figures.on_time_percent) for r in page.rows] == [
        ("Albania", "Cybersecurity", 75)
    ]
    chosen = build(
        figures, {"AL": "Albania"}, {"cyber": "Cybersecurity"}, Selection("AL", "cyber", "2026Q3")
    )
    assert chosen.rows == ()
    with pytest.raises(KeyError):
        build(
            figures, {"AL": "Albania"}, {"cyber": "Cybersecurity"}, Selection("AL", "cyber", "Q9")
        )


@pytest.mark.django_db
def test_without_exchange_data_the_page_says_nothing_is_published(client: Client) -> None:
    response = client.get("/exchange/performance/")
    assert response.status_code == 200
    assert response.content.decode().count("No quarter is published yet.") == 2
    assert "The audit log is empty." in response.content.decode()


@pytest.mark.django_db
def test_the_page_shows_published_figures_and_the_quarter_page_its_row(
    client: Client,
    exchanged: None,  # noqa: F811
    travel: Any,  # noqa: F811
) -> None:
    travel(at("2026-11-30", 12))
    text = client.get("/exchange/performance/").content.decode()
    assert (
        '<tr><th scope="row">Albania</th><td>Cybersecurity</td><td>2026Q2</td><td>3-9</td>'
        "<td>100 %</td><td>20 min</td><td>fewer than 3</td><td>—</td><td>fewer than 3</td>"
        "<td>fewer than 3</td><td>fewer than 3</td></tr>"
    ) in text
    assert '<tr><th scope="row">enisa</th><td>2026Q2</td><td>3-9</td><td>50 %</td></tr>' in text
    assert "CSIRT" not in text
    quarter = client.get("/exchange/performance/AL/cyber/2026Q2")
    assert quarter.status_code == 200
    assert "Albania" in quarter.content.decode()
    assert client.get("/exchange/performance/FR/cyber/2026Q2").status_code == 404
    assert client.get("/exchange/performance/AL/cyber/2026Q3").status_code == 200


@pytest.mark.django_db
def test_the_page_shows_exercises_played_beside_the_other_figures(
    client: Client,
    drilled: None,  # noqa: F811
    travel: Any,  # noqa: F811
) -> None:
    travel(at("2026-11-30", 12))
    text = client.get("/exchange/performance/").content.decode()
    assert '<th scope="col">Exercises played</th></tr>' in text
    assert (
        '<tr><th scope="row">Albania</th><td>Cybersecurity</td><td>2026Q2</td><td>3-9</td>'
        "<td>100 %</td><td>20 min</td><td>fewer than 3</td><td>—</td><td>fewer than 3</td>"
        "<td>fewer than 3</td><td>3</td></tr>"
    ) in text
