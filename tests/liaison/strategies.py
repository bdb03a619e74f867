"""Hypothesis strategies for the liaison core: actors, items, standings (EXCHANGE.md §6.5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from hypothesis import strategies as st

from oip.liaison.types import Actor, DeliveryFact, Exceptional, Item
from oip.vocabulary import MEMBERSHIP_ROLES, STANDING_STATUSES, TLP_LEVELS, StandingStatus

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
TEMPLATES = ("cyber-incident", "fdi-notification", "eppo-referral", "fimi-alert", "aml-exchange")
AREAS = ("cyber", "fdi", "eppo", "fimi", "financial-integrity")
AREA_OF = dict(zip(TEMPLATES, AREAS, strict=True))
# Organisations: national ones of AL and ME, two EU bodies, the operator.
NATIONAL = {"al-csirt": "AL", "al-fiu": "AL", "me-csirt": "ME"}
EU_BODIES = ("enisa", "eppo-body")
ORGS = (*NATIONAL, *EU_BODIES)
USERS = ("ana", "besa", "dino", "erion")


def _subsets(values: tuple[str, ...]) -> tuple[frozenset[str], ...]:
    """Every subset of `values`, smallest first (sampling one is cheaper than building one)."""
    found = [
        frozenset(v for i, v in enumerate(values) if mask >> i & 1)
        for mask in range(1 << len(values))
    ]
    return tuple(sorted(found, key=len))


# Role sets of one or two roles with at least one that reads content.
ROLE_SETS = tuple(
    r
    for r in _subsets(MEMBERSHIP_ROLES)
    if 1 <= len(r) <= 2 and r & {"officer", "liaison_manager", "contact_point", "analyst"}
)
AREA_SETS = tuple(a for a in _subsets(AREAS) if a)
ORG_SETS = _subsets(ORGS)
USER_SETS = _subsets(USERS)


@dataclass(frozen=True, slots=True)
class FakeStanding:
    """A standing as the access rule reads it (tier and status)."""

    tier: int
    status: StandingStatus = "stable"


def standing_fn(value: FakeStanding) -> Callable[[str, str, dt.date], FakeStanding]:
    """A standing callable that answers `value` for every country, area and date."""
    return lambda country, area, on: value


standings = st.builds(
    FakeStanding, st.integers(min_value=0, max_value=3), st.sampled_from(STANDING_STATUSES)
)
tlps = st.sampled_from(TLP_LEVELS)


@st.composite
def actors(draw: st.DrawFn, org: str | None = None) -> Actor:
    """A valid member of a national organisation or an EU body (never the operator)."""
    org = org or draw(st.sampled_from(ORGS))
    national = org in NATIONAL
    return Actor(
        user=draw(st.sampled_from(USERS)),
        org=org,
        org_kind="national" if national else "eu_body",
        country=NATIONAL.get(org),
        body=None if national else org,
        roles=draw(st.sampled_from(ROLE_SETS)),
        areas=draw(st.sampled_from(AREA_SETS)),
        clearance=draw(tlps),
        membership_valid=True,
    )


@st.composite
def items(draw: st.DrawFn) -> Item:
    """An item with any addressing, TLP, naming, delivery, exceptional addressing or exercise."""
    template = draw(st.sampled_from(TEMPLATES))
    delivered = draw(st.booleans())
    exceptional = None
    if draw(st.integers(min_value=0, max_value=4)) == 0:
        exceptional = Exceptional(
            draw(st.sampled_from(("", "  ", "attack on the grid"))),
            NOW + dt.timedelta(days=draw(st.integers(min_value=-5, max_value=30))),
        )
    exercise = draw(st.sampled_from((None, None, None, None, "ex-1")))
    return Item(
        id=draw(st.sampled_from(("n1", "n2", "n3"))),
        template=template,
        area=AREA_OF[template],
        tlp=draw(tlps),
        audience=draw(st.sampled_from(("addressed", "community"))),
        originator_org=draw(st.sampled_from(ORGS)),
        addressees=draw(st.sampled_from(ORG_SETS)),
        named=draw(st.sampled_from(USER_SETS)),
        exercise=exercise,
        exercise_participants=draw(st.frozensets(st.sampled_from(ORGS)))
        if exercise
        else frozenset(),
        delivery=DeliveryFact(draw(tlps), NOW - dt.timedelta(days=3)) if delivered else None,
        exceptional=exceptional,
    )
