"""The escalation ladder: which level a running clock has reached, and which reminders are due.

Pure: no Django. The default ladder (EXCHANGE.md §6.6.3, `policy.yaml`): L1 at 50 % of the
allowed time, L2 at 100 % (due), L3 at 125 %, or, for clocks of at most 24 h, one hour after
the due instant. A reachability test sent at 10:00 with a 30-minute limit and no answer
reaches L1 at 10:15, L2 at 10:30 and L3 at 11:30.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet

from oip.liaison.types import ClockState, ItemRef, Ladder, LadderStep, Reminder, ReminderKey

__all__ = ["ESCALATING", "due_reminders", "escalation_level", "ladder_for"]

ESCALATING = frozenset({"running", "overdue"})


def _reached(state: ClockState, step: LadderStep) -> bool:
    if step.short_clock is not None and step.short_offset is not None:
        allowed = state.allowed
        if allowed is None and state.due_at is not None and state.started_at is not None:
            allowed = state.due_at - state.started_at
        if allowed is not None and allowed <= step.short_clock:
            return state.overdue_by is not None and state.overdue_by >= step.short_offset
    return state.fraction >= step.fraction


def escalation_level(state: ClockState, ladder: Ladder) -> int:
    """The highest ladder level `state` has reached; 0 before L1 and for clocks that are not
    running or overdue (not started, met, late)."""
    if state.status not in ESCALATING:
        return 0
    return max((s.level for s in ladder.steps if _reached(state, s)), default=0)


def ladder_for(clock: str, ladders: Mapping[str, Ladder] | Ladder) -> Ladder:
    """The ladder of `clock`: the only one given, the one keyed by the clock id, or `default`."""
    if isinstance(ladders, Ladder):
        return ladders
    found = ladders.get(clock) or ladders.get("default")
    if found is None:
        raise KeyError(f"no ladder for clock {clock!r} and no 'default' ladder")
    return found


def due_reminders(
    states: Iterable[tuple[ItemRef, ClockState]],
    ladders: Mapping[str, Ladder] | Ladder,
    sent: AbstractSet[ReminderKey],
) -> list[Reminder]:
    """Every reminder of every level reached by a running or overdue clock and not in `sent`.

    A clock that jumped straight to L3 (e.g. a worker that was down) yields L1, L2 and L3,
    each once. One reminder per role of the step, to `"{org}:{role}"` of the item's
    organisation; keys already in `sent` (or repeated in `states`) are never returned.
    Order: input order, then level, then the step's `notify` order.
    """
    out: list[Reminder] = []
    given: set[ReminderKey] = set()
    for ref, state in states:
        if state.status not in ESCALATING:
            continue
        ladder = ladder_for(state.clock, ladders)
        for step in sorted(ladder.steps, key=lambda s: s.level):
            if not _reached(state, step):
                continue
            for role in step.notify:
                key = ReminderKey(ref.notification, state.clock, step.level, f"{ref.org}:{role}")
                if key in sent or key in given:
                    continue
                given.add(key)
                out.append(Reminder(key, role, state.due_at, state))
    return out
