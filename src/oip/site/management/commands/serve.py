"""`oip serve`: the monitor and the API behind gunicorn, the production server.

DEBUG stays off unless OIP_DEBUG says otherwise; production mode (OIP_ENV=production)
refuses to start without a strong secret key and allowed hosts (see oip.settings) and warns
on stderr when it runs without TLS. Defaults come from the environment through
`oip.site.env` (HOST, PORT, OIP_WORKERS, OIP_THREADS, OIP_ACCESS_LOG); a malformed value is
refused with a message naming the variable.

Unless OIP_EXCHANGE_WORKER is "external", gunicorn's master also runs one exchange worker
(`oip exchange worker`) as its child, started and stopped by the hooks of
`oip.exchange.embedded`: SIGTERM to the server stops both.
"""

from __future__ import annotations

import os
import sys
from argparse import ArgumentParser, ArgumentTypeError
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from oip.site.env import env_bool, env_int, env_str


def _whole(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high` (the bounds of the env values)."""

    def parse(text: str) -> int:
        if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
            raise ArgumentTypeError(f"must be a whole number from {low} to {high}, got {text!r}")
        return int(text)

    return parse


class Command(BaseCommand):
    help = "Serve the monitor and the API with gunicorn."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--host", default=None, help="address to bind (default HOST or 127.0.0.1)"
        )
        parser.add_argument(
            "--port", type=_whole(1, 65535), default=None, help="port (default PORT or 8000)"
        )
        parser.add_argument(
            "--workers",
            type=_whole(1, 64),
            default=None,
            help="worker processes (default 2, or OIP_WORKERS)",
        )
        parser.add_argument(
            "--threads",
            type=_whole(1, 256),
            default=None,
            help="threads per worker (default 4, or OIP_THREADS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            host = options["host"] or env_str("HOST", "127.0.0.1")
            port = options["port"] or env_int("PORT", 8000, minimum=1, maximum=65535)
            workers = options["workers"] or env_int("OIP_WORKERS", 2, minimum=1, maximum=64)
            threads = options["threads"] or env_int("OIP_THREADS", 4, minimum=1, maximum=256)
            access_log = env_bool("OIP_ACCESS_LOG", default=False)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if settings.DEBUG:
            self.stderr.write("warning: DEBUG is on; never expose this server publicly")
        if settings.OIP_TLS_WARNING:
            self.stderr.write(settings.OIP_TLS_WARNING)
        bind = f"{host}:{port}"
        embedded = settings.OIP_EXCHANGE_WORKER == "embedded"
        with_worker = ", one exchange worker" if embedded else ""
        self.stdout.write(
            f"OIP serving on http://{bind}/ (gunicorn, {workers} workers{with_worker})"
        )
        self.stdout.flush()
        self.stderr.flush()
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "oip.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            "gthread",
            "--access-logfile",
            "-" if access_log else "/dev/null",
            "--timeout",
            "60",
            "--graceful-timeout",
            "10",
        ]
        if embedded:
            argv += ["--config", "python:oip.exchange.embedded"]
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oip.settings")
        # Reports render in a helper process beside each worker (see oip.reports.isolation).
        os.environ.setdefault("OIP_REPORT_PROCESS", "1")
        os.execv(sys.executable, argv)  # noqa: S606 - replaces this process with gunicorn
