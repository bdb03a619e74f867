"""`oip changes`: every change of standing with its date and cause."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from oip.conditionality.present import change_dict, table
from oip.site.arguments import date_arg, datetime_arg, today
from oip.standings.evaluation import evaluation


class Command(BaseCommand):
    help = "Print the changes of standing (advanced, on notice, restored, fell, suspended)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--since", type=date_arg, default=None, help="first date (default: all)"
        )
        parser.add_argument(
            "--until", type=date_arg, default=None, help="last date (default: today)"
        )
        parser.add_argument("--known-at", type=datetime_arg, default=None)
        parser.add_argument("--country", action="append", default=None)
        parser.add_argument("--area", action="append", default=None)
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        found = evaluation(options["known_at"]).changes(
            options["until"] or today(),
            since=options["since"],
            countries=options["country"],
            areas=options["area"],
        )
        rows = [change_dict(c) for c in found]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, indent=2))
        else:
            self.stdout.write(
                table(
                    ["on", "country", "area", "change", "tier", "cause"],
                    [
                        [
                            r["on"],
                            r["country"],
                            r["area"],
                            r["kind"].replace("_", " "),
                            f"{r['tier_before']} -> {r['tier_after']}",
                            ", ".join(r["cause"]),
                        ]
                        for r in rows
                    ],
                )
            )
