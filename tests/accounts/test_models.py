"""Organisations and memberships: the database refuses what a single row can get wrong, whoever
writes it; `clean()` refuses ids the catalogue does not know."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oip.accounts.models import Membership, Organisation
from oip.vocabulary import MEMBERSHIP_ROLES, ORGANISATION_KINDS, TLP_LEVELS

pytestmark = pytest.mark.django_db
User = get_user_model()
DAY = dt.date(2024, 1, 1)
AT = dt.datetime(2024, 1, 1, 12, tzinfo=dt.UTC)
EXAMPLES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


class _Rollback(Exception):
    pass


def stored(model: Any, **fields: Any) -> bool:
    """Whether the database accepts a row of `model` with `fields` (then rolled back)."""
    try:
        with transaction.atomic():
            model.objects.create(**fields)
            raise _Rollback
    except _Rollback:
        return True
    except IntegrityError:
        return False


def organisation(**fields: Any) -> Organisation:
    values: dict[str, Any] = {
        "name": "Albania national CSIRT",
        "short_name": "CSIRT-AL",
        "kind": "national",
        "country_id": "AL",
        "areas": ["cyber"],
        "valid_from": DAY,
    }
    return Organisation(**(values | fields))


def organisation_fields(**fields: Any) -> dict[str, Any]:
    return {
        f.attname: getattr(organisation(**fields), f.attname)
        for f in Organisation._meta.concrete_fields
    }


@given(
    kind=st.sampled_from([*ORGANISATION_KINDS, "agency", ""]),
    country=st.sampled_from([None, "AL", "BA"]),
    body=st.sampled_from(["", "enisa"]),
    name=st.sampled_from(["", "CSIRT"]),
    valid_to=st.one_of(st.none(), st.dates(dt.date(2023, 12, 30), dt.date(2024, 1, 3))),
)
@EXAMPLES
def test_the_database_accepts_an_organisation_exactly_when_its_row_is_coherent(
    kind: str, country: str | None, body: str, name: str, valid_to: dt.date | None
) -> None:
    coherent = (
        (kind == "eu_body" and country is None and body != "")
        or (kind in ("national", "operator") and country is not None and body == "")
    ) and (valid_to is None or valid_to > DAY)
    fields = organisation_fields(
        kind=kind,
        country_id=country,
        body=body,
        name=name or "x",
        short_name=name,
        valid_to=valid_to,
    )
    assert stored(Organisation, **fields) == (coherent and name != "")


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"kind": "national", "country_id": None}, "organisation_eu_body_xor_country"),
        (
            {"kind": "eu_body", "country_id": "AL", "body": "enisa"},
            "organisation_eu_body_xor_country",
        ),
        ({"kind": "eu_body", "country_id": None, "body": ""}, "organisation_eu_body_xor_country"),
        # An unknown kind breaks two rules; each database names the first it checks.
        ({"kind": "ministry"}, "organisation_kind_known|organisation_eu_body_xor_country"),
        ({"valid_to": DAY}, "organisation_validity_ordered"),
        ({"short_name": ""}, "organisation_named"),
    ],
)
def test_each_organisation_constraint_is_named_in_the_refusal(
    fields: dict[str, Any], constraint: str
) -> None:
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        Organisation.objects.create(**organisation_fields(**fields))
    # SQLite names the constraint in its message; PostgreSQL too ("violates check constraint").
    assert any(name in str(refused.value) for name in constraint.split("|"))


def test_an_eu_body_and_a_national_organisation_are_stored() -> None:
    enisa = Organisation.objects.create(
        name="ENISA", short_name="ENISA", kind="eu_body", body="enisa", valid_from=DAY
    )
    national = organisation()
    national.save()
    assert Organisation.objects.filter(pk__in=[enisa.pk, national.pk]).count() == 2
    assert enisa.confidential is True
    assert enisa.country_id is None


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"kind": "eu_body", "country_id": None, "body": "nasa"}, {"body"}),
        ({"kind": "eu_body", "country_id": "AL", "body": "enisa"}, {"country"}),
        ({"kind": "national", "country_id": None}, {"country"}),
        ({"body": "enisa"}, {"body"}),
        ({"areas": ["cyber", "space"]}, {"areas"}),
        ({"functions": ["national_csirt", "spying"]}, {"functions"}),
        ({"functions": "national_csirt"}, {"functions"}),
    ],
)
def test_clean_refuses_what_the_catalogue_or_vocabulary_does_not_know(
    fields: dict[str, Any], errors: set[str]
) -> None:
    with pytest.raises(ValidationError) as refused:
        organisation(**fields).full_clean()
    assert set(refused.value.message_dict) == errors


def test_clean_accepts_a_well_formed_organisation() -> None:
    organisation(functions=["national_csirt", "cyber_authority"]).full_clean()


@pytest.fixture
def people() -> tuple[Any, Any, Organisation]:
    csirt = organisation()
    csirt.save()
    return User.objects.create_user("member"), User.objects.create_user("granter"), csirt


@given(
    role=st.sampled_from([*MEMBERSHIP_ROLES, "owner"]),
    clearance=st.sampled_from([*TLP_LEVELS, "amber-strict", "white"]),
    hours=st.one_of(st.none(), st.integers(-2, 2)),
    self_granted=st.booleans(),
)
@EXAMPLES
def test_the_database_accepts_a_membership_exactly_when_its_row_is_coherent(
    people: tuple[Any, Any, Organisation],
    role: str,
    clearance: str,
    hours: int | None,
    self_granted: bool,
) -> None:
    user, granter, csirt = people
    valid_to = None if hours is None else AT + dt.timedelta(hours=hours)
    coherent = (
        role in MEMBERSHIP_ROLES
        and clearance in TLP_LEVELS
        and (hours is None or hours > 0)
        and not self_granted
    )
    accepted = stored(
        Membership,
        user=user,
        organisation=csirt,
        role=role,
        areas=["cyber"],
        clearance=clearance,
        valid_from=AT,
        valid_to=valid_to,
        granted_by=user if self_granted else granter,
    )
    assert accepted == coherent


def test_a_membership_needs_areas_its_organisation_covers(
    people: tuple[Any, Any, Organisation],
) -> None:
    user, _granter, csirt = people
    row = Membership(user=user, organisation=csirt, role="analyst", areas=[], valid_from=AT)
    with pytest.raises(ValidationError) as empty:
        row.full_clean()
    assert empty.value.message_dict == {"areas": ["name at least one area"]}
    row.areas = ["cyber", "fdi"]
    with pytest.raises(ValidationError) as outside:
        row.full_clean()
    assert outside.value.message_dict == {"areas": ["['fdi'] not covered by CSIRT-AL"]}
    row.areas = ["cyber"]
    row.full_clean()


@given(offset=st.integers(-14, 22), org_end=st.one_of(st.none(), st.integers(1, 2)))
@EXAMPLES
def test_a_membership_is_valid_from_its_start_until_before_its_end_while_its_organisation_is(
    people: tuple[Any, Any, Organisation], offset: int, org_end: int | None
) -> None:
    """Validity is half-open, [valid_from, valid_to); the organisation's days count too."""
    user, granter, csirt = people
    with transaction.atomic():
        Organisation.objects.filter(pk=csirt.pk).update(
            valid_to=None if org_end is None else AT.date() + dt.timedelta(days=org_end)
        )
        Membership.objects.create(
            user=user,
            organisation=csirt,
            role="contact_point",
            areas=["cyber"],
            valid_from=AT,
            valid_to=AT + dt.timedelta(hours=20),
            granted_by=granter,
        )
        when = AT + dt.timedelta(hours=offset)
        org_valid = org_end is None or when.date() < AT.date() + dt.timedelta(days=org_end)
        expected = 0 <= offset < 20 and org_valid
        assert user.memberships_at(when).count() == int(expected)
        transaction.set_rollback(True)


def test_memberships_at_defaults_to_the_clock(
    people: tuple[Any, Any, Organisation], time_machine: Any
) -> None:
    user, _granter, csirt = people
    Membership.objects.create(
        user=user,
        organisation=csirt,
        role="analyst",
        areas=["cyber"],
        valid_from=AT,
        valid_to=AT + dt.timedelta(days=1),
    )
    time_machine.move_to(AT - dt.timedelta(seconds=1))
    assert user.memberships_at().count() == 0
    time_machine.move_to(AT)
    assert [m.role for m in user.memberships_at()] == ["analyst"]
    time_machine.move_to(AT + dt.timedelta(days=1))
    assert user.memberships_at().count() == 0
