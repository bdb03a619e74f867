"""`oip restore FILE [--force]`: replace the database's content with a backup."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from oip.site.backup import BackupError, restore_database


class Command(BaseCommand):
    help = (
        "Restore a backup made by `oip backup` into the database. Refuses a database that "
        "holds data unless --force; refuses, even with --force, a backup made from the other "
        "engine, a damaged one, and a file that is not an OIP database."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="a backup written by `oip backup`")
        parser.add_argument(
            "--force", action="store_true", help="overwrite a database that holds data"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = restore_database(options["file"], force=options["force"])
        except BackupError as exc:
            raise CommandError(f"restore refused: {exc}", returncode=1) from exc
        observations = result.counts.get("evidence_observation", 0)
        self.stdout.write(
            f"restored {result.path} into the {result.engine} database "
            f"({observations} observations); run `oip migrate` if the backup is older "
            "than this version of OIP"
        )
