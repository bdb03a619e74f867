"""`oip evidence import FILE...`, `load-baseline`, `coverage` and `review`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import getpass
import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from oip.conditionality.present import table
from oip.evidence.actions import ImportFailed, ImportResult, import_evidence
from oip.evidence.baseline import load_baseline
from oip.evidence.review import review
from oip.site.arguments import MAX_DAYS, date_arg, days_arg, today
from oip.standings.coverage import coverage


class Command(BaseCommand):
    help = "Import and inspect evidence (dated, sourced observations)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        importer = sub.add_parser("import", help="import YAML or CSV files: all or nothing")
        importer.add_argument("files", nargs="+", type=Path)
        importer.add_argument("--by", default=None, help="who records it (default: cli:<user>)")
        sub.add_parser("load-baseline", help="import the baseline evidence shipped with OIP")
        cover = sub.add_parser(
            "coverage", help="assessed vs not-assessed benchmarks per country x area"
        )
        cover.add_argument("--as-of", type=date_arg, default=None, help="date (default: today)")
        cover.add_argument("--format", choices=["json", "table"], default="table")
        checkup = sub.add_parser("review", help="observations resting on old or undated sources")
        checkup.add_argument(
            "--older-than",
            type=days_arg,
            default=730,
            metavar="DAYS",
            help=f"list sources older than this many days, 0 to {MAX_DAYS} (default 730)",
        )
        checkup.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "import":
            self._import(options["files"], options["by"] or f"cli:{getpass.getuser()}")
        elif action == "load-baseline":
            self._load_baseline()
        elif action == "coverage":
            self._coverage(options["as_of"] or today(), options["format"])
        elif action == "review":
            self._review(options["older_than"], options["format"])

    def _import(self, files: list[Path], recorded_by: str) -> None:
        result = self._run(lambda: import_evidence(files, recorded_by=recorded_by))
        self.stdout.write(
            f"imported {result.created} observation(s), skipped {result.skipped} already recorded"
            + (
                f"; {result.context_created} context note(s), skipped {result.context_skipped}"
                if result.context_created or result.context_skipped
                else ""
            )
        )

    def _load_baseline(self) -> None:
        result = self._run(load_baseline)
        self.stdout.write(
            f"baseline: created {result.created} observation(s), skipped {result.skipped}; "
            f"created {result.context_created} context note(s), skipped {result.context_skipped}"
        )

    def _run(self, action: Any) -> ImportResult:
        try:
            result: ImportResult = action()
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            if exc.total > len(exc.errors):
                self.stderr.write(f"... and {exc.total - len(exc.errors)} more")
            raise CommandError(
                f"import failed: {exc.total} problem(s); nothing was written", returncode=1
            ) from exc
        return result

    def _coverage(self, as_of: dt.date, fmt: str) -> None:
        rows = coverage(as_of)
        if fmt == "json":
            self.stdout.write(json.dumps([_plain(r) for r in rows], indent=2))
            return
        headers = [
            "country",
            "area",
            "benchmarks",
            "assessed",
            "not assessed",
            "met",
            "partial",
            "not met",
            "expired",
            "n/a",
            "presumed",
            "newest",
        ]
        self.stdout.write(
            table(
                headers,
                [
                    [
                        r.country,
                        r.area,
                        r.benchmarks,
                        r.with_evidence,
                        r.unknown,
                        r.met,
                        r.partial,
                        r.not_met,
                        r.expired,
                        r.not_applicable,
                        r.presumed,
                        r.newest.isoformat() if r.newest else "-",
                    ]
                    for r in rows
                ],
            )
        )

    def _review(self, older_than: int, fmt: str) -> None:
        rows = review(older_than, today())
        if fmt == "json":
            self.stdout.write(json.dumps([_plain(r) for r in rows], indent=2))
            return
        self.stdout.write(
            table(
                ["source date", "age (days)", "country", "benchmark", "status", "source"],
                [
                    [
                        r.published_on.isoformat() if r.published_on else "n.d.",
                        r.age_days if r.age_days is not None else "-",
                        r.country,
                        r.benchmark,
                        r.status,
                        f"{r.source_title} <{r.source_url or r.source_publisher}>",
                    ]
                    for r in rows
                ],
            )
        )


def _plain(row: Any) -> dict[str, Any]:
    """A dataclass row as JSON-ready data (dates as YYYY-MM-DD)."""
    return {
        key: value.isoformat() if isinstance(value, dt.date) else value
        for key, value in dataclasses.asdict(row).items()
    }
