"""OIP's words and marks: how statuses, tiers, actors and kinds read on every page and report.

One wording per meaning, keyed by the values of `oip.vocabulary`: the monitor's pages, the
reports and the map all read their words from here, so a status never reads one way on a page
and another in a PDF. Every table covers every value of its vocabulary type, in the
vocabulary's order (checked when this module is imported). The tables are typed by `str`
keys so that callers holding a plain string (a template value, a CSV cell) can look a word up.

Every state has a word *and* a mark (a glyph), so nothing is said by colour alone. "Not
assessed" (no evidence at all) and "not met" (evidence says no) never share a word or a mark.

Pure: imports neither Django nor any shell package (the map, `oip.presentation.geo`, uses it).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, TypeVar

from oip.catalogue.schema import Catalogue
from oip.vocabulary import (
    BENCHMARK_KINDS,
    BENCHMARK_STATUSES,
    CHANGE_KINDS,
    STANDING_STATUSES,
    TIER_NAMES,
    WHO,
)

__all__ = [
    "BENCHMARK_STATUS",
    "CHANGE_KIND",
    "KIND_DESCRIPTION",
    "KIND_LABEL",
    "NOT_ASSESSED",
    "NO_TIER_YET",
    "STANDING_STATUS",
    "WHO_WORDS",
    "area_short",
    "tier_name",
    "tier_words",
    "who_words",
]

V = TypeVar("V")


def for_every(values: tuple[str, ...], words: Mapping[str, V], name: str) -> Mapping[str, V]:
    """Return `words` read-only and in the order of `values`; ValueError naming the table and
    the values if it misses one of `values` or has one that is not among them."""
    missing = [v for v in values if v not in words]
    extra = [k for k in words if k not in values]
    if missing or extra:
        raise ValueError(f"labels {name}: missing {missing}, not in the vocabulary {extra}")
    return MappingProxyType({v: words[v] for v in values})


NOT_ASSESSED: Final = "not assessed"
NO_TIER_YET: Final = "no tier yet"

#: Benchmark statuses: (mark, words). `unknown` is the engine's "no observation".
BENCHMARK_STATUS: Final[Mapping[str, tuple[str, str]]] = for_every(
    BENCHMARK_STATUSES,
    {
        "met": ("✓", "met"),
        "partial": ("◐", "partly met"),
        "not_met": ("✗", "not met"),
        "expired": ("⌛", "expired (needs renewing)"),
        "not_applicable": ("–", "not applicable"),
        "presumed": ("○", "no breach recorded"),
        "unknown": ("?", NOT_ASSESSED),
    },
    "BENCHMARK_STATUS",
)

#: Standing statuses: (mark, words). A stable standing needs no mark.
STANDING_STATUS: Final[Mapping[str, tuple[str, str]]] = for_every(
    STANDING_STATUSES,
    {
        "stable": ("", "stable"),
        "on_notice": ("⚠", "on notice"),
        "suspended": ("⊘", "suspended"),
    },
    "STANDING_STATUS",
)

#: Changes of standing: (mark, words).
CHANGE_KIND: Final[Mapping[str, tuple[str, str]]] = for_every(
    CHANGE_KINDS,
    {
        "advanced": ("▲", "advanced"),
        "on_notice": ("⚠", "put on notice"),
        "restored": ("↺", "restored"),
        "fell": ("▼", "fell"),
        "suspended": ("⊘", "suspended"),
    },
    "CHANGE_KIND",
)

#: Benchmark kinds: the word, and what a benchmark of that kind asks for.
KIND_LABEL: Final[Mapping[str, str]] = for_every(
    BENCHMARK_KINDS,
    {
        "legal": "legal",
        "institutional": "institutional",
        "operational": "operational",
        "track_record": "track record",
        "integrity": "integrity",
    },
    "KIND_LABEL",
)
KIND_DESCRIPTION: Final[Mapping[str, str]] = for_every(
    BENCHMARK_KINDS,
    {
        "legal": "a law or act adopted",
        "institutional": "an authority or contact point designated and reachable",
        "operational": "took part, responded, delivered",
        "track_record": "results over time",
        "integrity": "safe handling of information, independence",
    },
    "KIND_DESCRIPTION",
)

#: Who must act, with `{country}` standing for the country's name ("the country" if none).
WHO_WORDS: Final[Mapping[str, str]] = for_every(
    WHO,
    {
        "eu": "the EU",
        "country": "{country}",
        "joint": "the EU and {country} together",
    },
    "WHO_WORDS",
)

# Short forms of the areas' titles for grid headers and chart legends; a new area without
# one falls back to its title before any parenthesis.
_AREA_SHORT: Final[Mapping[str, str]] = {
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
    """Return who must act, in words: "the EU", "Montenegro" or "the EU and Montenegro
    together"; without a country name, "the country" stands in for it."""
    return WHO_WORDS[who].format(country=country_name or "the country")


def tier_name(tier: int) -> str:
    """Return the name of tier `tier` where no catalogue is at hand (the map, the charts):
    "no tier yet" for 0, else the vocabulary's name ("structural"). KeyError for no tier."""
    return NO_TIER_YET if tier == 0 else TIER_NAMES[tier]


def tier_words(catalogue: Catalogue, tier: int | None) -> str:
    """Return "tier 2 · structural"; "no tier yet" for 0; "not assessed" for None."""
    if tier is None:
        return NOT_ASSESSED
    if tier == 0:
        return NO_TIER_YET
    return f"tier {tier} · {catalogue.tier_name(tier)}"
