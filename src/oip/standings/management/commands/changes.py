"""`oip changes`: every change of standing with its date and cause; with `--evidence`, the
evidence events too (`recorded`: a new observation, dated by the day, UTC, it was recorded)."""

from __future__ import annotations

import datetime as dt
import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from oip.catalogue.fetch import current_catalogue
from oip.conditionality.present import change_dict, table
from oip.evidence.models import Observation
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
        parser.add_argument(
            "--evidence",
            action="store_true",
            help="also list each observation recorded (kind 'recorded'), by the day recorded",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        found = evaluation(options["known_at"]).changes(
            options["until"] or today(),
            since=options["since"],
            countries=options["country"],
            areas=options["area"],
        )
        rows = [change_dict(c) for c in found]
        if options["evidence"]:
            rows = sorted(rows + _recorded(options), key=lambda r: str(r["on"]))
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
                            (
                                f"{r['tier_before']} -> {r['tier_after']}"
                                if "cause" in r
                                else f"{r['status']} (observed {r['observed_on']})"
                            ),
                            ", ".join(r["cause"]) if "cause" in r else r["benchmark"],
                        ]
                        for r in rows
                    ],
                )
            )


def _recorded(options: dict[str, Any]) -> list[dict[str, Any]]:
    """The `recorded` events: observations whose fact is observed by `--until` (default today),
    recorded from `--since` and by `--known-at` if given, for the countries and areas asked."""
    index = current_catalogue().benchmark_index()
    rows = Observation.objects.filter(observed_on__lte=options["until"] or today())
    if options["since"]:
        since = dt.datetime.combine(options["since"], dt.time.min, tzinfo=dt.UTC)
        rows = rows.filter(recorded_at__gte=since)
    if options["known_at"]:
        rows = rows.filter(recorded_at__lte=options["known_at"])
    if options["country"]:
        rows = rows.filter(country_id__in=options["country"])
    if options["area"]:
        rows = rows.filter(benchmark__area__in=options["area"])
    found = rows.order_by("recorded_at", "id").values_list(
        "id", "country_id", "benchmark_id", "status", "observed_on", "recorded_at"
    )
    return [
        {
            "country": country,
            "area": index[benchmark][0].area,
            "on": recorded_at.astimezone(dt.UTC).date().isoformat(),
            "kind": "recorded",
            "benchmark": benchmark,
            "status": status,
            "observed_on": observed_on.isoformat(),
            "observation": pk,
        }
        for pk, country, benchmark, status, observed_on, recorded_at in found
    ]
