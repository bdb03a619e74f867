"""The WB6 tier map: a self-contained, accessible inline SVG, drawn without any library.

Contract of :func:`map_svg`:

- Pure: takes plain mappings, returns SVG markup as a string. No network, no files other
  than the geometry shipped in ``oip/presentation/data/wb6-region.geojson`` (read and
  projected once by `oip.presentation.mapshapes`).
- CSP-safe: no ``style=`` attributes, no ``<style>`` element, no ``<script>``; everything is
  drawn with SVG presentation attributes (``fill=``, ``stroke=``...). The only URIs in the
  output are the SVG namespace and the caller's ``links``.
- Never by colour alone: every tier has its own fill pattern and each country carries a text
  label with its code and tier number, and the score when given ("ME 2", "ME 0 · 20"; "ME" over
  "not assessed"); statuses get a
  glyph ("!", "×").
- Accessible: ``<title>``/``<desc>`` referenced by ``aria-labelledby``; every country a
  ``<title>`` such as "Montenegro: tier 2 structural (on notice)"; a legend inside the SVG
  (``<g class="map-legend">``: a narrow page may hide it and show an HTML legend instead).
- Several maps may share a page: every id starts with ``id_prefix``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from typing import Final
from urllib.parse import urlsplit

from oip.presentation.labels import NO_TIER_YET, NOT_ASSESSED, STANDING_STATUS, tier_name
from oip.presentation.mapshapes import focus_codes, projected
from oip.vocabulary import TIER_NAMES

__all__ = [
    "NOT_ASSESSED",
    "STATUS_MARKS",
    "TIER_STYLES",
    "TierStyle",
    "focus_codes",
    "map_svg",
]

# Drawing area (user units of the viewBox). The legend sits to the right of the map.
LEGEND_WIDTH: Final = 190.0
PAD: Final = 10.0
FONT: Final = "DejaVu Sans, Verdana, Arial, sans-serif"

INK: Final = "#111111"
BORDER: Final = "#333333"
NEIGHBOUR_FILL: Final = "#e0e0e0"
NEIGHBOUR_STROKE: Final = "#b0b0b0"


@dataclass(frozen=True, slots=True)
class TierStyle:
    """How one tier (or "not assessed") is drawn: base colour, pattern ink, label ink."""

    key: str  # used in ids: t0..t3, na
    label: str  # legend text, e.g. "2 structural"
    fill: str  # base colour (sequential, clear luminance steps)
    ink: str  # colour of the pattern marks
    pattern: str  # "plain", "dots", "diagonal", "solid", "crosshatch"
    text: str  # label text colour that contrasts with ``fill``


def _tier_label(tier: int) -> str:
    return f"{tier} {tier_name(tier)}"


# Sequential blues; relative luminance ~0.93, 0.75, 0.37, 0.08: distinct in black and white.
TIER_STYLES: Final[Mapping[int | None, TierStyle]] = {
    0: TierStyle("t0", _tier_label(0), "#f7f7f7", "#f7f7f7", "plain", INK),
    1: TierStyle("t1", _tier_label(1), "#cfe3f3", "#08306b", "dots", INK),
    2: TierStyle("t2", _tier_label(2), "#6baed6", "#08306b", "diagonal", INK),
    3: TierStyle("t3", _tier_label(3), "#08519c", "#08519c", "solid", "#ffffff"),
    None: TierStyle("na", NOT_ASSESSED, "#ffffff", "#737373", "crosshatch", INK),
}

# status -> (glyph, words for screen readers, marker fill, glyph colour). The words are the
# labels' own; the glyphs are the map's: "!" and "×" read at any font in a 15-unit disc, where
# the labels' "⚠" and "⊘" would need a font that has them.
STATUS_MARKS: Final[Mapping[str, tuple[str, str, str, str]]] = {
    "on_notice": ("!", STANDING_STATUS["on_notice"][1], "#fdb863", INK),
    "suspended": ("×", STANDING_STATUS["suspended"][1], "#b2182b", "#ffffff"),
}

_ID_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
_SAFE_SCHEMES = frozenset({"", "http", "https"})

# --- drawing -------------------------------------------------------------------------------


def _attr(value: str) -> str:
    return escape(value, quote=True)


def _pattern_def(prefix: str, style: TierStyle) -> str:
    """The tier's marks on a transparent tile (drawn over the base colour, so tile seams
    never show), or "" for tiers that are a plain colour."""
    head = f'<pattern id="{prefix}-pat-{style.key}" patternUnits="userSpaceOnUse"'
    if style.pattern == "dots":
        return (
            f'{head} width="8" height="8">'
            f'<circle cx="2" cy="2" r="1.1" fill="{style.ink}"/>'
            f'<circle cx="6" cy="6" r="1.1" fill="{style.ink}"/></pattern>'
        )
    if style.pattern == "diagonal":
        return (
            f'{head} width="6" height="6" patternTransform="rotate(45)">'
            f'<line x1="3" y1="-1" x2="3" y2="7" stroke="{style.ink}" stroke-width="1.6"/>'
            "</pattern>"
        )
    if style.pattern == "crosshatch":
        return (
            f'{head} width="8" height="8">'
            f'<path d="M-1,-1L9,9M9,-1L-1,9" stroke="{style.ink}" stroke-width="0.9"/></pattern>'
        )
    return ""


def _paint(prefix: str, style: TierStyle, element: str, geometry: str, stroke: str) -> str:
    """``element`` (``path``/``rect`` with ``geometry`` attributes) filled with the tier's
    base colour, then its pattern marks on top, outlined with ``stroke`` attributes."""
    if style.pattern in ("plain", "solid"):
        return f'<{element} {geometry} fill="{style.fill}" {stroke}/>'
    return (
        f'<{element} {geometry} fill="{style.fill}"/>'
        f'<{element} {geometry} fill="url(#{prefix}-pat-{style.key})" {stroke}/>'
    )


def _plate(
    x: float, y: float, text: str, style: TierStyle, mark: str | None, sub: str | None = None
) -> str:
    """A label plate centred on (x, y): the tier's base colour, contrasting text (and `sub`,
    a second, smaller line under it), and a status marker to its right. Clicks pass through
    to the country's link beneath."""
    width = max(8.0 * len(text), 6.2 * len(sub or "")) + 8
    height = 17 if sub is None else 29
    out = [
        f'<g aria-hidden="true" pointer-events="none" font-family="{FONT}" font-size="12"'
        ' font-weight="bold">',
        f'<rect x="{x - width / 2:g}" y="{y - 9:g}" width="{width:g}" height="{height}" rx="3"'
        f' fill="{style.fill}" stroke="{BORDER}" stroke-width="0.8"/>',
        f'<text x="{x:g}" y="{y + 4:g}" text-anchor="middle" fill="{style.text}">'
        f"{escape(text)}</text>",
    ]
    if sub is not None:
        out.append(
            f'<text x="{x:g}" y="{y + 16:g}" text-anchor="middle" fill="{style.text}"'
            f' font-size="10">{escape(sub)}</text>'
        )
    if mark is not None:
        glyph, _, bg, fg = STATUS_MARKS[mark]
        cx = x + width / 2 + 9
        out.append(
            f'<circle cx="{cx:g}" cy="{y - 0.5:g}" r="7.5" fill="{bg}" stroke="{BORDER}"'
            f' stroke-width="0.8"/>'
            f'<text x="{cx:g}" y="{y + 4:g}" text-anchor="middle" fill="{fg}">{glyph}</text>'
        )
    out.append("</g>")
    return "".join(out)


