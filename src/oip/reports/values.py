"""The values a report is made of: plain frozen data that `oip.reports.render` lays out.

Strings, numbers, dates and tuples only, filled from the monitor's page read models
(`oip.monitor.pages`) with the citations a publication adds; every word is already chosen
(from `oip.presentation.labels`, through the pages), so the templates decide nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

ReportKind = Literal["country", "region"]


class UnknownCountry(KeyError):
    """The country code is not in the loaded catalogue."""


@dataclass(frozen=True, slots=True)
class Reference:
    """One numbered source in a report's reference list."""

    number: int
    title: str
    publisher: str
    published_on: str  # ISO date or "n.d."
    url: str
    cited_for: tuple[str, ...]  # "AL 2024-07-24" style notes of the facts it supports
    measured: bool = False  # measured by the liaison exchange, not a public document


@dataclass(frozen=True, slots=True)
class Evidence:
    """A benchmark's state as shown in a report, with the reference its observation cites."""

    benchmark: str
    statement: str
    target: str
    target_title: str
    tier: int
    status: str
    status_label: str
    status_mark: str
    who: str
    who_label: str
    observed_on: str | None
    reference: int | None
    note: str = ""
    age: str = ""  # "source from 2019, 7 years old" ("" without a dated source)
    stale: bool = False  # `oip.monitor.pages.values.is_stale`


@dataclass(frozen=True, slots=True)
class TargetGroup:
    """Benchmarks of one target shown together, with who must act for the unmet ones."""

    target: str
    title: str
    tier: int
    who_label: str
    items: tuple[Evidence, ...]


def by_target(items: Sequence[Evidence]) -> tuple[TargetGroup, ...]:
    """Group `items` by target, in order of first appearance; who acts joined by " / "."""
    groups: dict[str, list[Evidence]] = {}
    for item in items:
        groups.setdefault(item.target, []).append(item)
    result = []
    for target, members in groups.items():
        whos = list(dict.fromkeys(m.who_label for m in members))
        result.append(
            TargetGroup(
                target=target,
                title=members[0].target_title,
                tier=members[0].tier,
                who_label=" / ".join(whos),
                items=tuple(members),
            )
        )
    return tuple(result)


@dataclass(frozen=True, slots=True)
class AreaStanding:
    """A country's standing in one area, explained."""

    area: str
    area_title: str
    area_short: str
    assessed: bool  # any evidence by the report's date: without any, "not assessed", not tier 0
    mark: str  # the tier's number, "?" when not assessed
    words: str  # the tier's name, "no tier yet" for 0, "not assessed"
    css: str  # "tier-0".."tier-3", "tier-na"
    tier: int
    tier_name: str
    raw_tier: int
    status: str
    status_label: str
    status_mark: str
    since: str | None
    notice_until: str | None
    next_tier: int | None
    next_tier_name: str | None
    holding: tuple[Evidence, ...]
    missing: tuple[Evidence, ...]
    missing_words: str  # "3 benchmarks: 1 for Montenegro, 2 for the EU", as on the page
    suspended_by: tuple[str, ...]
    in_place: tuple[Evidence, ...] = ()  # rows of achieved targets and other met benchmarks
    achieved: tuple[str, ...] = ()  # ids of the area's achieved targets (any tier)
    missing_assessed: tuple[Evidence, ...] = ()  # missing rows that have evidence
    not_assessed: tuple[tuple[str, int], ...] = ()  # (target title, rows) missing, no evidence
    not_assessed_count: int = 0
    # Graded progress (rule 6), as the API's `score`: None when nothing counts; the words are
    # the country page's, None for an area not assessed (no score number is ever shown there)
    score: float | None = None
    change_12m: float | None = None
    benchmarks: int = 0  # the area's benchmarks
    with_evidence: int = 0  # those resting on an observation
    score_words: str | None = None  # "50 of 100 · 6 of 13 assessed"
    change_words: str | None = None  # "+20 in 12 months"
    progress_words: str | None = None  # "tier 3: 0 of 2 targets achieved"

    @property
    def in_place_by_target(self) -> tuple[TargetGroup, ...]:
        return by_target(self.in_place)

    @property
    def missing_assessed_by_target(self) -> tuple[TargetGroup, ...]:
        return by_target(self.missing_assessed)

    @property
    def holding_by_target(self) -> tuple[TargetGroup, ...]:
        return by_target(self.holding)

    @property
    def missing_by_target(self) -> tuple[TargetGroup, ...]:
        return by_target(self.missing)


@dataclass(frozen=True, slots=True)
class ChangeRow:
    """A change of standing, with the evidence that caused it."""

    on: str
    country: str
    country_name: str
    area: str
    area_title: str
    kind: str
    kind_label: str
    tier_before: int
    tier_after: int
    tier_before_words: str  # "tier 2 · structural", "no tier yet"
    tier_after_words: str
    causes: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class MilestoneRow:
    """A milestone and how far each concerned country has got with its targets."""

    id: str
    title: str
    due: str
    description: str
    targets: tuple[str, ...]  # target titles
    progress: tuple[tuple[str, str, int, int], ...]  # (country code, label, achieved, total)


@dataclass(frozen=True, slots=True)
class NoteRow:
    """A context note as a report shows it, with the number of its source."""

    title: str
    body: str
    noted_on: str | None
    scope: str
    reference: int


@dataclass(frozen=True, slots=True)
class Report:
    """Everything a country or regional report shows, as plain data.

    `sections` lists (anchor, heading) in reading order for the table of contents; `tiers`
    the (mark, words) pairs the "how to read" line explains, "not assessed" first. `data` holds the kind-specific
    content (see `oip.reports.country` and `oip.reports.region`).
    """

    kind: ReportKind
    title: str
    subtitle: str
    as_of: dt.date
    since: dt.date
    data_recorded: str | None
    catalogue_version: str
    catalogue_hash: str
    permalink: str
    citation: str
    filename_stem: str
    countries: tuple[tuple[str, str], ...]
    sections: tuple[tuple[str, str], ...]
    references: tuple[Reference, ...]
    tiers: tuple[tuple[str, str], ...] = ()
    data: dict[str, Any] = field(default_factory=dict)
