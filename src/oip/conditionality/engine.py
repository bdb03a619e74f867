"""The conditionality engine: evidence -> benchmark status -> target -> tier -> standing.

Implements DESIGN.md "Conditionality" exactly. Pure: takes a `Catalogue` and `Observation`s,
returns `BenchmarkState`, `Standing` and `Change` values; imports nothing from Django.

How it works, for speed: observations are grouped once by (country, benchmark) and sorted
once by date into a per-benchmark timeline, from which C-level passes extract the dates the
benchmark starts or stops being satisfied (lapses included). Each country x area is then swept
once over those dates and its notice expiries, keeping satisfied/achieved counters
incrementally; its history is kept as intervals, so the standing at any date is a bisect.
`evaluate()` returns that reusable `Evaluation` (cache one per data version); the module-level
functions are thin wrappers around it. Benchmark states are computed on demand by bisect.

Rules beyond the letter of DESIGN.md (decisions, stated once here):
- "Satisfied" means `met` or `not_applicable`; an integrity benchmark "stops being met" when it
  goes from satisfied to anything else (a newer observation or a lapse).
- An integrity benchmark at tier T suspends only if T <= the held tier on that date. While
  suspended the held tier is `min(raw, lowest suspending tier - 1)` and follows the raw tier at
  once in both directions (no grace). When every suspending benchmark is satisfied again the
  held tier becomes the raw tier and the status `stable` (`advanced` if the tier rose, else
  `restored`).
- With `grace_days == 0` a drop of the raw tier takes the held tier down the same day: a single
  `fell` change, no `on_notice`.
- A `fell` at the end of a grace period names as `cause` the benchmarks that put the standing on
  notice, plus any whose status changed on the day it fell.
- A tier level with no targets below the area's highest populated tier counts as satisfied;
  tiers above it cannot be reached.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby, islice, repeat
from operator import attrgetter, gt, itemgetter
from typing import Final

from oip.catalogue.schema import Catalogue
from oip.conditionality.types import (
    BenchmarkState,
    Change,
    ChangeKind,
    Observation,
    Standing,
    StandingStatus,
    Who,
)

__all__ = [
    "Evaluation",
    "benchmark_state",
    "changes",
    "evaluate",
    "standing",
    "standings",
    "standings_series",
    "targets_needed",
]

_SATISFIED_STATUS: Final[dict[str, bool]] = {
    "met": True,
    "not_applicable": True,
    "partial": False,
    "not_met": False,
}

# Standing statuses as small ints inside the sweep; names only at the boundary.
_STABLE: Final = 0
_ON_NOTICE: Final = 1
_SUSPENDED: Final = 2
_STANDING_STATUS_NAMES: Final[tuple[StandingStatus, ...]] = ("stable", "on_notice", "suspended")

_SATISFIED_NAMES: Final = frozenset(s for s, ok in _SATISFIED_STATUS.items() if ok)

# The timeline encodes each observation's status as its length, one byte each (a C-level
# pass: `bytes(map(len, statuses))`), and finds satisfied runs with a regex. That works only
# while the satisfied and unsatisfied statuses have distinct lengths; checked at import.
_SATISFIED_LENGTHS: Final = frozenset(len(s) for s, ok in _SATISFIED_STATUS.items() if ok)
if _SATISFIED_LENGTHS & {len(s) for s, ok in _SATISFIED_STATUS.items() if not ok}:
    raise RuntimeError("status names no longer differ in length; change the timeline encoding")
_SATISFIED_RUN: Final = re.compile(b"[" + re.escape(bytes(sorted(_SATISFIED_LENGTHS))) + b"]+")
_MET_LENGTH: Final = len("met")
_ONE_DAY: Final = dt.timedelta(days=1)

# Observation is a named tuple: reading fields by position skips the property lookup, and
# these two run over every observation (Observation._fields gives the positions).
_OBSERVED_ON: Final = itemgetter(Observation._fields.index("observed_on"))
_STATUS: Final = itemgetter(Observation._fields.index("status"))
_RECORD_ORDER: Final = attrgetter("recorded_at", "id")
# Observation is a named tuple: (country, benchmark, ...) by position is the cheapest key.
_COUNTRY_BENCHMARK: Final = itemgetter(
    Observation._fields.index("country"), Observation._fields.index("benchmark")
)


# -- the catalogue, compiled once per evaluation -----------------------------------------------


@dataclass(frozen=True, slots=True)
class _BenchmarkSpec:
    id: str
    target: str
    target_index: int  # index of the target within its area
    local_index: int  # index of the benchmark within its area (catalogue order)
    tier: int
    who: Who
    kind: str
    validity: dt.timedelta | None
    unknown_state: BenchmarkState


@dataclass(frozen=True, slots=True)
class _TargetSpec:
    id: str
    tier: int
    benchmarks: tuple[_BenchmarkSpec, ...]


@dataclass(frozen=True, slots=True)
class _AreaModel:
    id: str
    grace: dt.timedelta
    targets: tuple[_TargetSpec, ...]
    benchmarks: tuple[_BenchmarkSpec, ...]
    max_tier: int
    targets_per_tier: tuple[int, ...]  # index = tier level, 0 unused
    needed_per_tier: tuple[int, ...]  # achieved targets a tier needs to meet the quorum

    def raw_tier(self, achieved_per_tier: Sequence[int]) -> int:
        """Return the highest tier whose level and every level below meet the quorum."""
        raw = 0
        for level in range(1, self.max_tier + 1):
            if achieved_per_tier[level] < self.needed_per_tier[level]:
                break
            raw = level
        return raw

    def next_tier(self, tier: int) -> int | None:
        """Return `tier + 1` if the area has targets at that level, else None."""
        following = tier + 1
        if following <= self.max_tier and self.targets_per_tier[following] > 0:
            return following
        return None


def targets_needed(targets: int, quorum: float) -> int:
    """Return the fewest achieved targets out of `targets` whose share is >= `quorum`.

    A tier level with no targets needs none. The share is compared as a float, exactly as
    DESIGN.md states it ("the share of achieved tier-t targets is at least the quorum").
    """
    if targets == 0:
        return 0
    for achieved in range(targets + 1):
        if achieved / targets >= quorum:
            return achieved
    return targets


def _compile(catalogue: Catalogue) -> dict[str, _AreaModel]:
    models: dict[str, _AreaModel] = {}
    for area in catalogue.areas:
        targets = catalogue.targets_in(area.id)
        max_tier = max((t.tier for t in targets), default=0)
        per_tier = [0] * (max_tier + 1)
        for target in targets:
            per_tier[target.tier] += 1
        needed = [0] + [targets_needed(n, area.quorum) for n in per_tier[1:]]
        target_specs: list[_TargetSpec] = []
        benchmark_specs: list[_BenchmarkSpec] = []
        for target_index, target in enumerate(targets):
            specs: list[_BenchmarkSpec] = []
            for benchmark in target.benchmarks:
                who = target.benchmark_who(benchmark)
                spec = _BenchmarkSpec(
                    id=benchmark.id,
                    target=target.id,
                    target_index=target_index,
                    local_index=len(benchmark_specs),
                    tier=target.tier,
                    who=who,
                    kind=benchmark.kind,
                    validity=(
                        dt.timedelta(days=benchmark.validity_days)
                        if benchmark.validity_days is not None
                        else None
                    ),
                    unknown_state=BenchmarkState(
                        benchmark=benchmark.id,
                        target=target.id,
                        tier=target.tier,
                        who=who,
                        kind=benchmark.kind,
                        status="unknown",
                    ),
                )
                specs.append(spec)
                benchmark_specs.append(spec)
            target_specs.append(_TargetSpec(target.id, target.tier, tuple(specs)))
        models[area.id] = _AreaModel(
            id=area.id,
            grace=dt.timedelta(days=area.grace_days),
            targets=tuple(target_specs),
            benchmarks=tuple(benchmark_specs),
            max_tier=max_tier,
            targets_per_tier=tuple(per_tier),
            needed_per_tier=tuple(needed),
        )
    return models


# -- one benchmark in one country --------------------------------------------------------------


class _Timeline:
    """The observations of one benchmark in one country, as status over time.

    `observations` are sorted by `observed_on` (same-day records in any order: the winner of a
    day, the last recorded then highest id, is picked where it matters). `flip_dates` and
    `flip_satisfied` are the dates on which the benchmark starts or stops being satisfied,
    lapses included. Built with C-level passes (a byte string of status codes and a regex)
    plus Python work only where the satisfied value changes: this runs over every observation.
    """

    __slots__ = (
        "_dates",
        "_lapse_days",
        "_states",
        "flip_dates",
        "flip_satisfied",
        "observations",
        "spec",
    )

    def __init__(self, spec: _BenchmarkSpec, observations: list[Observation]) -> None:
        self.spec = spec
        # The database hands observations over already in date order; checking that at C
        # speed is cheaper than a keyed sort, which only runs for input in another order.
        dates = list(map(_OBSERVED_ON, observations))
        if any(map(gt, dates, islice(dates, 1, None))):
            observations.sort(key=_OBSERVED_ON)
            dates = list(map(_OBSERVED_ON, observations))
        self.observations = observations
        self._states: dict[int, BenchmarkState] = {}
        self._dates: list[dt.date] | None = dates
        count = len(observations)
        satisfied = bytes(map(len, map(_STATUS, observations)))
        # Indices where the raw satisfied value changes: the only places a day can differ
        # from the day before, unless a same-day tie or a lapse intervenes (added below).
        marks: set[int] = set()
        for run in _SATISFIED_RUN.finditer(satisfied):
            marks.add(run.start())
            marks.add(run.end())
        lapses: dict[int, dt.date] = {}  # last index of a day -> the date its `met` lapses
        validity = spec.validity
        if validity is not None and _MET_LENGTH in satisfied:
            for k in _gaps_longer_than(dates, validity):
                if self._winner(k).status == "met":
                    lapses[k] = dates[k] + validity
                    marks.add(k + 1)
        self._lapse_days = frozenset(lapses.values())
        points: list[tuple[dt.date, bool]] = [(day, False) for day in lapses.values()]
        seen: set[int] = set()
        for mark in sorted(marks):
            if mark >= count:
                continue
            first, last = self._day_run(mark)
            if first in seen:
                continue
            seen.add(first)
            points.append((observations[first].observed_on, self._day_satisfied(last)))
            if last > first and last + 1 < count:  # a tie: the next day may differ from it
                marks_after = self._day_run(last + 1)
                if marks_after[0] not in seen:
                    seen.add(marks_after[0])
                    points.append(
                        (
                            observations[marks_after[0]].observed_on,
                            self._day_satisfied(marks_after[1]),
                        )
                    )
        points.sort()
        flip_dates: list[dt.date] = []
        flip_satisfied: list[bool] = []
        current = False
        for day, value in points:
            if value != current:
                flip_dates.append(day)
                flip_satisfied.append(value)
                current = value
        self.flip_dates = flip_dates
        self.flip_satisfied = flip_satisfied

    def _day_run(self, index: int) -> tuple[int, int]:
        """Return the first and last index of the observations dated like `index`."""
        observations = self.observations
        day = observations[index].observed_on
        first = last = index
        while first > 0 and observations[first - 1].observed_on == day:
            first -= 1
        while last + 1 < len(observations) and observations[last + 1].observed_on == day:
            last += 1
        return first, last

    def _winner(self, last: int) -> Observation:
        """Return the winning observation of the day whose last index is `last`."""
        observations = self.observations
        day = observations[last].observed_on
        first = last
        while first > 0 and observations[first - 1].observed_on == day:
            first -= 1
        if first == last:
            return observations[last]
        return max(observations[first : last + 1], key=_RECORD_ORDER)

    def _day_satisfied(self, last: int) -> bool:
        return _SATISFIED_STATUS[self._winner(last).status]

    def index_dates(self) -> None:
        """Keep a list of the observation dates, for timelines about to be asked many dates."""
        if self._dates is None:
            self._dates = list(map(_OBSERVED_ON, self.observations))

    def _last_on_or_before(self, on: dt.date) -> int:
        if self._dates is not None:
            return bisect_right(self._dates, on) - 1
        return bisect_right(self.observations, on, key=_OBSERVED_ON) - 1

    def state(self, on: dt.date) -> BenchmarkState:
        """Return the benchmark's state at `on` (memoised: one value per interval)."""
        k = self._last_on_or_before(on)
        if k < 0:
            return self.spec.unknown_state
        observation = self._winner(k)
        lapse = None
        if observation.status == "met" and self.spec.validity is not None:
            lapse = observation.observed_on + self.spec.validity
        lapsed = lapse is not None and lapse <= on
        key = 2 * k + lapsed
        state = self._states.get(key)
        if state is None:
            spec = self.spec
            state = BenchmarkState(
                benchmark=spec.id,
                target=spec.target,
                tier=spec.tier,
                who=spec.who,
                kind=spec.kind,
                status="not_met" if lapsed else observation.status,
                observed_on=observation.observed_on,
                lapsed_on=lapse if lapsed else None,
                observation_id=observation.id,
                valid_until=lapse,
            )
            self._states[key] = state
        return state

    def status(self, on: dt.date) -> str:
        """Return the benchmark's status at `on` (as `state(on).status`, without building it)."""
        k = self._last_on_or_before(on)
        if k < 0:
            return "unknown"
        observation = self._winner(k)
        validity = self.spec.validity
        if (
            observation.status == "met"
            and validity is not None
            and observation.observed_on + validity <= on
        ):
            return "not_met"
        return observation.status

    def changed_on(self, day: dt.date) -> bool:
        """Return whether the status changed on `day` (an observation or a lapse)."""
        if day in self._lapse_days:
            return True  # a lapse is never on an observation day: that observation supersedes
        k = self._last_on_or_before(day)
        if k < 0 or self.observations[k].observed_on != day:
            return False
        return self.status(day) != self.status(day - _ONE_DAY)


