"""Region analytics: divergence, uniformity gaps, blockers and next-step priorities.

The region's figures of `docs/contracts.md` (`oip region`), on tiers and scores alike. Only
evidence counts: a country with no evidence in an area is "not assessed" there and enters no
mean or spread; a gap names as "left out" only countries with evidence on the target (the others
apart, `not_assessed`); a blocker is an EU-side benchmark observed `not_met` or `partial` (never
`expired`; an `unknown` one is left out: whether its door is closed is a context note, which
the engine does not read); a priority needs only benchmarks that already have evidence. Pure: takes the catalogue and `Standing`s the engine computed
and returns frozen values; imports nothing from Django. Every list is in catalogue order
(areas, then targets and benchmarks, then countries) unless a function says otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from oip.catalogue.schema import Catalogue
from oip.conditionality import Evaluation
from oip.conditionality.model import targets_needed
from oip.conditionality.progress import NO_EVIDENCE
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

#: The missing states that make an EU-side benchmark a blocker: evidence the door is not open.
BLOCKING: frozenset[str] = frozenset({"not_met", "partial"})
#: Two speeds: a tier spread of at least this, or a score spread of at least `SCORE_TWO_SPEED`.
TIER_TWO_SPEED = 2
SCORE_TWO_SPEED = 40.0


@dataclass(frozen=True, slots=True)
class AreaDivergence:
    """How far apart the countries' held tiers and scores are in one area, and how that moved.

    `tiers` and `scores` name every country with a standing; means and spreads are over the
    assessed ones only (`not_assessed` lists the others; with none assessed, mean and spread
    are 0 and `two_speed` false). `two_speed`: tier spread >= 2 or score spread >= 40.
    `trend` is the change of the mean tier, `score_trend` of the mean score; `trend_label` is
    about the tier spread: `converging` if smaller than a year earlier, `diverging` if larger,
    `steady` if equal (or if nothing was assessed a year earlier, when `year_ago_*` and the
    trends are None).
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
    scores: dict[str, float | None] = field(default_factory=dict)
    score_mean: float = 0.0
    score_spread: float = 0.0
    year_ago_score_mean: float | None = None
    score_trend: float | None = None
    not_assessed: tuple[str, ...] = ()

    @property
    def leaders(self) -> tuple[str, ...]:
        """The assessed countries holding the area's highest tier (see `oip.region.leaders`)."""
        return leaders(self._assessed_tiers())

    @property
    def trailing(self) -> tuple[str, ...]:
        """The assessed countries holding the area's lowest tier (see `oip.region.leaders`)."""
        return trailing(self._assessed_tiers())

    def _assessed_tiers(self) -> dict[str, int]:
        return {c: t for c, t in self.tiers.items() if c not in self.not_assessed}


@dataclass(frozen=True, slots=True)
class Gap:
    """A target achieved by some but not all countries: those left out (with evidence on the
    target) and, apart, those with no evidence on it (`not_assessed`)."""

    area: str
    target: str
    tier: int
    achieved_by: tuple[str, ...]
    left_out: tuple[str, ...]
    not_assessed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Blocker:
    """An EU-side benchmark (`eu` or `joint`) observed `not_met` or `partial`, and for whom."""

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


def _in_area(catalogue: Catalogue, area: str, standings: Sequence[Standing]) -> list[Standing]:
    return [s for s in _in_country_order(catalogue, standings) if s.area == area]


def _mean(values: Sequence[float]) -> float:
    return round(sum(values) / len(values), 2) if values else 0.0


def _assessed(standings: Sequence[Standing]) -> list[Standing]:
    return [s for s in standings if not s.not_assessed]


def divergence(
    catalogue: Catalogue, area: str, now: Sequence[Standing], year_ago: Sequence[Standing]
) -> AreaDivergence:
    """Return each country's held tier and score in `area`, their means, spreads and trends.

    Means and trends are rounded to 2 places, spreads are max - min, all over the assessed
    countries (see `AreaDivergence`). Standings of other areas are ignored, so whole-region
    lists can be passed in.
    """
    catalogue.area(area)  # KeyError for an unknown area
    standings = _in_area(catalogue, area, now)
    assessed = _assessed(standings)
    before = _assessed(_in_area(catalogue, area, year_ago))
    tiers = [s.tier for s in assessed]
    scores = [s.score for s in assessed if s.score is not None]
    spread = max(tiers) - min(tiers) if tiers else 0
    score_spread = round(max(scores) - min(scores), 1) if scores else 0.0
    as_of = standings[0].as_of if standings else None
    year_ago_mean: float | None = None
    year_ago_spread: int | None = None
    year_ago_score_mean: float | None = None
    if before:
        old = [s.tier for s in before]
        year_ago_mean = _mean(old)
        year_ago_spread = max(old) - min(old)
        year_ago_score_mean = _mean([s.score for s in before if s.score is not None])
    label: TrendLabel = "steady"
    if year_ago_spread is not None and spread < year_ago_spread:
        label = "converging"
    elif year_ago_spread is not None and spread > year_ago_spread:
        label = "diverging"
    mean = _mean(tiers)
    score_mean = _mean(scores)
    return AreaDivergence(
        area=area,
        as_of=as_of,
        tiers={s.country: s.tier for s in standings},
        mean=mean,
        spread=spread,
        two_speed=spread >= TIER_TWO_SPEED or score_spread >= SCORE_TWO_SPEED,
        year_ago_mean=year_ago_mean,
        trend=round(mean - year_ago_mean, 2) if year_ago_mean is not None else None,
        trend_label=label,
        year_ago_spread=year_ago_spread,
        scores={s.country: s.score for s in standings},
        score_mean=score_mean,
        score_spread=score_spread,
        year_ago_score_mean=year_ago_score_mean,
        score_trend=(
            round(score_mean - year_ago_score_mean, 2) if year_ago_score_mean is not None else None
        ),
        not_assessed=tuple(s.country for s in standings if s.not_assessed),
    )


