"""The people every authorisation test can name: each persona is a signed-in `Client` and its user.

- `anonymous`: a plain client, no user.
- `eu_officer`: an officer of ENISA (an EU body) for cyber.
- `al_contact_point`, `ba_contact_point`: the contact points of Albania's and of Bosnia and
  Herzegovina's national CSIRT for cyber ("the right user" and "another country's user").
- `analyst`: OIP staff who record evidence in the admin (add and view observations; view
  sources, context notes and import batches); no membership.
- `administrator`: the OIP administrator, a superuser; no membership (not a recipient).

Members' memberships run from 2000-01-01 with no end, so time-frozen tests keep them valid.
Passwords are unusable: clients sign in with `force_login` (no slow password hash per test).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from oip.accounts.models import Membership, Organisation

SINCE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
ANALYST_PERMISSIONS = (
    "add_observation",
    "view_observation",
    "view_source",
    "view_contextnote",
    "view_importbatch",
)


@dataclass(frozen=True)
class Persona:
    """A client signed in as `user` (`user` is None for the anonymous persona)."""

    client: Client
    user: Any


def signed_in(user: Any) -> Persona:
    """Return a persona for `user`, signed in on a fresh client."""
    client = Client()
    client.force_login(user)
    return Persona(client, user)


def member(username: str, organisation: Organisation, role: str, **extra: Any) -> Persona:
    """Create `username` with a membership of `organisation` for cyber and sign it in."""
    user = get_user_model().objects.create_user(username, email=f"{username}@example.org")
    Membership.objects.create(
        user=user,
        organisation=organisation,
        role=role,
        areas=["cyber"],
        clearance="amber",
        valid_from=SINCE,
        **extra,
    )
    return signed_in(user)


def national_csirt(country: str, name: str) -> Organisation:
    return Organisation.objects.create(
        name=f"{name} national CSIRT",
        short_name=f"CSIRT-{country}",
        kind="national",
        country_id=country,
        functions=["national_csirt"],
        areas=["cyber"],
        valid_from=SINCE.date(),
    )


@pytest.fixture
def enisa(db: None) -> Organisation:
    return Organisation.objects.create(
        name="European Union Agency for Cybersecurity",
        short_name="ENISA",
        kind="eu_body",
        body="enisa",
        areas=["cyber"],
        valid_from=SINCE.date(),
    )


@pytest.fixture
def al_csirt(db: None) -> Organisation:
    return national_csirt("AL", "Albania")


@pytest.fixture
def ba_csirt(db: None) -> Organisation:
    return national_csirt("BA", "Bosnia and Herzegovina")


@pytest.fixture
def anonymous() -> Persona:
    return Persona(Client(), None)


@pytest.fixture
def eu_officer(enisa: Organisation) -> Persona:
    return member("eu-officer", enisa, "officer")


@pytest.fixture
def al_contact_point(al_csirt: Organisation) -> Persona:
    return member("al-contact-point", al_csirt, "contact_point")


@pytest.fixture
def ba_contact_point(ba_csirt: Organisation) -> Persona:
    return member("ba-contact-point", ba_csirt, "contact_point")


@pytest.fixture
def analyst(db: None) -> Persona:
    user = get_user_model().objects.create_user("analyst-persona", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="evidence", codename__in=ANALYST_PERMISSIONS
        )
    )
    return signed_in(user)


@pytest.fixture
def administrator(db: None) -> Persona:
    user = get_user_model().objects.create_superuser("administrator", email="root@example.org")
    return signed_in(user)
