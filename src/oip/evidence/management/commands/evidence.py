"""`oip evidence import FILE...` (and, later, load-baseline, coverage, review)."""

from __future__ import annotations

import getpass
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from oip.evidence.actions import ImportFailed, import_evidence


class Command(BaseCommand):
    help = "Import and inspect evidence (dated, sourced observations)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        importer = sub.add_parser("import", help="import YAML or CSV files: all or nothing")
        importer.add_argument("files", nargs="+", type=Path)
        importer.add_argument("--by", default=None, help="who records it (default: cli:<user>)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "import":
            self._import(options["files"], options["by"] or f"cli:{getpass.getuser()}")

    def _import(self, files: list[Path], recorded_by: str) -> None:
        try:
            result = import_evidence(files, recorded_by=recorded_by)
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            if exc.total > len(exc.errors):
                self.stderr.write(f"... and {exc.total - len(exc.errors)} more")
            raise CommandError(f"import failed: {exc.total} problem(s); nothing was written", returncode=1) from exc
        self.stdout.write(
            f"imported {result.created} observation(s), skipped {result.skipped} already recorded"
            + (
                f"; {result.context_created} context note(s), skipped {result.context_skipped}"
                if result.context_created or result.context_skipped
                else ""
            )
        )
