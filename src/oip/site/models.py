"""The site's own table: the data version every write bumps inside its transaction.

Catalogue and evidence writers call `bump_data_version()` in the same transaction as their
write, so the version changes exactly when the write commits, whatever ids the write took;
the read paths (`oip.standings.version`) key their caches on `read_data_version()`. This table
lives in `oip.site` so both writers can reach it without importing each other.
"""

from __future__ import annotations

import secrets

from django.db import connections, models

SINGLETON = 1


class DataVersion(models.Model):
    """One row: a counter and a random token, both replaced by every committed write.

    The counter orders versions for people reading logs; the token makes a version unique to
    one history, so a restored older database, or a test transaction rolled back, never
    shows a version that a cache already holds for other data.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON)
    counter = models.BigIntegerField(default=0)
    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"{self.counter}.{self.token}"


def new_token() -> str:
    return secrets.token_hex(8)


def bump_data_version(using: str = "default") -> str:
    """Advance the data version inside the caller's transaction; return the new version.

    Must run inside `transaction.atomic()` with the write it announces (a RuntimeError
    otherwise): the new version then becomes visible exactly when the write commits, and
    rolls back with it. On PostgreSQL the row stays locked until the commit, so concurrent
    writers bump one after the other and each commit gives a new version.
    """
    if not connections[using].in_atomic_block:
        raise RuntimeError("bump_data_version() must run inside the write's transaction")
    token = new_token()
    rows = DataVersion.objects.using(using).filter(pk=SINGLETON)
    if not rows.update(counter=models.F("counter") + 1, token=token):
        # No row before the first write (so a new database counts as empty for `oip restore`)
        # or after a flush: whoever creates it first wins, then every writer bumps it.
        DataVersion.objects.using(using).bulk_create(
            [DataVersion(pk=SINGLETON, counter=0, token=token)], ignore_conflicts=True
        )
        rows.update(counter=models.F("counter") + 1, token=token)
    counter = rows.values_list("counter", flat=True).get()
    return f"{counter}.{token}"


def read_data_version(using: str = "default") -> str:
    """Return the committed data version ("0" for a database nothing was ever written to)."""
    row = DataVersion.objects.using(using).filter(pk=SINGLETON).values_list("counter", "token")
    found = row.first()
    return f"{found[0]}.{found[1]}" if found else "0"
