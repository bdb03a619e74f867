"""`oip region`: divergence and two speeds per area, uniformity gaps, EU-side blockers, priorities."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from oip.conditionality.present import table
from oip.presentation.labels import NOT_ASSESSED
from oip.site.arguments import date_arg, today
from oip.standings.region import region_data


class Command(BaseCommand):
    help = "Print the region's analytics as of a date."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--as-of", type=date_arg, default=None, help="date (default: today)")
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        data = region_data(options["as_of"] or today())
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, indent=2))
            return
        countries = list(data["areas"][0]["tiers"]) if data["areas"] else []
        self.stdout.write(f"Region as of {data['as_of']}\n")
        self.stdout.write(
            table(
                [
                    "area",
                    *countries,
                    "mean",
                    "spread",
                    "score mean",
                    "score spread",
                    "two speed",
                    "trend",
                ],
                [
                    [
                        a["area"],
                        *[_cell(a, c) for c in countries],
                        f"{a['mean']:.2f}",
                        a["spread"],
                        f"{a['score_mean']:.1f}",
                        f"{a['score_spread']:.1f}",
                        "yes" if a["two_speed"] else "no",
                        _trend(a),
                    ]
                    for a in data["areas"]
                ],
            )
        )
        self.stdout.write(f"\nUniformity gaps: {len(data['gaps'])}")
        for g in data["gaps"][:20]:
            self.stdout.write(
                f"  {g['target']} (tier {g['tier']}): left out {', '.join(g['left_out']) or '-'}"
                f"; not assessed {', '.join(g['not_assessed']) or '-'}"
            )
        self.stdout.write(f"\nEU-side blockers: {len(data['blockers'])}")
        for b in data["blockers"][:20]:
            self.stdout.write(f"  {b['benchmark']} ({b['who']}): {', '.join(b['countries'])}")
        self.stdout.write(
            f"\nPriorities (one or two benchmarks from the next tier): {len(data['priorities'])}"
        )
        for p in data["priorities"]:
            self.stdout.write(
                f"  {p['country']} {p['area']} -> tier {p['next_tier']}: {', '.join(p['missing'])}"
            )


def _cell(area: dict[str, Any], country: str) -> str:
    """A country's tier and score in an area, or "not assessed" (never a 0) without evidence."""
    if country in area["not_assessed"]:
        return NOT_ASSESSED
    score = area["scores"][country]
    return (
        f"{area['tiers'][country]} ({score:.1f})"
        if score is not None
        else str(area["tiers"][country])
    )


def _trend(area: dict[str, Any]) -> str:
    if area["trend"] is None:
        return "-"
    return f"{area['trend']:+.2f} ({area['trend_label']})"
