"""The monitor's words and marks: how statuses, tiers and actors read on every page.

Every state has a word *and* a mark (a glyph), so nothing is said by colour alone. "Not
assessed" (no evidence at all) and "not met" (evidence says no) never share a word or a mark.
"""

from __future__ import annotations

from typing import Final

from oip.catalogue.schema import Catalogue

# Benchmark statuses: (mark, words). `unknown` is the engine's "no observation".
BENCHMARK_STATUS: Final[dict[str, tuple[str, str]]] = {
    "met": ("✓", "met"),
    "partial": ("◐", "partly met"),
    "not_met": ("✗", "not met"),
    "not_applicable": ("–", "not applicable"),
    "unknown": ("?", "not assessed"),
}

# Standing statuses: (mark, words). A stable standing needs no mark.
STANDING_STATUS: Final[dict[str, tuple[str, str]]] = {
    "stable": ("", "stable"),
    "on_notice": ("⚠", "on notice"),
    "suspended": ("⊘", "suspended"),
}

CHANGE_KIND: Final[dict[str, tuple[str, str]]] = {
    "advanced": ("▲", "advanced"),
    "on_notice": ("⚠", "put on notice"),
    "restored": ("↺", "restored"),
    "fell": ("▼", "fell"),
    "suspended": ("⊘", "suspended"),
}

KIND_DESCRIPTION: Final[dict[str, str]] = {
    "legal": "a law or act adopted",
    "institutional": "an authority or contact point designated and reachable",
    "operational": "took part, responded, delivered",
    "track_record": "results over time",
    "integrity": "safe handling of information, independence",
}

KIND_LABEL: Final[dict[str, str]] = {
    "legal": "legal",
    "institutional": "institutional",
    "operational": "operational",
    "track_record": "track record",
    "integrity": "integrity",
}

NOT_ASSESSED: Final = "not assessed"

# Short forms of the areas' titles for grid headers and chart legends; a new area without
# one falls back to its title before any parenthesis.
_AREA_SHORT: Final[dict[str, str]] = {
    "cyber": "Cybersecurity",
    "fdi": "Investment screening (FDI)",
    "rule-of-law": "Rule of law (FRA)",
    "eppo": "EPPO",
    "eurojust": "Eurojust",
    "fimi": "Media and FIMI",
    "security": "Security (CEPOL)",
    "public-administration": "Public administration",
    "financial-integrity": "Financial integrity",
}


def area_short(catalogue: Catalogue, area_id: str) -> str:
    """Return a short name for the area (for narrow table headers and legends)."""
    if area_id in _AREA_SHORT:
        return _AREA_SHORT[area_id]
    return catalogue.area(area_id).title.split(" (")[0]


def who_words(who: str, country_name: str | None = None) -> str:
    """Return who must act, in words: "the EU", "Montenegro" or "the EU and Montenegro"."""
    country = country_name or "the country"
    if who == "eu":
        return "the EU"
    if who == "joint":
        return f"the EU and {country} together"
    return country


def tier_words(catalogue: Catalogue, tier: int | None) -> str:
    """Return "tier 2 · structural", or "no tier" for 0."""
    if tier is None:
        return NOT_ASSESSED
    if tier == 0:
        return "no tier yet"
    return f"tier {tier} · {catalogue.tier_name(tier)}"
