"""Region analytics: divergence, uniformity gaps, blockers and next-step priorities.

The region's figures of `docs/contracts.md` (`oip region`). Pure: takes the catalogue and `Standing`s the engine computed
and returns frozen values; imports nothing from Django. Every list is in catalogue order
(areas, then targets and benchmarks, then countries) unless a function says otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from oip.catalogue.schema import Catalogue
from oip.conditionality import Evaluation
from oip.conditionality.model import targets_needed
from oip.conditionality.types import Standing, Who
from oip.region.dates import year_earlier
from oip.region.leaders import leaders, trailing
from oip.region.who import EU_SIDE

__all__ = [
    "AreaDivergence",
    "Blocker",
    "Gap",
    "Priority",
    "RegionSummary",
    "blockers",
    "divergence",
    "priorities",
    "region",
    "region_at",
    "uniformity_gaps",
]

TrendLabel = Literal["converging", "diverging", "steady"]


@dataclass(frozen=True, slots=True)
class AreaDivergence:
    """How far apart the countries' held tiers are in one area, and how that moved in a year.

    `trend` is the change of the mean tier; `trend_label` is about the spread: `converging` if
    the spread is smaller than a year earlier, `diverging` if larger, `steady` if equal (or if
    there is no year-earlier standing to compare with, when `year_ago_*` and `trend` are None).
    """

    area: str
    as_of: dt.date | None
    tiers: dict[str, int]
    mean: float
    spread: int
    two_speed: bool
    year_ago_mean: float | None
    trend: float | None
    trend_label: TrendLabel
    year_ago_spread: int | None = None

    @property
    def leaders(self) -> tuple[str, ...]:
        """The countries holding the area's highest tier (see `oip.region.leaders`)."""
        return leaders(self.tiers)

    @property
    def trailing(self) -> tuple[str, ...]:
        """The countries holding the area's lowest tier (see `oip.region.leaders`)."""
        return trailing(self.tiers)


@dataclass(frozen=True, slots=True)
class Gap:
    """A target achieved by some but not all countries, naming those left out."""

    area: str
    target: str
    tier: int
    achieved_by: tuple[str, ...]
    left_out: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Blocker:
    """An unmet benchmark where the EU side must act (`eu` or `joint`), and for whom."""

    area: str
    target: str
    benchmark: str
    who: Who
    countries: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Priority:
    """A country one or two benchmarks from its next tier in an area.

    `missing` is the smallest set of benchmarks whose being met would reach `next_tier`.
    """

    country: str
    area: str
    tier: int
    next_tier: int
    missing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RegionSummary:
    """Every area's divergence, and the region's gaps, blockers and priorities at `as_of`."""

    as_of: dt.date
    areas: tuple[AreaDivergence, ...]
    gaps: tuple[Gap, ...]
    blockers: tuple[Blocker, ...]
    priorities: tuple[Priority, ...]


def _country_rank(catalogue: Catalogue) -> dict[str, int]:
    return {code: k for k, code in enumerate(catalogue.country_codes())}


def _in_country_order(catalogue: Catalogue, standings: Sequence[Standing]) -> list[Standing]:
    rank = _country_rank(catalogue)
    return sorted(standings, key=lambda s: rank.get(s.country, len(rank)))


def _tiers(catalogue: Catalogue, area: str, standings: Sequence[Standing]) -> dict[str, int]:
    return {s.country: s.tier for s in _in_country_order(catalogue, standings) if s.area == area}


def divergence(
    catalogue: Catalogue, area: str, now: Sequence[Standing], year_ago: Sequence[Standing]
) -> AreaDivergence:
    """Return the held tier of each country in `area`, their mean, spread and trend.

    `mean` and `trend` are rounded to 2 places; `spread` is max - min; `two_speed` is
    `spread >= 2`. With no standing for the area, tiers are empty and mean and spread 0.
    Standings of other areas are ignored, so whole-region lists can be passed in.
    """
    catalogue.area(area)  # KeyError for an unknown area
    tiers = _tiers(catalogue, area, now)
    before = _tiers(catalogue, area, year_ago)
    values = list(tiers.values())
    mean = round(sum(values) / len(values), 2) if values else 0.0
    spread = max(values) - min(values) if values else 0
    as_of = next((s.as_of for s in now if s.area == area), None)
    if before:
        old = list(before.values())
        year_ago_mean: float | None = round(sum(old) / len(old), 2)
        year_ago_spread: int | None = max(old) - min(old)
    else:
        year_ago_mean = year_ago_spread = None
    label: TrendLabel = "steady"
    if year_ago_spread is not None and spread < year_ago_spread:
        label = "converging"
    elif year_ago_spread is not None and spread > year_ago_spread:
        label = "diverging"
    return AreaDivergence(
        area=area,
        as_of=as_of,
        tiers=tiers,
        mean=mean,
        spread=spread,
        two_speed=spread >= 2,
        year_ago_mean=year_ago_mean,
        trend=round(mean - year_ago_mean, 2) if year_ago_mean is not None else None,
        trend_label=label,
        year_ago_spread=year_ago_spread,
    )


