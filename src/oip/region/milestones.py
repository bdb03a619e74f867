"""How far each country has got with the memo's milestones. Pure: no Django.

A target counts as achieved exactly when the engine says so (`Standing.achieved_targets`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from oip.catalogue.schema import Catalogue
from oip.conditionality.types import Standing

__all__ = ["CountryMilestone", "MilestoneProgress", "milestone_progress"]


@dataclass(frozen=True, slots=True)
class CountryMilestone:
    """One country's progress on one milestone: which of its targets it has achieved."""

    country: str
    achieved: tuple[str, ...]  # the milestone's targets achieved, in the milestone's order
    total: int  # the milestone's targets

    @property
    def done(self) -> int:
        return len(self.achieved)

    @property
    def reached(self) -> bool:
        """Whether every target of the milestone is achieved (never, for one without any)."""
        return self.total > 0 and self.done == self.total

    @property
    def started(self) -> bool:
        """Whether at least one target of the milestone is achieved."""
        return self.done > 0


@dataclass(frozen=True, slots=True)
class MilestoneProgress:
    """A milestone at `as_of`: each country's progress, and the days left until it is due
    (negative once past)."""

    milestone: str
    due: dt.date
    targets: tuple[str, ...]
    days_left: int
    countries: tuple[CountryMilestone, ...]

    @property
    def achieved_by(self) -> tuple[str, ...]:
        """The countries that reached the milestone, in the order given."""
        return tuple(c.country for c in self.countries if c.reached)

    @property
    def left_out(self) -> tuple[str, ...]:
        """The countries that have not reached it, in the order given."""
        return tuple(c.country for c in self.countries if not c.reached)


def milestone_progress(
    catalogue: Catalogue,
    standings: Sequence[Standing],
    as_of: dt.date,
    countries: Sequence[str] | None = None,
) -> tuple[MilestoneProgress, ...]:
    """Return every milestone of `catalogue` (its order) with each country's progress at `as_of`.

    `standings` are the engine's at `as_of` (any areas; a target counts as achieved by a
    country when one of its standings lists it in `achieved_targets`). `countries` defaults to
    every country of the catalogue, in its order; a country without standings has achieved
    nothing.
    """
    achieved: dict[str, set[str]] = {}
    for standing in standings:
        achieved.setdefault(standing.country, set()).update(standing.achieved_targets)
    codes = catalogue.country_codes() if countries is None else tuple(countries)
    rows = []
    for milestone in catalogue.milestones:
        per_country = tuple(
            CountryMilestone(
                country=code,
                achieved=tuple(t for t in milestone.targets if t in achieved.get(code, ())),
                total=len(milestone.targets),
            )
            for code in codes
        )
        rows.append(
            MilestoneProgress(
                milestone=milestone.id,
                due=milestone.due,
                targets=milestone.targets,
                days_left=(milestone.due - as_of).days,
                countries=per_country,
            )
        )
    return tuple(rows)
