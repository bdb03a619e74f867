"""The analysts' admin: behind a login, throttled against password guessing, and unable to
change or delete evidence, even for a superuser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.test import Client

from oip.evidence.models import Observation, Source
from oip.site.ratelimit import MAX_FAILURES
from tests.scenario import import_scenario

pytestmark = pytest.mark.django_db
User = get_user_model()

LOGIN = "/admin/login/"
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def fresh_throttle(settings: Any) -> Iterator[None]:
    # A fast hasher: the throttle is under test here, not PBKDF2's cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff() -> User:
    user = User.objects.create_user("analyst", password=PASSWORD, is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_observation"))
    return user


@pytest.fixture
def superuser() -> User:
    return User.objects.create_superuser("root", password=PASSWORD)


@pytest.fixture
def observation(tmp_path: Path) -> Observation:
    import_scenario(tmp_path)
    return Observation.objects.order_by("id").first()


def login(client: Client, username: str, password: str, address: str = "127.0.0.1") -> int:
    response = client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address
    )
    return response.status_code


def add_form(observation: Observation) -> dict[str, str]:
    return {
        "country": "ME",
        "benchmark": observation.benchmark_id,
        "status": "met",
        "observed_on": "2024-05-01",
        "note": "added through the admin",
        "source_url": "https://example.org/new",
        "source_title": "A new source",
        "source_publisher": "EC",
        "source_published_on": "2024-05-02",
        "source_excerpt": "",
    }


def test_anonymous_admin_redirects_to_login(client: Client) -> None:
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_a_staff_user_can_log_in(client: Client, staff: User) -> None:
    assert login(client, "analyst", PASSWORD) == 302
    assert client.get("/admin/").status_code == 200


def test_five_failures_for_a_username_then_even_the_right_password_gets_429(
    client: Client, staff: User
) -> None:
    for attempt in range(MAX_FAILURES):
        # Each from another address: the username's count alone throttles.
        assert login(client, "analyst", f"wrong {attempt}", f"10.0.0.{attempt + 1}") == 200
    response = client.post(
        LOGIN, {"username": "Analyst", "password": PASSWORD}, REMOTE_ADDR="10.0.0.99"
    )
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    assert "_auth_user_id" not in client.session
    # Another account from another address is not affected.
    User.objects.create_user("other", password=PASSWORD, is_staff=True)
    assert login(Client(), "other", PASSWORD, "10.0.1.1") == 302


def test_five_failures_from_one_address_throttle_every_username_from_it(
    client: Client, staff: User
) -> None:
    for attempt in range(MAX_FAILURES):
        assert login(client, f"guess{attempt}", "wrong", "192.0.2.7") == 200
    assert login(client, "analyst", PASSWORD, "192.0.2.7") == 429
    assert login(Client(), "analyst", PASSWORD, "192.0.2.8") == 302


def test_a_success_clears_the_usernames_count(client: Client, staff: User) -> None:
    for attempt in range(MAX_FAILURES - 1):
        assert login(client, "analyst", "wrong", f"10.0.2.{attempt}") == 200
    assert login(Client(), "analyst", PASSWORD, "10.0.3.1") == 302
    for attempt in range(MAX_FAILURES - 1):
        assert login(client, "analyst", "wrong", f"10.0.4.{attempt}") == 200
    assert login(Client(), "analyst", PASSWORD, "10.0.5.1") == 302


def test_anonymous_cannot_add_an_observation(client: Client, observation: Observation) -> None:
    before = (Observation.objects.count(), Source.objects.count())
    response = client.post("/admin/evidence/observation/add/", add_form(observation))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert (Observation.objects.count(), Source.objects.count()) == before


def test_staff_without_the_add_permission_gets_403(
    client: Client, staff: User, observation: Observation
) -> None:
    client.force_login(staff)
    before = (Observation.objects.count(), Source.objects.count())
    assert client.get("/admin/evidence/observation/").status_code == 200  # may view
    assert client.get("/admin/evidence/observation/add/").status_code == 403
    response = client.post("/admin/evidence/observation/add/", add_form(observation))
    assert response.status_code == 403
    assert (Observation.objects.count(), Source.objects.count()) == before


def test_a_superuser_can_add_but_never_change_or_delete(
    client: Client, superuser: User, observation: Observation
) -> None:
    client.force_login(superuser)
    fields = [
        "country_id",
        "benchmark_id",
        "status",
        "observed_on",
        "note",
        "source_id",
        "recorded_at",
    ]
    row = Observation.objects.filter(pk=observation.pk).values(*fields).get()
    count = Observation.objects.count()

    change = f"/admin/evidence/observation/{observation.pk}/change/"
    assert client.get(change).status_code == 200  # read-only view
    edited = add_form(observation) | {"status": "not_met", "note": "rewritten"}
    assert client.post(change, edited).status_code == 403
    delete = f"/admin/evidence/observation/{observation.pk}/delete/"
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    bulk = client.post(
        "/admin/evidence/observation/",
        {"action": "delete_selected", "_selected_action": [observation.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302, 403)

    assert Observation.objects.filter(pk=observation.pk).values(*fields).get() == row
    assert Observation.objects.count() == count

    added = client.post("/admin/evidence/observation/add/", add_form(observation))
    assert added.status_code == 302, added.content[:2000]
    assert Observation.objects.count() == count + 1
    newest = Observation.objects.order_by("-id").first()
    assert newest.note == "added through the admin"
    assert newest.recorded_by == "admin:root"


ADD = "/admin/evidence/observation/add/"


def form_errors(response: Any) -> dict[str, list[str]]:
    """The add form's errors by field ("__all__" for the form's own)."""
    form = response.context["adminform"].form
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"source_url": "ftp://example.org/report"},
            "source_url",
            "must start with http:// or https://, got 'ftp://example.org/report'",
        ),
        ({"observed_on": "2099-01-01"}, "observed_on", "2099-01-01 is in the future"),
        ({"source_kind": "secret"}, "source_kind", "Select a valid choice."),
    ],
)
def test_an_invalid_observation_is_a_form_error_not_a_server_error(
    client: Client,
    superuser: Any,
    observation: Observation,
    change: dict[str, str],
    field: str,
    message: str,
) -> None:
    client.force_login(superuser)
    before = (Observation.objects.count(), Source.objects.count())
    response = client.post(ADD, add_form(observation) | change)
    assert response.status_code == 200
    errors = form_errors(response)
    assert list(errors) == [field]
    assert errors[field][0].startswith(message), errors
    assert (Observation.objects.count(), Source.objects.count()) == before


def test_adding_the_same_observation_twice_reports_it_and_stores_it_once(
    client: Client, superuser: Any, observation: Observation
) -> None:
    client.force_login(superuser)
    count = Observation.objects.count()
    assert client.post(ADD, add_form(observation)).status_code == 302
    stored = Observation.objects.order_by("-id").first()
    again = client.post(ADD, add_form(observation))
    assert again.status_code == 200
    assert form_errors(again) == {
        "__all__": [
            f"this observation is already recorded (observation {stored.pk}, recorded "
            f"{stored.recorded_at:%Y-%m-%d %H:%M} by admin:root); nothing was added"
        ]
    }
    assert Observation.objects.count() == count + 1


def test_a_restricted_source_needs_no_public_url(
    client: Client, superuser: Any, observation: Observation
) -> None:
    client.force_login(superuser)
    form = add_form(observation) | {
        "source_kind": "restricted",
        "source_url": "",
        "source_title": "Briefing to the analysts",
    }
    assert client.post(ADD, form).status_code == 302
    newest = Observation.objects.select_related("source").order_by("-id").first()
    assert (newest.source.kind, newest.source.url, newest.source.title) == (
        "restricted",
        "",
        "Briefing to the analysts",
    )