def _has_evidence_on(s: Standing, benchmarks: set[str]) -> bool:
    """Whether `s` rests on an observation of any of `benchmarks` (True when `s` carries no
    states to tell: a standing built without them is taken as evidence)."""
    if not s.states:
        return True
    return any(st.benchmark in benchmarks and st.status not in NO_EVIDENCE for st in s.states)


def uniformity_gaps(catalogue: Catalogue, standings: Sequence[Standing]) -> list[Gap]:
    """Return the targets achieved by some but not all of the countries standing in their area.

    "All" means every country with a standing for that area in `standings`. A country that
    has not achieved the target is `left_out` if it has evidence on one of the target's
    benchmarks, else `not_assessed`.
    """
    ordered = _in_country_order(catalogue, standings)
    gaps: list[Gap] = []
    for area in catalogue.areas:
        in_area = [s for s in ordered if s.area == area.id]
        for target in catalogue.targets_in(area.id):
            achieved_by = tuple(s.country for s in in_area if target.id in s.achieved_targets)
            if 0 < len(achieved_by) < len(in_area):
                ids = {b.id for b in target.benchmarks}
                others = [s for s in in_area if s.country not in achieved_by]
                left_out = tuple(s.country for s in others if _has_evidence_on(s, ids))
                unassessed = tuple(s.country for s in others if s.country not in left_out)
                gaps.append(Gap(area.id, target.id, target.tier, achieved_by, left_out, unassessed))
    return gaps


def blockers(catalogue: Catalogue, standings: Sequence[Standing]) -> list[Blocker]:
    """Return the missing benchmarks where the EU must act (`eu` or `joint`) and whose state
    is `not_met` or `partial` (evidence of a closed door), with for whom.

    A benchmark is listed once, with every country whose standing lists it so. An `expired`
    one never blocks (it needs renewing), nor an `unknown` one (nobody has looked).
    """
    found: dict[str, list[str]] = {}
    who: dict[str, Who] = {}
    for s in _in_country_order(catalogue, standings):
        for state in s.missing:
            if state.who in EU_SIDE and state.status in BLOCKING:
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

    Per tier level up to the next tier, every unachieved core target is needed, and the
    quorum's remaining shortfall is made up with the other unachieved targets that miss the
    fewest benchmarks (catalogue order breaks ties). None if there is no next tier.
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
        core = [t for t in at_level if t.core and t.id not in achieved]
        for target in core:
            needed.extend(missing_by_target.get(target.id, ()))
        shortfall = (
            targets_needed(len(at_level), area.quorum)
            - sum(t.id in achieved for t in at_level)
            - len(core)
        )
        if shortfall <= 0:
            continue
        candidates = sorted(
            (t for t in at_level if t.id not in achieved and not t.core),
            key=lambda t: len(missing_by_target.get(t.id, ())),
        )
        for target in candidates[:shortfall]:
            needed.extend(missing_by_target.get(target.id, ()))
    return tuple(needed)


def priorities(catalogue: Catalogue, standings: Sequence[Standing]) -> list[Priority]:
    """Return the standings one or two benchmarks from their next tier, where every one of
    those benchmarks has evidence (an observation, not `unknown`).

    Sorted by the number of missing benchmarks, then catalogue country order, then area order.
    """
    country_rank = _country_rank(catalogue)
    area_rank = {area.id: k for k, area in enumerate(catalogue.areas)}
    found: list[Priority] = []
    for s in standings:
        needed = _benchmarks_to_next_tier(catalogue, s)
        if needed is None or s.next_tier is None or not 1 <= len(needed) <= 2:
            continue
        status = {state.benchmark: state.status for state in s.missing}
        if all(status.get(b) not in NO_EVIDENCE for b in needed):
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
