"""The regional report: the six side by side, two speeds, gaps, blockers and priorities."""

from __future__ import annotations

import datetime as dt
from typing import Any

from oip.catalogue.fetch import current_catalogue, current_version
from oip.catalogue.schema import Catalogue
from oip.presentation.labels import STANDING_STATUS, area_short, who_words
from oip.reports import publication
from oip.reports.citations import Citations, notes, observations
from oip.reports.explain import Explainer, milestones
from oip.reports.values import AreaStanding, Report
from oip.standings.evaluation import evaluation
from oip.standings.region import region_data, year_earlier

SECTIONS = (
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
    catalogue: Catalogue, summary: dict[str, Any], names: dict[str, str]
) -> list[dict[str, Any]]:
    """Per area: `region_data`'s row with titles, the signed trend, leaders and trailing."""
    rows = []
    for row in summary["areas"]:
        tiers = row["tiers"]
        rows.append(
            {
                **row,
                "title": catalogue.area(row["area"]).title,
                "short": area_short(catalogue, row["area"]),
                "trend_signed": f"{row['trend']:+.2f}" if row["trend"] is not None else None,
                "tiers_named": [
                    (code, names[code], tier, catalogue.tier_name(tier))
                    for code, tier in tiers.items()
                ],
                "leaders": [names[c] for c, t in tiers.items() if t == max(tiers.values())],
                "trailing": [names[c] for c, t in tiers.items() if t == min(tiers.values())],
            }
        )
    return rows


def _gaps(
    catalogue: Catalogue, summary: dict[str, Any], names: dict[str, str]
) -> list[dict[str, Any]]:
    """Targets achieved by some of the six but not all."""
    target_titles = {t.id: t.title for t in catalogue.targets}
    return [
        {
            "area_title": catalogue.area(g["area"]).title,
            "target_title": target_titles[g["target"]],
            "tier": g["tier"],
            "tier_name": catalogue.tier_name(g["tier"]),
            "achieved_by": [names[c] for c in g["achieved_by"]],
            "left_out": [names[c] for c in g["left_out"]],
        }
        for g in summary["gaps"]
    ]


def _blockers(
    catalogue: Catalogue, summary: dict[str, Any], names: dict[str, str]
) -> list[dict[str, Any]]:
    """Benchmarks missing for a next tier where the EU must act, alone or jointly."""
    index = catalogue.benchmark_index()
    target_titles = {t.id: t.title for t in catalogue.targets}
    return [
        {
            "area_title": catalogue.area(b["area"]).title,
            "target_title": target_titles[b["target"]],
            "statement": index[b["benchmark"]][1].statement,
            "who": who_words(b["who"]),
            "countries": [names[c] for c in b["countries"]],
            "all_six": len(b["countries"]) == len(names),
        }
        for b in summary["blockers"]
    ]


def _priorities(
    catalogue: Catalogue, summary: dict[str, Any], names: dict[str, str]
) -> list[dict[str, Any]]:
    """Countries one or two benchmarks from their next tier, with who must act for each."""
    index = catalogue.benchmark_index()
    return [
        {
            "country": names[p["country"]],
            "area_title": catalogue.area(p["area"]).title,
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


def region_report(as_of: dt.date, since: dt.date | None = None) -> Report:
    """Return the regional report as of `as_of`; changes from `since` (default: a year earlier).

    `data` keys: grid (rows of (code, name, [AreaStanding])), areas ((id, title) pairs),
    tiers_by_area ({area: {code: tier}}), divergence (per-area dicts from `region_data`, with
    titles), gaps, blockers, priorities, milestones, changes, notes, status_legend (the marks
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
    explainer = Explainer(catalogue, engine, observations(as_of), citations)

    standings = engine.standings(as_of)
    by_country: dict[str, list[AreaStanding]] = {code: [] for code in codes}
    for s in standings:
        by_country[s.country].append(explainer.area_standing(s))
    evidence_by_country = {
        code: sorted(
            {e.reference for a in by_country[code] for e in (*a.holding, *a.missing) if e.reference}
        )
        for code in codes
    }
    summary = region_data(as_of)
    changes = tuple(explainer.change(c) for c in engine.changes(as_of, since=since))
    note_rows = notes(citations, as_of, None, names)  # cites: before the reference list

    title = "The Western Balkans’ operational integration with the EU"
    permalink = publication.public_url("/", as_of=as_of.isoformat())
    tiers_by_area = {row["area"]: row["tiers"] for row in summary["areas"]}
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
            "grid": tuple((code, names[code], tuple(by_country[code])) for code in codes),
            "areas": [(a.id, a.title) for a in catalogue.areas],
            "tiers_by_area": {a.id: dict(tiers_by_area.get(a.id, {})) for a in catalogue.areas},
            "divergence": _divergence(catalogue, summary, names),
            "gaps": _gaps(catalogue, summary, names),
            "blockers": _blockers(catalogue, summary, names),
            "priorities": _priorities(catalogue, summary, names),
            "changes": changes,
            "milestones": milestones(catalogue, standings, codes),
            "notes": note_rows,
            "status_legend": ", ".join(
                f"{mark} {words}" for mark, words in STANDING_STATUS.values() if mark
            ),
            "evidence_by_country": [
                (code, names[code], evidence_by_country[code]) for code in codes
            ],
        },
    )
