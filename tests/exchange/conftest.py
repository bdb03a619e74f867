"""Fixtures of the exchange's tests (helpers E and F reuse them: keep the names stable).

Organisations come from `tests.personas` (`enisa`, `al_csirt`, `ba_csirt`: ENISA an EU body for
cyber, the national CSIRTs of Albania and of Bosnia and Herzegovina). Here:

- `kek_file` (autouse): a fresh key-encryption key under the test's tmp dir.
- `enisa_officer`, `al_officer`, `ba_officer`: users with a cyber membership (ENISA officer
  and AL's contact point, clearance red; BA's contact point, clearance amber+strict).
- `operator_user`: the OIP administrator (superuser, no membership).
- `frozen`: time frozen at `NOW` (2026-10-01 09:00 UTC).
- `cyber_evidence`: observations giving AL tier 2 and BA tier 1 in cyber at `NOW`.
- `al_tier3`: `cyber_evidence` plus what lifts AL to tier 3.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model

from oip.accounts.models import Membership, Organisation
from tests.exchange.evidence import AL_TIER_2, AL_TIER_3, BA_TIER_1, record

NOW = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)
SINCE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def kek_file(tmp_path: Path, settings: Any) -> Iterator[Path]:
    """Every test encrypts with its own key-encryption key, generated on first use."""
    from oip.exchange import crypto

    path = tmp_path / "keys" / "kek.key"
    settings.OIP_EXCHANGE_KEK_FILE = path
    settings.OIP_EXCHANGE_BLOBS = tmp_path / "blobs"
    crypto.forget_keys()
    yield path
    crypto.forget_keys()


def exchange_member(
    username: str, organisation: Organisation, role: str, clearance: str, **extra: Any
) -> Any:
    """Create `username` with a cyber membership of `organisation` valid since 2000."""
    user = get_user_model().objects.create_user(username, email=f"{username}@example.org")
    Membership.objects.create(
        user=user,
        organisation=organisation,
        role=role,
        areas=["cyber"],
        clearance=clearance,
        valid_from=SINCE,
        **extra,
    )
    return user


@pytest.fixture
def enisa_officer(enisa: Organisation) -> Any:
    return exchange_member("enisa-officer", enisa, "officer", "red")


@pytest.fixture
def al_officer(al_csirt: Organisation) -> Any:
    return exchange_member("al-cp", al_csirt, "contact_point", "red")


@pytest.fixture
def ba_officer(ba_csirt: Organisation) -> Any:
    return exchange_member("ba-cp", ba_csirt, "contact_point", "amber+strict")


@pytest.fixture
def operator_user(db: None) -> Any:
    return get_user_model().objects.create_superuser("oip-operator", email="ops@example.org")


@pytest.fixture
def frozen() -> Iterator[dt.datetime]:
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def cyber_evidence(db: None) -> None:
    """AL holds tier 2 and BA tier 1 in cyber on `NOW` (observed 2026-06-01, recorded before)."""
    with time_machine.travel(NOW - dt.timedelta(days=30), tick=False):
        record("AL", AL_TIER_2)
        record("BA", BA_TIER_1)


@pytest.fixture
def al_tier3(cyber_evidence: None) -> None:
    with time_machine.travel(NOW - dt.timedelta(days=30), tick=False):
        record("AL", AL_TIER_3)
