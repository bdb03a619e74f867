"""OIP's own user model in place: nothing refers to auth.User, the personas are who they say,
and a database made before the swap gets advice instead of a traceback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

import oip
from oip.accounts.models import User
from tests.personas import Persona

SRC = Path(oip.__file__).parent


def test_the_user_model_is_oips_own() -> None:
    assert settings.AUTH_USER_MODEL == "accounts.User"
    assert get_user_model() is User


def test_no_migration_or_module_of_oip_refers_to_djangos_user() -> None:
    offenders = [
        str(path.relative_to(SRC))
        for path in sorted(SRC.rglob("*.py"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if "auth.user'" in line.lower()
        or 'auth.user"' in line.lower()
        or "auth.models import User" in line
    ]
    assert offenders == []


@pytest.mark.django_db
def test_personas_are_the_right_people(
    anonymous: Persona,
    eu_officer: Persona,
    al_contact_point: Persona,
    ba_contact_point: Persona,
    analyst: Persona,
    administrator: Persona,
) -> None:
    def seat(persona: Persona) -> list[tuple[str, str, str | None, str, list[str]]]:
        return [
            (
                m.organisation.short_name,
                m.organisation.kind,
                m.organisation.country_id,
                m.role,
                m.areas,
            )
            for m in persona.user.memberships_at()
        ]

    assert anonymous.user is None
    assert seat(eu_officer) == [("ENISA", "eu_body", None, "officer", ["cyber"])]
    assert seat(al_contact_point) == [("CSIRT-AL", "national", "AL", "contact_point", ["cyber"])]
    assert seat(ba_contact_point) == [("CSIRT-BA", "national", "BA", "contact_point", ["cyber"])]
    assert seat(analyst) == []
    assert seat(administrator) == []
    assert (administrator.user.is_superuser, analyst.user.is_superuser) == (True, False)
    assert sorted(analyst.user.get_all_permissions()) == [
        "evidence.add_observation",
        "evidence.view_contextnote",
        "evidence.view_importbatch",
        "evidence.view_observation",
        "evidence.view_source",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),
        ("eu_officer", 302),
        ("al_contact_point", 302),
        ("analyst", 200),
        ("administrator", 200),
    ],
)
def test_only_staff_personas_enter_the_admin(
    request: pytest.FixtureRequest, persona: str, status: int
) -> None:
    client = request.getfixturevalue(persona).client
    assert client.get("/admin/evidence/observation/").status_code == status
    # The analyst records evidence but does not manage people.
    expected = {"analyst": 403, "administrator": 200}.get(persona, 302)
    assert client.get("/admin/accounts/membership/").status_code == expected


def _database_before_accounts(path: Path) -> None:
    """A SQLite file whose migration history is that of OIP before accounts.User."""
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE django_migrations (id integer PRIMARY KEY AUTOINCREMENT, "
            "app varchar(255) NOT NULL, name varchar(255) NOT NULL, applied datetime NOT NULL)"
        )
        db.executemany(
            "INSERT INTO django_migrations (app, name, applied) VALUES (?, ?, '2026-01-01')",
            [
                ("contenttypes", "0001_initial"),
                ("auth", "0001_initial"),
                ("admin", "0001_initial"),
                ("catalogue", "0001_initial"),
            ],
        )


def _contents(path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as db:
        tables = db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
        return tables + db.execute("SELECT * FROM django_migrations ORDER BY id").fetchall()


def test_migrate_refuses_a_database_made_before_the_user_model_with_advice(
    tmp_path: Path,
) -> None:
    database = tmp_path / "oip.sqlite3"
    _database_before_accounts(database)
    before = _contents(database)
    env: dict[str, Any] = os.environ | {
        "OIP_VAR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{database}",
    }
    done = subprocess.run(
        [sys.executable, "-m", "oip.cli", "migrate", "--noinput"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(
        f"CommandError: The database {database} was created before OIP had its own user model"
    )
    assert f"mv {database} {database}.before-accounts && make data" in done.stderr
    # Nothing changed but the journal mode every connection sets (WAL) in the file's header.
    assert _contents(database) == before
