"""Benchmark the pure clocks: 10,000 clock states (target <= 50 ms, EXCHANGE.md §6.16).

    PYTHONPATH=src .venv/bin/python bench/bench_liaison_clocks.py

The inputs mix the §6.6.1 table as an inbox holds it: around-the-clock hours clocks (early
warning, notification, one-hour acknowledgement), calendar-day clocks with a restart (FDI
comments), one-month final reports in the sender's zone, and business-day and business-hour
clocks on the Kosovo, Albanian and EU-institutions calendars; each item has two to five events,
some still running, some stopped, some overdue. `baseline_s` is a trivial loop over the same
inputs (reading each item's events), the floor any implementation pays.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from typing import Any

from oip.liaison.calendars import Calendars, load_calendars
from oip.liaison.clocks import clock_state
from oip.liaison.types import ClockDef, Event, Party

TARGET_S = 0.050
N = 10_000
UTC = dt.UTC
NOW = dt.datetime(2026, 11, 30, 12, tzinfo=UTC)

Case = tuple[ClockDef, list[Event], dict[Party, str], str | None]

DEFS = [
    ClockDef("early_warning", "field.aware_at", "stage.early_warning.submitted", "PT24H", "24x7", "sender"),
    ClockDef("notification", "field.aware_at", "stage.notification.submitted", "PT72H", "24x7", "sender"),
    ClockDef("final", "stage.notification.submitted", "stage.final.submitted", "P1M", "sender", "sender"),
    ClockDef("acknowledgement", "event.delivered", "event.acknowledged", "contact_point.ack_within", "recipient", "recipient"),
    ClockDef("comments", "stage.notification.delivered", "stage.comments.submitted", "P35D", "calendar-days", "recipient",
             restart="stage.additional_info.submitted", restart_within="P20D"),
    ClockDef("additional_info", "stage.info_request.submitted", "stage.additional_info.submitted", "B10D", "sender", "sender"),
    ClockDef("registration", "event.delivered", "event.acknowledged", "B5D", "eu-institutions", "recipient"),
]  # fmt: skip


def _case(rng: random.Random) -> Case:
    defn = rng.choice(DEFS)
    start = NOW - dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 40))
    stop = start + dt.timedelta(minutes=rng.randrange(1, 60 * 24 * 30))
    events = [
        Event("submitted", start, start, stage="early_warning", declared=(("aware_at", start),)),
        Event("delivered", start, start, stage="notification"),
        Event("submitted", start, start, stage="notification"),
        Event("submitted", start, start, stage="info_request"),
    ]
    if rng.random() < 0.3:
        restart = start + dt.timedelta(days=rng.randrange(1, 10))
        events.append(Event("submitted", restart, restart, stage="additional_info"))
    if rng.random() < 0.5:
        stop_stage = defn.stop.split(".")[1]
        kind = "acknowledged" if defn.stop == "event.acknowledged" else "submitted"
        events.append(Event(kind, stop, stop, stage=None if kind == "acknowledged" else stop_stage))
    rng.shuffle(events)
    country = rng.choice(["xk", "al", "rs", "24x7"])
    countries: dict[Party, str] = {"sender": country, "recipient": country}
    within = rng.choice(["PT1H", "B4H"]) if defn.within.startswith("contact_point") else None
    return defn, events, countries, within


def cases(n: int = N, seed: int = 1) -> list[Case]:
    rng = random.Random(seed)
    return [_case(rng) for _ in range(n)]


def states(inputs: list[Case], calendars: Calendars) -> int:
    count = 0
    for defn, events, countries, within in inputs:
        clock_state(defn, events, NOW, calendars, countries=countries, within=within)
        count += 1
    return count


def baseline(inputs: list[Case], calendars: Calendars) -> int:
    count = 0
    for defn, events, countries, within in inputs:
        for event in events:
            if event.at <= NOW and defn.id and countries and within != "":
                count += 1
    return count


def best_of(repeat: int, run: Callable[[], Any]) -> float:
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - began)
    return best


def cold(repeat: int, inputs: list[Case]) -> float:
    """Best wall time with freshly read calendars: no due instant cached, tables unbuilt."""
    best = float("inf")
    for _ in range(repeat):
        calendars = load_calendars()
        began = time.perf_counter()
        states(inputs, calendars)
        best = min(best, time.perf_counter() - began)
    return best


def rows(repeat: int = 7) -> list[dict[str, Any]]:
    """10,000 clock states, best of `repeat` runs: warm (a running process re-reading the same
    items at a later `now`: due instants cached per calendar) and cold (first read)."""
    calendars = load_calendars()
    inputs = cases()
    base = round(best_of(repeat, lambda: baseline(inputs, calendars)), 4)
    cold_s = round(cold(repeat, inputs), 4)
    states(inputs, calendars)  # warm the per-calendar caches once, as a running process has
    return [
        {
            "figure": "10,000 clock states, mixed calendars (pure)",
            "measured_s": round(best_of(repeat, lambda: states(inputs, calendars)), 4),
            "target_s": TARGET_S,
            "baseline_s": base,
        },
        {
            "figure": "10,000 clock states, first read (pure, cold caches)",
            "measured_s": cold_s,
            "target_s": None,
            "baseline_s": base,
        },
    ]


if __name__ == "__main__":
    for row in rows():
        print(row)
