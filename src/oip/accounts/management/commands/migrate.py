"""`oip migrate`, Django's own, refusing clearly a database made before `accounts.User` existed.

Such a database has Django's admin tables pointing at `auth.User`; Django would stop with an
"inconsistent migration history" traceback. This command says instead what the database is and
what to do, and changes nothing. It does not rebuild the database by itself: only the reader
knows whether it holds more than the shipped data (docs/decisions.md, "Identity").
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder

ADVICE = """\
The database {name} was created before OIP had its own user model (accounts.User), \
so Django cannot migrate it in place: its admin log points at the old auth.User table.
Nothing was changed. To go on:
  - if it holds only the shipped catalogue and baseline evidence (a development database), \
{rebuild}
  - if it holds evidence recorded by hand or accounts you need, keep that copy, rebuild as \
above, then re-import the evidence (oip evidence import FILE) and re-create the accounts \
(oip createsuperuser, the admin)."""
SQLITE_REBUILD = (
    "move it aside and rebuild it:\n        mv {name} {name}.before-accounts && make data"
)
SERVER_REBUILD = "drop it, create it empty and rebuild it:\n        dropdb {name} && createdb {name} && make data"


def predates_accounts(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the database at `alias` has Django's admin migrated but not `accounts`."""
    recorder = MigrationRecorder(connections[alias])
    if not recorder.has_table():
        return False
    applied = recorder.applied_migrations()
    return ("admin", "0001_initial") in applied and ("accounts", "0001_initial") not in applied


class Command(DjangoMigrate):
    help = DjangoMigrate.help + " Refuses, with advice, a database older than accounts.User."

    def handle(self, *args: Any, **options: Any) -> None:
        alias = options["database"]
        if predates_accounts(alias):
            connection = connections[alias]
            name = connection.settings_dict["NAME"]
            rebuild = SQLITE_REBUILD if connection.vendor == "sqlite" else SERVER_REBUILD
            raise CommandError(ADVICE.format(name=name, rebuild=rebuild.format(name=name)))
        super().handle(*args, **options)
