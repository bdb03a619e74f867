"""The audit append's fast paths: the canonical JSON split around `seq` (PostgreSQL hashes in
SQL), the returned row equal to the stored one, and verify over plain rows."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oip.exchange import audit
from oip.exchange.crypto import canonical_json
from oip.exchange.models import AuditEvent, AuditHead

AT = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)
TEXT = st.text(max_size=8)


@settings(max_examples=500)
@given(
    seq=st.integers(1, 10**12),
    row=st.fixed_dictionaries(
        {
            "at": TEXT,
            "actor_user": TEXT,
            "actor_org": TEXT,
            "action": TEXT,
            "object_type": TEXT,
            "object_id": TEXT,
            "tlp": TEXT,
            "outcome": TEXT,
            "details": st.dictionaries(TEXT, st.integers() | TEXT | st.none(), max_size=4),
        }
    ),
)
def test_the_split_around_seq_is_the_canonical_json(seq: int, row: dict[str, object]) -> None:
    before, after = audit._split(row)
    full = {**row, "seq": seq}
    assert (before + str(seq) + after).encode() == canonical_json(full)
    prev = "ab" * 32
    assert (
        audit.row_hash(prev, full)
        == hashlib.sha256(prev.encode() + canonical_json(full)).hexdigest()
    )


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    details=st.dictionaries(TEXT, st.integers() | TEXT, max_size=4),
    user=TEXT.map(lambda t: t.replace("\x00", "")),
)
def test_the_returned_row_is_the_stored_row(details: dict[str, object], user: str) -> None:
    with transaction.atomic():
        first = audit.append("read", actor_user=user, details=details, at=AT)
        second = audit.append("send", object_id="n-1", tlp="amber", at=AT)
        stored = {e.pk: e for e in AuditEvent.objects.all()}
        for event in (first, second):
            row = stored[event.pk]
            assert (row.seq, row.prev_hash, row.hash, row.actor_user, row.details) == (
                event.seq,
                event.prev_hash,
                event.hash,
                event.actor_user,
                event.details,
            )
        assert second.prev_hash == first.hash
        assert (AuditHead.objects.get().seq, AuditHead.objects.get().hash) == (2, second.hash)
        assert audit.verify_chain() == audit.Verification(2, second.hash)
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_verify_reads_more_rows_than_one_fetch() -> None:
    with transaction.atomic():
        rows = [audit.append("read", object_id=str(i), at=AT) for i in range(audit._FETCH + 3)]
        assert audit.verify_chain() == audit.Verification(len(rows), rows[-1].hash)
        transaction.set_rollback(True)
