"""The access rule: may this person do this with this item now? (EXCHANGE.md §6.5.2, §6.11)

Pure: no Django. `decide()` is evaluated on every read, of the actor (as the shell resolved
them at `now`), the item's metadata, the country's standing in the item's area *now* (through
the `standing(country, area, date)` callable), and the policy. Nothing is pushed that could not
be pulled back: a suspension withdraws on the next read, whether or not the sweep
(`withdrawals()`) has run.

404 or 403: `Decision.not_found` is true when the actor may not even learn that the item exists
(an item not addressed to its organisation, an exercise it does not play in, an EU body outside
the area, a community item never delivered to it); a denial of an item its organisation was
given or addressed keeps `not_found` false, so the API can say why (`withdrawn_suspension`,
`above_tier_cap`, `clearance`, `red_named_only`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

from oip.liaison.policy import Policy
from oip.liaison.tlp import HANDLING, max_tlp, rank
from oip.liaison.types import Action, Actor, Decision, Exceptional, Item, StandingLike
from oip.vocabulary import StandingStatus, Tlp

__all__ = [
    "CONTENT_ROLES",
    "SENDING_ROLES",
    "Capabilities",
    "Delivered",
    "ExceptionalRejected",
    "StandingFn",
    "WithdrawalNotice",
    "capabilities",
    "decide",
    "replay",
    "validate_exceptional",
    "withdrawals",
]

StandingFn = Callable[[str, str, dt.date], StandingLike]

#: Roles that may send (submit a stage); an analyst too where the org enables `analyst_submit`.
SENDING_ROLES: Final = frozenset({"officer", "liaison_manager", "contact_point"})
#: Roles that may read content; org admins and auditors read metadata only (§6.11).
CONTENT_ROLES: Final = SENDING_ROLES | {"analyst"}
_METADATA_ROLES: Final = frozenset({"org_admin", "auditor"})
_ANALYST_EXPORT_MAX: Final[Tlp] = "amber"


class ExceptionalRejected(ValueError):
    """An exceptional addressing the rule refuses (no justification, expiry not in the future)."""


def _deny(reason: str, rule: str, not_found: bool = False) -> Decision:
    return Decision(False, "none", reason, rule, not_found)


def _allow(reason: str, rule: str) -> Decision:
    return Decision(True, "content", reason, rule)


def _meta(reason: str, rule: str) -> Decision:
    return Decision(True, "metadata", reason, rule)


# Decisions are immutable values; the fixed ones are built once (the rule runs 10^5 times/s).
_INACTIVE: Final = _deny("membership_inactive", "§6.11 membership validity", not_found=True)
_OPERATOR: Final = _meta("operator_no_content", "§6.11 the operator is not a recipient")
_EXERCISE: Final = _allow("exercise", "§6.8 exercise participants")
_NOT_PARTICIPANT: Final = _deny("not_participant", "§6.8 exercise participants", not_found=True)
_OWN: Final = _allow("own_item", "§6.5.2 originator organisation")
_EU_BODY: Final = _allow("eu_body", "§6.5.2 EU body in its areas")
_NOT_ADDRESSED: Final = _deny("not_addressed", "§6.5.2 addressing", not_found=True)
_NOT_IN_AREA: Final = _deny("not_in_area", "§6.11 member's areas")
_NOT_ORIGINATOR: Final = _deny("not_originator", "§6.11 send for one's own organisation")
_ROLE: Final = _deny("role", "§6.11 authorisation matrix")
_SENDER: Final = _allow("sender", "§6.5.1 sending is open at every tier")
_NO_EXPORT: Final = _deny("export_forbidden", "§6.4 export by TLP")


def decide(
    actor: Actor,
    item: Item,
    action: Action,
    standing: StandingFn,
    policy: Policy,
    now: dt.datetime,
    *,
    analyst_submit: bool = False,
) -> Decision:
    """Return whether `actor` may `action` `item` at `now` (EXCHANGE.md §6.5.2).

    `read` follows §6.5.2 line by line: membership, operator (metadata), RED for named people,
    clearance, exercises, own items, EU bodies (their areas; community or addressed), then a
    national organisation's receive cap for the held tier (a template's `on_notice: {no_new}`
    holds back undelivered items from that level while on notice), raised by an unexpired,
    justified exceptional addressing unless suspended; items delivered under a higher cap are kept after
    an ordinary fall and withdrawn while suspended. Org admins and auditors get metadata only.
    `send` is open at every tier to a valid member with a sending role for its own organisation
    in its areas (an analyst only with `analyst_submit`), within its clearance.
    `acknowledge` / `respond` need the read right and a sending role; `export` the read right,
    a sending role (an analyst up to AMBER) and a level that may leave (never RED).
    """
    if not actor.membership_valid:
        return _INACTIVE
    if actor.org_kind == "operator":
        return _OPERATOR if action == "read" else _ROLE
    if action == "send":
        return _send(actor, item, analyst_submit)
    roles = actor.roles
    if roles.isdisjoint(CONTENT_ROLES):
        return _metadata_only(actor, item, action)
    read = _read(actor, item, standing, policy, now)
    if action == "read" or not read.allowed:
        return read
    if action == "export":
        if HANDLING[item.tlp].export == "no":
            return _NO_EXPORT
        if roles.isdisjoint(SENDING_ROLES) and rank(item.tlp) > rank(_ANALYST_EXPORT_MAX):
            return _ROLE
    if roles.isdisjoint(SENDING_ROLES) and not (action == "export" or analyst_submit):
        return _ROLE
    return read


def replay(
    actor: Actor,
    item: Item,
    action: Action,
    standing_known_at: StandingFn,
    policy: Policy,
    at: dt.datetime,
    *,
    analyst_submit: bool = False,
) -> Decision:
    """Return what `decide` answered at `at` on what was known at `known_at`.

    The same function: the shell passes `standing_known_at`, the engine bound to its `known_at`
    (observations recorded later ignored), and the actor and item as they were at `at`
    (memberships, deliveries). Kept as its own name so audits and appeals read as such.
    """
    return decide(actor, item, action, standing_known_at, policy, at, analyst_submit=analyst_submit)


def _send(actor: Actor, item: Item, analyst_submit: bool) -> Decision:
    roles = actor.roles
    if roles.isdisjoint(SENDING_ROLES) and not (analyst_submit and "analyst" in roles):
        return _ROLE
    if actor.org != item.originator_org:
        return _NOT_ORIGINATOR
    if item.area not in actor.areas:
        return _NOT_IN_AREA
    if rank(actor.clearance) < rank(item.tlp):
        return _deny("clearance", "§6.4 a sender marks within its clearance")
    return _SENDER


def _metadata_only(actor: Actor, item: Item, action: Action) -> Decision:
    if action != "read":
        return _ROLE
    if "auditor" in actor.roles:
        return _meta("auditor", "§6.11 auditors read metadata")
    if "org_admin" in actor.roles and (
        actor.org == item.originator_org
        or actor.org in item.addressees
        or item.delivery is not None
    ):
        return _meta("org_admin", "§6.11 org admins read their org's metadata")
    return _deny("role", "§6.11 authorisation matrix", not_found=True)


def _read(
    actor: Actor, item: Item, standing: StandingFn, policy: Policy, now: dt.datetime
) -> Decision:
    org = actor.org
    # Whether the organisation may know the item exists: then a denial is 403, else 404.
    known = org == item.originator_org or org in item.addressees or item.delivery is not None
    if item.tlp == "red" and actor.user not in item.named:
        return _deny("red_named_only", "§6.4 RED: named individuals only", not known)
    if rank(actor.clearance) < rank(item.tlp):
        return _deny("clearance", "§6.11 member clearance", not known)
    if item.exercise:
        # The originator plays in its own exercise even if the participant list omits it.
        playing = org in item.exercise_participants or org == item.originator_org
        return _EXERCISE if playing else _NOT_PARTICIPANT
    if org == item.originator_org:
        return _OWN
    if actor.org_kind == "eu_body":
        if item.area in actor.areas and (item.audience == "community" or org in item.addressees):
            return _EU_BODY
        return _NOT_ADDRESSED
    if item.audience == "addressed" and org not in item.addressees:
        return _NOT_ADDRESSED
    if actor.country is None:
        return _deny("no_country", "§6.5.2 a national organisation has a country", True)
    s = standing(actor.country, item.area, now.date())
    status = s.status
    cap = policy.receive_cap(item.template, item.audience, s.tier)
    if status == "on_notice" and item.delivery is None:
        # A template may stop new deliveries from some level while the country is on notice.
        no_new = policy.no_new_on_notice(item.template)
        if no_new is not None and rank(item.tlp) >= rank(no_new):
            return _deny("on_notice_no_new", "on_notice.no_new", not known)
    ex = item.exceptional
    if (
        ex is not None
        and status != "suspended"
        and ex.expires_at > now
        and ex.justification.strip()
    ):
        cap = max_tlp(cap, item.tlp)
    if rank(item.tlp) <= rank(cap):
        return _allow("within_cap", f"receive.{s.tier}.{item.audience}")
    delivery = item.delivery
    if delivery is not None and rank(item.tlp) <= rank(delivery.cap_at_delivery):
        if status == "suspended":
            if policy.withdraw_on_suspension(item.template):
                return _deny("withdrawn_suspension", "withdraw_on_suspension")
            return _allow("kept_after_fall", "withdraw_on_suspension: false")
        if policy.keep_on_fall(item.template):
            return _allow("kept_after_fall", "keep_on_fall")
    return _deny("above_tier_cap", f"receive.{s.tier}.{item.audience}", not known)


# --- what a country may do in an area ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a country may send and receive in an area now (the UI's "your access" line)."""

    country: str
    area: str
    tier: int
    status: StandingStatus
    templates: tuple[str, ...]
    addressed: Tlp
    community: Tlp
    red: bool
    sentence: str


