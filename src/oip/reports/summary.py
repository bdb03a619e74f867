"""The one-page summary that opens each report: what is in place, what is missing and who
must act, what changed.

Built from the report's own rows (`values.AreaStanding`, `values.ChangeRow`), so the summary
can say nothing the body does not: an achieved target named here is an achieved target of the
engine (`Evaluation.achieved`, as the API lists it), and "not assessed" stays "not assessed".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from oip.presentation import labels
from oip.region import who_must_act
from oip.reports.values import AreaStanding, ChangeRow, Evidence
from oip.vocabulary import WHO

#: How many of the newest changes the summary lists (the body lists them all).
CHANGES_LISTED = 5


@dataclass(frozen=True, slots=True)
class InPlace:
    """An achieved target: its area, its tier, who has it (region) and the rows it rests on."""

    area_title: str
    target: str
    title: str
    tier: int
    countries: tuple[str, ...]
    items: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class ToAct:
    """What is missing in one area, in words that follow the area's name: for a country its
    next tier and the page's words; for the region the missing benchmarks with evidence summed
    over the six, by who must act. `not_assessed` counts the missing benchmarks without
    evidence (the words say how many)."""

    area_title: str
    words: str
    with_evidence: int
    not_assessed: int
    standing: str = ""  # a country's tier and score: "tier 2 · 50 of 100 · 6 of 13 assessed"


@dataclass(frozen=True, slots=True)
class Summary:
    """The summary's content. `not_assessed_areas` names the areas with no evidence at all
    (for the region: "area (countries)")."""

    in_place: tuple[InPlace, ...]
    met_elsewhere: int
    to_act: tuple[ToAct, ...]
    not_assessed_areas: tuple[str, ...]
    changes: int
    latest_changes: tuple[ChangeRow, ...]


def _achieved(area: AreaStanding) -> dict[str, tuple[str, int, tuple[Evidence, ...]]]:
    return {
        g.target: (g.title, g.tier, g.items)
        for g in area.in_place_by_target
        if g.target in area.achieved
    }


def _met_elsewhere(areas: Sequence[AreaStanding]) -> int:
    return sum(e.status == "met" for a in areas for e in a.in_place if e.target not in a.achieved)


def _latest(changes: Sequence[ChangeRow]) -> tuple[ChangeRow, ...]:
    """The newest CHANGES_LISTED of `changes` (given oldest first), newest first."""
    return tuple(reversed(changes[-CHANGES_LISTED:])) if changes else ()


def who_words(counts: dict[str, int], country_name: str | None) -> str:
    """Return "2 for Montenegro, 1 for the EU" (zeros left out; the labels' words)."""
    return ", ".join(
        f"{counts[who]} for {labels.who_words(who, country_name)}" for who in WHO if counts.get(who)
    )


def standing_words(area: AreaStanding) -> str:
    """Return the tier held beside the score, compact for the summary page: "tier 2 · score
    50 · 6/13 assessed" ("no tier yet" for tier 0; the score only where there is one; "not
    assessed" alone for an area without evidence). The area tables give the full words."""
    if not area.assessed:
        return labels.NOT_ASSESSED
    parts = [f"tier {area.tier}" if area.tier else "no tier yet"]
    if area.score_words is not None and area.score is not None:
        parts.append(f"score {area.score:.1f}".removesuffix(".0"))
        parts.append(f"{area.with_evidence}/{area.benchmarks} assessed")
    return " · ".join(parts)


def country_summary(areas: Sequence[AreaStanding], changes: Sequence[ChangeRow]) -> Summary:
    """Return the summary of a country report from its area standings and its changes
    (oldest first)."""
    in_place = tuple(
        InPlace(a.area_title, target, title, tier, (), items)
        for a in areas
        for target, (title, tier, items) in _achieved(a).items()
    )
    to_act = tuple(
        ToAct(
            a.area_title,
            f"for tier {a.next_tier} ({a.next_tier_name}): {a.missing_words}"
            + (f"; {a.not_assessed_count} of them not assessed" if a.not_assessed_count else ""),
            len(a.missing_assessed),
            a.not_assessed_count,
            standing_words(a),
        )
        for a in areas
        if a.assessed and a.next_tier is not None
    )
    return Summary(
        in_place=in_place,
        met_elsewhere=_met_elsewhere(areas),
        to_act=to_act,
        not_assessed_areas=tuple(a.area_title for a in areas if not a.assessed),
        changes=len(changes),
        latest_changes=_latest(changes),
    )


def region_summary(
    grid: Sequence[tuple[str, str, Sequence[AreaStanding]]], changes: Sequence[ChangeRow]
) -> Summary:
    """Return the summary of the regional report from its grid ((code, name, area standings)
    per country, areas in catalogue order) and its changes (oldest first)."""
    achieved: dict[str, tuple[str, str, int, list[str], list[Evidence]]] = {}
    met_elsewhere = 0
    for _code, name, areas in grid:
        met_elsewhere += _met_elsewhere(areas)
        for a in areas:
            for target, (title, tier, items) in _achieved(a).items():
                entry = achieved.setdefault(target, (a.area_title, title, tier, [], []))
                entry[3].append(name)
                entry[4].extend(items)
    to_act = []
    not_assessed_areas = []
    for k in range(len(grid[0][2]) if grid else 0):
        rows = [areas[k] for _code, _name, areas in grid]
        title = rows[0].area_title
        tally = who_must_act(e for row in rows for e in row.missing_assessed)
        counts: dict[str, int] = {who: tally.count(who) for who in tally.acting}
        unassessed = [
            name for (_c, name, _a), row in zip(grid, rows, strict=True) if not row.assessed
        ]
        if len(unassessed) == len(rows):
            not_assessed_areas.append(f"{title} (all six)")
            continue
        if unassessed:
            not_assessed_areas.append(f"{title} ({', '.join(unassessed)})")
        with_evidence = sum(counts.values())
        unknown = sum(row.not_assessed_count for row in rows)
        words = (
            f"— {with_evidence} benchmark{'s' if with_evidence != 1 else ''} with evidence "
            f"not satisfied across the six: {who_words(counts, 'the countries')}"
            if with_evidence
            else "— no benchmark with evidence is unsatisfied"
        )
        if unknown:
            words += f"; {unknown} more not assessed"
        to_act.append(ToAct(title, words, with_evidence, unknown))
    rank = {a.area_title: k for k, a in enumerate(grid[0][2])} if grid else {}
    ordered = sorted(achieved.items(), key=lambda kv: (rank[kv[1][0]], kv[1][2]))
    return Summary(
        in_place=tuple(
            InPlace(area_title, target, title, tier, tuple(names), tuple(items))
            for target, (area_title, title, tier, names, items) in ordered
        ),
        met_elsewhere=met_elsewhere,
        to_act=tuple(to_act),
        not_assessed_areas=tuple(not_assessed_areas),
        changes=len(changes),
        latest_changes=_latest(changes),
    )