def _gaps_longer_than(dates: list[dt.date], validity: dt.timedelta) -> list[int]:
    """Return every k with `dates[k] + validity < dates[k + 1]`, and the last index.

    Jumps by bisect: if the last date within `dates[i] + validity` is at j > i, no gap between
    i and j can be longer than `validity`, so only about span / validity steps are taken.
    """
    found: list[int] = []
    last = len(dates) - 1
    i = 0
    while i < last:
        j = bisect_right(dates, dates[i] + validity, i) - 1
        if j == i:
            found.append(i)
            i += 1
        else:
            i = j
    if last >= 0:
        found.append(last)
    return found


# -- one country in one area: the sweep --------------------------------------------------------

# (held tier, raw tier, status code, since, notice_until, suspending benchmarks' local indices)
_Snapshot = tuple[int, int, int, dt.date | None, dt.date | None, tuple[int, ...]]
_INITIAL: Final[_Snapshot] = (0, 0, _STABLE, None, None, ())


@dataclass(frozen=True, slots=True)
class _History:
    starts: list[dt.date]
    snapshots: list[_Snapshot]
    changes: tuple[Change, ...]

    def at(self, on: dt.date) -> _Snapshot:
        k = bisect_right(self.starts, on) - 1
        return self.snapshots[k] if k >= 0 else _INITIAL


