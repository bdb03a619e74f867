"""One country in one area: replay its evidence in date order and record its standing over time.

The sweep walks only the days on which a benchmark starts or stops being satisfied, or an
integrity benchmark starts or stops being breached (an observed `not_met`), plus notice expiries:
other status changes (partial <-> not_met elsewhere) cannot move a standing, so they are only
looked up, by bisect, to name the cause of a change. A presumed benchmark is satisfied from the
start; if presumed benchmarks alone reach a tier, the standing holds it from the start, with no
change recorded. Counters of satisfied benchmarks per target
and achieved targets per tier are kept incrementally; `transition()` applies rule 4 on each day
that could move the standing. Pure: no Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from itertools import repeat

from oip.conditionality.history import History
from oip.conditionality.model import AreaModel
from oip.conditionality.timeline import BREACH, SATISFIED_VALUE, Timeline
from oip.conditionality.transition import (
    INITIAL,
    ON_NOTICE,
    STABLE,
    Held,
    Snapshot,
    change_kind,
    transition,
)
from oip.conditionality.types import Change

__all__ = ["sweep"]

# (day, benchmark's index in its area, its value from that day on: see `oip.conditionality.timeline`)
_Flip = tuple[dt.date, int, int]


def _flips(timelines: Sequence[Timeline | None]) -> list[_Flip]:
    """Return every benchmark's satisfied flips in the area, in date order."""
    flips: list[_Flip] = []
    for local, timeline in enumerate(timelines):
        if timeline is not None:
            flips.extend(
                zip(
                    timeline.flip_dates,
                    repeat(local, len(timeline.flip_dates)),
                    timeline.flip_values,
                    strict=True,
                )
            )
    flips.sort()
    return flips


def _next_day(flips: Sequence[_Flip], i: int, notice_until: dt.date | None) -> dt.date | None:
    """Return the next day to look at: the next flip's, or a notice expiring before it."""
    next_flip = flips[i][0] if i < len(flips) else None
    if notice_until is not None and (next_flip is None or notice_until < next_flip):
        return notice_until
    return next_flip


class _Counters:
    """Which benchmarks are satisfied, how many per target, how many targets (and core targets)
    are achieved per tier. Presumed benchmarks start satisfied."""

    __slots__ = (
        "achieved_per_tier",
        "core_achieved_per_tier",
        "satisfied",
        "satisfied_count",
        "target_core",
        "target_of",
        "target_size",
        "target_tier",
        "tier_of",
    )

    def __init__(self, model: AreaModel) -> None:
        benchmarks = model.benchmarks
        self.target_of = [spec.target_index for spec in benchmarks]
        self.tier_of = [spec.tier for spec in benchmarks]
        self.target_size = [len(target.benchmarks) for target in model.targets]
        self.target_tier = [target.tier for target in model.targets]
        self.target_core = [target.core for target in model.targets]
        self.satisfied = [spec.presumed for spec in benchmarks]
        self.satisfied_count = [sum(b.presumed for b in t.benchmarks) for t in model.targets]
        self.achieved_per_tier = [0] * (model.max_tier + 1)
        self.core_achieved_per_tier = [0] * (model.max_tier + 1)
        for target, count in enumerate(self.satisfied_count):
            if count and count == self.target_size[target]:
                self._count_achieved(target, 1)

    def _count_achieved(self, target: int, step: int) -> None:
        tier = self.target_tier[target]
        self.achieved_per_tier[tier] += step
        if self.target_core[target]:
            self.core_achieved_per_tier[tier] += step

    def apply_day(
        self, flips: Sequence[_Flip], i: int, day: dt.date, held_tier: int
    ) -> tuple[int, bool, list[int]]:
        """Apply the flips of `day` from index `i`.

        Return the index after them, whether a target became or stopped being achieved, and
        the integrity benchmarks of a held tier (<= `held_tier`) breached that day (an observed
        `not_met`: a lapse or a `partial` never suspends).
        """
        achieved_changed = False
        breached: list[int] = []
        count = len(flips)
        while i < count and flips[i][0] == day:
            _, local, value = flips[i]
            i += 1
            now = value == SATISFIED_VALUE
            if value == BREACH and self.tier_of[local] <= held_tier:
                breached.append(local)
            if now == self.satisfied[local]:
                continue  # a breach beginning or ending on an unsatisfied benchmark
            self.satisfied[local] = now
            target = self.target_of[local]
            if now:
                self.satisfied_count[target] += 1
                if self.satisfied_count[target] == self.target_size[target]:
                    self._count_achieved(target, 1)
                    achieved_changed = True
            else:
                if self.satisfied_count[target] == self.target_size[target]:
                    self._count_achieved(target, -1)
                    achieved_changed = True
                self.satisfied_count[target] -= 1
        return i, achieved_changed, breached

    def still_suspending(
        self, suspended_by: tuple[int, ...], breached: list[int]
    ) -> tuple[int, ...]:
        """Return the suspending benchmarks: those not satisfied again, and the new ones."""
        if not (suspended_by or breached):
            return ()
        return tuple(sorted({b for b in suspended_by if not self.satisfied[b]} | set(breached)))

    def breach_tier(self, suspended_by: tuple[int, ...]) -> int | None:
        """Return the lowest tier among the suspending benchmarks (None: no suspension)."""
        return min(self.tier_of[b] for b in suspended_by) if suspended_by else None


