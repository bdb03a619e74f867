"""Who may use the exchange: bearer tokens for machines, password + second factor for people."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import Client, RequestFactory
from django_otp.middleware import OTPMiddleware
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oip.accounts.models import ApiToken, Membership, Organisation
from oip.exchange.audit import verify_chain
from oip.exchange.auth import (
    SESSION_ABSOLUTE,
    Caller,
    TokenAuth,
    VerifiedSessionAuth,
    token_refusal,
)
from oip.exchange.models import AuditEvent
from oip.exchange.second_factor import BACKUP_CODES
from tests.exchange.verified import current_code, verify, with_device, wrong_code
from tests.personas import SINCE, Persona

pytestmark = pytest.mark.django_db
User = get_user_model()
NOW = dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fast_hash(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def bearer(token: str) -> Caller | None:
    request = RequestFactory().get("/api/v1/exchange/inbox", HTTP_AUTHORIZATION=f"Bearer {token}")
    result: Caller | None = TokenAuth()(request)
    return result


def person(username: str, organisation: Organisation, **membership: Any) -> Any:
    user = User.objects.create_user(username, password=PASSWORD)
    Membership.objects.create(
        user=user,
        organisation=organisation,
        role="contact_point",
        areas=["cyber"],
        **({"valid_from": SINCE} | membership),
    )
    return user


# --- tokens ---------------------------------------------------------------------------------


def test_a_valid_token_authenticates_its_user_and_organisation(
    frozen: Any, al_contact_point: Persona, al_csirt: Organisation
) -> None:
    text, row = ApiToken.issue(al_contact_point.user, al_csirt, DAY)
    caller = bearer(text)
    assert caller == Caller(user=al_contact_point.user, organisation=al_csirt, token=row)


def test_expired_token_is_refused(
    frozen: Any, al_contact_point: Persona, al_csirt: Organisation
) -> None:
    text, row = ApiToken.issue(al_contact_point.user, al_csirt, DAY)
    frozen.shift(DAY - dt.timedelta(seconds=1))
    assert bearer(text) is not None
    frozen.shift(dt.timedelta(seconds=1))
    assert bearer(text) is None
    assert token_refusal(row, NOW + DAY) == "token_expired"
    refusal = AuditEvent.objects.get(action="api.authenticate")
    assert (
        refusal.object_id,
        refusal.actor_user,
        refusal.actor_org,
        refusal.outcome,
        refusal.at,
    ) == (row.prefix, "al-contact-point", str(al_csirt.pk), "denied:token_expired", NOW + DAY)
    assert verify_chain().verified is True


def test_revoked_token_is_refused(
    frozen: Any, al_contact_point: Persona, al_csirt: Organisation
) -> None:
    text, row = ApiToken.issue(al_contact_point.user, al_csirt, DAY)
    ApiToken.objects.filter(pk=row.pk).update(revoked_at=NOW)
    assert bearer(text) is None
    row.refresh_from_db()
    assert token_refusal(row, NOW) == "token_revoked"


def test_token_bound_to_another_organisation_is_refused(
    frozen: Any, al_contact_point: Persona, ba_csirt: Organisation
) -> None:
    """The AL contact point has no membership in BA's CSIRT: a token bound to it is refused."""
    text, row = ApiToken.issue(al_contact_point.user, ba_csirt, DAY)
    assert bearer(text) is None
    assert token_refusal(row, NOW) == "membership_not_valid"


def test_token_refused_outside_the_membership_validity(frozen: Any, al_csirt: Organisation) -> None:
    user = person(
        "seconded",
        al_csirt,
        valid_from=NOW - dt.timedelta(days=10),
        valid_to=NOW + dt.timedelta(hours=2),
    )
    text, row = ApiToken.issue(user, al_csirt, 2 * DAY)
    assert bearer(text) is not None
    frozen.shift(dt.timedelta(hours=2))
    assert bearer(text) is None
    assert token_refusal(row, NOW + dt.timedelta(hours=2)) == "membership_not_valid"