def capabilities(country: str, area: str, standing: StandingLike, policy: Policy) -> Capabilities:
    """Return what `country` at `standing` may send (every template of the area, at any tier)
    and receive (the policy's default caps; RED when named) in `area`, with a sentence:
    "tier 2 in cyber: you receive up to AMBER"."""
    templates = tuple(t for t in policy.templates if policy.area_of(t) == area)
    addressed = policy.receive_cap(templates[0] if templates else "", "addressed", standing.tier)
    community = policy.receive_cap(templates[0] if templates else "", "community", standing.tier)
    red = addressed == "red"
    if red:
        addressed = "amber+strict"
    if community == "red":
        community = "amber+strict"
    head = f"tier {standing.tier} in {area}"
    if standing.status != "stable":
        head += f" ({standing.status.replace('_', ' ')})"
    if addressed == community:
        what = f"you receive up to {addressed.upper()}"
    else:
        what = (
            f"you receive up to {addressed.upper()} addressed to you, "
            f"{community.upper()} from the community"
        )
    if red:
        what += ", and RED when named"
    return Capabilities(
        country,
        area,
        standing.tier,
        standing.status,
        templates,
        addressed,
        community,
        red,
        f"{head}: {what}",
    )


# --- withdrawals on suspension -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Delivered:
    """An item delivered to organisation `org` of the country; `own` when its originator is an
    organisation of the same country (never withdrawn)."""

    org: str
    item: Item
    own: bool = False