class _Recorder:
    """Keeps the snapshots and the changes of one sweep, and names each change's cause."""

    def __init__(self, country: str, model: AreaModel, timelines: Sequence[Timeline | None]):
        self.country = country
        self.model = model
        self.timelines = timelines
        self.since: dt.date | None = None
        self.notice_cause: set[int] = set()
        self.starts: list[dt.date] = []
        self.snapshots: list[Snapshot] = []
        self.changes: list[Change] = []
        self.last = INITIAL

    def changed_on(self, day: dt.date) -> set[int]:
        """Return the benchmarks whose status changed on `day`."""
        return {
            local
            for local, timeline in enumerate(self.timelines)
            if timeline is not None and timeline.changed_on(day)
        }

    def record(
        self, day: dt.date, before: Held, after: Held, raw_tier: int, suspended_by: tuple[int, ...]
    ) -> None:
        """Record the standing after `day`, and the change from `before` if there is one.

        A notice names the benchmarks that changed when it began; a fall at its end names
        those plus any that changed on the day it fell.
        """
        kind = change_kind(before, after)
        if kind is not None:
            self.since = day
            cause = self.changed_on(day)
            if kind == "on_notice":
                self.notice_cause = cause
            elif kind == "fell" and before.status == ON_NOTICE:
                cause = cause | self.notice_cause
            self.changes.append(
                Change(
                    country=self.country,
                    area=self.model.id,
                    on=day,
                    kind=kind,
                    tier_before=before.tier,
                    tier_after=after.tier,
                    cause=tuple(self.model.benchmarks[local].id for local in sorted(cause)),
                )
            )
        snapshot = Snapshot(
            after.tier, raw_tier, after.status, self.since, after.notice_until, suspended_by
        )
        if snapshot != self.last:
            self.starts.append(day)
            self.snapshots.append(snapshot)
            self.last = snapshot

    def history(self) -> History:
        return History(self.starts, self.snapshots, tuple(self.changes))


def sweep(country: str, model: AreaModel, timelines: Sequence[Timeline | None]) -> History:
    """Replay `country`'s evidence in `model`'s area and return its standing over time.

    `timelines` holds one timeline per benchmark of the area, in area order (None: no
    observation).
    """
    flips = _flips(timelines)
    counters = _Counters(model)
    recorder = _Recorder(country, model, timelines)
    held = Held(0, STABLE, None)
    raw_tier = model.raw_tier(counters.achieved_per_tier, counters.core_achieved_per_tier)
    if raw_tier > 0:  # presumed benchmarks alone reach it: held from the start, no change
        held = Held(raw_tier, STABLE, None)
        recorder.starts.append(dt.date.min)
        recorder.snapshots.append(Snapshot(raw_tier, raw_tier, STABLE, None, None, ()))
        recorder.last = recorder.snapshots[-1]
    suspended_by: tuple[int, ...] = ()
    i = 0
    while (day := _next_day(flips, i, held.notice_until)) is not None:
        i, achieved_changed, breached = counters.apply_day(flips, i, day, held.tier)
        if not (achieved_changed or breached or suspended_by or day == held.notice_until):
            continue  # nothing that can move the standing changed today
        raw_tier = model.raw_tier(counters.achieved_per_tier, counters.core_achieved_per_tier)
        suspended_by = counters.still_suspending(suspended_by, breached)
        after = transition(held, raw_tier, counters.breach_tier(suspended_by), day, model.grace)
        recorder.record(day, held, after, raw_tier, suspended_by)
        held = after
    return recorder.history()
