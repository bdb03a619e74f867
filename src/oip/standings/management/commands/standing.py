"""`oip standing`: each country's tier per area at a date, with what holds it and what is missing."""

from __future__ import annotations

import csv
import json
from argparse import ArgumentParser
from typing import Any, NamedTuple

from django.core.management.base import BaseCommand, CommandError

from oip.conditionality.present import table
from oip.region import who_must_act
from oip.site.arguments import date_arg, datetime_arg, today
from oip.standings.standing import standings_data

#: Who must act, in the table's few words.
WHO_SHORT = {"eu": "EU", "country": "country", "joint": "joint"}


class Command(BaseCommand):
    help = "Print standings (country x area) as of a date, as JSON, CSV or a table."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--as-of", type=date_arg, default=None, help="date (default: today)")
        parser.add_argument(
            "--known-at", type=datetime_arg, default=None, help="only evidence recorded by then"
        )
        parser.add_argument(
            "--country", action="append", default=None, help="country code (repeatable)"
        )
        parser.add_argument("--area", action="append", default=None, help="area id (repeatable)")
        parser.add_argument("--format", choices=["json", "csv", "table"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = options["as_of"] or today()
        try:
            rows = standings_data(
                as_of, options["known_at"], countries=options["country"], areas=options["area"]
            )
        except KeyError as exc:
            raise CommandError(f"unknown country or area: {exc.args[0]}", returncode=2) from exc
        fmt = options["format"]
        if fmt == "json":
            self.stdout.write(json.dumps(rows, indent=2))
        elif fmt == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(
                [
                    "country",
                    "area",
                    "as_of",
                    "tier",
                    "tier_name",
                    "raw_tier",
                    "status",
                    "since",
                    "notice_until",
                    "next_tier",
                    "score",
                    "change_12m",
                    "benchmarks",
                    "with_evidence",
                    "missing",
                ]
            )
            for r in rows:
                writer.writerow(
                    [
                        r["country"],
                        r["area"],
                        r["as_of"],
                        r["tier"],
                        r["tier_name"],
                        r["raw_tier"],
                        r["status"],
                        r["since"] or "",
                        r["notice_until"] or "",
                        r["next_tier"] if r["next_tier"] is not None else "",
                        _score_cell(r),
                        r["change_12m"] if r["change_12m"] is not None else "",
                        r["assessed"]["benchmarks"],
                        r["assessed"]["with_evidence"],
                        len(r["missing"]),
                    ]
                )
        else:
            self.stdout.write(
                table(
                    [
                        "country",
                        "area",
                        "tier",
                        "status",
                        "since",
                        "notice until",
                        "score",
                        "evidence",
                        "missing for next",
                    ],
                    [
                        [
                            r["country"],
                            r["area"],
                            f"{r['tier']} {r['tier_name']}",
                            r["status"].replace("_", " "),
                            r["since"] or "-",
                            r["notice_until"] or "-",
                            _score_cell(r) or "-",
                            _evidence(r["assessed"]),
                            _missing_summary(r["missing"]),
                        ]
                        for r in rows
                    ],
                )
            )


def _score_cell(row: dict[str, Any]) -> str:
    """The score as a cell: "not assessed" for an area without evidence, never a 0."""
    if row["not_assessed"]:
        return "not assessed"
    return "" if row["score"] is None else f"{row['score']:.1f}"


def _evidence(assessed: dict[str, int]) -> str:
    if assessed["with_evidence"] == 0:
        return "not assessed"
    return f"{assessed['with_evidence']}/{assessed['benchmarks']} assessed"


class _Missing(NamedTuple):
    who: str
    status: str


def _missing_summary(missing: list[dict[str, Any]]) -> str:
    """ "3 (2 not assessed; 1 EU, 2 joint)": who must act counted by the core's one rule."""
    if not missing:
        return "-"
    counts = who_must_act(_Missing(m["who"], m["status"]) for m in missing)
    parties = ", ".join(f"{counts.count(who)} {WHO_SHORT[who]}" for who in counts.acting)
    expired = sum(1 for m in missing if m["status"] == "expired")
    renew = f"; {expired} expired" if expired else ""
    return f"{counts.total} ({counts.not_assessed} not assessed{renew}; {parties})"
