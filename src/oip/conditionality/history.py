"""One country's standing in one area over time, as the sweep recorded it. Pure: no Django."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from oip.conditionality.transition import INITIAL, STATUS_NAMES, Snapshot
from oip.conditionality.types import Change, TierInterval

__all__ = ["History", "tier_intervals", "tier_steps"]


@dataclass(frozen=True, slots=True)
class History:
    """The standing from each of `starts` on (`snapshots`, same length), and every change.

    Before the first start (or always, with no start) the standing is `INITIAL`.
    """

    starts: list[dt.date]
    snapshots: list[Snapshot]
    changes: tuple[Change, ...]

    def at(self, on: dt.date) -> Snapshot:
        """Return the standing held on `on`."""
        k = bisect_right(self.starts, on) - 1
        return self.snapshots[k] if k >= 0 else INITIAL


def tier_intervals(
    history: History, since: dt.date, until: dt.date | None = None
) -> tuple[TierInterval, ...]:
    """Return the intervals of unchanged (tier, raw tier, status) covering `since`..`until`.

    Both ends are inclusive days: the first interval starts at `since`, the last ends
    (exclusively) the day after `until`; with `until` None the last one has `end` None (it
    still holds). Snapshots differing only in what a chart does not draw (`since`, the notice's
    end, which benchmarks suspend) are merged. Empty if `until` is before `since`.
    """
    if until is not None and until < since:
        return ()
    first = bisect_right(history.starts, since) - 1
    snapshot = history.snapshots[first] if first >= 0 else INITIAL
    intervals: list[TierInterval] = []
    start, key = since, (snapshot.tier, snapshot.raw_tier, snapshot.status)
    for k in range(first + 1, len(history.starts)):
        day, following = history.starts[k], history.snapshots[k]
        if until is not None and day > until:
            break
        following_key = (following.tier, following.raw_tier, following.status)
        if following_key != key:
            intervals.append(TierInterval(start, day, key[0], key[1], STATUS_NAMES[key[2]]))
            start, key = day, following_key
    end = until + dt.timedelta(days=1) if until is not None else None
    intervals.append(TierInterval(start, end, key[0], key[1], STATUS_NAMES[key[2]]))
    return tuple(intervals)


def tier_steps(intervals: Sequence[TierInterval]) -> tuple[tuple[dt.date, int], ...]:
    """Return the (day, tier) points a step chart of the held tier draws from `intervals`.

    One point where each run of equal held tiers starts (a change of raw tier or status alone
    draws nothing), then, for a closed window (the last `end` not None), one at its last day so
    the line reaches it. Each point holds "from this day on" (step-after). Empty for none.
    """
    points: list[tuple[dt.date, int]] = []
    for interval in intervals:
        if not points or points[-1][1] != interval.tier:
            points.append((interval.start, interval.tier))
    if intervals and intervals[-1].end is not None:
        last_day = intervals[-1].end - dt.timedelta(days=1)
        if points[-1][0] != last_day:
            points.append((last_day, intervals[-1].tier))
    return tuple(points)
