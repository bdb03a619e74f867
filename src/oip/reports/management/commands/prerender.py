"""`oip prerender`: render today's reports into the shared store (see oip.reports.store)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from oip.reports.store import FORMATS, prerender


class Command(BaseCommand):
    help = (
        "Render today's report of every country and of the region (PDF and HTML) for the "
        "current data, so the site serves them at once; run after an import (OIP_PRERENDER "
        "does it by itself in production)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--format",
            choices=FORMATS,
            action="append",
            help="only this format (repeatable; default OIP_PRERENDER_FORMATS: both)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        formats = tuple(options["format"] or settings.OIP_PRERENDER_FORMATS)
        written = prerender(formats)
        self.stdout.write(f"prerendered {len(written)} report file(s)")
