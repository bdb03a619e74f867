"""Shared fixtures: every test database starts with the shipped catalogue loaded."""

from __future__ import annotations

from typing import Any

import pytest

from oip.catalogue.loader import load_catalogue
from oip.catalogue.schema import Catalogue


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    """The catalogue shipped in the package."""
    return load_catalogue()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    from oip.catalogue.actions import load_catalogue_into_db

    with django_db_blocker.unblock():
        load_catalogue_into_db(load_catalogue())
