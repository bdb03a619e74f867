"""`oip exchange <group> ...`: the liaison exchange's commands (EXCHANGE.md §10).

A thin dispatcher: each group is a module of `oip.exchange.cli` that registers its own parser;
the selected subcommand's `run(options)` returns the exit status.
"""

from __future__ import annotations

import importlib
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from oip.exchange.cli import groups


class Command(BaseCommand):
    help = "The liaison exchange: templates, organisations, users, tokens, clocks and audit."

    def add_arguments(self, parser: ArgumentParser) -> None:
        subparsers = parser.add_subparsers(dest="group", metavar="GROUP")
        subparsers.required = True
        for name in groups():
            importlib.import_module(f"oip.exchange.cli.{name}").register(subparsers)

    def handle(self, *args: Any, **options: Any) -> None:
        options["stdout"] = self.stdout
        options["stderr"] = self.stderr
        status = options["run"](options)
        if status:
            raise SystemExit(status)