def test_token_refused_when_the_organisation_is_no_longer_valid(
    frozen: Any, al_contact_point: Persona, al_csirt: Organisation
) -> None:
    text, _ = ApiToken.issue(al_contact_point.user, al_csirt, DAY)
    Organisation.objects.filter(pk=al_csirt.pk).update(valid_to=NOW.date())
    assert bearer(text) is None


def test_token_of_an_inactive_user_is_refused(
    frozen: Any, al_contact_point: Persona, al_csirt: Organisation
) -> None:
    text, _ = ApiToken.issue(al_contact_point.user, al_csirt, DAY)
    User.objects.filter(pk=al_contact_point.user.pk).update(is_active=False)
    assert bearer(text) is None


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer nonsense", "Basic abc", "bearer  "])
def test_missing_or_unknown_tokens_are_refused_unaudited(frozen: Any, header: str) -> None:
    request = RequestFactory().get("/", HTTP_AUTHORIZATION=header)
    assert TokenAuth()(request) is None
    assert AuditEvent.objects.count() == 0


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lifetime_h=st.integers(min_value=1, max_value=72),
    member_until_h=st.none() | st.integers(min_value=1, max_value=72),
    at_h=st.integers(min_value=0, max_value=100),
)
def test_token_accepted_exactly_while_token_and_membership_are_valid(
    al_csirt: Organisation, lifetime_h: int, member_until_h: int | None, at_h: int
) -> None:
    user = User.objects.create_user(f"prop-{lifetime_h}-{member_until_h}-{at_h}")
    Membership.objects.create(
        user=user,
        organisation=al_csirt,
        role="contact_point",
        areas=["cyber"],
        valid_from=NOW,
        valid_to=None if member_until_h is None else NOW + dt.timedelta(hours=member_until_h),
    )
    text, _ = ApiToken.issue(user, al_csirt, dt.timedelta(hours=lifetime_h), now=NOW)
    with time_machine.travel(NOW + dt.timedelta(hours=at_h), tick=False):
        accepted = bearer(text) is not None
    member = member_until_h is None or at_h < member_until_h
    assert accepted is (at_h < lifetime_h and member)


# --- sessions and pages ---------------------------------------------------------------------


def test_session_auth_needs_the_second_factor(frozen: Any, al_contact_point: Persona) -> None:
    factory_request = _session_request(al_contact_point)
    assert VerifiedSessionAuth(csrf=False)(factory_request) is None
    verify(al_contact_point)
    assert VerifiedSessionAuth(csrf=False)(_session_request(al_contact_point)) == Caller(
        user=al_contact_point.user, organisation=None
    )


def _session_request(persona: Persona) -> Any:
    """A request through the middlewares, with the persona's session cookie."""
    request = RequestFactory().get("/api/v1/exchange/inbox")
    request.COOKIES.update({k: v.value for k, v in persona.client.cookies.items()})
    SessionMiddleware(lambda r: None).process_request(request)  # type: ignore[arg-type,return-value]
    AuthenticationMiddleware(lambda r: None).process_request(request)  # type: ignore[arg-type,return-value]
    OTPMiddleware(lambda r: r)(request)  # type: ignore[arg-type,return-value]
    return request


def test_anonymous_exchange_home_leads_to_the_login_page(anonymous: Persona) -> None:
    response = anonymous.client.get("/exchange/", follow=True)
    assert response.redirect_chain == [("/exchange/login/", 302)]
    assert response.status_code == 200
    assert b"Sign in to the liaison exchange" in response.content
    assert response["Cache-Control"] == "private, no-store"


def test_anonymous_page_request_goes_to_login_and_comes_back(anonymous: Persona) -> None:
    response = anonymous.client.get("/exchange/inbox/")
    assert response.status_code == 302
    assert response["Location"] == "/exchange/login/?next=%2Fexchange%2Finbox%2F"


