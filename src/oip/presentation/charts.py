"""Charts of the monitor: Vega-Lite specs built with Altair, rendered locally by vl-convert.

Contract:

- Chart builders take plain rows (mappings) and return an ``alt.Chart``/``alt.LayerChart``;
  the data is inlined in the spec, so rendering never reads a file or the network.
- :func:`render_svg` returns ``<svg>`` markup safe for a page whose CSP is
  ``style-src 'self'``: no ``<style>`` element, no ``style=`` attribute, no ``<script>``,
  and no URL other than the SVG/XLink namespace URIs. vl-convert is called with
  ``allowed_base_urls=[]`` so a spec that points at remote data fails instead of fetching.
- Text uses a generic, locally installed font family (:data:`FONT`); no remote fonts.
- Tiers and areas are never told apart by colour alone: the timeline varies the dash per
  area, the divergence chart varies the shape and prints the country code.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, Final

import altair as alt
import vl_convert as vlc

from oip.presentation.labels import tier_name
from oip.vocabulary import TIER_NAMES

__all__ = [
    "FONT",
    "chart_csv",
    "divergence_chart",
    "render_png",
    "render_svg",
    "render_svg_cached",
    "spec_json",
    "tier_timeline",
]

FONT: Final = "DejaVu Sans, Verdana, Arial, sans-serif"
WIDTH: Final = 640
TIERS: Final = tuple(sorted(TIER_NAMES))
# Vega-Lite version matching Altair 6's schema; pinned so an upgrade of vl-convert does not
# silently change the output.
VL_VERSION: Final = "6.4"

_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")
_STYLE_ELEMENT = re.compile(r"<style\b[^>]*>.*?</style>|<style\b[^>]*/>", re.S | re.I)
_STYLE_ATTR = re.compile(r"""\sstyle\s*=\s*(?:"[^"]*"|'[^']*')""", re.I)
_PROLOG = re.compile(r"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!DOCTYPE[^>]*>\s*)?", re.I)
_URL = re.compile(r"(?:https?:)?//[^\s\"'<>)]+", re.I)
_NAMESPACES: Final = frozenset({"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"})


def _tier_label_expr() -> str:
    """Vega expression mapping an axis value 0..3 to "0 no tier yet", "1 incremental", ..."""
    expr = "''"
    for tier in reversed(TIERS):
        expr = f"datum.value === {tier} ? '{tier} {tier_name(tier)}' : {expr}"
    return expr


def _tier_axis(title: str = "Tier") -> Any:
    return alt.Axis(
        values=list(TIERS), labelExpr=_tier_label_expr(), title=title, grid=True, tickCount=4
    )


def _configure(chart: Any) -> Any:
    return chart.configure(font=FONT, background="white").configure_view(stroke=None)


def tier_timeline(rows: Sequence[Mapping[str, Any]], *, title: str | None = None) -> Any:
    """Step chart of tier over time, one line per area.

    ``rows``: ``{"date": "YYYY-MM-DD", "area": str, "tier": int 0..3}``; a row is the tier
    from that date on (``step-after``), so add a row at the as-of date to extend a line to it.
    Areas differ by colour *and* dash; lines with the same tier are nudged apart by a small
    vertical offset (at most ±0.15 of a tier) so none hides another; the tooltip and axis
    keep the true tier. Width 640 (fits A4 portrait at 96 dpi with margins).
    """
    areas = list(dict.fromkeys(str(r["area"]) for r in rows))
    step = min(0.05, 0.3 / (len(areas) - 1)) if len(areas) > 1 else 0.0
    offset = {a: (i - (len(areas) - 1) / 2) * step for i, a in enumerate(areas)}
    values = [
        {
            "date": str(r["date"]),
            "area": str(r["area"]),
            "tier": int(r["tier"]),
            "y": int(r["tier"]) + offset[str(r["area"])],
            "tier_name": f"{int(r['tier'])} {tier_name(int(r['tier']))}",
        }
        for r in rows
    ]
    # One legend for colour and dash: both channels need the same field, legend and domain
    # (a ``sort`` or a second layer would split it in two).
    legend = alt.Legend(
        title="Policy area",
        orient="bottom",
        columns=2,
        symbolType="stroke",
        symbolStrokeWidth=2.5,
        symbolSize=400,
        labelLimit=260,
    )
    chart = (
        alt.Chart({"values": values})
        .mark_line(
            interpolate="step-after",
            strokeWidth=2.5,
            point=alt.OverlayMarkDef(filled=True, size=30),
        )
        .encode(
            x=alt.X(
                "date:T", title="Date", scale=alt.Scale(type="utc"), axis=alt.Axis(format="%b %Y")
            ),
            y=alt.Y("y:Q", scale=alt.Scale(domain=[-0.25, 3.25], nice=False), axis=_tier_axis()),
            color=alt.Color(
                "area:N", legend=legend, scale=alt.Scale(domain=areas, scheme="tableau10")
            ),
            strokeDash=alt.StrokeDash("area:N", legend=legend, scale=alt.Scale(domain=areas)),
            tooltip=[
                alt.Tooltip("area:N", title="Area"),
                alt.Tooltip("date:N", title="From"),
                alt.Tooltip("tier_name:N", title="Tier"),
            ],
        )
        .properties(width=WIDTH, height=260)
    )
    if title:
        chart = chart.properties(title=title)
    return _configure(chart)


