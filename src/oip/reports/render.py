"""Render a `Report` as a self-contained HTML document or an A4 PDF (WeasyPrint).

Contract:
- `render_html(report)` returns one HTML document with its print stylesheet inline and its
  charts and maps as inline SVG: it references no file and no URL except its own anchors and
  the citation links (which are printed, never fetched).
- `render_pdf(report)` lays that HTML out on A4 with page numbers, a running header, a table of
  contents with page numbers and vector charts. Nothing is fetched at render time: the URL
  fetcher refuses every URL except `data:` URIs.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from oip.presentation.charts import divergence_chart, render_svg_cached, spec_json, tier_timeline
from oip.presentation.designation import KOSOVO, KOSOVO_FOOTNOTE
from oip.presentation.geo import map_svg
from oip.reports.build import Report


def _fetcher() -> Any:
    """WeasyPrint URL fetcher that accepts `data:` URIs only: http(s) and file are refused."""
    # WeasyPrint is imported where a PDF is made, not at the top: it loads Pango and its
    # fonts (~0.6 s, tens of MB), which a server process that never renders should not pay.
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False)


def _svg(markup: str) -> SafeString:
    # Our own chart and map renderers produce the markup (CSP-safe, no scripts): trusted.
    return mark_safe(markup)


def _country_figures(report: Report) -> dict[str, Any]:
    # The report leaves the timeline empty when no tier changes on it (a flat chart).
    rows = report.data["timeline"]
    if not rows:
        return {"timeline_svg": None}
    chart = tier_timeline(rows)
    return {"timeline_svg": _svg(render_svg_cached(spec_json(chart)))}


def differing_areas(grid: Any) -> set[str]:
    """Return the areas where the six differ (tier shown, or "not assessed", or status): a map
    or a chart of an area where every country reads the same carries no information."""
    seen: dict[str, set[tuple[str, str]]] = {}
    for _code, _name, areas in grid:
        for a in areas:
            seen.setdefault(a.area, set()).add((a.mark, a.status))
    return {area for area, values in seen.items() if len(values) > 1}


def _region_figures(report: Report) -> dict[str, Any]:
    names = dict(report.countries)
    grid = report.data["grid"]
    differ = differing_areas(grid)
    statuses_by_area: dict[str, dict[str, str]] = {}
    for code, _, areas in grid:
        for a in areas:
            statuses_by_area.setdefault(a.area, {})[code] = a.status
    maps = {
        area: _svg(
            map_svg(
                report.data["tiers_by_area"][area],
                names=names,
                title=f"{title}: tier per country, as of {report.as_of.isoformat()}",
                statuses=statuses_by_area.get(area, {}),
                id_prefix=f"map-{area}",
            )
        )
        for area, title in report.data["areas"]
        if area in differ
    }
    shorts = {a.area: a.area_short for _, _, areas in grid for a in areas}
    rows = [
        {"area": shorts[area], "country": code, "tier": tier}
        for area, _ in report.data["areas"]
        for code, tier in report.data["tiers_by_area"][area].items()
    ]
    divergence_svg = (
        _svg(render_svg_cached(spec_json(divergence_chart(rows)))) if rows and differ else None
    )
    divergence = [{**row, "map": maps.get(row["area"])} for row in report.data["divergence"]]
    return {
        "divergence_svg": divergence_svg,
        "divergence": divergence,
        "uniform_areas": [row["title"] for row in divergence if row["map"] is None],
    }


def render_html(report: Report) -> str:
    """Return the report as a standalone HTML document (print stylesheet inline)."""
    figures = _country_figures(report) if report.kind == "country" else _region_figures(report)
    # Every report names Kosovo: the region's among the six, a country's in the catalogue's
    # words ("... with all WB6 (including Kosovo)"), so each carries the designation.
    context = {
        "report": report,
        "d": report.data,
        "kosovo": KOSOVO,
        "kosovo_footnote": KOSOVO_FOOTNOTE,
        **figures,
    }
    return render_to_string(f"reports/{report.kind}.html", context)


def render_pdf(report: Report) -> bytes:
    """Return the report as an A4 PDF (bytes); nothing is fetched while rendering."""
    from weasyprint import HTML  # imported here for the reason given in _fetcher

    document = HTML(string=render_html(report), base_url=None, url_fetcher=_fetcher())
    pdf: bytes = document.write_pdf()
    return pdf
