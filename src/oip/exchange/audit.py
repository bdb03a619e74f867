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

from django.db import connection, connections, transaction

from oip.exchange.crypto import canonical_json
from oip.exchange.models import GENESIS_HASH, AuditEvent, AuditHead
from oip.site import clock

__all__ = ["Verification", "append", "clean_details", "row_hash", "verify", "verify_chain"]


def _instant(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat()


#: `crypto.canonical_json`'s encoder, built once (json.dumps builds one per call).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def row_hash(prev_hash: str, row: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of `prev_hash` followed by the canonical JSON of `row`."""
    return hashlib.sha256((prev_hash + _CANONICAL.encode(row)).encode()).hexdigest()


def _row(event: AuditEvent, *, with_seq: bool = True) -> dict[str, Any]:
    """What the hash covers: every field but the hashes and `recorded_at` (equal to `at`)."""
    row = {
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
    if with_seq:
        row["seq"] = event.seq
    return row


def clean_details(details: Mapping[str, Any] | None) -> dict[str, Any]:
    """`details` as JSON stores them on both engines: through JSON (tuples become lists,
    other values their `str`), NUL characters (PostgreSQL's JSON refuses them) as U+FFFD."""
    text = json.dumps(dict(details or {}), sort_keys=True, default=str)
    return dict(json.loads(text.replace("\\u0000", "\\ufffd")))


def _split(row: Mapping[str, Any]) -> tuple[str, str]:
    """The canonical JSON of `row` plus a `seq`, as the text before and after the `seq`'s
    digits: `before + str(seq) + after == canonical_json(row | {"seq": seq})` (sorted keys;
    `row` has keys on both sides of "seq", as every audit row does)."""
    low = canonical_json({k: v for k, v in row.items() if k < "seq"}).decode()
    high = canonical_json({k: v for k, v in row.items() if k > "seq"}).decode()
    return low[:-1] + ',"seq":', "," + high[1:]


#: PostgreSQL: one statement (one round trip) locks the head, hashes the row after it
#: (SHA-256 of the head's hash and the canonical JSON around the next seq), inserts it and
#: moves the head. Concurrent appends wait on the head's row lock and read its newest version.
_APPEND_PG = """
WITH head AS (
    SELECT seq + 1 AS seq, hash AS prev FROM exchange_audithead WHERE id = 1 FOR UPDATE
), next AS (
    SELECT seq, prev, encode(sha256(convert_to(
        prev || %s::text || seq::text || %s::text, 'UTF8')), 'hex') AS hash
    FROM head
), added AS (
    INSERT INTO exchange_auditevent (seq, at, recorded_at, actor_user, actor_org, action,
        object_type, object_id, tlp, outcome, details, prev_hash, hash)
    SELECT seq, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, prev, hash FROM next
    RETURNING id, seq, prev_hash, hash
), moved AS (
    UPDATE exchange_audithead SET seq = added.seq, hash = added.hash, updated_at = %s
    FROM added WHERE exchange_audithead.id = 1
)
SELECT id, seq, prev_hash, hash FROM added
"""
_INSERT = (
    "INSERT INTO exchange_auditevent (seq, at, recorded_at, actor_user, actor_org, action, "
    "object_type, object_id, tlp, outcome, details, prev_hash, hash) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
_NEW_HEAD = {
    "postgresql": "INSERT INTO exchange_audithead (id, seq, hash) VALUES (1, 0, %s) "
    "ON CONFLICT (id) DO NOTHING",
    "sqlite": "INSERT OR IGNORE INTO exchange_audithead (id, seq, hash) VALUES (1, 0, %s)",
}


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
    Joins the caller's transaction without a savepoint (a failed append fails the act).
    """
    moment = at or clock.now()
    event = AuditEvent(
        at=moment,
        recorded_at=clock.now(),
        actor_user=actor_user[:150],
        actor_org=actor_org[:64],
        action=action,
        object_type=object_type,
        object_id=object_id,
        tlp=tlp,
        outcome=outcome[:80],
        details=clean_details(details),
    )
    if connection.vendor == "postgresql":
        _append_postgresql(event)
    else:
        with transaction.atomic(savepoint=False):
            _append_plain(event)
    event._state.adding = False
    event._state.db = connection.alias
    return event


def _values(event: AuditEvent) -> list[Any]:
    ops = connection.ops
    return [
        ops.adapt_datetimefield_value(event.at),
        ops.adapt_datetimefield_value(event.recorded_at),
        event.actor_user,
        event.actor_org,
        event.action,
        event.object_type,
        event.object_id,
        event.tlp,
        event.outcome,
        json.dumps(event.details),
    ]


def _append_postgresql(event: AuditEvent) -> None:
    before, after = _split(_row(event, with_seq=False))
    params = [before, after, *_values(event), event.recorded_at]
    with connection.cursor() as cursor:
        cursor.execute(_APPEND_PG, params)
        found = cursor.fetchone()
        if found is None:  # no head yet: make it (once, whoever is first), then append
            cursor.execute(_NEW_HEAD["postgresql"], [GENESIS_HASH])
            cursor.execute(_APPEND_PG, params)
            found = cursor.fetchone()
    event.pk, event.seq, event.prev_hash, event.hash = found


def _append_plain(event: AuditEvent) -> None:
    """SQLite (and any other engine): the transaction's write lock (IMMEDIATE) serialises."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT seq, hash FROM exchange_audithead WHERE id = 1")
        head = cursor.fetchone()
        if head is None:
            cursor.execute(_NEW_HEAD["sqlite"], [GENESIS_HASH])
            head = (0, GENESIS_HASH)
        event.seq, event.prev_hash = int(head[0]) + 1, str(head[1])
        event.hash = row_hash(event.prev_hash, _row(event))
        cursor.execute(_INSERT, [event.seq, *_values(event), event.prev_hash, event.hash])
        event.pk = cursor.lastrowid
        cursor.execute(
            "UPDATE exchange_audithead SET seq = %s, hash = %s, updated_at = %s WHERE id = 1",
            [event.seq, event.hash, connection.ops.adapt_datetimefield_value(event.recorded_at)],
        )


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


#: `at` as text on PostgreSQL (its ISO form, parsed by `fromisoformat`: cheaper than the
#: driver's timestamp loader); SQLite stores it as text already.
_VERIFY_SQL = {
    "postgresql": "SELECT seq, at::text, actor_user, actor_org, action, object_type, object_id, "
    "tlp, outcome, details::text, prev_hash, hash FROM exchange_auditevent ORDER BY seq",
    "sqlite": "SELECT seq, at, actor_user, actor_org, action, object_type, object_id, tlp, "
    "outcome, details, prev_hash, hash FROM exchange_auditevent ORDER BY seq",
}
_FETCH = 5000


def _stored_instant(value: Any) -> str:
    """A stored `at` as hashed: a datetime (PostgreSQL) or SQLite's text (UTC, no offset)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
    return _instant(value)


def verify_chain(using: str = "default") -> Verification:
    """Walk the chain in `seq` order: each row's `seq` follows the previous one, its `prev_hash`
    is the previous row's hash and its `hash` recomputes; the head names the last row.

    Plain rows from a raw cursor (a server-side one on PostgreSQL), read `_FETCH` at a time,
    hashed as `append` hashed them (no model instances)."""
    prev_hash, expected_seq, rows = GENESIS_HASH, 1, 0
    database = connections[using]
    with database.chunked_cursor() as cursor:
        cursor.execute(_VERIFY_SQL.get(database.vendor, _VERIFY_SQL["sqlite"]))
        while batch := cursor.fetchmany(_FETCH):
            for (
                seq,
                at,
                user,
                org,
                action,
                otype,
                oid,
                tlp,
                outcome,
                details,
                prev,
                hashed,
            ) in batch:
                if seq != expected_seq:
                    return Verification(
                        rows, prev_hash, expected_seq, f"row {expected_seq} is missing"
                    )
                if prev != prev_hash:
                    return Verification(rows, prev_hash, seq, "prev_hash does not name row before")
                row = {
                    "seq": seq,
                    "at": _stored_instant(at),
                    "actor_user": user,
                    "actor_org": org,
                    "action": action,
                    "object_type": otype,
                    "object_id": oid,
                    "tlp": tlp,
                    "outcome": outcome,
                    "details": json.loads(details) if isinstance(details, str) else details,
                }
                if row_hash(prev_hash, row) != hashed:
                    return Verification(rows, prev_hash, seq, "hash does not match the row")
                prev_hash, expected_seq, rows = hashed, expected_seq + 1, rows + 1
    head = AuditHead.objects.using(using).filter(pk=1).first()
    if head is not None and (head.seq, head.hash) != (rows, prev_hash):
        # Rows missing at the end, rows added after the head, or a last row replaced.
        first_bad = rows + 1 if head.seq > rows else head.seq + 1 if head.seq < rows else rows
        return Verification(rows, prev_hash, first_bad, "the head does not name the last row")
    return Verification(rows, prev_hash)


def verify(using: str = "default") -> int | None:
    """The first bad `seq` of the chain, or None when it verifies."""
    return verify_chain(using).first_bad
