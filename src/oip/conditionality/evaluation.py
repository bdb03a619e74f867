"""The reusable `Evaluation` of a set of observations, and thin functions around it.

Observations are grouped once by (country, benchmark) into timelines; each country x area is
swept once, on first use, and kept as intervals, so the standing at any date is a bisect.
`evaluate()` returns an `Evaluation` (cache one per data version); the module-level functions
build one and ask it one question. Pure: no Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from itertools import groupby
from operator import itemgetter
from typing import Final

from oip.catalogue.schema import Catalogue
from oip.conditionality.history import History, tier_intervals
from oip.conditionality.model import SATISFIED, AreaModel, compile_catalogue
from oip.conditionality.progress import assessed, change, score, tier_progress, year_earlier
from oip.conditionality.sweep import sweep
from oip.conditionality.timeline import Timeline
from oip.conditionality.transition import STATUS_NAMES
from oip.conditionality.types import BenchmarkState, Change, Observation, Standing, TierInterval

__all__ = [
    "Evaluation",
    "benchmark_state",
    "changes",
    "evaluate",
    "standing",
    "standings",
    "standings_series",
]

# Observation is a named tuple: (country, benchmark, ...) by position is the cheapest key.
_COUNTRY_BENCHMARK: Final = itemgetter(
    Observation._fields.index("country"), Observation._fields.index("benchmark")
)


def _group(
    observations: Iterable[Observation], countries: Iterable[str], known: set[str]
) -> dict[str, dict[str, list[Observation]]]:
    """Return country -> benchmark -> observations, for `countries` and `known` benchmarks.

    groupby() runs at C speed over runs of equal keys, so input ordered by (country,
    benchmark) -- as the database hands it over -- is grouped in one pass per run; any other
    order is still grouped correctly.
    """
    groups: dict[str, dict[str, list[Observation]]] = {code: {} for code in countries}
    for (country, benchmark), run in groupby(observations, key=_COUNTRY_BENCHMARK):
        by_benchmark = groups.get(country)
        if by_benchmark is None or benchmark not in known:
            continue
        group = by_benchmark.get(benchmark)
        if group is None:
            by_benchmark[benchmark] = list(run)
        else:
            group.extend(run)
    return groups


class Evaluation:
    """Every standing a set of observations supports, as known at `known_at`.

    Build it with `evaluate()`; it is immutable in meaning (the same question always gets the
    same answer) and computes each country x area history on first use, then caches it, so one
    instance per data version can serve every date. Observations of countries or benchmarks not
    in the catalogue (or outside `countries`) are ignored. Safe to share between threads: the
    lazy caches only ever gain entries equal to what any thread would compute (at worst twice).
    Unknown country, area, benchmark or target ids raise `KeyError`.
    """

    def __init__(
        self,
        catalogue: Catalogue,
        observations: Iterable[Observation],
        known_at: dt.datetime | None = None,
        countries: Sequence[str] | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.known_at = known_at
        self._models = compile_catalogue(catalogue)
        self._country_order = {code: k for k, code in enumerate(catalogue.country_codes())}
        self._area_order = {area.id: k for k, area in enumerate(catalogue.areas)}
        self._specs = {
            spec.id: spec for model in self._models.values() for spec in model.benchmarks
        }
        self._targets = {
            target.id: target for model in self._models.values() for target in model.targets
        }
        if known_at is not None:
            observations = (o for o in observations if o.recorded_at <= known_at)
        self._groups = _group(observations, self._countries(countries), set(self._specs))
        self._timelines: dict[tuple[str, str], Timeline | None] = {}
        self._histories: dict[tuple[str, str], History] = {}
        self._area_timeline_cache: dict[tuple[str, str], list[Timeline | None]] = {}

    # -- selection helpers --
    def _countries(self, countries: Sequence[str] | None) -> list[str]:
        """Return `countries` in catalogue order (all if None); KeyError for an unknown code."""
        if countries is None:
            return list(self._country_order)
        for code in countries:
            if code not in self._country_order:
                raise KeyError(code)
        return sorted(set(countries), key=self._country_order.__getitem__)

    def _areas(self, areas: Sequence[str] | None) -> list[str]:
        """Return `areas` in catalogue order (all if None); KeyError for an unknown id."""
        if areas is None:
            return list(self._area_order)
        for area in areas:
            if area not in self._area_order:
                raise KeyError(area)
        return sorted(set(areas), key=self._area_order.__getitem__)

    def _timeline(self, country: str, benchmark: str) -> Timeline | None:
        key = (country, benchmark)
        if key not in self._timelines:
            group = self._groups.get(country, {}).get(benchmark)
            self._timelines[key] = (
                Timeline(self._specs[benchmark], group) if group is not None else None
            )
        return self._timelines[key]

    def _area_timelines(self, country: str, model: AreaModel) -> list[Timeline | None]:
        key = (country, model.id)
        timelines = self._area_timeline_cache.get(key)
        if timelines is None:
            timelines = [self._timeline(country, spec.id) for spec in model.benchmarks]
            self._area_timeline_cache[key] = timelines
        return timelines

    def _history(self, country: str, area: str) -> History:
        key = (country, area)
        history = self._histories.get(key)
        if history is None:
            if country not in self._country_order:
                raise KeyError(country)
            model = self._models[area]
            history = sweep(country, model, self._area_timelines(country, model))
            self._histories[key] = history
        return history

    def _states(self, country: str, model: AreaModel, as_of: dt.date) -> list[BenchmarkState]:
        return [
            timeline.state(as_of) if timeline is not None else spec.unknown_state
            for timeline, spec in zip(
                self._area_timelines(country, model), model.benchmarks, strict=True
            )
        ]

    # -- questions --
    def benchmark_state(self, country: str, benchmark: str, as_of: dt.date) -> BenchmarkState:
        """Return `benchmark`'s state in `country` at `as_of`; KeyError if either is unknown."""
        self._countries([country])
        spec = self._specs[benchmark]
        timeline = self._timeline(country, benchmark)
        return timeline.state(as_of) if timeline is not None else spec.unknown_state

    def benchmark_states(
        self, country: str, area: str, as_of: dt.date
    ) -> tuple[BenchmarkState, ...]:
        """Return the state of every benchmark of `area` in `country` at `as_of`, in catalogue
        order (`unknown` for those without evidence)."""
        self._countries([country])
        return tuple(self._states(country, self._models[area], as_of))

    def achieved(self, country: str, target: str, as_of: dt.date) -> bool:
        """Return whether `country` has achieved `target` at `as_of`: every one of its
        benchmarks satisfied (`met`, `not_applicable` or `presumed`; an `expired` one not)."""
        return all(
            SATISFIED[self.benchmark_state(country, b.id, as_of).status]
            for b in self._targets[target].benchmarks
        )

    def standing(self, country: str, area: str, as_of: dt.date) -> Standing:
        """Return `country`'s standing in `area` at `as_of`, with its explanation and progress.

        `change_12m` compares the score with the one on `year_earlier(as_of)`, from the same
        evidence. KeyError if the country or area is not in the catalogue.
        """
        if country not in self._country_order:
            raise KeyError(country)
        model = self._models[area]
        held, raw, status, since, notice_until, suspended_by = self._history(country, area).at(
            as_of
        )
        states = self._states(country, model, as_of)
        next_tier = model.next_tier(held)
        explained_up_to = next_tier if next_tier is not None else held
        holding: list[BenchmarkState] = []
        missing: list[BenchmarkState] = []
        achieved: list[str] = []
        start = 0
        for target in model.targets:  # a target's benchmarks are contiguous in area order
            end = start + len(target.benchmarks)
            unsatisfied = [s for s in states[start:end] if not SATISFIED[s.status]]
            if not unsatisfied:
                achieved.append(target.id)
                if target.tier <= held:
                    holding.extend(states[start:end])
            elif target.tier <= explained_up_to:
                missing.extend(unsatisfied)
            start = end
        earlier = self._states(country, model, year_earlier(as_of))
        now_score = score(states)
        return Standing(
            country=country,
            area=area,
            as_of=as_of,
            tier=held,
            raw_tier=raw,
            status=STATUS_NAMES[status],
            since=since,
            notice_until=notice_until,
            next_tier=next_tier,
            holding=tuple(holding),
            missing=tuple(missing),
            achieved_targets=tuple(achieved),
            suspended_by=tuple(model.benchmarks[local].id for local in suspended_by),
            score=now_score,
            change_12m=change(now_score, score(earlier), assessed(earlier).any),
            assessed=assessed(states),
            progress=tier_progress(model, states),
            states=tuple(states),
        )

    def standings(
        self,
        as_of: dt.date,
        countries: Sequence[str] | None = None,
        areas: Sequence[str] | None = None,
    ) -> list[Standing]:
        """Return every country x area standing at `as_of`, in catalogue order."""
        return [
            self.standing(country, area, as_of)
            for country in self._countries(countries)
            for area in self._areas(areas)
        ]

    def series(
        self,
        dates: Sequence[dt.date],
        countries: Sequence[str] | None = None,
        areas: Sequence[str] | None = None,
    ) -> dict[dt.date, list[Standing]]:
        """Return `standings()` at each of `dates` (one sweep per country x area in all)."""
        selected_countries = self._countries(countries)
        selected_areas = self._areas(areas)
        if len(dates) > 1:
            for country in selected_countries:
                for area in selected_areas:
                    for timeline in self._area_timelines(country, self._models[area]):
                        if timeline is not None:
                            timeline.index_dates()
        return {
            day: [
                self.standing(country, area, day)
                for country in selected_countries
                for area in selected_areas
            ]
            for day in dates
        }

    def history(
        self,
        country: str,
        area: str,
        *,
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> tuple[TierInterval, ...]:
        """Return `country`'s standing in `area` over time: the exact intervals over which its
        tier, raw tier and status held, in date order, each ending where the next starts.

        The first interval starts at `since`; with `since` None, at the first change of
        standing (none at all: empty, the standing was tier 0, stable, throughout). The last
        interval ends the day after `until` (exclusive); with `until` None, its `end` is None.
        Empty if `until` is before `since`. `standing(country, area, d)` has the tier, raw
        tier and status of the interval containing `d`. KeyError for an unknown id.
        """
        history = self._history(country, area)
        if since is None:
            if not history.starts:
                return ()
            since = history.starts[0]
        return tier_intervals(history, since, until)

    def changes(
        self,
        until: dt.date,
        since: dt.date | None = None,
        countries: Sequence[str] | None = None,
        areas: Sequence[str] | None = None,
    ) -> list[Change]:
        """Return the changes with `since <= on <= until`, by (date, country, area order)."""
        found = [
            change
            for country in self._countries(countries)
            for area in self._areas(areas)
            for change in self._history(country, area).changes
            if change.on <= until and (since is None or change.on >= since)
        ]
        found.sort(key=lambda c: (c.on, self._country_order[c.country], self._area_order[c.area]))
        return found


def evaluate(
    catalogue: Catalogue,
    observations: Iterable[Observation],
    known_at: dt.datetime | None = None,
    countries: Sequence[str] | None = None,
) -> Evaluation:
    """Return the reusable `Evaluation` of `observations` recorded at or before `known_at`.

    `countries` restricts the evaluation (and the work) to those countries.
    """
    return Evaluation(catalogue, observations, known_at=known_at, countries=countries)


# -- thin functional wrappers ------------------------------------------------------------------


def benchmark_state(
    catalogue: Catalogue,
    country: str,
    benchmark_id: str,
    observations: Iterable[Observation],
    as_of: dt.date,
    known_at: dt.datetime | None = None,
) -> BenchmarkState:
    """Return the status of `benchmark_id` in `country` at `as_of` and what it rests on.

    The latest observation with `observed_on <= as_of` wins (ties: later `recorded_at`, then
    higher `id`); a `met` lapses to `not_met` once `observed_on + validity_days <= as_of`
    (`expired`; `lapsed_on` says when). No observation: `unknown`, or `presumed` for a
    presumed integrity benchmark.
    """
    relevant = (o for o in observations if o.benchmark == benchmark_id)
    return evaluate(catalogue, relevant, known_at, countries=[country]).benchmark_state(
        country, benchmark_id, as_of
    )


def standing(
    catalogue: Catalogue,
    country: str,
    area: str,
    observations: Iterable[Observation],
    as_of: dt.date,
    known_at: dt.datetime | None = None,
) -> Standing:
    """Return `country`'s standing in `area` at `as_of`, from evidence recorded by `known_at`.

    The held tier advances at once, falls only after the area's grace period (`on_notice`
    meanwhile), and is suspended at once by a confirmed breach (an integrity benchmark it
    relies on observed `not_met`).
    """
    return evaluate(catalogue, observations, known_at, countries=[country]).standing(
        country, area, as_of
    )


def standings(
    catalogue: Catalogue,
    observations: Iterable[Observation],
    as_of: dt.date,
    known_at: dt.datetime | None = None,
    countries: Sequence[str] | None = None,
    areas: Sequence[str] | None = None,
) -> list[Standing]:
    """Return every country x area standing at `as_of`, by catalogue country then area order."""
    return evaluate(catalogue, observations, known_at, countries=countries).standings(
        as_of, countries, areas
    )


def standings_series(
    catalogue: Catalogue,
    observations: Iterable[Observation],
    dates: Sequence[dt.date],
    known_at: dt.datetime | None = None,
    countries: Sequence[str] | None = None,
    areas: Sequence[str] | None = None,
) -> dict[dt.date, list[Standing]]:
    """Return `standings()` at each of `dates`, from one sweep of the history."""
    return evaluate(catalogue, observations, known_at, countries=countries).series(
        dates, countries, areas
    )


def changes(
    catalogue: Catalogue,
    observations: Iterable[Observation],
    until: dt.date,
    since: dt.date | None = None,
    known_at: dt.datetime | None = None,
    countries: Sequence[str] | None = None,
    areas: Sequence[str] | None = None,
) -> list[Change]:
    """Return the changes of standing with `since <= on <= until` (both inclusive).

    Sorted by (date, catalogue country order, catalogue area order).
    """
    return evaluate(catalogue, observations, known_at, countries=countries).changes(
        until, since, countries, areas
    )
