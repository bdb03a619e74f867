"""The access rule (EXCHANGE.md §6.5.2): properties for any actor and item, and the tables."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oip.liaison.access import (
    Delivered,
    ExceptionalRejected,
    WithdrawalNotice,
    capabilities,
    decide,
    replay,
    validate_exceptional,
    withdrawals,
)
from oip.liaison.policy import default_path, load_policy
from oip.liaison.tlp import rank
from oip.liaison.types import Action, Actor, Audience, DeliveryFact, Exceptional, Item
from oip.vocabulary import TLP_LEVELS, StandingStatus, Tlp
from tests.liaison.strategies import (
    NOW,
    FakeStanding,
    actors,
    items,
    standing_fn,
    standings,
)

POLICY = load_policy()
ACTIONS: tuple[Action, ...] = ("read", "send", "acknowledge", "respond", "export")
actions = st.sampled_from(ACTIONS)
statuses = st.sampled_from(("stable", "on_notice", "suspended"))


def read(actor: Actor, item: Item, tier: int, status: StandingStatus = "stable") -> bool:
    return decide(actor, item, "read", standing_fn(FakeStanding(tier, status)), POLICY, NOW).allowed


# --- properties (§8 WP1 test 3) ----------------------------------------------------------------


@settings(max_examples=500)
@given(actors(), items(), st.integers(0, 3), st.integers(0, 3), statuses, actions)
def test_raising_the_tier_never_removes_a_right(
    actor: Actor, item: Item, t1: int, t2: int, status: StandingStatus, action: Action
) -> None:
    low, high = sorted((t1, t2))
    before = decide(actor, item, action, standing_fn(FakeStanding(low, status)), POLICY, NOW)
    after = decide(actor, item, action, standing_fn(FakeStanding(high, status)), POLICY, NOW)
    if before.allowed:
        assert after.allowed
        assert after.level == before.level


@settings(max_examples=500)
@given(actors(), items(), st.integers(0, 3), actions)
def test_suspended_rights_are_a_subset_of_stable_rights(
    actor: Actor, item: Item, tier: int, action: Action
) -> None:
    suspended = decide(
        actor, item, action, standing_fn(FakeStanding(tier, "suspended")), POLICY, NOW
    )
    stable = decide(actor, item, action, standing_fn(FakeStanding(tier, "stable")), POLICY, NOW)
    if suspended.allowed:
        assert stable.allowed


@settings(max_examples=500)
@given(actors(), items().map(lambda i: dataclasses.replace(i, tlp="red")), standings, actions)
def test_red_is_readable_only_by_named_persons(
    actor: Actor, item: Item, standing: FakeStanding, action: Action
) -> None:
    decision = decide(actor, item, action, standing_fn(standing), POLICY, NOW)
    if decision.level == "content" and action != "send":
        assert actor.user in item.named
    if actor.user not in item.named and action != "send":
        assert decision.allowed is False
        assert decision.reason == "red_named_only"


@settings(max_examples=500)
@given(actors(), items(), standings)
def test_the_originator_always_reads_its_own_items(
    actor: Actor, item: Item, standing: FakeStanding
) -> None:
    item = dataclasses.replace(item, originator_org=actor.org, named=item.named | {actor.user})
    decision = decide(actor, item, "read", standing_fn(standing), POLICY, NOW)
    if rank(item.tlp) <= rank(actor.clearance):
        assert decision.allowed is True
        assert decision.level == "content"
        assert decision.reason == ("exercise" if item.exercise else "own_item")
    else:
        assert decision.reason == "clearance"
        assert decision.not_found is False


@settings(max_examples=500)
@given(actors(), items(), standings, actions, st.booleans())
def test_the_operator_never_reads_content(
    actor: Actor, item: Item, standing: FakeStanding, action: Action, submit: bool
) -> None:
    operator = dataclasses.replace(
        actor, org="oip", org_kind="operator", country=None, roles=frozenset({"org_admin"})
    )
    item = dataclasses.replace(item, named=item.named | {operator.user}, originator_org="oip")
    decision = decide(
        operator, item, action, standing_fn(standing), POLICY, NOW, analyst_submit=submit
    )
    assert decision.level != "content"
    if action == "read":
        assert (decision.allowed, decision.level, decision.reason) == (
            True,
            "metadata",
            "operator_no_content",
        )
    else:
        assert decision.allowed is False


@settings(max_examples=500)
@given(actors(), items(), standings, actions)
def test_an_expired_membership_reads_nothing(
    actor: Actor, item: Item, standing: FakeStanding, action: Action
) -> None:
    actor = dataclasses.replace(actor, membership_valid=False)
    decision = decide(actor, item, action, standing_fn(standing), POLICY, NOW)
    assert (decision.allowed, decision.level, decision.reason, decision.not_found) == (
        False,
        "none",
        "membership_inactive",
        True,
    )


@settings(max_examples=500)
@given(st.text(alphabet=" \t\n\r\u00a0\u2003", max_size=5), st.integers(1, 60))
def test_exceptional_addressing_without_justification_is_rejected(blank: str, days: int) -> None:
    with pytest.raises(ExceptionalRejected, match="needs a justification"):
        validate_exceptional(blank, NOW + dt.timedelta(days=days), NOW)


@settings(max_examples=500)
@given(actors(), items(), standings, actions, st.sampled_from(("", " ", "\t")))
def test_a_blank_justification_never_raises_access(
    actor: Actor, item: Item, standing: FakeStanding, action: Action, blank: str
) -> None:
    plain = dataclasses.replace(item, exceptional=None)
    blank_ex = dataclasses.replace(item, exceptional=Exceptional(blank, NOW + dt.timedelta(days=9)))
    fn = standing_fn(standing)
    assert decide(actor, blank_ex, action, fn, POLICY, NOW) == decide(
        actor, plain, action, fn, POLICY, NOW
    )


@settings(max_examples=500)
@given(actors(), items(), standings)
def test_sending_is_open_at_every_tier(actor: Actor, item: Item, standing: FakeStanding) -> None:
    item = dataclasses.replace(item, originator_org=actor.org)
    decision = decide(actor, item, "send", standing_fn(standing), POLICY, NOW)
    sends = bool(actor.roles & {"officer", "liaison_manager", "contact_point"})
    expected = sends and item.area in actor.areas and rank(item.tlp) <= rank(actor.clearance)
    assert decision.allowed is expected


@settings(max_examples=500)
@given(actors(), items(), standings, actions)
def test_replay_is_decide_at_that_moment(
    actor: Actor, item: Item, standing: FakeStanding, action: Action
) -> None:
    at = NOW - dt.timedelta(days=3)
    fn = standing_fn(standing)
    assert replay(actor, item, action, fn, POLICY, at) == decide(
        actor, item, action, fn, POLICY, at
    )


# --- the tables of §6.5.1 --------------------------------------------------------------------

CP = Actor(
    user="ana",
    org="al-csirt",
    org_kind="national",
    country="AL",
    body=None,
    roles=frozenset({"contact_point"}),
    areas=frozenset({"cyber"}),
    clearance="red",
    membership_valid=True,
)


def notification(
    tlp: Tlp, audience: Audience = "addressed", delivered: Tlp | None = None, **changes: Any
) -> Item:
    item = Item(
        id="n1",
        template="cyber-incident",
        area="cyber",
        tlp=tlp,
        audience=audience,
        originator_org="enisa",
        addressees=frozenset({"al-csirt"}) if audience == "addressed" else frozenset(),
        named=frozenset({"ana"}),
        delivery=DeliveryFact(delivered, NOW - dt.timedelta(days=9)) if delivered else None,
    )
    return dataclasses.replace(item, **changes)


def highest(
    tier: int, status: StandingStatus, audience: Audience, delivered: Tlp | None = None
) -> str:
    """The highest level the contact point (clearance RED, named) reads, or 'nothing'."""
    levels: list[Tlp] = ["clear", "green", "amber", "amber+strict", "red"]
    readable = [t for t in levels if read(CP, notification(t, audience, delivered), tier, status)]
    assert readable == levels[: len(readable)], "readable levels are a prefix of the order"
    return readable[-1] if readable else "nothing"


@pytest.mark.parametrize(
    ("tier", "addressed", "community"),
    [
        (0, "green", "clear"),
        (1, "amber", "green"),
        (2, "amber", "amber"),
        (3, "red", "red"),  # AMBER+STRICT, and RED for the individuals an item names
    ],
)
def test_tier_rows_of_6_5_1(tier: int, addressed: str, community: str) -> None:
    assert highest(tier, "stable", "addressed") == addressed
    assert highest(tier, "stable", "community") == community
    unnamed = notification("red", named=frozenset({"besa"}))
    assert decide(CP, unnamed, "read", standing_fn(FakeStanding(tier)), POLICY, NOW).reason == (
        "red_named_only"
    )


def test_stable_reads_up_to_the_higher_of_cap_and_cap_at_delivery() -> None:
    assert highest(1, "stable", "addressed", delivered="amber+strict") == "amber+strict"
    decision = decide(
        CP, notification("amber+strict", delivered="amber+strict"), "read",
        standing_fn(FakeStanding(1)), POLICY, NOW,
    )  # fmt: skip
    assert (decision.allowed, decision.reason, decision.rule) == (
        True,
        "kept_after_fall",
        "keep_on_fall",
    )


def test_on_notice_keeps_the_held_tier_caps() -> None:
    assert highest(2, "on_notice", "addressed") == "amber"
    assert highest(2, "on_notice", "community") == "amber"


def test_a_fall_after_grace_keeps_what_was_delivered() -> None:
    # Held tier 3 -> 1, not suspended: new items at tier 1's caps, delivered ones kept.
    assert highest(1, "stable", "addressed") == "amber"
    assert highest(1, "stable", "addressed", delivered="red") == "red"
    assert highest(1, "stable", "community", delivered="amber+strict") == "amber+strict"


def test_a_suspension_withdraws_above_the_lowered_cap_but_not_own_items() -> None:
    assert highest(1, "suspended", "addressed", delivered="red") == "amber"
    assert highest(0, "suspended", "community", delivered="amber+strict") == "clear"
    withdrawn = decide(
        CP, notification("amber+strict", delivered="amber+strict"), "read",
        standing_fn(FakeStanding(1, "suspended")), POLICY, NOW,
    )  # fmt: skip
    assert withdrawn == dataclasses.replace(
        withdrawn, allowed=False, level="none", reason="withdrawn_suspension", not_found=False
    )
    own = notification("amber+strict", originator_org="al-csirt")
    assert read(CP, own, 1, "suspended") is True


def test_an_advance_gives_the_new_caps_at_once() -> None:
    assert highest(3, "stable", "community") == "red"
    assert read(CP, notification("amber+strict", "community"), 3) is True
    assert read(CP, notification("amber+strict", "community"), 2) is False


def test_exceptional_addressing_raises_the_cap_until_expiry_unless_suspended() -> None:
    ex = Exceptional("attack on the AL grid", NOW + dt.timedelta(days=1))
    item = notification("amber+strict", exceptional=ex)
    assert (
        decide(CP, item, "read", standing_fn(FakeStanding(1)), POLICY, NOW).reason == "within_cap"
    )
    expired = dataclasses.replace(item, exceptional=Exceptional(ex.justification, NOW))
    assert read(CP, expired, 1) is False
    assert read(CP, item, 1, "suspended") is False


def test_not_found_for_what_the_organisation_may_not_know() -> None:
    fn = standing_fn(FakeStanding(0))
    other = notification("green", addressees=frozenset({"me-csirt"}))
    assert decide(CP, other, "read", fn, POLICY, NOW).not_found is True
    community = notification("amber", "community")
    assert decide(CP, community, "read", fn, POLICY, NOW).not_found is True
    addressed = notification("amber")
    denied = decide(CP, addressed, "read", fn, POLICY, NOW)
    assert (denied.reason, denied.rule, denied.not_found) == (
        "above_tier_cap",
        "receive.0.addressed",
        False,
    )


def test_roles_of_the_persona_matrix() -> None:
    fn = standing_fn(FakeStanding(2))
    item = notification("amber")
    auditor = dataclasses.replace(CP, roles=frozenset({"auditor"}))
    assert decide(auditor, item, "read", fn, POLICY, NOW).level == "metadata"
    assert decide(auditor, item, "export", fn, POLICY, NOW).allowed is False
    admin = dataclasses.replace(CP, roles=frozenset({"org_admin"}))
    assert decide(admin, item, "read", fn, POLICY, NOW).reason == "org_admin"
    analyst = dataclasses.replace(CP, roles=frozenset({"analyst"}))
    assert decide(analyst, item, "read", fn, POLICY, NOW).reason == "within_cap"
    assert decide(analyst, item, "respond", fn, POLICY, NOW).reason == "role"
    assert decide(analyst, item, "respond", fn, POLICY, NOW, analyst_submit=True).allowed is True
    assert decide(analyst, item, "export", fn, POLICY, NOW).allowed is True
    strict = notification("amber+strict", delivered="amber+strict")
    assert decide(analyst, strict, "export", fn, POLICY, NOW).reason == "role"
    own = notification("amber", originator_org="al-csirt")
    assert decide(analyst, own, "send", fn, POLICY, NOW).reason == "role"
    assert decide(analyst, own, "send", fn, POLICY, NOW, analyst_submit=True).reason == "sender"
    red = notification("red", originator_org="al-csirt")
    assert decide(CP, red, "export", fn, POLICY, NOW).reason == "export_forbidden"
    eu = dataclasses.replace(CP, org="enisa", org_kind="eu_body", country=None, body="enisa")
    broadcast = notification("amber", "community", originator_org="me-csirt")
    assert decide(eu, broadcast, "read", fn, POLICY, NOW).reason == "eu_body"
    fdi = dataclasses.replace(broadcast, area="fdi", template="fdi-notification")
    assert decide(eu, fdi, "read", fn, POLICY, NOW).not_found is True


# --- capabilities and withdrawals (§8 WP1 test 4) ----------------------------------------------


def test_capabilities_say_what_a_country_receives() -> None:
    caps = capabilities("AL", "cyber", FakeStanding(2), POLICY)
    assert (caps.templates, caps.addressed, caps.community, caps.red, caps.sentence) == (
        ("cyber-incident", "reachability-test", "recall"),
        "amber",
        "amber",
        False,
        "tier 2 in cyber: you receive up to AMBER",
    )
    assert capabilities("AL", "cyber", FakeStanding(0, "suspended"), POLICY).sentence == (
        "tier 0 in cyber (suspended): you receive up to GREEN addressed to you, CLEAR from the community"
    )
    top = capabilities("ME", "fdi", FakeStanding(3), POLICY)
    assert (top.addressed, top.red, top.sentence) == (
        "amber+strict",
        True,
        "tier 3 in fdi: you receive up to AMBER+STRICT, and RED when named",
    )


AUDIENCES: tuple[Audience, ...] = ("addressed", "community")


def _delivered(tlp: Tlp, audience: Audience, n: int, originator: str = "enisa") -> Delivered:
    item = notification(tlp, audience, delivered="red", id=f"n{n}", originator_org=originator)
    return Delivered("al-csirt", item, own=originator.startswith("al-"))


DELIVERED = [
    _delivered(tlp, audience, n)
    for n, (tlp, audience) in enumerate((t, a) for t in TLP_LEVELS for a in AUDIENCES)
] + [
    _delivered("red", "addressed", 90, "al-fiu"),
    _delivered("amber+strict", "community", 91, "al-csirt"),
]


def test_suspension_from_t3_to_t1_withdraws_exactly_what_is_above_the_t1_cap() -> None:
    notices = withdrawals(FakeStanding(3), FakeStanding(1, "suspended"), DELIVERED, POLICY)
    assert notices == [
        WithdrawalNotice("al-csirt", "n5", "amber", "green", True),
        WithdrawalNotice("al-csirt", "n6", "amber+strict", "amber", True),
        WithdrawalNotice("al-csirt", "n7", "amber+strict", "green", True),
        WithdrawalNotice("al-csirt", "n8", "red", "amber", True),
        WithdrawalNotice("al-csirt", "n9", "red", "green", True),
    ]


def test_a_fall_after_grace_withdraws_nothing() -> None:
    assert withdrawals(FakeStanding(2), FakeStanding(1), DELIVERED, POLICY) == []


@settings(max_examples=500)
@given(st.lists(items(), max_size=8), st.integers(0, 3), st.integers(0, 3), st.booleans())
def test_withdrawals_are_the_suspended_denials_never_own(
    found: list[Item], before: int, after: int, own: bool
) -> None:
    found = [dataclasses.replace(item, id=f"n{n}") for n, item in enumerate(found)]
    deliveries = [Delivered("al-csirt", i, own=own) for i in found]
    notices = withdrawals(
        FakeStanding(before), FakeStanding(after, "suspended"), deliveries, POLICY
    )
    if own:
        assert notices == []
    for notice in notices:
        item = next(i for i in found if i.id == notice.item)
        assert item.originator_org != "al-csirt"
        assert rank(item.tlp) > rank(notice.cap)
    assert withdrawals(FakeStanding(before), FakeStanding(after), deliveries, POLICY) == []


@settings(max_examples=500)
@given(st.sampled_from(("x", "attack on the grid")), st.integers(-3, 3))
def test_exceptional_expiry_must_be_in_the_future(justification: str, days: int) -> None:
    expires = NOW + dt.timedelta(days=days)
    if days > 0:
        assert validate_exceptional(justification, expires, NOW) == Exceptional(
            justification, expires
        )
    else:
        with pytest.raises(ExceptionalRejected, match="in the future"):
            validate_exceptional(justification, expires, NOW)


def test_exceptional_defaults_to_thirty_days_and_refuses_naive_expiry() -> None:
    assert validate_exceptional(" grid ", None, NOW, POLICY) == Exceptional(
        "grid", NOW + dt.timedelta(days=30)
    )
    with pytest.raises(ExceptionalRejected, match="aware"):
        validate_exceptional("grid", dt.datetime(2027, 1, 1), NOW)


def test_template_overrides_apply_to_that_template_only(tmp_path: Path) -> None:
    text = default_path().read_text(encoding="utf-8")
    override = (
        "  fimi-alert:\n    area: fimi\n"
        "    receive:\n"
        "      0: {addressed: clear, community: clear}\n"
        "      1: {addressed: green, community: clear}\n"
        "      2: {addressed: amber, community: green}\n"
        "      3: {addressed: amber, community: amber, red: true}\n"
        "    keep_on_fall: false\n"
        "    on_notice: {no_new: amber}\n"
    )
    path = tmp_path / "policy.yaml"
    path.write_text(text.replace("  fimi-alert:\n    area: fimi\n", override), encoding="utf-8")
    policy = load_policy(path)
    assert policy.receive_cap("fimi-alert", "community", 2) == "green"
    assert policy.receive_cap("cyber-incident", "community", 2) == "amber"
    assert policy.keep_on_fall("fimi-alert") is False
    fimi = notification("amber", template="fimi-alert", area="fimi", delivered="amber")
    fn = standing_fn(FakeStanding(1))
    assert decide(CP, fimi, "read", standing_fn(FakeStanding(0)), policy, NOW).reason == (
        "above_tier_cap"
    )
    assert decide(CP, fimi, "read", fn, POLICY, NOW).reason == "within_cap"
    new = notification("amber", template="fimi-alert", area="fimi")
    notice = standing_fn(FakeStanding(2, "on_notice"))
    assert decide(CP, new, "read", notice, policy, NOW).reason == "on_notice_no_new"
    assert decide(CP, fimi, "read", notice, policy, NOW).reason == "within_cap"
    assert decide(CP, new, "read", notice, POLICY, NOW).reason == "within_cap"
