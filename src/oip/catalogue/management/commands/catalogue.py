"""`oip catalogue validate|export|load`: check, print and load the Menu catalogue."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from oip.catalogue.actions import CatalogueLoadRefused, load_catalogue_into_db
from oip.catalogue.loader import CatalogueError, export_data, load_catalogue


class Command(BaseCommand):
    help = "Validate, export or load the catalogue (the Menu, its targets and benchmarks)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (
            ("validate", "check the catalogue files; exit 1 with one line per problem"),
            ("export", "print the catalogue in the export contract's format"),
            ("load", "load the catalogue into the database (idempotent)"),
        ):
            action = sub.add_parser(name, help=text)
            action.add_argument(
                "--dir",
                type=Path,
                default=None,
                help="catalogue directory (default: the shipped one)",
            )
            if name == "export":
                action.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            catalogue = load_catalogue(options["dir"])
        except CatalogueError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"catalogue invalid: {len(exc.problems)} problem(s)", returncode=1
            ) from exc
        action = options["action"]
        if action == "validate":
            targets = len(catalogue.targets)
            benchmarks = sum(len(t.benchmarks) for t in catalogue.targets)
            self.stdout.write(
                f"catalogue {catalogue.version} is valid: {len(catalogue.areas)} areas, "
                f"{targets} targets, {benchmarks} benchmarks, {len(catalogue.milestones)} milestones"
            )
        elif action == "export":
            self.stdout.write(json.dumps(export_data(catalogue), indent=2, ensure_ascii=False))
        else:
            try:
                result = load_catalogue_into_db(catalogue)
            except CatalogueLoadRefused as exc:
                raise CommandError(f"catalogue load refused: {exc}", returncode=1) from exc
            if result.changed:
                self.stdout.write(
                    f"loaded catalogue {result.version} ({result.content_hash[:12]}): "
                    f"{result.benchmarks_added} benchmarks added, "
                    f"{result.benchmarks_removed} removed"
                )
            else:
                self.stdout.write(f"catalogue {result.version} already loaded; nothing to do")