def _describe(name: str, tier: int | None, status: str | None) -> str:
    if tier is None:
        words = NOT_ASSESSED
    else:
        words = f"tier {tier} {TIER_NAMES[tier]}" if tier else NO_TIER_YET
    if status is not None and status in STATUS_MARKS:
        words += f" ({STATUS_MARKS[status][1]})"
    return f"{name}: {words}"


def _check_href(code: str, href: str) -> str:
    scheme = urlsplit(href).scheme.lower()
    if scheme not in _SAFE_SCHEMES:
        raise ValueError(f"link for {code} has a disallowed scheme: {href!r}")
    return href


def _legend(prefix: str, x: float, y: float) -> str:
    rows = [
        f'<g class="map-legend" font-family="{FONT}" font-size="12" fill="{INK}">',
        f'<text x="{x:g}" y="{y:g}" font-weight="bold">Tier</text>',
    ]
    row_y = y + 12
    for tier in (0, 1, 2, 3, None):
        style = TIER_STYLES[tier]
        rows.append(
            _paint(
                prefix,
                style,
                "rect",
                f'x="{x:g}" y="{row_y:g}" width="22" height="16"',
                f'stroke="{BORDER}" stroke-width="0.8"',
            )
            + f'<text x="{x + 30:g}" y="{row_y + 12:g}">{escape(style.label)}</text>'
        )
        row_y += 24
    row_y += 14
    rows.append(f'<text x="{x:g}" y="{row_y:g}" font-weight="bold">Status</text>')
    row_y += 12
    for glyph, words, bg, fg in STATUS_MARKS.values():
        rows.append(
            f'<circle cx="{x + 11:g}" cy="{row_y + 7.5:g}" r="7.5" fill="{bg}" stroke="{BORDER}"'
            f' stroke-width="0.8"/>'
            f'<text x="{x + 11:g}" y="{row_y + 12:g}" text-anchor="middle" fill="{fg}"'
            f' font-weight="bold">{glyph}</text>'
            f'<text x="{x + 30:g}" y="{row_y + 12:g}">{words}</text>'
        )
        row_y += 24
    rows.append("</g>")
    return "".join(rows)


