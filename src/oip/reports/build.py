"""Assemble the publication reports as plain data from the monitor's read paths.

`country_report(code, as_of, since)` and `region_report(as_of, since)` return a `Report`: plain
frozen values (strings, numbers, dates, tuples, dicts) that `oip.reports.render` turns into HTML
and PDF. Nothing here renders; nothing in `render` queries.

Contract for dates: a report as of D shows only evidence observed on or before D (the engine's
standings at D, observations with `observed_on <= D`, context notes dated on or before D, and
undated notes only if they were recorded by D). Its reference list holds exactly the sources of
the evidence it shows, numbered in order of first citation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlencode

from django.conf import settings

from oip.catalogue.fetch import current_catalogue, current_version
from oip.catalogue.schema import Catalogue
from oip.conditionality.types import BenchmarkState, Change, Standing
from oip.evidence import serialize
from oip.evidence.models import ContextNote, Observation
from oip.presentation.labels import (
    BENCHMARK_STATUS,
    CHANGE_KIND,
    STANDING_STATUS,
    area_short,
    who_words,
)
from oip.standings.evaluation import evaluation
from oip.standings.region import region_data, year_earlier
from oip.standings.version import last_updated

ReportKind = Literal["country", "region"]

WHO_LABELS = {"eu": "the EU", "country": "the country", "joint": "the EU with the countries"}
STATUS_LABELS = {key: words for key, (_, words) in BENCHMARK_STATUS.items()}
STATUS_MARKS = {key: mark for key, (mark, _) in BENCHMARK_STATUS.items()}
STANDING_LABELS = {key: words for key, (_, words) in STANDING_STATUS.items()}
CHANGE_LABELS = {key: words for key, (_, words) in CHANGE_KIND.items()}


class UnknownCountry(KeyError):
    """The country code is not in the loaded catalogue."""


# -- values ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reference:
    """One numbered source in a report's reference list."""

    number: int
    title: str
    publisher: str
    published_on: str  # ISO date or "n.d."
    url: str
    cited_for: tuple[str, ...]  # "AL, 2024-07-24" style notes of the facts it supports


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


@dataclass(frozen=True, slots=True)
class TargetGroup:
    """Benchmarks of one target shown together, with who must act for the unmet ones."""

    target: str
    title: str
    tier: int
    who_label: str
    items: tuple[Evidence, ...]


def _by_target(items: Sequence[Evidence]) -> tuple[TargetGroup, ...]:
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
    tier: int
    tier_name: str
    raw_tier: int
    status: str
    status_label: str
    since: str | None
    notice_until: str | None
    next_tier: int | None
    next_tier_name: str | None
    holding: tuple[Evidence, ...]
    missing: tuple[Evidence, ...]
    who_must_act: tuple[str, ...]  # labels, EU side first
    suspended_by: tuple[str, ...]

    @property
    def holding_by_target(self) -> tuple[TargetGroup, ...]:
        return _by_target(self.holding)

    @property
    def missing_by_target(self) -> tuple[TargetGroup, ...]:
        return _by_target(self.missing)


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
    tier_before_name: str
    tier_after_name: str
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
    title: str
    body: str
    noted_on: str | None
    scope: str
    reference: int


