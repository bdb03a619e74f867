"""Signals the shell's layers use to talk upward without importing each other.

`data_changed` is sent by every write action (evidence import, catalogue load, restore) so the
read paths above them (`oip.standings`) forget what they memoised; the writers never import
the readers, which keeps the import graph one way.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

data_changed = Signal()


def announce_data_changed() -> None:
    """Tell the read paths that data changed: now, and again once the transaction commits.

    Now, so this thread never reads its own write through a stale memo; after the commit, so a
    reader that raced the commit does not keep the version it computed before it.
    """
    data_changed.send(sender=None)
    transaction.on_commit(lambda: data_changed.send(sender=None))
