"""Read paths of the public monitor: each page's data as plain values, cached per data version.

Every function here takes plain arguments (a date, an id) and returns dicts, lists and frozen
dataclasses, never a request or a response, so the reports reuse them as they are. Results are
cached in Django's cache under a key that includes `oip.standings.evaluation.data_version()`: every
import changes it, so nothing cached is ever served stale, the old keys just stop being asked
for and expire.

Unknown ids raise `KeyError`; the views turn that into a 404.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models import Min

from oip.catalogue.fetch import current_catalogue
from oip.catalogue.schema import Benchmark, Catalogue, Target
from oip.conditionality import Standing
from oip.conditionality.types import BenchmarkState, Change
from oip.evidence import serialize
from oip.evidence.models import Observation
from oip.presentation import labels
from oip.standings.coverage import coverage as evidence_coverage
from oip.standings.evaluation import evaluation
from oip.standings.region import region_data
from oip.standings.version import data_version

T = TypeVar("T")

LATEST_CHANGES = 8
EVIDENCE_SHOWN = 100
TIMELINE_YEARS = 8


# -- values ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One country's standing in one area at a date, ready to show.

    `assessed` counts the area's benchmarks with at least one observation by `as_of`; with
    none the standing is "not assessed" rather than "tier 0": no evidence is not evidence of
    absence.
    """

    country: str
    country_name: str
    area: str
    area_title: str
    area_short: str
    tier: int
    tier_name: str
    raw_tier: int
    status: str
    since: dt.date | None
    notice_until: dt.date | None
    next_tier: int | None
    assessed: int
    benchmarks: int
    suspended_by: tuple[str, ...] = ()

    @property
    def is_assessed(self) -> bool:
        return self.assessed > 0

    @property
    def map_tier(self) -> int | None:
        """The tier for the map: None when not assessed."""
        return self.tier if self.is_assessed else None

    @property
    def mark(self) -> str:
        return str(self.tier) if self.is_assessed else "?"

    @property
    def words(self) -> str:
        if not self.is_assessed:
            return labels.NOT_ASSESSED
        return self.tier_name if self.tier else "no tier yet"

    @property
    def css(self) -> str:
        return f"tier-{self.tier}" if self.is_assessed else "tier-na"

    @property
    def status_mark(self) -> str:
        return labels.STANDING_STATUS[self.status][0]

    @property
    def status_words(self) -> str:
        return labels.STANDING_STATUS[self.status][1]

    @property
    def is_stable(self) -> bool:
        return self.status == "stable"


@dataclass(frozen=True)
class BenchmarkRow:
    """A benchmark's state for one country, with the words to show it."""

    benchmark: str
    statement: str
    kind: str
    who: str
    who_words: str
    status: str
    observed_on: dt.date | None
    lapsed_on: dt.date | None
    valid_until: dt.date | None
    observation_id: int | None

    @property
    def status_mark(self) -> str:
        return labels.BENCHMARK_STATUS[self.status][0]

    @property
    def status_words(self) -> str:
        return labels.BENCHMARK_STATUS[self.status][1]

    @property
    def kind_words(self) -> str:
        return labels.KIND_LABEL.get(self.kind, self.kind)


@dataclass(frozen=True)
class TargetGroup:
    """Benchmark rows grouped under their target."""

    target: str
    title: str
    tier: int
    rows: tuple[BenchmarkRow, ...] = field(default=())


# -- helpers -----------------------------------------------------------------------------------


