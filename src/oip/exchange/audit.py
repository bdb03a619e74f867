"""The audit chain: append audited acts, and verify that no stored row was altered.

Each `AuditEvent` carries `hash = SHA-256(prev_hash ‖ canonical JSON of the row)`, where the row
is its `seq`, `at`, actors, action, object, TLP, outcome and details. `append` serialises on the
one-row `AuditHead` (`select_for_update()`; on SQLite the IMMEDIATE write lock of the
transaction does the same), so concurrent appends take turns and `seq` has no gaps. It joins
the caller's transaction when there is one: an act and its audit row commit together, or not
at all. `verify` walks the chain in `seq` order and names the first row that does not check.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from oip.exchange.crypto import canonical_json
from oip.exchange.models import GENESIS_HASH, AuditEvent, AuditHead
from oip.site import clock

__all__ = ["Verification", "append", "clean_details", "row_hash", "verify", "verify_chain"]


def _instant(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat()


def row_hash(prev_hash: str, row: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of `prev_hash` followed by the canonical JSON of `row`."""
    return hashlib.sha256(prev_hash.encode("ascii") + canonical_json(row)).hexdigest()


def _row(event: AuditEvent) -> dict[str, Any]:
    """What the hash covers: every field but the hashes and `recorded_at` (equal to `at`)."""
    return {
        "seq": event.seq,
        "at": _instant(event.at),
        "actor_user": event.actor_user,
        "actor_org": event.actor_org,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "tlp": event.tlp,
        "outcome": event.outcome,
        "details": event.details,
    }


def clean_details(details: Mapping[str, Any] | None) -> dict[str, Any]:
    """`details` as JSON stores them on both engines: through JSON (tuples become lists,
    other values their `str`), NUL characters (PostgreSQL's JSON refuses them) as U+FFFD."""
    text = json.dumps(dict(details or {}), sort_keys=True, default=str)
    return dict(json.loads(text.replace("\\u0000", "\\ufffd")))


def append(
    action: str,
    *,
    object_type: str = "",
    object_id: str = "",
    actor_user: str = "",
    actor_org: str = "",
    tlp: str = "",
    outcome: str = "allowed",
    details: Mapping[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> AuditEvent:
    """Append one audited act to the chain and return its row.

    `outcome` is `allowed` or `denied:<reason>`; `details` small metadata, never content (it is
    normalised through JSON, so what is hashed is what is stored). `at` defaults to now.
    """
    moment = at or clock.now()
    clean = clean_details(details)
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            seq=head.seq + 1,
            at=moment,
            recorded_at=clock.now(),
            actor_user=actor_user[:150],
            actor_org=actor_org[:64],
            action=action,
            object_type=object_type,
            object_id=object_id,
            tlp=tlp,
            outcome=outcome[:80],
            details=clean,
            prev_hash=head.hash,
        )
        event.hash = row_hash(head.hash, _row(event))
        event.save()
        head.seq, head.hash, head.updated_at = event.seq, event.hash, event.recorded_at
        head.save()
    return event


@dataclass(frozen=True, slots=True)
class Verification:
    """What `verify_chain` found: `rows` checked, the `head` hash, and the first bad `seq` with
    what was wrong (None when the chain verifies)."""

    rows: int
    head: str
    first_bad: int | None = None
    problem: str = ""

    @property
    def verified(self) -> bool:
        return self.first_bad is None


def verify_chain(using: str = "default") -> Verification:
    """Walk the chain in `seq` order: each row's `seq` follows the previous one, its `prev_hash`
    is the previous row's hash and its `hash` recomputes; the head names the last row."""
    prev_hash, expected_seq, rows = GENESIS_HASH, 1, 0
    events = AuditEvent.objects.using(using).order_by("seq").iterator(chunk_size=2000)
    for event in events:
        if event.seq != expected_seq:
            return Verification(rows, prev_hash, expected_seq, f"row {expected_seq} is missing")
        if event.prev_hash != prev_hash:
            return Verification(rows, prev_hash, event.seq, "prev_hash does not name row before")
        if row_hash(prev_hash, _row(event)) != event.hash:
            return Verification(rows, prev_hash, event.seq, "hash does not match the row")
        prev_hash, expected_seq, rows = event.hash, expected_seq + 1, rows + 1
    head = AuditHead.objects.using(using).filter(pk=1).first()
    if head is not None and (head.seq, head.hash) != (rows, prev_hash):
        # Rows missing at the end, rows added after the head, or a last row replaced.
        first_bad = rows + 1 if head.seq > rows else head.seq + 1 if head.seq < rows else rows
        return Verification(rows, prev_hash, first_bad, "the head does not name the last row")
    return Verification(rows, prev_hash)


def verify(using: str = "default") -> int | None:
    """The first bad `seq` of the chain, or None when it verifies."""
    return verify_chain(using).first_bad