def uniformity_gaps(catalogue: Catalogue, standings: Sequence[Standing]) -> list[Gap]:
    """Return the targets achieved by some but not all of the countries standing in their area.

    "All" means every country with a standing for that area in `standings`.
    """
    ordered = _in_country_order(catalogue, standings)
    gaps: list[Gap] = []
    for area in catalogue.areas:
        in_area = [s for s in ordered if s.area == area.id]
        for target in catalogue.targets_in(area.id):
            achieved_by = tuple(s.country for s in in_area if target.id in s.achieved_targets)
            if 0 < len(achieved_by) < len(in_area):
                left_out = tuple(s.country for s in in_area if s.country not in achieved_by)
                gaps.append(Gap(area.id, target.id, target.tier, achieved_by, left_out))
    return gaps


def blockers(catalogue: Catalogue, standings: Sequence[Standing]) -> list[Blocker]:
    """Return the missing benchmarks where the EU must act (`eu` or `joint`), with for whom.

    A benchmark is listed once, with every country whose standing lists it as missing.
    """
    found: dict[str, list[str]] = {}
    who: dict[str, Who] = {}
    for s in _in_country_order(catalogue, standings):
        for state in s.missing:
            if state.who in EU_SIDE:
                found.setdefault(state.benchmark, []).append(s.country)
                who[state.benchmark] = state.who
    result: list[Blocker] = []
    for target, benchmark in catalogue.benchmarks():
        if benchmark.id in found:
            result.append(
                Blocker(
                    area=target.area,
                    target=target.id,
                    benchmark=benchmark.id,
                    who=who[benchmark.id],
                    countries=tuple(dict.fromkeys(found[benchmark.id])),
                )
            )
    area_rank = {area.id: k for k, area in enumerate(catalogue.areas)}
    result.sort(key=lambda b: area_rank[b.area])  # stable: catalogue order within an area
    return result


def _benchmarks_to_next_tier(catalogue: Catalogue, s: Standing) -> tuple[str, ...] | None:
    """Return the fewest benchmarks whose being met takes `s` to its next tier.

    Per tier level up to the next tier, the quorum's shortfall is made up with the unachieved
    targets that miss the fewest benchmarks (catalogue order breaks ties). None if there is
    no next tier.
    """
    if s.next_tier is None:
        return None
    area = catalogue.area(s.area)
    achieved = set(s.achieved_targets)
    missing_by_target: dict[str, list[str]] = {}
    for state in s.missing:
        missing_by_target.setdefault(state.target, []).append(state.benchmark)
    targets = catalogue.targets_in(s.area)
    needed: list[str] = []
    for level in range(1, s.next_tier + 1):
        at_level = [t for t in targets if t.tier == level]
        shortfall = targets_needed(len(at_level), area.quorum) - sum(
            t.id in achieved for t in at_level
        )
        if shortfall <= 0:
            continue
        candidates = sorted(
            (t for t in at_level if t.id not in achieved),
            key=lambda t: len(missing_by_target.get(t.id, ())),
        )
        for target in candidates[:shortfall]:
            needed.extend(missing_by_target.get(target.id, ()))
    return tuple(needed)


def priorities(catalogue: Catalogue, standings: Sequence[Standing]) -> list[Priority]:
    """Return the standings one or two benchmarks from their next tier.

    Sorted by the number of missing benchmarks, then catalogue country order, then area order.
    """
    country_rank = _country_rank(catalogue)
    area_rank = {area.id: k for k, area in enumerate(catalogue.areas)}
    found: list[Priority] = []
    for s in standings:
        needed = _benchmarks_to_next_tier(catalogue, s)
        if needed is not None and s.next_tier is not None and 1 <= len(needed) <= 2:
            found.append(Priority(s.country, s.area, s.tier, s.next_tier, needed))
    found.sort(
        key=lambda p: (
            len(p.missing),
            country_rank.get(p.country, len(country_rank)),
            area_rank[p.area],
        )
    )
    return found


def region(
    catalogue: Catalogue,
    as_of: dt.date,
    now: Sequence[Standing],
    year_ago: Sequence[Standing],
) -> RegionSummary:
    """Return the region's analytics at `as_of`: every area's divergence, gaps, blockers and
    priorities, from the standings `now` and a year earlier."""
    return RegionSummary(
        as_of=as_of,
        areas=tuple(divergence(catalogue, area.id, now, year_ago) for area in catalogue.areas),
        gaps=tuple(uniformity_gaps(catalogue, now)),
        blockers=tuple(blockers(catalogue, now)),
        priorities=tuple(priorities(catalogue, now)),
    )


def region_at(evaluation: Evaluation, as_of: dt.date) -> RegionSummary:
    """Return `region()` of `evaluation`'s catalogue at `as_of`, the trend against its
    standings on `year_earlier(as_of)` (28 February for 29 February)."""
    return region(
        evaluation.catalogue,
        as_of,
        evaluation.standings(as_of),
        evaluation.standings(year_earlier(as_of)),
    )
