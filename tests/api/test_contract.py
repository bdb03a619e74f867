"""The API's HTTP contract: one date rule, refused unknown parameters, HEAD like GET, the
OpenAPI document (404/422, bounds, the vocabulary) and exact query counts per list."""

from __future__ import annotations

import datetime as dt
import string
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import time_machine
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oip.site import dates
from oip.vocabulary import (
    BENCHMARK_STATUSES,
    CHANGE_KINDS,
    OBSERVATION_STATUSES,
    SOURCE_KINDS,
    STANDING_STATUSES,
    WHO,
)
from tests.scenario import import_scenario

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)
# Every operation with the query parameters it declares.
DECLARED = {
    "/api/v1/catalogue": [],
    "/api/v1/standings": ["area", "as_of", "country", "known_at"],
    "/api/v1/region": ["as_of", "known_at"],
    "/api/v1/changes": ["area", "country", "kind", "known_at", "since", "until"],
    "/api/v1/evidence": [
        "area",
        "as_of",
        "benchmark",
        "country",
        "known_at",
        "limit",
        "offset",
        "status",
    ],
    "/api/v1/context-notes": ["area", "as_of", "country"],
}
EXAMPLES = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def openapi(client: Client) -> dict[str, Any]:
    return client.get("/api/v1/openapi.json").json()


@pytest.fixture
def scenario(tmp_path: Path) -> None:
    import_scenario(tmp_path)


def refusal(client: Client, url: str) -> list[tuple[str, str]]:
    """The (parameter, message) pairs of a 422 answer."""
    response = client.get(url)
    assert response.status_code == 422, response.content[:500]
    return [(p["loc"][1], p["msg"]) for p in response.json()["detail"]]


# -- The date rule -------------------------------------------------------------------------


@time_machine.travel(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC), tick=False)
@pytest.mark.parametrize(
    ("url", "name", "raw"),
    [
        ("/api/v1/standings?as_of=", "as_of", "2026-06-16"),
        ("/api/v1/standings?as_of=", "as_of", "1999-12-31"),
        ("/api/v1/standings?as_of=", "as_of", "20250101"),
        ("/api/v1/standings?as_of=", "as_of", "2025-W01-1"),
        ("/api/v1/region?as_of=", "as_of", "0001-01-01"),
        ("/api/v1/changes?since=", "since", "2026-07-01"),
        ("/api/v1/changes?until=", "until", "1999-01-01"),
        ("/api/v1/evidence?as_of=", "as_of", "9999-12-31"),
        ("/api/v1/context-notes?as_of=", "as_of", "tomorrow"),
    ],
)
def test_dates_outside_the_rule_get_the_rules_own_explanation(
    client: Client, url: str, name: str, raw: str
) -> None:
    with pytest.raises(dates.DateRefused) as rule:
        dates.check_as_of(dates.parse_date(raw, name=name), name=name)
    assert refusal(client, url + quote(raw)) == [(name, str(rule.value))]


@time_machine.travel(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC), tick=False)
def test_the_first_and_the_last_day_of_the_rule_are_accepted(client: Client) -> None:
    for day in ("2000-01-01", "2026-06-15"):
        assert client.get(f"/api/v1/standings?country=ME&as_of={day}").status_code == 200
        assert client.get(f"/api/v1/changes?since={day}&until={day}").status_code == 200


def test_a_known_at_before_2000_or_beyond_utc_is_refused(client: Client) -> None:
    assert refusal(client, "/api/v1/region?known_at=1999-12-31T23:59:59") == [
        ("known_at", "known_at 1999-12-31T23:59:59 is too early: OIP starts on 2000-01-01.")
    ]
    assert refusal(client, "/api/v1/region?known_at=" + quote("9999-12-31T23:59:59-14:00")) == [
        ("known_at", "known_at 9999-12-31T23:59:59-14:00 is too late to be an instant in UTC.")
    ]


