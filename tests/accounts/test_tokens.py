"""API tokens: only the hash is stored, a token is found by its hash, and it expires."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oip.accounts.models import ApiToken, Organisation, token_digest

pytestmark = pytest.mark.django_db
User = get_user_model()
AT = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


@pytest.fixture
def holder(al_csirt: Organisation) -> tuple[object, Organisation]:
    return User.objects.create_user("token-holder"), al_csirt


def test_issue_stores_the_hash_and_prefix_never_the_token(
    holder: tuple[object, Organisation],
) -> None:
    user, org = holder
    text, row = ApiToken.issue(user, org, DAY, now=AT)
    stored = ApiToken.objects.get(pk=row.pk)
    assert len(text) == 43
    assert stored.token_hash == hashlib.sha256(text.encode()).hexdigest()
    assert stored.prefix == text[:8]
    assert stored.created_at == AT
    assert stored.expires_at == AT + DAY
    assert stored.revoked_at is None
    assert text not in repr(list(ApiToken.objects.values()))


def test_two_tokens_differ(holder: tuple[object, Organisation]) -> None:
    user, org = holder
    first, _ = ApiToken.issue(user, org, DAY, now=AT)
    second, _ = ApiToken.issue(user, org, DAY, now=AT)
    assert first != second


def test_lookup_finds_the_token_by_its_hash(holder: tuple[object, Organisation]) -> None:
    user, org = holder
    text, row = ApiToken.issue(user, org, DAY, now=AT)
    assert ApiToken.lookup(text) == row
    assert ApiToken.lookup(text[:-1]) is None
    assert ApiToken.lookup(row.token_hash) is None
    assert ApiToken.lookup("") is None


def test_token_expires(holder: tuple[object, Organisation]) -> None:
    user, org = holder
    _, row = ApiToken.issue(user, org, DAY, now=AT)
    assert row.usable_at(AT) is True
    assert row.usable_at(AT + DAY - dt.timedelta(microseconds=1)) is True
    assert row.usable_at(AT + DAY) is False
    assert row.usable_at(AT - dt.timedelta(seconds=1)) is False


def test_revoked_token_is_not_usable_from_revocation_on(
    holder: tuple[object, Organisation],
) -> None:
    user, org = holder
    _, row = ApiToken.issue(user, org, DAY, now=AT)
    row.revoked_at = AT + dt.timedelta(hours=1)
    assert row.usable_at(AT + dt.timedelta(minutes=59)) is True
    assert row.usable_at(AT + dt.timedelta(hours=1)) is False


@pytest.mark.parametrize("lifetime", [dt.timedelta(0), -DAY])
def test_lifetime_must_be_positive(
    holder: tuple[object, Organisation], lifetime: dt.timedelta
) -> None:
    user, org = holder
    with pytest.raises(ValueError, match="lifetime must be positive"):
        ApiToken.issue(user, org, lifetime, now=AT)
    assert ApiToken.objects.count() == 0


def test_database_refuses_expiry_before_creation(holder: tuple[object, Organisation]) -> None:
    user, org = holder
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiToken.objects.create(
            user=user,
            organisation=org,
            token_hash="0" * 64,
            prefix="00000000",
            created_at=AT,
            expires_at=AT,
        )


def test_digest_is_sha256_hex() -> None:
    assert token_digest("abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lifetime=st.integers(min_value=1, max_value=10**6),
    offset=st.integers(min_value=-(10**6), max_value=2 * 10**6),
    revoked=st.none() | st.integers(min_value=0, max_value=2 * 10**6),
)
def test_usable_exactly_between_issue_and_expiry_or_revocation(
    lifetime: int, offset: int, revoked: int | None
) -> None:
    row = ApiToken(
        created_at=AT,
        expires_at=AT + dt.timedelta(seconds=lifetime),
        revoked_at=None if revoked is None else AT + dt.timedelta(seconds=revoked),
    )
    end = lifetime if revoked is None else min(lifetime, revoked)
    assert row.usable_at(AT + dt.timedelta(seconds=offset)) is (0 <= offset < end)
