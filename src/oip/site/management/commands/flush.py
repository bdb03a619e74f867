"""`oip flush`: Django's flush, allowed to empty append-only tables (see oip.site.appendonly).

Emptying the whole database is an operator's act, like deleting its file; the append-only
triggers refuse every other DELETE. Django's test runner flushes through this command too.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush

from oip.site.appendonly import purge_allowed


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        with purge_allowed(options["database"]):
            super().handle(**options)