def _change_kind(held_before: int, status_before: int, held: int, status: int) -> ChangeKind | None:
    if status == _SUSPENDED and status_before != _SUSPENDED:
        return "suspended"
    if status_before == _SUSPENDED and status != _SUSPENDED:
        return "advanced" if held > held_before else "restored"
    if held > held_before:
        return "advanced"
    if held < held_before:
        return "fell"
    if status != status_before:
        return "on_notice" if status == _ON_NOTICE else "restored"
    return None


def _sweep(country: str, model: _AreaModel, timelines: Sequence[_Timeline | None]) -> _History:
    """Replay one country's evidence in one area and return its standing over time.

    Walks the days on which a benchmark starts or stops being satisfied, and notice expiries;
    other status changes (partial <-> not_met) cannot move a standing, so they are only looked
    up, by bisect, to name the cause of a change.
    """
    events: list[tuple[dt.date, int, bool]] = []
    for local, timeline in enumerate(timelines):
        if timeline is not None:
            events.extend(
                zip(
                    timeline.flip_dates,
                    repeat(local, len(timeline.flip_dates)),
                    timeline.flip_satisfied,
                    strict=True,
                )
            )
    events.sort()

    benchmarks = model.benchmarks
    target_of = [spec.target_index for spec in benchmarks]
    tier_of = [spec.tier for spec in benchmarks]
    integrity = [spec.kind == "integrity" for spec in benchmarks]
    target_size = [len(target.benchmarks) for target in model.targets]
    target_tier = [target.tier for target in model.targets]

    satisfied = [False] * len(benchmarks)
    satisfied_count = [0] * len(model.targets)
    achieved_per_tier = [0] * (model.max_tier + 1)
    held = raw = 0
    standing_status = _STABLE
    notice_until: dt.date | None = None
    notice_cause: set[int] = set()
    suspended_by: tuple[int, ...] = ()
    since: dt.date | None = None

    starts: list[dt.date] = []
    snapshots: list[_Snapshot] = []
    changes: list[Change] = []
    last_snapshot = _INITIAL

    def changed_on(day: dt.date) -> set[int]:
        return {
            local
            for local, timeline in enumerate(timelines)
            if timeline is not None and timeline.changed_on(day)
        }

    i = 0
    count = len(events)
    while True:
        next_event = events[i][0] if i < count else None
        if notice_until is not None and (next_event is None or notice_until < next_event):
            day = notice_until
        elif next_event is None:
            break
        else:
            day = next_event

        achieved_changed = False
        stopped_integrity: list[int] = []
        while i < count and events[i][0] == day:
            _, local, now = events[i]
            i += 1
            satisfied[local] = now
            target = target_of[local]
            if now:
                satisfied_count[target] += 1
                if satisfied_count[target] == target_size[target]:
                    achieved_per_tier[target_tier[target]] += 1
                    achieved_changed = True
            else:
                if satisfied_count[target] == target_size[target]:
                    achieved_per_tier[target_tier[target]] -= 1
                    achieved_changed = True
                satisfied_count[target] -= 1
                if integrity[local] and tier_of[local] <= held:
                    stopped_integrity.append(local)
        if not (achieved_changed or stopped_integrity or suspended_by or day == notice_until):
            continue  # nothing that can move the standing changed today
        raw = model.raw_tier(achieved_per_tier)

        held_before, status_before = held, standing_status
        if suspended_by or stopped_integrity:
            suspended_by = tuple(
                sorted([b for b in suspended_by if not satisfied[b]] + stopped_integrity)
            )
        if suspended_by:
            held = min(raw, min(tier_of[b] for b in suspended_by) - 1)
            standing_status = _SUSPENDED
            notice_until = None
        elif standing_status == _SUSPENDED or raw >= held:
            held = raw
            standing_status = _STABLE
            notice_until = None
        else:
            if standing_status == _STABLE:
                standing_status = _ON_NOTICE
                notice_until = day + model.grace
                notice_cause = changed_on(day)
            if notice_until is not None and notice_until <= day:
                held = raw
                standing_status = _STABLE
                notice_until = None

        kind = _change_kind(held_before, status_before, held, standing_status)
        if kind is not None:
            since = day
            cause = notice_cause if kind == "on_notice" else changed_on(day)
            if kind == "fell" and status_before == _ON_NOTICE:
                cause = cause | notice_cause
            changes.append(
                Change(
                    country=country,
                    area=model.id,
                    on=day,
                    kind=kind,
                    tier_before=held_before,
                    tier_after=held,
                    cause=tuple(benchmarks[local].id for local in sorted(cause)),
                )
            )
        snapshot = (held, raw, standing_status, since, notice_until, suspended_by)
        if snapshot != last_snapshot:
            starts.append(day)
            snapshots.append(snapshot)
            last_snapshot = snapshot
    return _History(starts, snapshots, tuple(changes))


