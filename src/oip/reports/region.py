"""The regional report: the six side by side, two speeds, gaps, blockers and priorities.

Built from the monitor's read models: each country's page (`oip.monitor.pages.country`) for
the grid and the evidence, and the region's figures (`oip.monitor.pages.region`) for the
spreads, gaps, blockers and priorities; the report adds the citations and the changes since a
day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from oip.catalogue.fetch import current_catalogue, current_version
from oip.catalogue.schema import Catalogue
from oip.conditionality import Evaluation
from oip.evidence import serialize
from oip.monitor.pages import country as country_page
from oip.monitor.pages import region as region_page
from oip.monitor.pages.values import latest_changes
from oip.presentation.labels import STANDING_STATUS, who_words
from oip.region import EU_SIDE, leaders, trailing, year_earlier
from oip.reports import publication
from oip.reports.citations import Citations, notes, observations
from oip.reports.explain import Explainer, milestones
from oip.reports.summary import region_summary
from oip.reports.values import AreaStanding, Report
from oip.standings.evaluation import evaluation

SECTIONS = (
    ("summary", "Summary: in place, missing, changed"),
    ("overview", "The region at a glance"),
    ("two-speed", "Two speeds: divergence per area"),
    ("changes", "What changed since {since}"),
    ("gaps", "Uniformity gaps: who is left out of what"),
    ("blockers", "EU-side blockers"),
    ("priorities", "Priorities: who is closest to the next tier"),
    ("milestones", "Milestones due by 2027"),
    ("context", "Context"),
    ("evidence", "Evidence base by country"),
    ("references", "References"),
)


def _divergence(
    catalogue: Catalogue, spreads: tuple[region_page.AreaSpread, ...], names: dict[str, str]
) -> list[dict[str, Any]]:
    """Per area: its spread, the signed trend, the tiers named, who leads and who trails."""
    rows = []
    for spread in spreads:
        tiers = {t.country: t.tier for t in spread.tiers}
        rows.append(
            {
                "area": spread.area,
                "title": spread.title,
                "short": spread.short,
                "tiers": tiers,
                "mean": spread.mean,
                "spread": spread.spread,
                "two_speed": spread.two_speed,
                "year_ago_mean": spread.year_ago_mean,
                "year_ago_spread": spread.year_ago_spread,
                "trend": spread.trend,
                "trend_label": spread.trend_label,
                "trend_signed": f"{spread.trend:+.2f}" if spread.trend is not None else None,
                "tiers_named": [
                    (code, names[code], tier, publication.tier_name(catalogue, tier))
                    for code, tier in tiers.items()
                ],
                "leaders": [names[c] for c in leaders(tiers)],
                "trailing": [names[c] for c in trailing(tiers)],
            }
        )
    return rows


def _gaps(
    catalogue: Catalogue, figures: region_page.RegionFigures, engine: Evaluation, as_of: dt.date
) -> list[dict[str, Any]]:
    """Targets achieved by some of the six but not all. A country is "left out" only with
    evidence on one of the target's benchmarks; without any it is "not assessed"."""
    rows = []
    for g in figures.gaps:
        benchmarks = [b.id for b in catalogue.target(g.target).benchmarks]
        evidenced = {
            c.code
            for c in g.left_out
            if any(engine.benchmark_state(c.code, b, as_of).status != "unknown" for b in benchmarks)
        }
        rows.append(
            {
                "area_title": catalogue.area(g.area).title,
                "target_title": g.title,
                "tier": g.tier,
                "tier_name": publication.tier_name(catalogue, g.tier),
                "achieved_by": [c.name for c in g.achieved_by],
                "left_out": [c.name for c in g.left_out if c.code in evidenced],
                "not_assessed": [
                    c.name for c in (*g.not_assessed, *g.left_out) if c.code not in evidenced
                ],
            }
        )
    return rows


#: The states in which evidence says a benchmark is not satisfied: a blocker rests on one of
#: them. Not assessed (no evidence) is no blocker, nor is a lapsed `met` (the evidence says it
#: was met and needs renewing: `expired` once the rules name it), nor a presumed state.
UNSATISFIED = ("not_met", "partial")


def _blockers(
    catalogue: Catalogue,
    figures: region_page.RegionFigures,
    six: int,
    engine: Evaluation,
    as_of: dt.date,
) -> tuple[list[dict[str, Any]], int]:
    """Benchmarks missing for a next tier where the EU must act, alone or jointly, each with
    the countries for which evidence says it is not satisfied (`UNSATISFIED`, not lapsed);
    and how many such benchmarks have no such evidence for any country (left out: the core's
    blockers already leave them out, so they are counted from the standings' missing ones)."""
    rows = []
    listed = {b.benchmark for b in figures.blockers}
    unassessed = len(
        {
            state.benchmark
            for standing in engine.standings(as_of)
            for state in standing.missing
            if state.who in EU_SIDE and state.benchmark not in listed
        }
    )
    for b in figures.blockers:
        states = [(c, engine.benchmark_state(c.code, b.benchmark, as_of)) for c in b.countries]
        held = [c.name for c, st in states if st.status in UNSATISFIED and st.lapsed_on is None]
        if not held:
            unassessed += 1
            continue
        rows.append(
            {
                "area_title": catalogue.area(b.area).title,
                "target_title": b.title,
                "statement": b.statement,
                "who": b.who_words,
                "countries": held,
                "all_six": len(held) == six,
            }
        )
    return rows, unassessed