def map_svg(
    tiers: Mapping[str, int | None],
    *,
    names: Mapping[str, str],
    title: str,
    links: Mapping[str, str] | None = None,
    statuses: Mapping[str, str] | None = None,
    scores: Mapping[str, float | None] | None = None,
    id_prefix: str = "map",
) -> str:
    """Inline SVG map of the WB6 coloured and patterned by tier, neighbours in grey.

    - ``tiers``: country code -> tier 0..3, or ``None`` for "not assessed". A WB6 country
      missing from ``tiers`` is drawn as not assessed; any code that has a shape in the
      shipped geometry is drawn as a focus country; codes without a shape are not drawn.
    - ``names``: code -> display name for titles and the description (falls back to the code).
    - ``title``: the map's accessible name (``<title>``).
    - ``links``: code -> href; each country with a link is wrapped in ``<a href>``. Only
      relative, ``http`` and ``https`` URLs are accepted (``ValueError`` otherwise).
    - ``statuses``: code -> status; ``"on_notice"`` adds "!", ``"suspended"`` adds "×";
      other values are not marked.
    - ``scores``: code -> score 0..100 (None: no score); an assessed country's label adds it
      after its tier ("ME 0 · 20"). A not-assessed country never shows a score.
    - ``id_prefix``: starts every id in the SVG; use distinct prefixes for maps on one page.
      Must match ``[A-Za-z][A-Za-z0-9_-]*`` (``ValueError`` otherwise).

    The ``<svg>`` has ``role="img"`` with ``aria-labelledby`` pointing at its title and
    description. When ``links`` are given it has ``role="group"`` instead, because an ``img``
    role hides its children (the links) from assistive technology.
    Raises ``ValueError`` for a tier outside 0..3.
    """
    if not _ID_PREFIX.fullmatch(id_prefix):
        raise ValueError(f"id_prefix must match {_ID_PREFIX.pattern}: {id_prefix!r}")
    for code, tier in tiers.items():
        if tier is not None and tier not in TIER_NAMES:
            raise ValueError(f"tier for {code} must be 0..3 or None, not {tier!r}")
    links = links or {}
    statuses = statuses or {}
    scores = scores or {}
    geo = projected()
    shown = {s.code for s in geo.shapes if s.focus or s.code in tiers}

    p = id_prefix
    legend_x = geo.width + 2 * PAD
    width = geo.width + LEGEND_WIDTH + 2 * PAD
    height = max(geo.height, 14 + 12 + 5 * 24 + 14 + 12 + 2 * 24) + 2 * PAD

    ordered = sorted(shown, key=lambda c: names.get(c, c))
    summary = "; ".join(_describe(names.get(c, c), tiers.get(c), statuses.get(c)) for c in ordered)
    role = "group" if links else "img"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}"'
        f' width="{width:g}" height="{height:g}" role="{role}"'
        f' aria-labelledby="{p}-title {p}-desc" class="oip-map">',
        f'<title id="{p}-title">{escape(title)}</title>',
        f'<desc id="{p}-desc">Tier per country. {escape(summary)}.</desc>',
        "<defs>",
        *(_pattern_def(p, s) for s in TIER_STYLES.values() if s.pattern not in ("plain", "solid")),
        f'<clipPath id="{p}-clip"><rect x="0" y="0" width="{geo.width:g}"'
        f' height="{geo.height:g}"/></clipPath>',
        "</defs>",
        f'<rect width="{width:g}" height="{height:g}" fill="#ffffff"/>',
        f'<g transform="translate({PAD:g},{PAD:g})">',
        f'<g clip-path="url(#{p}-clip)" stroke-linejoin="round">',
    ]
    labels = []
    for shape in geo.shapes:
        if shape.code not in shown:
            out.append(
                f'<path d="{shape.path}" fill="{NEIGHBOUR_FILL}" stroke="{NEIGHBOUR_STROKE}"'
                ' stroke-width="0.6" aria-hidden="true"/>'
            )
            continue
        tier = tiers.get(shape.code)
        style = TIER_STYLES[tier]
        status = statuses.get(shape.code)
        name = names.get(shape.code, shape.code)
        body = (
            f'<g class="country" data-code="{_attr(shape.code)}">'
            f"<title>{escape(_describe(name, tier, status))}</title>"
            + _paint(p, style, "path", f'd="{shape.path}"', f'stroke="{BORDER}" stroke-width="1"')
            + "</g>"
        )
        href = links.get(shape.code)
        if href is not None:
            body = f'<a href="{_attr(_check_href(shape.code, href))}">{body}</a>'
        out.append(body)
        # "Not assessed" in words under the code: never an abbreviation a reader must decode.
        text = shape.code if tier is None else f"{shape.code} {tier}"
        score = scores.get(shape.code)
        if tier is not None and score is not None:
            text += f" · {score:g}"
        sub = NOT_ASSESSED if tier is None else None
        mark = status if status is not None and status in STATUS_MARKS else None
        labels.append(_plate(*shape.label_at, text, style, mark, sub))
    out.append("</g>")
    out.extend(labels)
    out.append("</g>")
    out.append(_legend(p, legend_x, PAD + 14))
    out.append("</svg>")
    return "".join(out)