def test_a_date_only_known_at_means_the_end_of_that_day(client: Client, tmp_path: Path) -> None:
    with time_machine.travel(dt.datetime(2025, 11, 20, 23, 59, tzinfo=dt.UTC), tick=False):
        import_scenario(tmp_path)
    count = {
        known_at: client.get(f"/api/v1/evidence?country=ME&known_at={known_at}").json()["count"]
        for known_at in ("2025-11-19", "2025-11-20", "2025-11-20T23:58:59", "2025-11-20T23:59")
    }
    assert count == {
        "2025-11-19": 0,
        "2025-11-20": 14,
        "2025-11-20T23:58:59": 0,
        "2025-11-20T23:59": 14,
    }


# -- Unknown and repeated parameters --------------------------------------------------------


@pytest.mark.parametrize("path", sorted(DECLARED))
def test_every_operation_refuses_a_parameter_it_does_not_declare(
    client: Client, openapi: dict[str, Any], path: str
) -> None:
    documented = sorted(p["name"] for p in openapi["paths"][path]["get"]["parameters"])
    assert documented == DECLARED[path]
    accepted = ", ".join(DECLARED[path]) or "none"
    assert refusal(client, f"{path}?colour=red") == [
        ("colour", f"unknown query parameter; this endpoint accepts: {accepted}")
    ]


def test_the_snapshots_dated_catalogue_and_changes_are_refused_not_ignored(client: Client) -> None:
    """The catalogue has no date and the changes a range: `as_of` there was silently ignored."""
    assert [n for n, _ in refusal(client, "/api/v1/catalogue?as_of=2025-09-01")] == ["as_of"]
    assert [n for n, _ in refusal(client, "/api/v1/changes?as_of=2025-09-01")] == ["as_of"]


def test_a_parameter_given_twice_is_refused(client: Client) -> None:
    assert refusal(client, "/api/v1/standings?country=AL&country=BA") == [
        ("country", "given more than once; give it once")
    ]


@given(name=st.text(string.ascii_letters + string.digits + "_-[].", min_size=1, max_size=20))
@EXAMPLES
def test_any_undeclared_name_is_refused_and_named(client: Client, name: str) -> None:
    declared = set(DECLARED["/api/v1/evidence"])
    response = client.get(f"/api/v1/evidence?limit=1&{quote(name)}=1")
    if name in declared - {"limit"}:
        assert response.status_code in (200, 404, 422)
    elif name == "limit":
        assert response.status_code == 422
    else:
        assert response.status_code == 422
        assert [p["loc"] for p in response.json()["detail"]] == [["query", name]]


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/evidence?limit=0", "limit"),
        ("/api/v1/evidence?limit=501", "limit"),
        ("/api/v1/evidence?offset=-1", "offset"),
        ("/api/v1/evidence?offset=1000000001", "offset"),
        ("/api/v1/evidence?status=unknown", "status"),
        ("/api/v1/changes?kind=vanished", "kind"),
        ("/api/v1/evidence?benchmark=Eppo%00", "benchmark"),
        ("/api/v1/standings?country=me", "country"),
        ("/api/v1/standings?area=EPPO", "area"),
    ],
)
def test_values_outside_their_type_are_422(client: Client, url: str, name: str) -> None:
    assert [n for n, _ in refusal(client, url)] == [name]


def test_the_bounds_themselves_are_accepted(client: Client, scenario: None) -> None:
    for query in ("limit=1&offset=0", "limit=500&offset=1000000000"):
        assert client.get(f"/api/v1/evidence?{query}").status_code == 200


# -- HEAD ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        *DECLARED,
        "/api/v1/standings?country=FR",
        "/api/v1/standings?as_of=1999-01-01",
        "/api/v1/openapi.json",
        "/api/v1/docs",
    ],
)
def test_head_answers_like_get_without_a_body(client: Client, scenario: None, url: str) -> None:
    got = client.get(url)
    head = client.head(url)
    assert (head.status_code, head["Content-Type"]) == (got.status_code, got["Content-Type"])
    assert head.content == b""
    assert int(head["Content-Length"]) == len(got.content)


