"""The change feed: what changed up to a date, newest first — changes of standing and evidence
events — narrowed by kind, country, area and start date.

An event is either a change of standing (`category` "standing", dated by the day it took
effect) or an evidence event (`category` "evidence", dated by the day it was recorded). The
evidence events are `recorded` (a new observation); the kinds `expired` and `superseded` will
join them as rows of `EVIDENCE_EVENT` and values of `EvidenceEvent.kind`, nothing else changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal, get_args

from oip.catalogue.schema import Catalogue
from oip.conditionality import Evaluation
from oip.monitor.pages.values import (
    AreaRef,
    ChangeRow,
    CountryRef,
    area_refs,
    benchmark_index,
    country_names,
    country_refs,
    latest_changes,
)
from oip.presentation import labels

EventCategory = Literal["standing", "evidence"]
EVENT_CATEGORIES: Final[tuple[EventCategory, ...]] = get_args(EventCategory)

#: Evidence events: kind -> (mark, words).
EVIDENCE_EVENT: Final[Mapping[str, tuple[str, str]]] = MappingProxyType(
    {
        "recorded": ("+", "evidence recorded"),
        "superseded": ("↺", "correction recorded"),
    }
)

#: At most this many evidence events are listed (newest recorded first); the evidence
#: download has them all.
EVIDENCE_SHOWN: Final = 100


@dataclass(frozen=True)
class Recorded:
    """An observation as the event list needs it (plain data, read from the database)."""

    id: int
    country: str
    benchmark: str
    status: str
    observed_on: dt.date
    recorded_at: dt.datetime
    supersedes: int | None = None
    supersedes_observed_on: dt.date | None = None


@dataclass(frozen=True)
class EvidenceEvent:
    """Something that happened to the evidence: `on` is the day (UTC) it happened."""

    kind: str
    kind_mark: str
    kind_words: str
    on: dt.date
    at: dt.datetime
    observation: int
    country: str
    country_name: str
    area: str
    area_short: str
    target: str
    benchmark: str
    statement: str
    status: str
    status_mark: str
    status_words: str
    observed_on: dt.date
    supersedes: int | None = None
    supersedes_observed_on: dt.date | None = None


@dataclass(frozen=True)
class Event:
    """One line of the change list: a change of standing or an evidence event."""

    category: EventCategory
    on: dt.date
    standing: ChangeRow | None = None
    evidence: EvidenceEvent | None = None


@dataclass(frozen=True)
class ChangesPage:
    """The events up to `as_of` matching the filters (None: not narrowed), and the choices of
    the filter form. `changes` are the changes of standing alone (the overview and the
    `oip changes` contract use them); `events` merges them with the evidence events, newest
    first; `evidence_capped` says the evidence events were cut at EVIDENCE_SHOWN."""

    as_of: dt.date
    changes: tuple[ChangeRow, ...]
    events: tuple[Event, ...]
    countries: tuple[CountryRef, ...]
    areas: tuple[AreaRef, ...]
    categories: tuple[EventCategory, ...]
    category: EventCategory | None
    country: str | None
    area: str | None
    since: dt.date | None
    evidence_capped: bool

    @property
    def standing_count(self) -> int:
        """How many of `events` are changes of standing."""
        return sum(1 for e in self.events if e.category == "standing")

    @property
    def evidence_count(self) -> int:
        """How many of `events` are evidence events."""
        return sum(1 for e in self.events if e.category == "evidence")


def evidence_event(catalogue: Catalogue, row: Recorded) -> EvidenceEvent:
    """Return the event of the observation `row`, with its words: `superseded` when the row is
    a correction of an earlier observation (which stops counting from this moment), else
    `recorded`."""
    target, benchmark = benchmark_index(catalogue)[row.benchmark]
    kind = "recorded" if row.supersedes is None else "superseded"
    mark, words = EVIDENCE_EVENT[kind]
    status_mark, status_words = labels.BENCHMARK_STATUS[row.status]
    return EvidenceEvent(
        kind=kind,
        kind_mark=mark,
        kind_words=words,
        on=row.recorded_at.astimezone(dt.UTC).date(),
        at=row.recorded_at,
        observation=row.id,
        country=row.country,
        country_name=country_names(catalogue)[row.country],
        area=target.area,
        area_short=labels.area_short(catalogue, target.area),
        target=target.id,
        benchmark=benchmark.id,
        statement=benchmark.statement,
        status=row.status,
        status_mark=status_mark,
        status_words=status_words,
        observed_on=row.observed_on,
        supersedes=row.supersedes,
        supersedes_observed_on=row.supersedes_observed_on,
    )


def merge(
    changes: Iterable[ChangeRow], evidence: Iterable[EvidenceEvent], limit: int | None = None
) -> tuple[Event, ...]:
    """Return both lists as events, newest day first; on one day the changes of standing come
    first (they are what the evidence led to), each list keeping its own order."""
    events = [Event("standing", c.on, standing=c) for c in changes]
    events += [Event("evidence", e.on, evidence=e) for e in evidence]
    events.sort(key=lambda e: (e.on, e.category == "standing"), reverse=True)
    return tuple(events if limit is None else events[:limit])


def build(
    catalogue: Catalogue,
    evaluation: Evaluation,
    as_of: dt.date,
    *,
    recorded: Iterable[Recorded] = (),
    category: EventCategory | None = None,
    country: str | None = None,
    area: str | None = None,
    since: dt.date | None = None,
    limit: int | None = None,
) -> ChangesPage:
    """Return the events up to `as_of` (at most `limit`, newest first).

    `recorded` are the observations to list as evidence events, newest recorded first, already
    narrowed by the caller (observed by `as_of`, country, area, recorded since `since`, at most
    EVIDENCE_SHOWN + 1 to tell a cut list); `category` keeps one kind of event only. KeyError
    for an unknown country or area.
    """
    changes = (
        latest_changes(
            catalogue, evaluation, as_of, since=since, country=country, area=area, limit=limit
        )
        if category != "evidence"
        else ()
    )
    rows = list(recorded) if category != "standing" else []
    evidence = [evidence_event(catalogue, r) for r in rows[:EVIDENCE_SHOWN]]
    return ChangesPage(
        as_of=as_of,
        changes=changes,
        events=merge(changes, evidence, limit),
        countries=country_refs(catalogue),
        areas=area_refs(catalogue),
        categories=EVENT_CATEGORIES,
        category=category,
        country=country,
        area=area,
        since=since,
        evidence_capped=len(rows) > EVIDENCE_SHOWN,
    )
