"""Charts: Vega-Lite specs, CSP-safe local SVG/PNG rendering, cached rendering, CSV."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from oip.presentation import charts
from oip.presentation.charts import (
    chart_csv,
    divergence_chart,
    render_png,
    render_svg,
    render_svg_cached,
    spec_json,
    tier_timeline,
)

TIMELINE = [
    {"date": "2024-01-15", "area": "Cybersecurity", "tier": 1},
    {"date": "2024-06-01", "area": "Cybersecurity", "tier": 2},
    {"date": "2025-03-01", "area": "Cybersecurity", "tier": 3},
    {"date": "2024-01-15", "area": "Investment security", "tier": 0},
    {"date": "2024-09-01", "area": "Investment security", "tier": 1},
    {"date": "2025-03-01", "area": "Investment security", "tier": 1},
]
DIVERGENCE = [
    {"area": area, "country": code, "tier": tier}
    for area, tiers in {"Cybersecurity": (3, 0, 1, 2, 2, 0), "EPPO": (1, 1, 0, 3, 1, 1)}.items()
    for code, tier in zip(("AL", "BA", "XK", "ME", "MK", "RS"), tiers, strict=True)
]
TIER_LABELS = ("0 no tier yet", "1 incremental", "2 structural", "3 transformational")
NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


@pytest.fixture(scope="module")
def timeline_svg() -> str:
    return render_svg(tier_timeline(TIMELINE, title="Montenegro: tier over time"))


@pytest.fixture(scope="module")
def divergence_svg() -> str:
    return render_svg(divergence_chart(DIVERGENCE))


def _texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]


def _assert_csp_safe(svg: str) -> None:
    assert svg.startswith("<svg")
    assert "<?xml" not in svg
    assert "style=" not in svg
    assert "<style" not in svg
    assert "<script" not in svg
    assert set(re.findall(r"https?://[^\s\"'<>)]+", svg)) <= NAMESPACES
    assert "url(http" not in svg
    assert "@import" not in svg


def test_timeline_spec_shape() -> None:
    spec: dict[str, Any] = tier_timeline(TIMELINE).to_dict()
    assert spec["mark"]["type"] == "line"
    assert spec["mark"]["interpolate"] == "step-after"
    assert spec["width"] == 640
    enc = spec["encoding"]
    assert enc["color"]["field"] == "area"
    assert enc["strokeDash"]["field"] == "area"
    assert enc["y"]["axis"]["values"] == [0, 1, 2, 3]
    assert spec["config"]["font"] == charts.FONT
    # data inlined, nothing to fetch
    assert "url" not in spec["data"]
    assert len(next(iter(spec["datasets"].values()))) == len(TIMELINE)


def test_timeline_svg_has_areas_and_tier_labels(timeline_svg: str) -> None:
    texts = _texts(timeline_svg)
    for label in (*TIER_LABELS, "Cybersecurity", "Investment security", "Policy area"):
        assert label in texts
    assert "Montenegro: tier over time" in texts
    assert set(re.findall(r'font-family="([^"]*)"', timeline_svg)) == {charts.FONT}
    # one merged legend for colour and dash
    assert timeline_svg.count('role-legend"') == 1


def test_timeline_svg_is_csp_safe(timeline_svg: str) -> None:
    _assert_csp_safe(timeline_svg)


def test_divergence_svg_labels_countries(divergence_svg: str) -> None:
    _assert_csp_safe(divergence_svg)
    texts = _texts(divergence_svg)
    for code in ("AL", "BA", "XK", "ME", "MK", "RS"):
        assert texts.count(code) == 2 + 1  # one label per area + the legend
    for label in (*TIER_LABELS, "Cybersecurity", "EPPO"):
        assert label in texts
    spec = divergence_chart(DIVERGENCE).to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["rule", "point", "text"]
    assert spec["layer"][1]["encoding"]["shape"]["field"] == "country"


def test_render_strips_style_and_prolog(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = (
        '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
        "<style>text{fill:red}</style>"
        '<text style="fill: red" x="1">a</text></svg>'
    )
    monkeypatch.setattr("vl_convert.vegalite_to_svg", lambda *a, **k: raw)
    assert render_svg(tier_timeline(TIMELINE)) == (
        '<svg xmlns="http://www.w3.org/2000/svg"><text x="1">a</text></svg>'
    )


def test_render_refuses_remote_resources(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://cdn.example/x.png"/></svg>'
    monkeypatch.setattr("vl_convert.vegalite_to_svg", lambda *a, **k: raw)
    with pytest.raises(ValueError, match="remote"):
        render_svg(tier_timeline(TIMELINE))


def test_remote_data_is_never_fetched() -> None:
    spec = {
        "data": {"url": "https://example.invalid/data.csv"},
        "mark": "point",
        "encoding": {"x": {"field": "a", "type": "quantitative"}},
    }
    with pytest.raises(ValueError, match="not allowed"):
        render_svg_cached(json.dumps(spec))


def test_cached_render_keyed_on_canonical_json() -> None:
    charts._render_canonical.cache_clear()
    chart = divergence_chart(DIVERGENCE)
    key = spec_json(chart)
    first = render_svg_cached(key)
    reordered = json.dumps(dict(reversed(list(json.loads(key).items()))), indent=2)
    assert render_svg_cached(reordered) is first
    info = charts._render_canonical.cache_info()
    assert (info.hits, info.misses) == (1, 1)
    assert first == render_svg(chart)


def test_render_png_signature() -> None:
    png = render_png(tier_timeline(TIMELINE), scale=1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_chart_csv_header_rows_and_formula_escaping() -> None:
    rows: list[dict[str, Any]] = [
        {"area": "=cmd", "country": "ME", "tier": 2},
        {"area": "+SUM(A1)", "country": "@x", "tier": -1},
        {"area": "-2+3", "country": "RS", "note": 'a,b "q"'},
    ]
    assert chart_csv(rows) == (
        "area,country,tier,note\r\n"
        "'=cmd,ME,2,\r\n"
        "'+SUM(A1),'@x,-1,\r\n"
        '\'-2+3,RS,,"a,b ""q"""\r\n'
    )
    assert chart_csv([]) == ""