def _blocker_groups(blockers: list[dict[str, Any]], six: int) -> list[dict[str, Any]]:
    """The blockers grouped by the countries they hold back ("all six" first, then by how many
    they hold back): each group its label, its count and its rows, by area."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for b in blockers:
        groups.setdefault(tuple(b["countries"]), []).append(b)
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[0]), kv[0]))
    return [
        {
            "label": "All six" if len(names) == six else ", ".join(names),
            "count": len(rows),
            "rows": rows,
        }
        for names, rows in ordered
    ]


def _priorities(
    catalogue: Catalogue,
    figures: region_page.RegionFigures,
    assessed: set[tuple[str, str]],
) -> list[dict[str, Any]]:
    """Countries one or two benchmarks from their next tier, only in areas where the country
    has evidence ((country, area) in `assessed`: no evidence is no measure of closeness),
    grouped where several countries miss the same benchmarks for the same step; who must act
    for each benchmark, in words that name no one country ("the country")."""
    index = catalogue.benchmark_index()
    groups: dict[tuple[str, int, int, tuple[str, ...]], dict[str, Any]] = {}
    for p in figures.priorities:
        if (p.country, p.area) not in assessed:
            continue
        key = (p.area, p.tier, p.next_tier, tuple(m.benchmark for m in p.missing))
        if key not in groups:
            groups[key] = {
                "countries": [],
                "area_title": catalogue.area(p.area).title,
                "tier": p.tier,
                "tier_name": publication.tier_name(catalogue, p.tier),
                "next_tier": p.next_tier,
                "next_tier_name": publication.tier_name(catalogue, p.next_tier),
                "missing": [
                    (
                        m.statement,
                        who_words(index[m.benchmark][0].benchmark_who(index[m.benchmark][1])),
                    )
                    for m in p.missing
                ],
            }
        groups[key]["countries"].append(p.name)
    return [{**g, "country": ", ".join(g["countries"])} for g in groups.values()]


def region_report(as_of: dt.date, since: dt.date | None = None) -> Report:
    """Return the regional report as of `as_of`; changes from `since` (default: a year earlier).

    `data` keys: overview (`summary.Summary`: the first page), grid (rows of (code, name, [AreaStanding])), areas ((id, title) pairs),
    tiers_by_area ({area: {code: tier}}), divergence (per-area dicts: the page's spreads with
    titles), gaps, blockers (only where evidence says not satisfied), blockers_not_assessed
    (how many EU-side benchmarks have no such evidence), blocker_groups (the blockers grouped by the countries they hold
    back), priorities, milestones, changes, notes, status_legend (the marks
    and words of the statuses the grid flags), evidence_by_country ((code, name, [reference
    numbers]) rows).
    """
    catalogue = current_catalogue()
    names = {c.code: c.name for c in catalogue.countries}
    codes = list(names)
    since = since or year_earlier(as_of)
    version = current_version()
    engine = evaluation()
    citations = Citations()

    shown = observations(as_of)
    plain = {pk: serialize.observation_dict(o) for pk, o in shown.items()}
    pages = [
        country_page.build(catalogue, engine, as_of, code, observations=plain) for code in codes
    ]
    explainer = Explainer(catalogue, engine, shown, citations)

    by_country: dict[str, tuple[AreaStanding, ...]] = {
        page.country.code: tuple(explainer.area_standing(a) for a in page.areas) for page in pages
    }
    evidence_by_country = {
        code: sorted(
            {e.reference for a in by_country[code] for e in (*a.holding, *a.missing) if e.reference}
        )
        for code in codes
    }
    figures = region_page.build(catalogue, engine, as_of)
    changes = latest_changes(catalogue, engine, as_of, since=since)
    change_rows = tuple(explainer.change(c) for c in reversed(changes))
    note_rows = notes(citations, as_of, None, names)  # cites: before the reference list
    standings = engine.standings(as_of)

    grid = tuple((code, names[code], by_country[code]) for code in codes)
    blockers, blockers_not_assessed = _blockers(catalogue, figures, len(codes), engine, as_of)
    title = "The Western Balkans’ operational integration with the EU"
    permalink = publication.public_url("/", as_of=as_of.isoformat())
    divergence = _divergence(catalogue, figures.spreads, names)
    tiers_by_area = {row["area"]: row["tiers"] for row in divergence}
    return Report(
        kind="region",
        title=title,
        subtitle=f"Regional report · Western Balkans six · as of {as_of.isoformat()}",
        as_of=as_of,
        since=since,
        data_recorded=publication.data_recorded(),
        catalogue_version=version.version,
        catalogue_hash=version.content_hash[:12],
        permalink=permalink,
        citation=publication.citation(title, as_of, version.version, permalink),
        filename_stem=f"oip-region-{as_of.isoformat()}",
        countries=tuple((code, names[code]) for code in codes),
        sections=tuple(
            (anchor, heading.format(since=since.isoformat())) for anchor, heading in SECTIONS
        ),
        references=citations.references(),
        tiers=publication.tiers(catalogue),
        data={
            "grid": grid,
            "areas": [(a.id, a.title) for a in catalogue.areas],
            "tiers_by_area": {a.id: dict(tiers_by_area.get(a.id, {})) for a in catalogue.areas},
            "divergence": divergence,
            "gaps": _gaps(catalogue, figures, engine, as_of),
            "blockers": blockers,
            "blockers_not_assessed": blockers_not_assessed,
            "blocker_groups": _blocker_groups(blockers, len(codes)),
            "overview": region_summary(grid, change_rows),
            "priorities": _priorities(
                catalogue,
                figures,
                {(c, a.area) for c, _n, areas in grid for a in areas if a.assessed},
            ),
            "changes": change_rows,
            "milestones": milestones(catalogue, standings, as_of, codes),
            "notes": note_rows,
            "status_legend": ", ".join(
                f"{mark} {words}" for mark, words in STANDING_STATUS.values() if mark
            ),
            "evidence_by_country": [
                (code, names[code], evidence_by_country[code]) for code in codes
            ],
        },
    )