def test_other_methods_stay_refused(client: Client) -> None:
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)("/api/v1/standings").status_code == 405


# -- The OpenAPI document --------------------------------------------------------------------


def test_openapi_documents_404_and_422(openapi: dict[str, Any]) -> None:
    # The exchange's routers (/api/v1/exchange/...) answer 401/403 as well: tests/exchange.
    answers = {
        path: sorted(op["get"]["responses"])
        for path, op in openapi["paths"].items()
        if not path.startswith("/api/v1/exchange")
    }
    assert answers == {
        "/api/v1/catalogue": ["200", "422"],
        "/api/v1/standings": ["200", "404", "422"],
        "/api/v1/region": ["200", "422"],
        "/api/v1/changes": ["200", "404", "422"],
        "/api/v1/evidence": ["200", "404", "422"],
        "/api/v1/context-notes": ["200", "404", "422"],
    }
    schemas = openapi["components"]["schemas"]
    assert schemas["ErrorOut"]["properties"]["detail"] == {"title": "Detail", "type": "string"}
    assert schemas["ValidationErrorOut"]["required"] == ["detail"]


def test_openapi_documents_the_bounds(openapi: dict[str, Any]) -> None:
    params = {p["name"]: p for p in openapi["paths"]["/api/v1/evidence"]["get"]["parameters"]}
    limit, offset = params["limit"]["schema"], params["offset"]["schema"]
    assert (limit["minimum"], limit["maximum"], limit["default"]) == (1, 500, 100)
    assert (offset["minimum"], offset["maximum"], offset["default"]) == (0, 1_000_000_000, 0)
    day = params["as_of"]["schema"]["anyOf"][0]
    assert (day["type"], day["format"]) == ("string", "date")
    assert params["benchmark"]["schema"]["anyOf"][0]["pattern"] == "^[a-z][a-z0-9_.-]*$"


def _enum(schema: dict[str, Any], openapi: dict[str, Any], field: str) -> list[str]:
    spec = schema["properties"][field]
    if "$ref" in spec:
        spec = openapi["components"]["schemas"][spec["$ref"].rsplit("/", 1)[1]]
    return spec["enum"]


def test_openapi_enumerations_are_the_vocabularys(openapi: dict[str, Any]) -> None:
    schemas = openapi["components"]["schemas"]
    assert _enum(schemas["StandingOut"], openapi, "status") == list(STANDING_STATUSES)
    assert _enum(schemas["Missing"], openapi, "who") == list(WHO)
    assert _enum(schemas["Missing"], openapi, "status") == list(BENCHMARK_STATUSES)
    assert _enum(schemas["ChangeOut"], openapi, "kind") == list(CHANGE_KINDS)
    assert _enum(schemas["ObservationOut"], openapi, "status") == list(OBSERVATION_STATUSES)
    assert _enum(schemas["SourceOut"], openapi, "kind") == list(SOURCE_KINDS)


# -- Query counts --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "first", "again"),
    [
        ("/api/v1/catalogue", 1, 1),
        ("/api/v1/standings", 5, 2),
        ("/api/v1/standings?country=ME&area=eppo", 5, 2),
        ("/api/v1/region", 4, 0),
        ("/api/v1/changes", 4, 1),
        ("/api/v1/evidence?country=ME", 3, 3),
        ("/api/v1/context-notes", 2, 2),
    ],
)
def test_each_list_reads_a_fixed_number_of_queries(
    client: Client,
    scenario: None,
    settings: Any,
    django_assert_num_queries: Any,
    url: str,
    first: int,
    again: int,
) -> None:
    """First: caches empty (the evaluation is built); again: the same request once more,
    within the data version's memo. The evidence list's 14 rows cost no query each."""
    settings.OIP_DATA_VERSION_TTL = 3600
    with django_assert_num_queries(first):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(again):
        assert client.get(url).status_code == 200
