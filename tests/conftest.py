"""Shared fixtures: every test database starts with the shipped catalogue loaded; the
personas of `tests.personas` (anonymous, eu_officer, al_contact_point, ba_contact_point,
analyst, administrator) are available to every test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import settings

from oip.catalogue.loader import load_catalogue
from oip.catalogue.schema import Catalogue
from tests.personas import (  # noqa: F401 - fixtures, registered by being imported here
    administrator,
    al_contact_point,
    al_csirt,
    analyst,
    anonymous,
    ba_contact_point,
    ba_csirt,
    enisa,
    eu_officer,
)

# The suite must pass on a busy machine: no property test fails for taking long on one example
# (Hypothesis' default deadline is 200 ms per example, which a loaded CI machine can exceed).
settings.register_profile("oip", deadline=None)
settings.load_profile("oip")


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    """The catalogue shipped in the package."""
    return load_catalogue()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    from oip.catalogue.actions import load_catalogue_into_db

    with django_db_blocker.unblock():
        load_catalogue_into_db(load_catalogue())


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """Every test starts with empty caches and no memoised data version.

    Rolled-back test transactions can reuse row ids, and so data-version cache keys.
    """
    from django.core.cache import cache

    from oip.standings.evaluation import clear_cache

    cache.clear()
    clear_cache()
    yield
    cache.clear()
    clear_cache()
