"""The administrator manages organisations and memberships in the admin: the catalogue checks
apply to the form, a granted membership records who granted it, and nobody else gets in."""

from __future__ import annotations

import pytest

from oip.accounts.models import Membership, Organisation
from tests.personas import Persona

pytestmark = pytest.mark.django_db

ORGANISATION = "/admin/accounts/organisation/add/"
MEMBERSHIP = "/admin/accounts/membership/add/"


def organisation_form(**fields: str) -> dict[str, str]:
    return {
        "name": "Montenegro national CSIRT",
        "short_name": "CSIRT-ME",
        "kind": "national",
        "country": "ME",
        "body": "",
        "functions": '["national_csirt"]',
        "areas": '["cyber"]',
        "confidential": "on",
        "valid_from": "2024-01-01",
        "valid_to": "",
    } | fields


def test_the_administrator_adds_an_organisation_the_catalogue_knows(
    administrator: Persona,
) -> None:
    refused = administrator.client.post(ORGANISATION, organisation_form(areas='["space"]'))
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {"areas": ["unknown areas ['space']"]}
    assert not Organisation.objects.filter(short_name="CSIRT-ME").exists()

    added = administrator.client.post(ORGANISATION, organisation_form())
    assert added.status_code == 302
    row = Organisation.objects.get(short_name="CSIRT-ME")
    assert (row.kind, row.country_id, row.functions, row.areas) == (
        "national",
        "ME",
        ["national_csirt"],
        ["cyber"],
    )


def test_a_membership_added_in_the_admin_records_who_granted_it(
    administrator: Persona, al_contact_point: Persona
) -> None:
    csirt = Organisation.objects.get(short_name="CSIRT-AL")
    response = administrator.client.post(
        MEMBERSHIP,
        {
            "user": str(al_contact_point.user.pk),
            "organisation": str(csirt.pk),
            "role": "analyst",
            "areas": '["cyber"]',
            "clearance": "green",
            "valid_from_0": "2026-01-01",
            "valid_from_1": "00:00:00",
            "valid_to_0": "",
            "valid_to_1": "",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    granted = Membership.objects.get(role="analyst")
    assert (granted.user, granted.granted_by, granted.clearance) == (
        al_contact_point.user,
        administrator.user,
        "green",
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [("eu_officer", 302), ("al_contact_point", 302), ("anonymous", 302), ("analyst", 403)],
)
def test_nobody_else_adds_organisations(
    request: pytest.FixtureRequest, persona: str, status: int
) -> None:
    """Members are not staff (sent to the login page); the analyst is staff without the right."""
    response = request.getfixturevalue(persona).client.post(ORGANISATION, organisation_form())
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/admin/login/")
    assert not Organisation.objects.filter(short_name="CSIRT-ME").exists()
