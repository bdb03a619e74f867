"""Who leads and who trails in an area, from the countries' held tiers. Pure: no Django."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["leaders", "trailing"]


def leaders(tiers: Mapping[str, int]) -> tuple[str, ...]:
    """Return the countries holding the highest tier in `tiers`, in `tiers`' order.

    Every country given counts, one without evidence at its tier 0; empty for empty `tiers`.
    When every country holds the same tier, all of them lead (and trail).
    """
    if not tiers:
        return ()
    top = max(tiers.values())
    return tuple(country for country, tier in tiers.items() if tier == top)


def trailing(tiers: Mapping[str, int]) -> tuple[str, ...]:
    """Return the countries holding the lowest tier in `tiers`, in `tiers`' order.

    Every country given counts, one without evidence at its tier 0; empty for empty `tiers`.
    """
    if not tiers:
        return ()
    bottom = min(tiers.values())
    return tuple(country for country, tier in tiers.items() if tier == bottom)
