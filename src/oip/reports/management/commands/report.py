"""`oip report country CODE` / `oip report region`: write a dated report as PDF or HTML."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from oip.reports.build import UnknownCountry, country_report, region_report
from oip.reports.render import render_html, render_pdf
from oip.site import clock
from oip.site.arguments import date_arg

FORMATS = {".pdf": "pdf", ".html": "html", ".htm": "html"}


class Command(BaseCommand):
    help = "Write a country or regional report (PDF or HTML, from the output's extension)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="kind", required=True)
        country = sub.add_parser("country", help="one country's report")
        country.add_argument("code", help="country code, e.g. ME")
        region = sub.add_parser("region", help="the regional report")
        for p in (country, region):
            p.add_argument(
                "--as-of",
                type=date_arg,
                default=None,
                help="date YYYY-MM-DD, 2000-01-01 to today (default: today)",
            )
            p.add_argument(
                "--since",
                type=date_arg,
                default=None,
                help="changes from (default: a year earlier)",
            )
            p.add_argument("-o", "--output", type=Path, required=True, help="FILE.pdf or FILE.html")

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"]
        fmt = FORMATS.get(output.suffix.lower())
        if fmt is None:
            raise CommandError(
                f"unknown output format {output.suffix or '(none)'!r}: use .pdf or .html",
                returncode=2,
            )
        as_of = options["as_of"] or clock.today()
        since = options["since"]
        if since is not None and since > as_of:
            raise CommandError(f"--since {since} is after --as-of {as_of}", returncode=2)
        if options["kind"] == "country":
            try:
                report = country_report(options["code"], as_of, since)
            except UnknownCountry as exc:
                raise CommandError(f"unknown country: {exc.args[0]}", returncode=2) from exc
        else:
            report = region_report(as_of, since)
        if fmt == "pdf":
            output.write_bytes(render_pdf(report))
        else:
            output.write_text(render_html(report), encoding="utf-8")
        self.stdout.write(f"wrote {output} ({report.title}, as of {as_of.isoformat()})")
