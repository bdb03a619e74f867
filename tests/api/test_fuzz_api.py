"""Schemathesis against the API's own OpenAPI schema, with evidence loaded: whatever the
query (dates at the ends of the calendar, unknown countries, odd strings), no 5xx, and every
response's content type and body conform to the schema."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from tests.scenario import import_scenario


def _load_schema() -> Any:
    # Loaded at collection (pytest-django has set Django up by then): the schema needs no
    # database. (`schemathesis.pytest.from_fixture` trips over pytest 9's node ids.)
    from django.core.wsgi import get_wsgi_application

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    # The exchange's authenticated endpoints need a person or a token of an organisation; their
    # answers to every persona are tested in tests/exchange/test_api.py. Its public ones (blank
    # templates; the performance figures) are fuzzed here like the monitor's.
    return schema.exclude(path_regex=r"^/api/v1/exchange/(?!templates$)")


schema = _load_schema()
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]


@pytest.fixture
def evidence(tmp_path: Path) -> Iterator[None]:
    """The EPPO scenario in the test database, served through the plain WSGI handler.

    Like Django's test client, keep the handler from closing the test's connection at the
    end of each request (it would, being inside the test's transaction).
    """
    import_scenario(tmp_path)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("OIP_FUZZ_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.django_db
def test_api_conforms_to_its_schema(case: Any, evidence: None) -> None:
    case.call_and_validate(checks=CHECKS)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        # Found by the fuzzing above: each was a 500 (a year before 0001-01-01; an OFFSET
        # beyond a 64-bit integer). Now a 422 naming the bound.
        "/api/v1/region?as_of=0001-01-01",
        "/api/v1/standings?as_of=9999-12-31",
        "/api/v1/changes?since=0001-01-01",
        "/api/v1/standings?known_at=0001-01-01T00:00:00%2B14:00",
        "/api/v1/context-notes?as_of=0001-01-01",
        "/api/v1/evidence?offset=100000000000000000000",
    ],
)
def test_out_of_range_queries_are_422_not_500(client: Any, evidence: None, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 422, response.content[:500]
