"""Rule 4, one step at a time: `transition()` and `change_kind()` on their own (no sweep)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from oip.conditionality.transition import (
    INITIAL,
    ON_NOTICE,
    STABLE,
    STATUS_NAMES,
    SUSPENDED,
    Held,
    Snapshot,
    change_kind,
    transition,
)
from oip.vocabulary import STANDING_STATUSES

DAY = dt.date(2025, 3, 1)
GRACE = dt.timedelta(days=90)


def test_advancing_is_immediate() -> None:
    assert transition(Held(1, STABLE, None), 3, None, DAY, GRACE) == Held(3, STABLE, None)


def test_a_raw_tier_below_the_held_one_puts_the_standing_on_notice_for_the_grace_period() -> None:
    assert transition(Held(2, STABLE, None), 1, None, DAY, GRACE) == Held(
        2, ON_NOTICE, dt.date(2025, 5, 30)
    )


def test_a_notice_keeps_its_end_when_the_raw_tier_moves_again_before_it() -> None:
    before = Held(2, ON_NOTICE, dt.date(2025, 5, 30))

    assert transition(before, 0, None, DAY, GRACE) == before


def test_the_held_tier_falls_to_the_raw_tier_when_the_notice_runs_out() -> None:
    before = Held(2, ON_NOTICE, dt.date(2025, 5, 30))

    assert transition(before, 1, None, dt.date(2025, 5, 30), GRACE) == Held(1, STABLE, None)


def test_remedying_a_notice_restores_the_held_tier() -> None:
    before = Held(2, ON_NOTICE, dt.date(2025, 5, 30))

    after = transition(before, 2, None, DAY, GRACE)

    assert after == Held(2, STABLE, None)
    assert change_kind(before, after) == "restored"


def test_with_no_grace_the_held_tier_falls_the_same_day() -> None:
    before = Held(2, STABLE, None)

    after = transition(before, 1, None, DAY, dt.timedelta(0))

    assert after == Held(1, STABLE, None)
    assert change_kind(before, after) == "fell"


def test_a_breach_suspends_at_once_below_the_breached_tier() -> None:
    assert transition(Held(3, STABLE, None), 3, 2, DAY, GRACE) == Held(1, SUSPENDED, None)


def test_a_breach_during_a_notice_ends_the_notice() -> None:
    before = Held(3, ON_NOTICE, dt.date(2025, 5, 30))

    assert transition(before, 2, 3, DAY, GRACE) == Held(2, SUSPENDED, None)


def test_a_suspended_tier_follows_the_raw_tier_down_at_once() -> None:
    assert transition(Held(1, SUSPENDED, None), 0, 2, DAY, GRACE) == Held(0, SUSPENDED, None)


def test_a_lifted_suspension_takes_the_raw_tier_even_when_lower() -> None:
    before = Held(1, SUSPENDED, None)

    after = transition(before, 0, None, DAY, GRACE)

    assert after == Held(0, STABLE, None)
    assert change_kind(before, after) == "restored"


def test_a_lifted_suspension_to_a_higher_tier_is_an_advance() -> None:
    before = Held(1, SUSPENDED, None)

    assert change_kind(before, transition(before, 3, None, DAY, GRACE)) == "advanced"


def test_change_kinds() -> None:
    stable_2 = Held(2, STABLE, None)
    notice_2 = Held(2, ON_NOTICE, dt.date(2025, 5, 30))

    assert change_kind(stable_2, stable_2) is None
    assert change_kind(stable_2, notice_2) == "on_notice"
    assert change_kind(notice_2, notice_2) is None
    assert change_kind(notice_2, Held(1, STABLE, None)) == "fell"
    assert change_kind(stable_2, Held(2, SUSPENDED, None)) == "suspended"
    assert change_kind(Held(1, SUSPENDED, None), Held(0, SUSPENDED, None)) == "fell"
    assert change_kind(Held(1, SUSPENDED, None), Held(2, SUSPENDED, None)) == "advanced"


def test_status_names_follow_the_vocabulary_and_the_initial_snapshot_is_tier_0_stable() -> None:
    assert set(STATUS_NAMES) == set(STANDING_STATUSES)
    assert (STATUS_NAMES[STABLE], STATUS_NAMES[ON_NOTICE], STATUS_NAMES[SUSPENDED]) == (
        "stable",
        "on_notice",
        "suspended",
    )
    assert Snapshot(0, 0, STABLE, None, None, ()) == INITIAL


tiers = st.integers(min_value=0, max_value=3)
grace_days = st.integers(min_value=0, max_value=400)


@st.composite
def held_values(draw: st.DrawFn) -> Held:
    status = draw(st.sampled_from((STABLE, ON_NOTICE, SUSPENDED)))
    notice = DAY + dt.timedelta(days=draw(st.integers(1, 400))) if status == ON_NOTICE else None
    return Held(draw(tiers), status, notice)


@given(held_values(), tiers, st.one_of(st.none(), st.integers(1, 3)), grace_days)
def test_the_held_tier_never_exceeds_what_the_evidence_or_the_past_supports(
    before: Held, raw: int, breach: int | None, grace: int
) -> None:
    after = transition(before, raw, breach, DAY, dt.timedelta(days=grace))

    assert after.tier <= max(raw, before.tier)
    if breach is not None:
        assert after == Held(min(raw, breach - 1), SUSPENDED, None)
    if after.status == ON_NOTICE:
        assert after.tier == before.tier > raw
        assert after.notice_until is not None
        assert after.notice_until > DAY
    else:
        assert after.notice_until is None


@given(held_values(), tiers, grace_days)
def test_without_a_breach_the_held_tier_is_never_below_the_raw_tier(
    before: Held, raw: int, grace: int
) -> None:
    after = transition(before, raw, None, DAY, dt.timedelta(days=grace))

    assert after.tier >= raw
    assert after.status != SUSPENDED


@given(held_values(), held_values())
def test_a_change_is_named_exactly_when_the_tier_or_status_moved(before: Held, after: Held) -> None:
    kind = change_kind(before, after)

    assert (kind is None) == ((before.tier, before.status) == (after.tier, after.status))
    if kind == "fell":
        assert after.tier < before.tier
