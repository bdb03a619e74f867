"""The public performance figures of the liaison exchange, per quarter (EXCHANGE.md §6.10.3).

Pure: no Django. Aggregated, lagged and thresholded, so that what the public sees cannot be
read back into single notifications: a quarter is published only `lag_days` (90) after it
ends; every count below 3 reads "fewer than 3", and a rate or median resting on fewer than 3
facts is not shown; no organisation is named (countries, areas and EU bodies only).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final, Literal

from oip.liaison.measured import Facts, quarter_end, quarter_label

__all__ = [
    "ACK_CLOCKS",
    "FEWER_THAN_3",
    "AuditHeadOfDay",
    "BodyRow",
    "Count",
    "PublicMetrics",
    "PublicPerformance",
    "QuarterRow",
    "bucket",
    "published",
    "quarter_metrics",
    "shown",
]

FEWER_THAN_3: Final = "fewer than 3"
SMALL: Final = 3
Count = int | Literal["fewer than 3"]
#: Clocks due are shown in buckets: (lowest count, label); the first bucket is "fewer than 3".
BUCKETS: Final[tuple[tuple[int, str], ...]] = (
    (500, "500 or more"),
    (100, "100-499"),
    (50, "50-99"),
    (10, "10-49"),
    (3, "3-9"),
    (0, FEWER_THAN_3),
)
#: The acknowledgement clocks (their id in the shipped templates, and the design's name).
ACK_CLOCKS: Final = frozenset({"ack", "acknowledgement"})


def shown(count: int) -> Count:
    """A count as the public sees it: "fewer than 3" below 3."""
    return count if count >= SMALL else FEWER_THAN_3


def bucket(count: int) -> str:
    """The bucket a number of clocks falls in (`3-9`, `10-49`, ...)."""
    return next(label for lowest, label in BUCKETS if count >= lowest)


def _percent(part: int, whole: int) -> int | None:
    """The rounded share in percent, or None when it rests on fewer than 3 facts."""
    return round(100 * part / whole) if whole >= SMALL else None


def published(quarter_ends_on: dt.date, today: dt.date, lag_days: int = 90) -> bool:
    """Whether a quarter ending on `quarter_ends_on` may be shown on `today`."""
    return quarter_ends_on + dt.timedelta(days=lag_days) <= today


@dataclass(frozen=True, slots=True)
class QuarterRow:
    """One country's figures in one area and quarter (clocks on the country's side)."""

    country: str
    area: str
    quarter: str
    clocks_due: str
    on_time_percent: int | None
    median_ack_minutes: int | None
    reachability_tests: Count
    reachability_pass_percent: int | None
    confirmed_breaches: Count
    exceptional_deliveries: Count
    exercises_played: Count = FEWER_THAN_3


@dataclass(frozen=True, slots=True)
class BodyRow:
    """An EU body's own clocks in one quarter: who answered, and in time."""

    body: str
    quarter: str
    clocks_due: str
    on_time_percent: int | None


@dataclass(frozen=True, slots=True)
class PublicMetrics:
    rows: tuple[QuarterRow, ...]
    bodies: tuple[BodyRow, ...]
    published_through: str | None  # the latest quarter that may be shown


@dataclass(frozen=True, slots=True)
class AuditHeadOfDay:
    """The exchange's audit chain at the end of `day`: its last row's number and hash."""

    day: dt.date
    seq: int
    hash: str


@dataclass(frozen=True, slots=True)
class PublicPerformance:
    """What the public sees on `today`: the published figures and the daily audit head."""

    today: dt.date
    lag_days: int
    metrics: PublicMetrics
    audit_head: AuditHeadOfDay | None


@dataclass
class _Tally:
    due: int = 0
    on_time: int = 0
    acks: list[float] = field(default_factory=list)
    tests: int = 0
    passed: int = 0
    breaches: int = 0
    exceptional: int = 0
    exercises: set[str] = field(default_factory=set)

    def any(self) -> bool:
        return bool(self.due or self.tests or self.breaches or self.exceptional or self.exercises)