def test_user_without_confirmed_device_is_sent_to_set_one_up(
    al_contact_point: Persona,
) -> None:
    """force_login: signed in with a password but no device, so no second factor."""
    TOTPDevice.objects.create(user=al_contact_point.user, name="unfinished", confirmed=False)
    response = al_contact_point.client.get("/exchange/inbox/")
    assert response.status_code == 302
    assert response["Location"] == "/exchange/2fa/setup/?next=%2Fexchange%2Finbox%2F"


def test_user_with_a_device_but_no_second_factor_in_session_is_sent_to_login(
    al_contact_point: Persona,
) -> None:
    with_device(al_contact_point.user)
    response = al_contact_point.client.get("/exchange/inbox/")
    assert response["Location"] == "/exchange/login/?next=%2Fexchange%2Finbox%2F"


def test_totp_login_with_a_real_code(frozen: Any, al_csirt: Organisation) -> None:
    user = person("alma", al_csirt)
    device = with_device(user)
    client = Client()
    response = client.post(
        "/exchange/login/",
        {"username": "alma", "password": PASSWORD, "code": current_code(device), "next": ""},
    )
    assert response.status_code == 302
    assert response["Location"] == "/exchange/inbox/"
    inbox = client.get("/exchange/inbox/")
    assert inbox.status_code == 200
    assert inbox["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("which", ["password", "code", "empty code"])
def test_login_refused_with_a_wrong_password_or_code(
    frozen: Any, al_csirt: Organisation, which: str
) -> None:
    user = person("alma", al_csirt)
    device = with_device(user)
    data = {"username": "alma", "password": PASSWORD, "code": current_code(device)}
    if which == "password":
        data["password"] = "wrong"
    elif which == "code":
        data["code"] = wrong_code(device)
    else:
        data["code"] = ""
    client = Client()
    response = client.post("/exchange/login/", data)
    assert response.status_code == 200
    assert b"Sign-in failed: check the username, the password and the code." in response.content
    assert client.get("/exchange/inbox/").status_code == 302


def test_backup_code_signs_in_once(frozen: Any, al_csirt: Organisation) -> None:
    user = person("alma", al_csirt)
    with_device(user)
    static = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    StaticToken.objects.create(device=static, token="abcd1234")
    first = Client().post(
        "/exchange/login/", {"username": "alma", "password": PASSWORD, "code": "abcd1234"}
    )
    assert first.status_code == 302
    second = Client().post(
        "/exchange/login/", {"username": "alma", "password": PASSWORD, "code": "abcd1234"}
    )
    assert second.status_code == 200
    assert StaticToken.objects.filter(device=static).count() == 0


def test_first_login_without_a_device_then_set_up_then_backup_codes(
    frozen: Any, al_csirt: Organisation
) -> None:
    user = person("newbie", al_csirt)
    client = Client()
    response = client.post("/exchange/login/", {"username": "newbie", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/exchange/2fa/setup/"
    assert client.get("/exchange/inbox/")["Location"].startswith("/exchange/2fa/setup/")
    page = client.get("/exchange/2fa/setup/")
    assert page.status_code == 200
    assert b'<svg class="qr-code" role="img"' in page.content
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed is False
    wrong = client.post("/exchange/2fa/setup/", {"code": wrong_code(device)})
    assert wrong.status_code == 200
    assert b"This code is wrong or expired" in wrong.content
    frozen.shift(dt.timedelta(seconds=2))  # django-otp waits 1 s after one wrong code
    device.refresh_from_db()
    done = client.post("/exchange/2fa/setup/", {"code": current_code(device)})
    assert done.status_code == 200
    assert done["Cache-Control"] == "private, no-store"
    device.refresh_from_db()
    assert device.confirmed is True
    codes = list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(codes) == BACKUP_CODES
    for code in codes:
        assert f"<code>{code}</code>".encode() in done.content
    assert client.get("/exchange/inbox/").status_code == 200
    # set up once: the page now leads home instead of showing a new secret
    assert client.get("/exchange/2fa/setup/")["Location"] == "/exchange/"


def test_setup_page_needs_a_signed_in_user(anonymous: Persona) -> None:
    response = anonymous.client.get("/exchange/2fa/setup/")
    assert response["Location"] == "/exchange/login/?next=%2Fexchange%2F2fa%2Fsetup%2F"


def test_idle_session_is_signed_out_after_30_minutes(
    frozen: Any, al_contact_point: Persona
) -> None:
    verify(al_contact_point)
    frozen.shift(dt.timedelta(minutes=29, seconds=59))
    assert al_contact_point.client.get("/exchange/inbox/").status_code == 200
    frozen.shift(dt.timedelta(minutes=29, seconds=59))
    assert al_contact_point.client.get("/exchange/inbox/").status_code == 200
    frozen.shift(dt.timedelta(minutes=30))
    response = al_contact_point.client.get("/exchange/inbox/")
    assert response["Location"] == "/exchange/login/?next=%2Fexchange%2Finbox%2F"
    assert "_auth_user_id" not in al_contact_point.client.session


def test_session_ends_after_8_hours_however_active(frozen: Any, al_contact_point: Persona) -> None:
    verify(al_contact_point)
    for _ in range(int(SESSION_ABSOLUTE / dt.timedelta(minutes=20)) - 1):
        frozen.shift(dt.timedelta(minutes=20))
        assert al_contact_point.client.get("/exchange/inbox/").status_code == 200
    frozen.shift(dt.timedelta(minutes=20))
    assert al_contact_point.client.get("/exchange/inbox/").status_code == 302


def test_logout_is_post_only(frozen: Any, al_contact_point: Persona) -> None:
    verify(al_contact_point)
    assert al_contact_point.client.get("/exchange/logout/").status_code == 405
    response = al_contact_point.client.post("/exchange/logout/")
    assert response["Location"] == "/exchange/login/"
    assert al_contact_point.client.get("/exchange/inbox/").status_code == 302


def test_next_is_kept_only_on_the_exchange(frozen: Any, al_csirt: Organisation) -> None:
    user = person("alma", al_csirt)
    device = with_device(user)
    for target, expected in [
        ("/exchange/inbox/?area=cyber", "/exchange/inbox/?area=cyber"),
        ("https://evil.example/exchange/", "/exchange/inbox/"),
        ("//evil.example/exchange/", "/exchange/inbox/"),
        ("/admin/", "/exchange/inbox/"),
    ]:
        response = Client().post(
            "/exchange/login/",
            {
                "username": "alma",
                "password": PASSWORD,
                "code": current_code(device),
                "next": target,
            },
        )
        assert response["Location"] == expected
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)


def test_login_throttle_applies(frozen: Any, al_csirt: Organisation) -> None:
    user = person("alma", al_csirt)
    device = with_device(user)
    client = Client()
    for _ in range(5):
        response = client.post("/exchange/login/", {"username": "alma", "password": "wrong"})
        assert response.status_code == 200
    refused = client.post(
        "/exchange/login/",
        {"username": "ALMA", "password": PASSWORD, "code": current_code(device)},
    )
    assert refused.status_code == 429
    assert refused["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session


def test_login_page_is_accessible_markup(anonymous: Persona) -> None:
    page = anonymous.client.get("/exchange/login/").content.decode()
    for field in ("username", "password", "code"):
        assert f'<label for="id_{field}">' in page
        assert f'id="id_{field}" name="{field}"' in page
    assert (
        page.index('id="id_username"') < page.index('id="id_password"') < page.index('id="id_code"')
    )
    assert "<script" not in page
    assert " style=" not in page


def test_a_verified_person_goes_from_home_and_login_to_the_inbox(
    frozen: Any, al_contact_point: Persona
) -> None:
    verify(al_contact_point)
    assert al_contact_point.client.get("/exchange/")["Location"] == "/exchange/inbox/"
    again = al_contact_point.client.get("/exchange/login/?next=/exchange/access/")
    assert again["Location"] == "/exchange/access/"