def divergence_chart(rows: Sequence[Mapping[str, Any]], *, title: str | None = None) -> Any:
    """Strip plot: per area (rows), each country's tier (x 0..3), to show the spread.

    ``rows``: ``{"area": str, "country": str (code), "tier": int 0..3}``. Each country has its
    own sub-row within the area band, a shape, a colour and a printed code; a grey rule spans
    the lowest to the highest tier in the area ("two speeds" show as long rules).
    """
    areas = list(dict.fromkeys(str(r["area"]) for r in rows))
    countries = sorted({str(r["country"]) for r in rows})
    values = [
        {
            "area": str(r["area"]),
            "country": str(r["country"]),
            "tier": int(r["tier"]),
            "tier_name": f"{int(r['tier'])} {tier_name(int(r['tier']))}",
        }
        for r in rows
    ]
    y = alt.Y(
        "area:N",
        sort=areas,
        title=None,
        axis=alt.Axis(labelLimit=220, labelFontSize=12, domain=False, ticks=False),
    )
    x_scale = alt.Scale(domain=[-0.25, 3.6], nice=False)
    x = alt.X("tier:Q", scale=x_scale, axis=_tier_axis("Tier reached"))
    data: dict[str, Any] = {"values": values}
    spread = (
        alt.Chart(data)
        .mark_rule(color="#9e9e9e", strokeWidth=5, strokeCap="round", opacity=0.6)
        .encode(
            y=y,
            x=alt.X("min(tier):Q", scale=x_scale, axis=_tier_axis("Tier reached")),
            x2="max(tier):Q",
        )
    )
    offset = alt.YOffset("country:N", sort=countries)
    legend = alt.Legend(title="Country")
    points = (
        alt.Chart(data)
        .mark_point(filled=True, size=70, opacity=1)
        .encode(
            y=y,
            yOffset=offset,
            x=x,
            shape=alt.Shape("country:N", legend=legend, scale=alt.Scale(domain=countries)),
            color=alt.Color(
                "country:N", legend=legend, scale=alt.Scale(domain=countries, scheme="dark2")
            ),
            tooltip=[
                alt.Tooltip("area:N", title="Area"),
                alt.Tooltip("country:N", title="Country"),
                alt.Tooltip("tier_name:N", title="Tier"),
            ],
        )
    )
    codes = (
        alt.Chart(data)
        .mark_text(align="left", dx=8, fontSize=10, color="#111111")
        .encode(y=y, yOffset=offset, x=x, text="country:N")
    )
    chart = alt.layer(spread, points, codes).properties(
        width=WIDTH - 200, height=len(areas) * (11 * len(countries) + 14)
    )
    if title:
        chart = chart.properties(title=title)
    return _configure(chart)


def spec_json(chart: Any) -> str:
    """The chart's Vega-Lite spec as canonical JSON (sorted keys, no spaces): a cache key."""
    return json.dumps(chart.to_dict(), sort_keys=True, separators=(",", ":"))


def _clean_svg(svg: str) -> str:
    svg = _PROLOG.sub("", svg, count=1)
    svg = _STYLE_ELEMENT.sub("", svg)
    svg = _STYLE_ATTR.sub("", svg)
    if re.search(r"<script\b", svg, re.I):
        raise ValueError("rendered SVG contains a <script> element")
    remote = {u for u in _URL.findall(svg) if u not in _NAMESPACES}
    if remote:
        raise ValueError(f"rendered SVG references remote resources: {sorted(remote)}")
    return svg


def _render_spec_svg(spec: dict[str, Any] | str) -> str:
    return _clean_svg(vlc.vegalite_to_svg(spec, vl_version=VL_VERSION, allowed_base_urls=[]))


def render_svg(chart: Any) -> str:
    """Render a chart to inline ``<svg>`` markup (no XML prolog), CSP-safe (see module doc).

    Raises ``ValueError`` if the spec needs remote data or the output would reference a
    remote resource or contain a script.
    """
    return _render_spec_svg(chart.to_dict())


@lru_cache(maxsize=256)
def _render_canonical(canonical: str) -> str:
    return _render_spec_svg(canonical)


def render_svg_cached(spec_json: str) -> str:
    """:func:`render_svg` for a spec given as JSON, memoised per process on the canonical
    form of that JSON (key order and whitespace do not matter). Use :func:`spec_json` to
    get the JSON of a chart. A cold render costs ~100 ms; a cache hit ~µs."""
    canonical = json.dumps(json.loads(spec_json), sort_keys=True, separators=(",", ":"))
    return _render_canonical(canonical)


def render_png(chart: Any, scale: float = 2) -> bytes:
    """Render a chart to PNG bytes at ``scale`` × its pixel size (2 for print/retina)."""
    png: bytes = vlc.vegalite_to_png(
        chart.to_dict(), vl_version=VL_VERSION, scale=scale, allowed_base_urls=[]
    )
    return png


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def chart_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    """The chart's rows as CSV (RFC 4180, ``\\r\\n`` line ends) with a header.

    Columns are the keys in order of first appearance across rows; a missing key is an
    empty cell. String cells starting with ``= + - @``, tab or carriage return are prefixed
    with ``'`` so spreadsheets do not run them as formulas; numbers are written as they are.
    No rows gives an empty string.
    """
    fields = list(dict.fromkeys(key for row in rows for key in row))
    if not fields:
        return ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[_cell(f) for f in fields], restval="")
    writer.writeheader()
    for row in rows:
        writer.writerow({_cell(k): _cell(v) for k, v in row.items()})
    return out.getvalue()