# -- the reusable evaluation -------------------------------------------------------------------


class Evaluation:
    """Every standing a set of observations supports, as known at `known_at`.

    Build it with `evaluate()`; it is immutable in meaning (the same question always gets the
    same answer) and computes each country x area history on first use, then caches it, so one
    instance per data version can serve every date. Observations of countries or benchmarks not
    in the catalogue (or outside `countries`) are ignored. Safe to share between threads: the
    lazy caches only ever gain entries equal to what any thread would compute (at worst twice).
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
        self._models = _compile(catalogue)
        self._country_order = {code: k for k, code in enumerate(catalogue.country_codes())}
        self._area_order = {area.id: k for k, area in enumerate(catalogue.areas)}
        self._specs = {
            spec.id: spec for model in self._models.values() for spec in model.benchmarks
        }
        self._area_of = {
            spec.id: model.id for model in self._models.values() for spec in model.benchmarks
        }
        wanted = set(self._countries(countries))
        if known_at is not None:
            observations = (o for o in observations if o.recorded_at <= known_at)
        # country -> benchmark -> observations. groupby() runs at C speed over runs of equal
        # keys, so input ordered by (country, benchmark) -- as the database hands it over --
        # is grouped in one pass per run; any other order is still grouped correctly.
        groups: dict[str, dict[str, list[Observation]]] = {code: {} for code in wanted}
        specs = self._specs
        for (country, benchmark), run in groupby(observations, key=_COUNTRY_BENCHMARK):
            by_benchmark = groups.get(country)
            if by_benchmark is None or benchmark not in specs:
                continue
            group = by_benchmark.get(benchmark)
            if group is None:
                by_benchmark[benchmark] = list(run)
            else:
                group.extend(run)
        self._groups = groups
        self._timelines: dict[tuple[str, str], _Timeline | None] = {}
        self._histories: dict[tuple[str, str], _History] = {}
        self._area_timeline_cache: dict[tuple[str, str], list[_Timeline | None]] = {}

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

    def _timeline(self, country: str, benchmark: str) -> _Timeline | None:
        key = (country, benchmark)
        if key not in self._timelines:
            group = self._groups.get(country, {}).get(benchmark)
            self._timelines[key] = (
                _Timeline(self._specs[benchmark], group) if group is not None else None
            )
        return self._timelines[key]

    def _area_timelines(self, country: str, model: _AreaModel) -> list[_Timeline | None]:
        key = (country, model.id)
        timelines = self._area_timeline_cache.get(key)
        if timelines is None:
            timelines = [self._timeline(country, spec.id) for spec in model.benchmarks]
            self._area_timeline_cache[key] = timelines
        return timelines

    def _history(self, country: str, area: str) -> _History:
        key = (country, area)
        history = self._histories.get(key)
        if history is None:
            model = self._models[area]
            history = _sweep(country, model, self._area_timelines(country, model))
            self._histories[key] = history
        return history

    # -- questions --
    def benchmark_state(self, country: str, benchmark: str, as_of: dt.date) -> BenchmarkState:
        """Return `benchmark`'s state in `country` at `as_of`; KeyError if either is unknown."""
        self._countries([country])
        spec = self._specs[benchmark]
        timeline = self._timeline(country, benchmark)
        return timeline.state(as_of) if timeline is not None else spec.unknown_state

    def standing(self, country: str, area: str, as_of: dt.date) -> Standing:
        """Return `country`'s standing in `area` at `as_of`, with its explanation.

        KeyError if the country or area is not in the catalogue.
        """
        if country not in self._country_order:
            raise KeyError(country)
        model = self._models[area]
        held, raw, status, since, notice_until, suspended_by = self._history(country, area).at(
            as_of
        )
        states = [
            timeline.state(as_of) if timeline is not None else spec.unknown_state
            for timeline, spec in zip(
                self._area_timelines(country, model), model.benchmarks, strict=True
            )
        ]
        next_tier = model.next_tier(held)
        explained_up_to = next_tier if next_tier is not None else held
        holding: list[BenchmarkState] = []
        missing: list[BenchmarkState] = []
        achieved: list[str] = []
        start = 0
        for target in model.targets:  # a target's benchmarks are contiguous in area order
            end = start + len(target.benchmarks)
            unsatisfied = [s for s in states[start:end] if s.status not in _SATISFIED_NAMES]
            if not unsatisfied:
                achieved.append(target.id)
                if target.tier <= held:
                    holding.extend(states[start:end])
            elif target.tier <= explained_up_to:
                missing.extend(unsatisfied)
            start = end
        return Standing(
            country=country,
            area=area,
            as_of=as_of,
            tier=held,
            raw_tier=raw,
            status=_STANDING_STATUS_NAMES[status],
            since=since,
            notice_until=notice_until,
            next_tier=next_tier,
            holding=tuple(holding),
            missing=tuple(missing),
            achieved_targets=tuple(achieved),
            suspended_by=tuple(model.benchmarks[local].id for local in suspended_by),
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
    (`lapsed_on` says when). No observation: `unknown`.
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
    meanwhile), and is suspended at once by a lapsed integrity benchmark it relies on.
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
