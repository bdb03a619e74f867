"""Rule 4 of the conditionality semantics: how the held tier follows the raw tier.

`transition()` is the rule itself, one step at a time; `change_kind()` names the change a step
makes. Standing statuses travel as small ints inside the sweep (`STABLE`, `ON_NOTICE`,
`SUSPENDED`); names only at the boundary (`STATUS_NAMES`). Pure: no Django.
"""

from __future__ import annotations

import datetime as dt
from typing import Final, NamedTuple

from oip.conditionality.types import ChangeKind, StandingStatus
from oip.vocabulary import STANDING_STATUSES

__all__ = [
    "INITIAL",
    "ON_NOTICE",
    "STABLE",
    "STATUS_NAMES",
    "SUSPENDED",
    "Held",
    "Snapshot",
    "change_kind",
    "transition",
]

STABLE: Final = 0
ON_NOTICE: Final = 1
SUSPENDED: Final = 2
#: The name of each status code: `STATUS_NAMES[code]`.
STATUS_NAMES: Final[tuple[StandingStatus, ...]] = ("stable", "on_notice", "suspended")
if set(STATUS_NAMES) != set(STANDING_STATUSES):
    raise RuntimeError("STATUS_NAMES must name every standing status once")


class Held(NamedTuple):
    """The held tier, its status code and, while on notice, the day the grace period ends."""

    tier: int
    status: int
    notice_until: dt.date | None


class Snapshot(NamedTuple):
    """A standing between two changes, as the sweep records it.

    `suspended_by` holds the suspending benchmarks' indices within their area.
    """

    tier: int
    raw_tier: int
    status: int
    since: dt.date | None
    notice_until: dt.date | None
    suspended_by: tuple[int, ...]


#: The standing before any evidence: no tier, stable, never changed.
INITIAL: Final = Snapshot(0, 0, STABLE, None, None, ())


def transition(
    before: Held,
    raw_tier: int,
    breach_tier: int | None,
    day: dt.date,
    grace: dt.timedelta,
) -> Held:
    """Return the standing held after `day`, given the raw tier the evidence supports then.

    `breach_tier` is the lowest tier of an integrity benchmark the country relied on and
    that is breached (observed `not_met`, and not satisfied again since; None: no breach).
    An `expired` benchmark is never a breach: it can only lower the raw tier. The rule, in order:
    - a breach suspends at once: the held tier drops to the highest tier that does not need
      the breached benchmark (and no higher than the raw tier), with no grace;
    - advancing is immediate, and so is a lifted suspension: the held tier becomes the raw
      tier whenever that is not lower, or when the standing was suspended;
    - falling is not: a raw tier below the held one puts the standing on notice from `day`
      until `day + grace`; if the notice is not remedied by then, the held tier drops to the
      raw tier on that day (at once when `grace` is zero).
    """
    if breach_tier is not None:
        return Held(min(raw_tier, breach_tier - 1), SUSPENDED, None)
    if before.status == SUSPENDED or raw_tier >= before.tier:
        return Held(raw_tier, STABLE, None)
    notice_until = day + grace if before.status == STABLE else before.notice_until
    if notice_until is None or notice_until <= day:
        return Held(raw_tier, STABLE, None)
    return Held(before.tier, ON_NOTICE, notice_until)


def change_kind(before: Held, after: Held) -> ChangeKind | None:
    """Return the kind of change from `before` to `after`, or None if the standing held.

    Entering a suspension is `suspended`; leaving one is `advanced` if the tier rose, else
    `restored`; otherwise a higher tier is `advanced`, a lower one `fell`, entering a notice
    `on_notice` and leaving it without falling `restored`.
    """
    if after.status == SUSPENDED and before.status != SUSPENDED:
        return "suspended"
    if before.status == SUSPENDED and after.status != SUSPENDED:
        return "advanced" if after.tier > before.tier else "restored"
    if after.tier > before.tier:
        return "advanced"
    if after.tier < before.tier:
        return "fell"
    if after.status != before.status:
        return "on_notice" if after.status == ON_NOTICE else "restored"
    return None
