"""`oip backup FILE`: a consistent copy of the whole database (see oip.site.backup)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from oip.site.backup import BackupError, backup_database, sidecar_path


class Command(BaseCommand):
    help = (
        "Back up the database to FILE: SQLite's online backup (safe while the server runs) "
        "or pg_dump's custom format for PostgreSQL; writes FILE.meta.json beside it. Both are "
        "readable by their owner only (they hold password hashes); a directory or the live "
        "database file is refused as FILE."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "file", type=Path, help="the backup file to write (replaced; not a directory)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_database(options["file"])
        except BackupError as exc:
            raise CommandError(f"backup failed: {exc}", returncode=1) from exc
        rows = sum(result.counts.values())
        self.stdout.write(
            f"backed up the {result.engine} database to {result.path} "
            f"({result.size} bytes, {rows} rows; sha256 {result.sha256[:12]}; "
            f"metadata in {sidecar_path(result.path).name})"
        )