@dataclass(frozen=True, slots=True)
class Report:
    """Everything a country or regional report shows, as plain data.

    `sections` lists (anchor, heading) in reading order for the table of contents. `data` holds
    the kind-specific content (see `country_report` and `region_report`).
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
    data: dict[str, Any] = field(default_factory=dict)


# -- helpers -----------------------------------------------------------------------------------


class _Citations:
    """Numbers sources in order of first citation, and remembers what each was cited for."""

    def __init__(self) -> None:
        self._numbers: dict[int, int] = {}
        self._sources: dict[int, dict[str, Any]] = {}
        self._cited_for: dict[int, list[str]] = {}

    def cite(self, source: Any, what: str) -> int:
        number = self._numbers.get(source.pk)
        if number is None:
            number = len(self._numbers) + 1
            self._numbers[source.pk] = number
            self._sources[source.pk] = serialize.source_dict(source)
            self._cited_for[source.pk] = []
        if what and what not in self._cited_for[source.pk]:
            self._cited_for[source.pk].append(what)
        return number

    def references(self) -> tuple[Reference, ...]:
        found = []
        for pk, number in self._numbers.items():
            src = self._sources[pk]
            found.append(
                Reference(
                    number=number,
                    title=src["title"],
                    publisher=src["publisher"],
                    published_on=src["published_on"] or "n.d.",
                    url=src["url"],
                    cited_for=tuple(self._cited_for[pk]),
                )
            )
        return tuple(sorted(found, key=lambda r: r.number))


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _public(path: str, **params: str) -> str:
    query = urlencode({k: v for k, v in params.items() if v})
    return f"{settings.OIP_PUBLIC_URL}{path}" + (f"?{query}" if query else "")


def _observations(as_of: dt.date, country: str | None = None) -> dict[int, Observation]:
    """Return the observations observed by `as_of` (of `country`, if given), by id."""
    return {o.pk: o for o in serialize.observations(as_of=as_of, country=country)}


class _Explainer:
    """Turns engine states into `Evidence` rows, citing the observation each rests on."""

    def __init__(
        self, catalogue: Catalogue, observations: dict[int, Observation], citations: _Citations
    ) -> None:
        self.catalogue = catalogue
        self.names = {c.code: c.name for c in catalogue.countries}
        self.index = catalogue.benchmark_index()
        self.observations = observations
        self.citations = citations

    def evidence(self, country: str, state: BenchmarkState) -> Evidence:
        target, benchmark = self.index[state.benchmark]
        reference = None
        note = ""
        observation = self.observations.get(state.observation_id) if state.observation_id else None
        if observation is not None:
            reference = self.citations.cite(
                observation.source, f"{country} {observation.observed_on.isoformat()}"
            )
            note = observation.note
        return Evidence(
            benchmark=state.benchmark,
            statement=benchmark.statement,
            target=target.id,
            target_title=target.title,
            tier=target.tier,
            status=state.status,
            status_label=STATUS_LABELS[state.status],
            status_mark=STATUS_MARKS[state.status],
            who=state.who,
            who_label=who_words(state.who, self.names[country]),
            observed_on=_day(state.observed_on) if observation is not None else None,
            reference=reference,
            note=note,
        )

    def area_standing(self, standing: Standing) -> AreaStanding:
        area = self.catalogue.area(standing.area)
        missing = tuple(self.evidence(standing.country, s) for s in standing.missing)
        who = [
            who_words(key, self.names[standing.country])
            for key in ("eu", "joint", "country")
            if any(m.who == key for m in missing)
        ]
        return AreaStanding(
            area=area.id,
            area_title=area.title,
            area_short=area_short(self.catalogue, area.id),
            tier=standing.tier,
            tier_name=self.catalogue.tier_name(standing.tier),
            raw_tier=standing.raw_tier,
            status=standing.status,
            status_label=STANDING_LABELS[standing.status],
            since=_day(standing.since),
            notice_until=_day(standing.notice_until),
            next_tier=standing.next_tier,
            next_tier_name=(
                self.catalogue.tier_name(standing.next_tier)
                if standing.next_tier is not None
                else None
            ),
            holding=tuple(self.evidence(standing.country, s) for s in standing.holding),
            missing=missing,
            who_must_act=tuple(who),
            suspended_by=standing.suspended_by,
        )

    def change(self, change: Change, as_of: dt.date) -> ChangeRow:
        engine = evaluation()
        causes = tuple(
            self.evidence(change.country, engine.benchmark_state(change.country, b, change.on))
            for b in change.cause
            if b in self.index
        )
        return ChangeRow(
            on=change.on.isoformat(),
            country=change.country,
            country_name=self.names[change.country],
            area=change.area,
            area_title=self.catalogue.area(change.area).title,
            kind=change.kind,
            kind_label=CHANGE_LABELS[change.kind],
            tier_before=change.tier_before,
            tier_after=change.tier_after,
            tier_before_name=self.catalogue.tier_name(change.tier_before),
            tier_after_name=self.catalogue.tier_name(change.tier_after),
            causes=causes,
        )


def _notes(
    citations: _Citations, as_of: dt.date, country: str | None, names: dict[str, str]
) -> tuple[NoteRow, ...]:
    """Return the context notes a report as of `as_of` may show (see the module contract)."""
    rows: list[ContextNote] = list(serialize.context_notes(country=country, as_of=as_of))
    if country is None:
        rows = [n for n in rows if n.country_id is None]
    shown = [
        n
        for n in rows
        if n.noted_on is not None or n.recorded_at.date() <= as_of  # undated: known by then
    ]
    shown.sort(key=lambda n: (n.noted_on or dt.date.min, n.pk))
    result = []
    for note in shown:
        scope = names.get(note.country_id or "", "Region")
        number = citations.cite(
            note.source, f"context {note.noted_on.isoformat() if note.noted_on else 'n.d.'}"
        )
        result.append(
            NoteRow(
                title=note.title,
                body=note.body,
                noted_on=_day(note.noted_on),
                scope=scope,
                reference=number,
            )
        )
    return tuple(result)


def _milestones(
    catalogue: Catalogue, standings: Sequence[Standing], countries: Iterable[str]
) -> tuple[MilestoneRow, ...]:
    achieved: dict[str, set[str]] = {}
    for s in standings:
        achieved.setdefault(s.country, set()).update(s.achieved_targets)
    titles = {t.id: t.title for t in catalogue.targets}
    rows = []
    for milestone in catalogue.milestones:
        total = len(milestone.targets)
        progress = []
        for code in countries:
            done = sum(t in achieved.get(code, set()) for t in milestone.targets)
            label = "done" if total and done == total else ("partly" if done else "not yet")
            progress.append((code, label, done, total))
        rows.append(
            MilestoneRow(
                id=milestone.id,
                title=milestone.title,
                due=milestone.due.isoformat(),
                description=milestone.description,
                targets=tuple(titles.get(t, t) for t in milestone.targets),
                progress=tuple(progress),
            )
        )
    return tuple(rows)


def _series_dates(changes: Sequence[Change], since: dt.date, as_of: dt.date) -> list[dt.date]:
    """Return the dates a tier-over-time chart needs: its start, every change, and `as_of`."""
    start = min([since, *(c.on for c in changes)]) if changes else since
    start = min(start, as_of)
    days = {start, as_of}
    days.update(change.on for change in changes)
    return sorted(d for d in days if d <= as_of)


def _data_recorded() -> str | None:
    stamp = last_updated()
    return stamp.date().isoformat() if stamp is not None else None


def _citation(title: str, as_of: dt.date, version: str, permalink: str) -> str:
    return (
        f"Operational Integration Platform (OIP), “{title}”, data as of {as_of.isoformat()}, "
        f"catalogue {version}. {permalink}"
    )


# -- the reports -------------------------------------------------------------------------------


def country_report(code: str, as_of: dt.date, since: dt.date | None = None) -> Report:
    """Return the country report for `code` as of `as_of`; changes from `since` (default: a
    year earlier). Raises `UnknownCountry` for a code not in the catalogue.

    `data` keys: summary (AreaStanding per area), timeline (chart rows {date, area, tier}),
    changes (ChangeRow), milestones (MilestoneRow), notes (NoteRow).
    """
    catalogue = current_catalogue()
    names = {c.code: c.name for c in catalogue.countries}
    code = code.upper()
    if code not in names:
        raise UnknownCountry(code)
    since = since or year_earlier(as_of)
    version = current_version()
    engine = evaluation()
    citations = _Citations()
    explainer = _Explainer(catalogue, _observations(as_of, code), citations)

    standings = engine.standings(as_of, countries=[code])
    summary = tuple(explainer.area_standing(s) for s in standings)
    changes_all = engine.changes(as_of, countries=[code])
    changes = tuple(explainer.change(c, as_of) for c in changes_all if c.on >= since)
    dates = _series_dates(changes_all, since, as_of)
    series = engine.series(dates, countries=[code])
    titles = {a.id: area_short(catalogue, a.id) for a in catalogue.areas}
    timeline = [
        {"date": day.isoformat(), "area": titles[s.area], "tier": s.tier}
        for day in dates
        for s in series[day]
    ]
    milestones = _milestones(catalogue, standings, [code])
    notes = _notes(citations, as_of, code, names)

    name = names[code]
    title = f"{name}: operational integration with the EU"
    permalink = _public(f"/countries/{code}/", as_of=as_of.isoformat())
    sections = (
        ("summary", "Summary"),
        ("timeline", "Tiers over time"),
        ("changes", f"What changed since {since.isoformat()}"),
        ("areas", "Area by area: what holds the tier, what is missing"),
        ("milestones", "Milestones due by 2027"),
        ("context", "Context"),
        ("references", "References"),
    )
    return Report(
        kind="country",
        title=title,
        subtitle=f"Country report · {name} · as of {as_of.isoformat()}",
        as_of=as_of,
        since=since,
        data_recorded=_data_recorded(),
        catalogue_version=version.version,
        catalogue_hash=version.content_hash[:12],
        permalink=permalink,
        citation=_citation(title, as_of, version.version, permalink),
        filename_stem=f"oip-{code.lower()}-{as_of.isoformat()}",
        countries=((code, name),),
        sections=sections,
        references=citations.references(),
        data={
            "code": code,
            "name": name,
            "summary": summary,
            "timeline": timeline,
            "changes": changes,
            "milestones": milestones,
            "notes": notes,
        },
    )


def region_report(as_of: dt.date, since: dt.date | None = None) -> Report:
    """Return the regional report as of `as_of`; changes from `since` (default: a year earlier).

    `data` keys: grid (rows of (code, name, [AreaStanding])), tiers_by_area ({area: {code: tier}}),
    divergence (per-area dicts from `region_data`, with titles), gaps, blockers, priorities,
    milestones, changes, notes, evidence_by_country ({code: [reference numbers]}).
    """
    catalogue = current_catalogue()
    names = {c.code: c.name for c in catalogue.countries}
    codes = list(names)
    since = since or year_earlier(as_of)
    version = current_version()
    engine = evaluation()
    citations = _Citations()
    explainer = _Explainer(catalogue, _observations(as_of), citations)
    titles = {a.id: a.title for a in catalogue.areas}
    index = catalogue.benchmark_index()
    target_titles = {t.id: t.title for t in catalogue.targets}

    standings = engine.standings(as_of)
    by_country: dict[str, list[AreaStanding]] = {code: [] for code in codes}
    for s in standings:
        by_country[s.country].append(explainer.area_standing(s))
    grid = tuple((code, names[code], tuple(by_country[code])) for code in codes)
    evidence_by_country = {
        code: sorted(
            {e.reference for a in by_country[code] for e in (*a.holding, *a.missing) if e.reference}
        )
        for code in codes
    }

    summary = region_data(as_of)
    divergence = []
    for row in summary["areas"]:
        divergence.append(
            {
                **row,
                "title": titles[row["area"]],
                "short": area_short(catalogue, row["area"]),
                "trend_signed": f"{row['trend']:+.2f}" if row["trend"] is not None else None,
                "tiers_named": [
                    (code, names[code], tier, catalogue.tier_name(tier))
                    for code, tier in row["tiers"].items()
                ],
                "leaders": [
                    names[c] for c, t in row["tiers"].items() if t == max(row["tiers"].values())
                ],
                "trailing": [
                    names[c] for c, t in row["tiers"].items() if t == min(row["tiers"].values())
                ],
            }
        )
    gaps = [
        {
            "area_title": titles[g["area"]],
            "target_title": target_titles[g["target"]],
            "tier": g["tier"],
            "tier_name": catalogue.tier_name(g["tier"]),
            "achieved_by": [names[c] for c in g["achieved_by"]],
            "left_out": [names[c] for c in g["left_out"]],
        }
        for g in summary["gaps"]
    ]
    blockers = [
        {
            "area_title": titles[b["area"]],
            "target_title": target_titles[b["target"]],
            "statement": index[b["benchmark"]][1].statement,
            "who": WHO_LABELS[b["who"]],
            "countries": [names[c] for c in b["countries"]],
            "all_six": len(b["countries"]) == len(codes),
        }
        for b in summary["blockers"]
    ]
    priorities = [
        {
            "country": names[p["country"]],
            "area_title": titles[p["area"]],
            "tier": p["tier"],
            "tier_name": catalogue.tier_name(p["tier"]),
            "next_tier": p["next_tier"],
            "next_tier_name": catalogue.tier_name(p["next_tier"]),
            "missing": [
                (
                    index[b][1].statement,
                    who_words(index[b][0].benchmark_who(index[b][1]), names[p["country"]]),
                )
                for b in p["missing"]
            ],
        }
        for p in summary["priorities"]
    ]
    changes = tuple(explainer.change(c, as_of) for c in engine.changes(as_of, since=since))
    milestones = _milestones(catalogue, standings, codes)
    notes = _notes(citations, as_of, None, names)

    title = "The Western Balkans’ operational integration with the EU"
    permalink = _public("/", as_of=as_of.isoformat())
    sections = (
        ("overview", "The region at a glance"),
        ("two-speed", "Two speeds: divergence per area"),
        ("changes", f"What changed since {since.isoformat()}"),
        ("gaps", "Uniformity gaps: who is left out of what"),
        ("blockers", "EU-side blockers"),
        ("priorities", "Priorities: who is closest to the next tier"),
        ("milestones", "Milestones due by 2027"),
        ("context", "Context"),
        ("evidence", "Evidence base by country"),
        ("references", "References"),
    )
    return Report(
        kind="region",
        title=title,
        subtitle=f"Regional report · Western Balkans six · as of {as_of.isoformat()}",
        as_of=as_of,
        since=since,
        data_recorded=_data_recorded(),
        catalogue_version=version.version,
        catalogue_hash=version.content_hash[:12],
        permalink=permalink,
        citation=_citation(title, as_of, version.version, permalink),
        filename_stem=f"oip-region-{as_of.isoformat()}",
        countries=tuple((code, names[code]) for code in codes),
        sections=sections,
        references=citations.references(),
        data={
            "grid": grid,
            "areas": [(a.id, a.title) for a in catalogue.areas],
            "tiers_by_area": {
                a.id: {
                    code: t
                    for code, t in next(
                        (r["tiers"] for r in summary["areas"] if r["area"] == a.id), {}
                    ).items()
                }
                for a in catalogue.areas
            },
            "divergence": divergence,
            "gaps": gaps,
            "blockers": blockers,
            "priorities": priorities,
            "changes": changes,
            "milestones": milestones,
            "notes": notes,
            "evidence_by_country": [
                (code, names[code], evidence_by_country[code]) for code in codes
            ],
        },
    )
