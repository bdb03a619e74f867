"""`oip serve`: the monitor and the API behind gunicorn, the production server.

DEBUG stays off unless OIP_DEBUG says otherwise; production mode (OIP_ENV=production)
refuses to start without a secret key and allowed hosts (see oip.settings).
"""

from __future__ import annotations

import os
import sys
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the monitor and the API with gunicorn."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("OIP_WORKERS", "2")),
            help="worker processes (default 2, or OIP_WORKERS)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("OIP_THREADS", "4")),
            help="threads per worker (default 4, or OIP_THREADS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.DEBUG:
            self.stderr.write("warning: DEBUG is on; never expose this server publicly")
        bind = f"{options['host']}:{options['port']}"
        self.stdout.write(f"OIP serving on http://{bind}/ (gunicorn, {options['workers']} workers)")
        self.stdout.flush()
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "oip.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--worker-class",
            "gthread",
            "--access-logfile",
            "-" if os.environ.get("OIP_ACCESS_LOG") else "/dev/null",
            "--timeout",
            "60",
            "--graceful-timeout",
            "10",
        ]
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oip.settings")
        os.execv(sys.executable, argv)  # noqa: S606 - replaces this process with gunicorn