def _cached(parts: Iterable[object], build: Callable[[], T]) -> T:
    key = "monitor:" + ":".join([data_version(), *(str(p) for p in parts)])
    found = cache.get(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    value = build()
    cache.set(key, value)
    return value


_indexes: dict[int, tuple[Catalogue, dict[str, tuple[Target, Benchmark]]]] = {}


def _index(catalogue: Catalogue) -> dict[str, tuple[Target, Benchmark]]:
    """Return `catalogue.benchmark_index()`, built once per catalogue object (it is immutable)."""
    found = _indexes.get(id(catalogue))
    if found is None or found[0] is not catalogue:
        found = (catalogue, catalogue.benchmark_index())
        _indexes.clear()  # one catalogue is current at a time; keep no stale ones alive
        _indexes[id(catalogue)] = found
    return found[1]


def _names(catalogue: Catalogue) -> dict[str, str]:
    return {c.code: c.name for c in catalogue.countries}


def coverage_counts(as_of: dt.date) -> dict[tuple[str, str], tuple[int, int]]:
    """Return (benchmarks with an observation by `as_of`, benchmarks) per (country, area)."""
    return {(r.country, r.area): (r.with_evidence, r.benchmarks) for r in evidence_coverage(as_of)}


def _cell(
    catalogue: Catalogue, standing: Standing, coverage: dict[tuple[str, str], tuple[int, int]]
) -> Cell:
    assessed, total = coverage.get((standing.country, standing.area), (0, 0))
    area = catalogue.area(standing.area)
    return Cell(
        country=standing.country,
        country_name=_names(catalogue)[standing.country],
        area=standing.area,
        area_title=area.title,
        area_short=labels.area_short(catalogue, standing.area),
        tier=standing.tier,
        tier_name=catalogue.tier_name(standing.tier),
        raw_tier=standing.raw_tier,
        status=standing.status,
        since=standing.since,
        notice_until=standing.notice_until,
        next_tier=standing.next_tier,
        assessed=assessed,
        benchmarks=total,
        suspended_by=standing.suspended_by,
    )


def _row(catalogue: Catalogue, state: BenchmarkState, country_name: str | None) -> BenchmarkRow:
    _target, benchmark = _index(catalogue)[state.benchmark]
    return BenchmarkRow(
        benchmark=state.benchmark,
        statement=benchmark.statement,
        kind=benchmark.kind,
        who=state.who,
        who_words=labels.who_words(state.who, country_name),
        status=state.status,
        observed_on=state.observed_on,
        lapsed_on=state.lapsed_on,
        valid_until=state.valid_until,
        observation_id=state.observation_id,
    )


def _grouped(
    catalogue: Catalogue, states: Sequence[BenchmarkState], country_name: str | None
) -> list[TargetGroup]:
    order: dict[str, list[BenchmarkRow]] = {}
    for state in states:
        order.setdefault(state.target, []).append(_row(catalogue, state, country_name))
    groups = []
    for target_id, rows in order.items():
        target = catalogue.target(target_id)
        groups.append(TargetGroup(target_id, target.title, target.tier, tuple(rows)))
    return groups


def _change_row(catalogue: Catalogue, change: Change) -> dict[str, Any]:
    mark, words = labels.CHANGE_KIND[change.kind]
    index = _index(catalogue)
    return {
        "country": change.country,
        "country_name": _names(catalogue)[change.country],
        "area": change.area,
        "area_title": catalogue.area(change.area).title,
        "area_short": labels.area_short(catalogue, change.area),
        "on": change.on,
        "kind": change.kind,
        "kind_mark": mark,
        "kind_words": words,
        "tier_before": change.tier_before,
        "tier_after": change.tier_after,
        "tier_before_words": labels.tier_words(catalogue, change.tier_before),
        "tier_after_words": labels.tier_words(catalogue, change.tier_after),
        "cause": [
            {"benchmark": b, "statement": index[b][1].statement, "target": index[b][0].id}
            for b in change.cause
            if b in index
        ],
    }


def standings_grid(as_of: dt.date) -> list[Cell]:
    """Return every country x area standing at `as_of` as cells (catalogue order), cached."""

    def build() -> list[Cell]:
        catalogue = current_catalogue()
        engine = evaluation()
        coverage = coverage_counts(as_of)
        return [_cell(catalogue, s, coverage) for s in engine.standings(as_of)]

    return _cached(("grid", as_of), build)


def changes_list(
    as_of: dt.date,
    *,
    since: dt.date | None = None,
    country: str | None = None,
    area: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Return the changes of standing up to `as_of`, newest first, as display rows.

    KeyError for an unknown country or area.
    """

    def build() -> list[dict[str, Any]]:
        catalogue = current_catalogue()
        found = evaluation().changes(
            as_of,
            since=since,
            countries=[country] if country else None,
            areas=[area] if area else None,
        )
        found.reverse()
        if limit is not None:
            found = found[:limit]
        return [_change_row(catalogue, c) for c in found]

    return _cached(("changes", as_of, since, country, area, limit), build)


def milestone_progress(as_of: dt.date) -> list[dict[str, Any]]:
    """Return each milestone with the countries that achieved all its targets by `as_of`."""
    catalogue = current_catalogue()
    achieved: dict[str, set[str]] = {code: set() for code in catalogue.country_codes()}
    for s in evaluation().standings(as_of):
        achieved[s.country].update(s.achieved_targets)
    names = _names(catalogue)
    rows = []
    for milestone in catalogue.milestones:
        done = [c for c in catalogue.country_codes() if set(milestone.targets) <= achieved[c]]
        rows.append(
            {
                "id": milestone.id,
                "title": milestone.title,
                "due": milestone.due,
                "description": milestone.description,
                "targets": [
                    {"id": t, "title": catalogue.target(t).title} for t in milestone.targets
                ],
                "achieved_by": [{"code": c, "name": names[c]} for c in done],
                "left_out": [
                    {"code": c, "name": names[c]}
                    for c in catalogue.country_codes()
                    if c not in done
                ],
                "count": len(done),
                "total": len(catalogue.countries),
                "days_left": (milestone.due - as_of).days,
            }
        )
    return rows


def _map(
    catalogue: Catalogue, cells: Sequence[Cell], area: str, as_of: dt.date, id_prefix: str
) -> str:
    from oip.presentation import geo  # being written beside this module; imported when first needed

    selected = [c for c in cells if c.area == area]
    query = f"?as_of={as_of.isoformat()}"
    return geo.map_svg(
        {c.country: c.map_tier for c in selected},
        names=_names(catalogue),
        title=f"{catalogue.area(area).title}: tier of each country as of {as_of.isoformat()}",
        links={c.country: f"/countries/{c.country}/{query}" for c in selected},
        statuses={c.country: c.status for c in selected if c.status != "stable"},
        id_prefix=id_prefix,
    )


def _divergence_rows(catalogue: Catalogue, region: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"area": labels.area_short(catalogue, a["area"]), "country": code, "tier": tier}
        for a in region["areas"]
        for code, tier in a["tiers"].items()
    ]


def two_speed_rows(catalogue: Catalogue, region: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the region's per-area divergence with titles and words for the trend."""
    rows = []
    for a in region["areas"]:
        trend = a["trend"]
        rows.append(
            {
                **a,
                "title": catalogue.area(a["area"]).title,
                "short": labels.area_short(catalogue, a["area"]),
                "trend_words": (
                    "no data a year earlier"
                    if trend is None
                    else f"mean {'+' if trend > 0 else ''}{trend:g} on a year earlier"
                ),
            }
        )
    return rows


def chart(kind: str, rows: Sequence[dict[str, Any]]) -> Any:
    """Return the Altair chart of `kind` ("timeline" or "divergence") for `rows`."""
    from oip.presentation import charts  # being written beside this module

    if kind == "timeline":
        return charts.tier_timeline(rows)
    if kind == "divergence":
        return charts.divergence_chart(rows)
    raise KeyError(kind)


def chart_svg(kind: str, rows: Sequence[dict[str, Any]]) -> str:
    """Return the chart of `kind` for `rows` as inline SVG, memoised on the rows themselves:
    building and validating the Altair spec costs as much as a page, so a page rebuilt after
    an import redraws only the charts whose data changed."""
    return _chart_svg(kind, json.dumps(rows, sort_keys=True, default=str))


@functools.lru_cache(maxsize=512)
def _chart_svg(kind: str, rows_json: str) -> str:
    from oip.presentation import charts

    return charts.render_svg_cached(charts.spec_json(chart(kind, json.loads(rows_json))))


# -- the pages ---------------------------------------------------------------------------------


def overview_data(as_of: dt.date, area: str | None = None) -> dict[str, Any]:
    """Return the overview at `as_of`: the map for `area` (default: the first), the grid of
    every country x area, the two-speed panel, the latest changes and milestone progress.

    KeyError for an unknown area.
    """
    catalogue = current_catalogue()
    area_id = area or catalogue.areas[0].id
    catalogue.area(area_id)

    def build() -> dict[str, Any]:
        cells = standings_grid(as_of)
        region = region_data(as_of)
        by_country: dict[str, list[Cell]] = {}
        for cell in cells:
            by_country.setdefault(cell.country, []).append(cell)
        return {
            "as_of": as_of,
            "area": {"id": area_id, "title": catalogue.area(area_id).title},
            "areas": [
                {"id": a.id, "title": a.title, "short": labels.area_short(catalogue, a.id)}
                for a in catalogue.areas
            ],
            "countries": [{"code": c.code, "name": c.name} for c in catalogue.countries],
            "grid": [
                {"code": c.code, "name": c.name, "cells": by_country.get(c.code, [])}
                for c in catalogue.countries
            ],
            "map_svg": _map(catalogue, cells, area_id, as_of, "overview-map"),
            "map_cells": [c for c in cells if c.area == area_id],
            "two_speed": two_speed_rows(catalogue, region),
            "divergence_rows": _divergence_rows(catalogue, region),
            "divergence_svg": chart_svg("divergence", _divergence_rows(catalogue, region)),
            "changes": changes_list(as_of, limit=LATEST_CHANGES),
            "milestones": milestone_progress(as_of),
        }

    return _cached(("overview", as_of, area_id), build)


def _first_observed(code: str) -> dt.date | None:
    first: dt.date | None = Observation.objects.filter(country_id=code).aggregate(
        d=Min("observed_on")
    )["d"]
    return first


def timeline_dates(first: dt.date | None, as_of: dt.date) -> list[dt.date]:
    """Return the first of each month from `first` (at most TIMELINE_YEARS back; a year back
    without evidence) to `as_of`, then `as_of` itself."""
    floor = as_of.replace(year=as_of.year - TIMELINE_YEARS, day=1)
    start = (first or as_of.replace(year=as_of.year - 1)).replace(day=1)
    start = max(start, floor)
    days = []
    day = start
    while day < as_of:
        days.append(day)
        day = (
            day.replace(year=day.year + 1, month=1)
            if day.month == 12
            else day.replace(month=day.month + 1)
        )
    days.append(as_of)
    return days


def country_timeline(code: str, as_of: dt.date) -> list[dict[str, Any]]:
    """Return the monthly held tier of `code` per area up to `as_of`: rows
    {"date", "area", "tier"} for the timeline chart (one engine sweep)."""

    def build() -> list[dict[str, Any]]:
        catalogue = current_catalogue()
        dates = timeline_dates(_first_observed(code), as_of)
        series = evaluation().series(dates, countries=[code])
        # Keep a row only where an area's tier changes (plus the first and the last date):
        # the chart draws steps, so the months in between add bytes, not information.
        # An area with no evidence at all by `as_of` is "not assessed", not tier 0: leave it
        # out rather than draw it as a flat line at 0.
        assessed = {
            area
            for (country, area), (n, _) in coverage_counts(as_of).items()
            if country == code and n
        }
        rows: list[dict[str, Any]] = []
        last: dict[str, int] = {}
        for day, found in series.items():
            for s in found:
                if s.area not in assessed:
                    continue
                if last.get(s.area) != s.tier or day == dates[-1]:
                    rows.append(
                        {
                            "date": day.isoformat(),
                            "area": labels.area_short(catalogue, s.area),
                            "tier": s.tier,
                        }
                    )
                    last[s.area] = s.tier
        return rows

    if code not in current_catalogue().country_codes():
        raise KeyError(code)
    return _cached(("timeline", code, as_of), build)


def country_data(code: str, as_of: dt.date) -> dict[str, Any]:
    """Return a country's page: per area its tier, what holds it, what is missing for the next
    tier and who must act; its evidence (the newest EVIDENCE_SHOWN) and context notes.

    KeyError for an unknown country.
    """
    catalogue = current_catalogue()
    names = _names(catalogue)
    if code not in names:
        raise KeyError(code)

    def build() -> dict[str, Any]:
        engine = evaluation()
        coverage = coverage_counts(as_of)
        areas = []
        for s in engine.standings(as_of, countries=[code]):
            cell = _cell(catalogue, s, coverage)
            areas.append(
                {
                    "cell": cell,
                    "next_tier_words": (
                        labels.tier_words(catalogue, s.next_tier) if s.next_tier else None
                    ),
                    "holding": _grouped(catalogue, s.holding, names[code]),
                    "missing": _grouped(catalogue, s.missing, names[code]),
                    "missing_words": _missing_words(s.missing, names[code]),
                    "suspended_by": [
                        _row(catalogue, engine.benchmark_state(code, b, as_of), names[code])
                        for b in s.suspended_by
                    ],
                }
            )
        index = _index(catalogue)
        rows = serialize.observations(as_of=as_of, country=code)
        evidence = []
        for o in rows[:EVIDENCE_SHOWN]:
            plain = serialize.observation_dict(o)
            _target, benchmark = index.get(o.benchmark_id, (None, None))
            plain["statement"] = benchmark.statement if benchmark else o.benchmark_id
            plain["status_mark"], plain["status_words"] = labels.BENCHMARK_STATUS[o.status]
            plain["area_short"] = labels.area_short(catalogue, o.benchmark.area)
            evidence.append(plain)
        notes = [
            serialize.context_note_dict(n)
            for n in serialize.context_notes(country=code, as_of=as_of)
        ]
        return {
            "as_of": as_of,
            "country": {"code": code, "name": names[code]},
            "countries": [{"code": c.code, "name": c.name} for c in catalogue.countries],
            "areas": areas,
            "evidence": evidence,
            "evidence_count": rows.count(),
            "notes": notes,
            "changes": changes_list(as_of, country=code, limit=20),
            "timeline_svg": chart_svg("timeline", country_timeline(code, as_of)),
        }

    return _cached(("country", code, as_of), build)


def _missing_words(states: Sequence[BenchmarkState], country_name: str) -> str:
    """Return "5 benchmarks: 2 for Montenegro, 3 for the EU" (who must act, zeros left out)."""
    if not states:
        return "nothing"
    counts = {"country": 0, "eu": 0, "joint": 0}
    for state in states:
        counts[state.who] += 1
    parts = [
        f"{n} for {label}"
        for who, label in (("country", country_name), ("eu", "the EU"), ("joint", "both jointly"))
        if (n := counts[who])
    ]
    total = len(states)
    return f"{total} benchmark{'s' if total != 1 else ''}: {', '.join(parts)}"


def _target_row(catalogue: Catalogue, target: Target, achieved_by: Sequence[str]) -> dict[str, Any]:
    names = _names(catalogue)
    bodies = {b.id: b.name for b in catalogue.bodies}
    return {
        "id": target.id,
        "title": target.title,
        "tier": target.tier,
        "who": target.who,
        "who_words": labels.who_words(target.who),
        "bodies": [bodies.get(b, b) for b in target.bodies],
        "instruments": list(target.instruments),
        "scope": target.scope,
        "achieved_by": [{"code": c, "name": names[c]} for c in achieved_by],
        "left_out": [
            {"code": c, "name": names[c]} for c in catalogue.country_codes() if c not in achieved_by
        ],
    }


def area_data(area: str, as_of: dt.date) -> dict[str, Any]:
    """Return an area's page: its rules, targets by tier with who achieved each, the countries'
    tiers (map), the two-speed figures, uniformity gaps, EU-side blockers and priorities.

    KeyError for an unknown area.
    """
    catalogue = current_catalogue()
    record = catalogue.area(area)

    def build() -> dict[str, Any]:
        names = _names(catalogue)
        index = _index(catalogue)
        cells = [c for c in standings_grid(as_of) if c.area == area]
        standings = evaluation().standings(as_of, areas=[area])
        achieved = {s.country: set(s.achieved_targets) for s in standings}
        tiers = []
        for tier in catalogue.tiers:
            targets = [t for t in catalogue.targets_in(area) if t.tier == tier.level]
            tiers.append(
                {
                    "level": tier.level,
                    "name": tier.name,
                    "definition": tier.definition,
                    "targets": [
                        _target_row(
                            catalogue,
                            t,
                            [c for c in catalogue.country_codes() if t.id in achieved[c]],
                        )
                        for t in targets
                    ],
                }
            )
        region = region_data(as_of)
        divergence = next(a for a in two_speed_rows(catalogue, region) if a["area"] == area)
        gaps = [
            {
                **g,
                "title": catalogue.target(g["target"]).title,
                "achieved_by": [{"code": c, "name": names[c]} for c in g["achieved_by"]],
                "left_out": [{"code": c, "name": names[c]} for c in g["left_out"]],
            }
            for g in region["gaps"]
            if g["area"] == area
        ]
        blockers = [
            {
                **b,
                "title": catalogue.target(b["target"]).title,
                "statement": index[b["benchmark"]][1].statement,
                "who_words": labels.who_words(b["who"]),
                "countries": [{"code": c, "name": names[c]} for c in b["countries"]],
            }
            for b in region["blockers"]
            if b["area"] == area
        ]
        priorities = [
            {
                **p,
                "name": names[p["country"]],
                "next_tier_words": labels.tier_words(catalogue, p["next_tier"]),
                "missing": [
                    {"benchmark": m, "statement": index[m][1].statement, "target": index[m][0].id}
                    for m in p["missing"]
                ],
            }
            for p in region["priorities"]
            if p["area"] == area
        ]
        return {
            "as_of": as_of,
            "area": {
                "id": record.id,
                "title": record.title,
                "short": labels.area_short(catalogue, area),
                "description": record.description,
                "quorum": record.quorum,
                "grace_days": record.grace_days,
                "source": record.source,
                "menu_row": record.menu_row,
            },
            "areas": [{"id": a.id, "title": a.title} for a in catalogue.areas],
            "cells": cells,
            "map_svg": _map(catalogue, cells, area, as_of, "area-map"),
            "tiers": tiers,
            "divergence": divergence,
            "gaps": gaps,
            "blockers": blockers,
            "priorities": priorities,
            "changes": changes_list(as_of, area=area, limit=10),
        }

    return _cached(("area", area, as_of), build)


def target_data(target: str, as_of: dt.date) -> dict[str, Any]:
    """Return a target's page: its benchmarks and, per country, each benchmark's status with
    the observation it rests on and that observation's source.

    KeyError for an unknown target.
    """
    catalogue = current_catalogue()
    record = catalogue.target(target)

    def build() -> dict[str, Any]:
        engine = evaluation()
        names = _names(catalogue)
        bodies = {b.id: b for b in catalogue.bodies}
        instruments = {i.code: i.name for i in catalogue.instruments}
        per_country = []
        observation_ids: set[int] = set()
        for code in catalogue.country_codes():
            states = [engine.benchmark_state(code, b.id, as_of) for b in record.benchmarks]
            observation_ids.update(s.observation_id for s in states if s.observation_id)
            per_country.append((code, states))
        observations = {
            o.pk: serialize.observation_dict(o)
            for o in Observation.objects.select_related("source", "benchmark").filter(
                pk__in=observation_ids
            )
        }
        countries = []
        for code, states in per_country:
            rows = [
                {
                    "row": _row(catalogue, s, names[code]),
                    "observation": observations.get(s.observation_id or 0),
                }
                for s in states
            ]
            countries.append(
                {
                    "code": code,
                    "name": names[code],
                    "achieved": all(s.status in ("met", "not_applicable") for s in states),
                    "assessed": any(s.status != "unknown" for s in states),
                    "rows": rows,
                }
            )
        area = catalogue.area(record.area)
        return {
            "as_of": as_of,
            "target": {
                "id": record.id,
                "title": record.title,
                "tier": record.tier,
                "tier_words": labels.tier_words(catalogue, record.tier),
                "who": record.who,
                "who_words": labels.who_words(record.who),
                "scope": record.scope,
                "source": record.source,
                "area": {"id": area.id, "title": area.title},
                "bodies": [
                    {"id": b, "name": bodies[b].name, "access": bodies[b].third_country_access}
                    for b in record.bodies
                    if b in bodies
                ],
                "instruments": [
                    {"code": i, "name": instruments.get(i, i)} for i in record.instruments
                ],
                "benchmarks": [
                    {
                        "id": b.id,
                        "kind": b.kind,
                        "kind_words": labels.KIND_LABEL.get(b.kind, b.kind),
                        "statement": b.statement,
                        "accepted_evidence": b.accepted_evidence,
                        "validity_days": b.validity_days,
                        "who_words": labels.who_words(record.benchmark_who(b)),
                    }
                    for b in record.benchmarks
                ],
            },
            "countries": countries,
        }

    return _cached(("target", target, as_of), build)


def methodology_data() -> dict[str, Any]:
    """Return what the methodology page explains, generated from the loaded catalogue."""
    catalogue = current_catalogue()

    def build() -> dict[str, Any]:
        kinds: dict[str, int] = {}
        with_validity = 0
        for _, benchmark in catalogue.benchmarks():
            kinds[benchmark.kind] = kinds.get(benchmark.kind, 0) + 1
            with_validity += benchmark.validity_days is not None
        validity_days = sorted(
            {b.validity_days for _, b in catalogue.benchmarks() if b.validity_days is not None}
        )
        return {
            "version": catalogue.version,
            "countries": [{"code": c.code, "name": c.name} for c in catalogue.countries],
            "tiers": [t.model_dump() for t in catalogue.tiers],
            "instruments": [i.model_dump() for i in catalogue.instruments],
            "bodies": [b.model_dump() for b in catalogue.bodies],
            "areas": [
                {
                    **a.model_dump(),
                    "targets": len(catalogue.targets_in(a.id)),
                    "quorum_percent": round(a.quorum * 100),
                }
                for a in catalogue.areas
            ],
            "kinds": [
                {
                    "kind": k,
                    "words": labels.KIND_LABEL[k],
                    "description": labels.KIND_DESCRIPTION[k],
                    "count": kinds.get(k, 0),
                }
                for k in labels.KIND_LABEL
            ],
            "targets": len(catalogue.targets),
            "benchmarks": sum(kinds.values()),
            "with_validity": with_validity,
            "validity_days": validity_days,
            "statuses": [
                {"status": s, "mark": m, "words": w}
                for s, (m, w) in labels.BENCHMARK_STATUS.items()
            ],
            "milestones": len(catalogue.milestones),
        }

    return _cached(("methodology",), build)