class _Quarters:
    """The published quarter label of a moment, cached by month (millions of facts, 60 months)."""

    def __init__(self, today: dt.date, lag_days: int) -> None:
        self.today, self.lag_days = today, lag_days
        self.cache: dict[tuple[int, int], str | None] = {}

    def of(self, at: dt.datetime | None) -> str | None:
        if at is None:
            return None
        key = (at.year, at.month)
        if key not in self.cache:
            end = quarter_end(at.date())
            shown = published(end, self.today, self.lag_days)
            self.cache[key] = quarter_label(end) if shown else None
        return self.cache[key]


def quarter_metrics(facts: Facts, today: dt.date, *, lag_days: int = 90) -> PublicMetrics:
    """Per country x area x quarter, and per EU body x quarter, the published figures.

    Clocks count in the quarter of their due instant once resolved (met, late or overdue);
    exercises never enter (the shell passes real clocks only). Acknowledgement times are the
    median of the met and late acknowledgement clocks, in whole minutes. Tests count in the
    quarter they were sent, breaches in that of their confirmation, exceptional deliveries in
    that of delivery, exercises played (distinct finished exercises a national organisation of
    the country played in the area) in that of the day the exercise ended. Quarters younger than `lag_days` after their end are left out.
    """
    quarter_of = _Quarters(today, lag_days).of
    tallies: dict[tuple[str, str, str], _Tally] = defaultdict(_Tally)
    bodies: dict[tuple[str, str], _Tally] = defaultdict(_Tally)
    for clock in facts.clocks:
        if clock.resolved_at is None:
            continue
        quarter = quarter_of(clock.due_at)
        if quarter is None:
            continue
        if clock.party_side == "eu":
            tally = bodies[(clock.body or "", quarter)]
        else:
            tally = tallies[(clock.country, clock.area, quarter)]
        tally.due += 1
        tally.on_time += clock.status == "met"
        if clock.clock in ACK_CLOCKS and clock.started_at and clock.stopped_at:
            tally.acks.append((clock.stopped_at - clock.started_at).total_seconds() / 60)
    for test in facts.reachability:
        quarter = quarter_of(test.sent_at)
        if quarter is not None and test.decided_at.date() <= today:
            tally = tallies[(test.country, test.area, quarter)]
            tally.tests += 1
            tally.passed += test.result == "met"
    for breach in facts.breaches:
        quarter = quarter_of(breach.at)
        if quarter is not None and breach.state == "confirmed":
            tallies[(breach.country, breach.area, quarter)].breaches += 1
    for item in facts.exceptional:
        quarter = quarter_of(item.at)
        if quarter is not None:
            tallies[(item.country, item.area, quarter)].exceptional += 1
    for played in facts.exercises:
        quarter = quarter_of(dt.datetime.combine(played.ended_on, dt.time(), dt.UTC))
        if quarter is not None and played.ended_on <= today:
            tallies[(played.country, played.area, quarter)].exercises.add(played.id)
    rows = tuple(_row(key, tally) for key, tally in sorted(tallies.items()) if tally.any())
    body_rows = tuple(
        BodyRow(body, quarter, bucket(t.due), _percent(t.on_time, t.due))
        for (body, quarter), t in sorted(bodies.items())
    )
    quarters = [row.quarter for row in rows] + [row.quarter for row in body_rows]
    return PublicMetrics(rows, body_rows, max(quarters) if quarters else None)


def _median(values: Iterable[float]) -> int | None:
    values = list(values)
    return round(statistics.median(values)) if len(values) >= SMALL else None


def _row(key: tuple[str, str, str], t: _Tally) -> QuarterRow:
    country, area, quarter = key
    return QuarterRow(
        country=country,
        area=area,
        quarter=quarter,
        clocks_due=bucket(t.due),
        on_time_percent=_percent(t.on_time, t.due),
        median_ack_minutes=_median(t.acks),
        reachability_tests=shown(t.tests),
        reachability_pass_percent=_percent(t.passed, t.tests),
        confirmed_breaches=shown(t.breaches),
        exceptional_deliveries=shown(t.exceptional),
        exercises_played=shown(len(t.exercises)),
    )