@dataclass(frozen=True, slots=True)
class WithdrawalNotice:
    """An item withdrawn from `org` by a suspension; `recall` when copies that left the platform
    (egress at AMBER or above) must be recalled (§6.9)."""

    org: str
    item: str
    tlp: Tlp
    cap: Tlp
    recall: bool


def withdrawals(
    before: StandingLike,
    after: StandingLike,
    deliveries: Iterable[Delivered],
    policy: Policy,
) -> list[WithdrawalNotice]:
    """Return the delivered items a transition to `suspended` withdraws (§6.5.2, §6.9).

    On a transition into `suspended` (or a deeper suspension): each delivered item above the
    lowered cap that was readable before, never the country's own nor an exercise's, in the
    order given. On an ordinary fall, a notice or an advance: none (kept, no mishandling).
    The read rule does not depend on this list; it feeds the sweep's notices and recalls.
    """
    if after.status != "suspended":
        return []
    notices = []
    for d in deliveries:
        item = d.item
        if d.own or item.originator_org == d.org or item.exercise or item.delivery is None:
            continue
        if not policy.withdraw_on_suspension(item.template):
            continue
        if rank(item.tlp) > rank(item.delivery.cap_at_delivery):
            continue
        cap = policy.receive_cap(item.template, item.audience, after.tier)
        if rank(item.tlp) <= rank(cap):
            continue
        if before.status == "suspended" and rank(item.tlp) > rank(
            policy.receive_cap(item.template, item.audience, before.tier)
        ):
            continue  # already withdrawn by the earlier suspension
        notices.append(
            WithdrawalNotice(d.org, item.id, item.tlp, cap, rank(item.tlp) >= rank("amber"))
        )
    return notices


# --- exceptional addressing --------------------------------------------------------------------


def validate_exceptional(
    justification: str,
    expires_at: dt.datetime | None,
    now: dt.datetime,
    policy: Policy | None = None,
) -> Exceptional:
    """Return the exceptional addressing to record, or raise `ExceptionalRejected`.

    The justification must say something (not empty or blank); the expiry must be an aware
    instant after `now`. Without `expires_at`, the policy's default (P30D) from `now` applies.
    """
    if not justification.strip():
        raise ExceptionalRejected("an exceptional addressing needs a justification")
    if expires_at is None:
        if policy is None:
            raise ExceptionalRejected("an expiry or the policy's default is required")
        expires_at = now + policy.exceptional_expiry
    if expires_at.tzinfo is None or expires_at.utcoffset() is None:
        raise ExceptionalRejected("the expiry must be an aware datetime")
    if expires_at <= now:
        raise ExceptionalRejected("the expiry must be in the future")
    return Exceptional(justification.strip(), expires_at)
