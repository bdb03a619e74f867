"""The WB6 map's shapes: the shipped GeoJSON, projected once, with a label point per country.

Pure (no Django, no shell package): `projected()` reads ``data/wb6-region.geojson`` from this
package once and returns every feature as SVG path data in map units (equirectangular, x scaled
by the cosine of the WB6's mean latitude, fitted to `MAP_WIDTH`), the WB6 drawn last; each of
the six gets a point inside it for its label. `oip.presentation.geo` draws the map from them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any, Final

__all__ = ["MAP_WIDTH", "Point", "Projected", "Shape", "focus_codes", "projected"]

GEOJSON_NAME: Final = "wb6-region.geojson"

# Width of the map area (user units of the viewBox) and the margin around the WB6, in degrees.
MAP_WIDTH: Final = 460.0
MARGIN_DEG: Final = 0.35

Point = tuple[float, float]
Ring = list[Point]


@dataclass(frozen=True, slots=True)
class Shape:
    code: str
    focus: bool  # one of the WB6 (``properties.wb6``)
    path: str  # SVG path data, projected
    label_at: Point


@dataclass(frozen=True, slots=True)
class Projected:
    width: float  # map area width
    height: float  # map area height
    shapes: tuple[Shape, ...]


# ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _features() -> tuple[dict[str, Any], ...]:
    """The shipped features (WB6 and neighbours), read once."""
    text = (files("oip.presentation") / "data" / GEOJSON_NAME).read_text(encoding="utf-8")
    return tuple(json.loads(text)["features"])


def focus_codes() -> tuple[str, ...]:
    """Codes of the features flagged ``wb6`` in the shipped geometry, in file order."""
    return tuple(f["properties"]["code"] for f in _features() if f["properties"].get("wb6"))


def _polygons(geometry: Mapping[str, Any]) -> list[list[list[list[float]]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["coordinates"])
    raise ValueError(f"unsupported geometry type {geometry['type']!r}")


def _ring_area_centroid(ring: Sequence[Point]) -> tuple[float, Point]:
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    area /= 2
    if area == 0:
        return 0.0, ring[0]
    return abs(area), (cx / (6 * area), cy / (6 * area))


def _inside(point: Point, rings: Iterable[Sequence[Point]]) -> bool:
    """Even-odd test over all rings (so holes count)."""
    x, y = point
    inside = False
    for ring in rings:
        for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]], strict=True):
            if (y0 > y) != (y1 > y) and x < (x1 - x0) * (y - y0) / (y1 - y0) + x0:
                inside = not inside
    return inside


def _edge_distance(point: Point, rings: Iterable[Sequence[Point]]) -> float:
    x, y = point
    best = math.inf
    for ring in rings:
        for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]], strict=True):
            dx, dy = x1 - x0, y1 - y0
            length2 = dx * dx + dy * dy
            t = (
                0.0
                if length2 == 0
                else max(0.0, min(1.0, ((x - x0) * dx + (y - y0) * dy) / length2))
            )
            best = min(best, math.hypot(x - (x0 + t * dx), y - (y0 + t * dy)))
    return best


def _label_point(rings: Sequence[Sequence[Point]]) -> Point:
    """The area centroid of the largest ring if it lies well inside the shape; otherwise the
    interior point farthest from any edge (grid search), so labels of concave or small
    countries stay inside them."""
    outer = max(rings, key=lambda r: _ring_area_centroid(r)[0])
    _, centroid = _ring_area_centroid(outer)
    xs = [p[0] for p in outer]
    ys = [p[1] for p in outer]
    steps = 16
    best, best_d = centroid, -1.0
    for i in range(1, steps):
        for j in range(1, steps):
            p = (
                min(xs) + (max(xs) - min(xs)) * i / steps,
                min(ys) + (max(ys) - min(ys)) * j / steps,
            )
            if _inside(p, rings):
                d = _edge_distance(p, rings)
                if d > best_d:
                    best, best_d = p, d
    if _inside(centroid, rings) and _edge_distance(centroid, rings) >= 0.6 * best_d:
        return centroid
    return best


@lru_cache(maxsize=1)
def projected() -> Projected:
    """Project every feature once: equirectangular, x scaled by cos(mean latitude of the
    WB6), fitted to ``MAP_WIDTH``; the view is the WB6 bounding box plus a margin."""
    features = _features()
    focus = [f for f in features if f["properties"].get("wb6")]
    lons = [x for f in focus for poly in _polygons(f["geometry"]) for x, _ in poly[0]]
    lats = [y for f in focus for poly in _polygons(f["geometry"]) for _, y in poly[0]]
    west, east = min(lons) - MARGIN_DEG, max(lons) + MARGIN_DEG
    south, north = min(lats) - MARGIN_DEG, max(lats) + MARGIN_DEG
    kx = math.cos(math.radians((south + north) / 2))
    scale = MAP_WIDTH / ((east - west) * kx)
    height = round((north - south) * scale, 1)

    def project(lon: float, lat: float) -> Point:
        return (round((lon - west) * kx * scale, 1), round((north - lat) * scale, 1))

    shapes = []
    for feature in features:
        rings: list[Ring] = []
        parts: list[str] = []
        for poly in _polygons(feature["geometry"]):
            for raw in poly:
                ring: Ring = []
                for lon, lat in raw:
                    p = project(lon, lat)
                    if not ring or ring[-1] != p:
                        ring.append(p)
                if len(ring) > 1 and ring[0] == ring[-1]:
                    ring.pop()
                if len(ring) < 3:
                    continue
                rings.append(ring)
                parts.append(
                    "M" + "L".join(f"{x:g},{y:g}" for x, y in ring) + "Z",
                )
        if not rings:
            continue
        props = feature["properties"]
        label = _label_point(rings) if props.get("wb6") else (0.0, 0.0)
        shapes.append(
            Shape(
                code=props["code"],
                focus=bool(props.get("wb6")),
                path="".join(parts),
                label_at=(round(label[0], 1), round(label[1], 1)),
            )
        )
    # Draw neighbours first, then the WB6 on top.
    shapes.sort(key=lambda s: s.focus)
    return Projected(width=MAP_WIDTH, height=height, shapes=tuple(shapes))
