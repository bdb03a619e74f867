"""The facts the liaison exchange measures, and the observations they turn into (§6.10).

Pure: no Django. Plain values the shell builds from the exchange's tables and passes to
`oip.liaison.metrics.observations` and `oip.liaison.performance.quarter_metrics`; quarters are
calendar quarters, labelled `2026Q2`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from oip.liaison.types import ClockStatus
from oip.vocabulary import Tlp

__all__ = [
    "BreachDecision",
    "ClockOutcome",
    "ExceptionalDelivery",
    "ExercisePlayed",
    "Facts",
    "InjectHandled",
    "ObservationToRecord",
    "Origin",
    "ReachabilityResult",
    "Source",
    "TemplateUse",
    "quarter_end",
    "quarter_label",
    "quarter_start",
]

Origin = Literal["test", "metric", "breach", "exercise", "usage"]


# --- facts -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReachabilityResult:
    """A reachability test (or a real request of the EU body) and its outcome.

    `function` is the contact point's organisation function (`fiu`, `aro`, `customs`, ...);
    `result` is `met` when answered within `limit` of `sent_at`. The day a failure became true
    is the deadline's.
    """

    id: str
    country: str
    area: str
    body: str
    function: str
    sent_at: dt.datetime
    limit: dt.timedelta
    answered_at: dt.datetime | None
    result: Literal["met", "not_met"]
    origin: Literal["test", "request"] = "test"

    @property
    def decided_at(self) -> dt.datetime:
        if self.result == "met" and self.answered_at is not None:
            return self.answered_at
        return self.sent_at + self.limit


@dataclass(frozen=True, slots=True)
class TemplateUse:
    """One exchange of a country through a template (a stage submitted or a response sent)."""

    id: str
    country: str
    area: str
    template: str
    at: dt.datetime
    stage: str | None = None
    strand: str | None = None


@dataclass(frozen=True, slots=True)
class ClockOutcome:
    """One clock of one notification, as `clock_state` left it at the time of reading.

    `party_side` says whose clock it is: the country's authorities or the EU side (`body`
    names the EU body on the clock, or the counterpart of a country's clock).
    """

    id: str
    country: str
    area: str
    party_side: Literal["eu", "country"]
    body: str | None
    clock: str
    status: ClockStatus
    started_at: dt.datetime | None
    due_at: dt.datetime | None
    stopped_at: dt.datetime | None

    @property
    def resolved_at(self) -> dt.datetime | None:
        """When the clock's outcome became known: stopped in time, or missed at its due."""
        if self.status == "met":
            return self.stopped_at
        if self.status in ("late", "overdue"):
            return self.due_at
        return None


@dataclass(frozen=True, slots=True)
class BreachDecision:
    """A liaison managers' decision on an alleged handling breach.

    `benchmarks` are those `oip.liaison.policy` selected for what was mishandled (§6.5.4);
    `remedied` is the body's word that a confirmed breach was remedied.
    """

    id: str
    country: str
    area: str
    state: Literal["confirmed", "dismissed", "remedied"]
    at: dt.datetime
    tlp_mishandled: Tlp
    benchmarks: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ExceptionalDelivery:
    """An item an EU liaison manager addressed above a country's cap (§6.5.1)."""

    country: str
    area: str
    body: str | None
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class ExercisePlayed:
    """A finished exercise (status ended) played by one national organisation of `country`, in
    one of the exercise's areas; `ended_on` is the day it ended (UTC). Counted in the public
    figures only, never in the real usage or clock figures."""

    id: str
    country: str
    area: str
    ended_on: dt.date


@dataclass(frozen=True, slots=True)
class InjectHandled:
    """A national organisation handled an exercise item: submitted a stage or a response on it,
    or acknowledged it within its clock (`at`: the submission or the acknowledgement).
    Exercise participation enters evidence only through this; never usage or clocks."""

    id: str
    exercise: str
    country: str
    area: str
    template: str
    functions: tuple[str, ...]
    act: Literal["stage", "response", "acknowledgement"]
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class Facts:
    """Everything the rules read. `recognised`: (country, benchmark) pairs of the benchmarks a
    rule `requires` that the country has met (the EU body recognised the exchange)."""

    reachability: Sequence[ReachabilityResult] = ()
    uses: Sequence[TemplateUse] = ()
    clocks: Sequence[ClockOutcome] = ()
    breaches: Sequence[BreachDecision] = ()
    exceptional: Sequence[ExceptionalDelivery] = ()
    exercises: Sequence[ExercisePlayed] = ()
    handled: Sequence[InjectHandled] = ()
    recognised: frozenset[tuple[str, str]] = field(default_factory=frozenset)


# --- output ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, order=True)
class Source:
    """The source of a generated observation: the measured fact, never content or names."""

    url: str
    title: str
    publisher: str
    published_on: dt.date
    excerpt: str


@dataclass(frozen=True, slots=True, order=True)
class ObservationToRecord:
    """One observation the shell may write from `recorded_from` on (source kind `measured`)."""

    observed_on: dt.date
    country: str
    benchmark: str
    status: Literal["met", "not_met"]
    recorded_from: dt.date
    rule_id: str
    origin: Origin
    origin_id: str
    source: Source


# --- quarters --------------------------------------------------------------------------------


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_end(day: dt.date) -> dt.date:
    """The last day of the quarter of `day`."""
    month = 3 * ((day.month - 1) // 3) + 3
    following = dt.date(day.year + (month == 12), month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def quarter_label(day: dt.date) -> str:
    """`2026Q2` for any day of April to June 2026."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"
