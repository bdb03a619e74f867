"""The audit chain: every append links to the previous row; any altered row is named."""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oip.exchange import audit
from oip.exchange.models import GENESIS_HASH, AuditEvent, AuditHead
from oip.site.appendonly import drop_trigger_sql, trigger_sql

AT = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)


def appended(count: int) -> list[AuditEvent]:
    return [
        audit.append(
            "read",
            object_type="notification",
            object_id=f"n-{i}",
            actor_user="al-cp",
            actor_org="org-al",
            tlp="amber",
            details={"stage": "early_warning", "i": i},
            at=AT + dt.timedelta(seconds=i),
        )
        for i in range(count)
    ]


def run_verify() -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("exchange", "audit", "verify", stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, out.getvalue().strip(), err.getvalue().strip()


def without_triggers(sql: str, params: list[object]) -> None:
    """Alter a row as someone with the database file would: triggers dropped, in this test's
    transaction only (rolled back with it, on both engines)."""
    with connection.cursor() as cursor:
        for statement in drop_trigger_sql(connection.vendor, "exchange_auditevent"):
            cursor.execute(statement)
        cursor.execute(sql, params)
        for statement in trigger_sql(connection.vendor, "exchange_auditevent"):
            cursor.execute(statement, None)


@pytest.mark.django_db
def test_appends_chain_from_the_genesis_hash() -> None:
    first, second, third = appended(3)
    assert (first.seq, second.seq, third.seq) == (1, 2, 3)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert first.hash == audit.row_hash(
        GENESIS_HASH,
        {
            "seq": 1,
            "at": "2026-10-01T09:00:00+00:00",
            "actor_user": "al-cp",
            "actor_org": "org-al",
            "action": "read",
            "object_type": "notification",
            "object_id": "n-0",
            "tlp": "amber",
            "outcome": "allowed",
            "details": {"i": 0, "stage": "early_warning"},
        },
    )
    head = AuditHead.objects.get()
    assert (head.seq, head.hash) == (3, third.hash)
    assert audit.verify() is None


@pytest.mark.django_db
def test_an_empty_chain_verifies() -> None:
    assert run_verify() == (0, f"audit chain verified: 0 rows, head {GENESIS_HASH}", "")


@pytest.mark.django_db
def test_verify_command_prints_rows_and_head() -> None:
    *_, last = appended(4)
    assert run_verify() == (0, f"audit chain verified: 4 rows, head {last.hash}", "")


@pytest.mark.django_db
@pytest.mark.parametrize("seq", [1, 3, 5])
def test_an_altered_row_is_named_by_its_seq(seq: int) -> None:
    appended(5)
    without_triggers(
        "UPDATE exchange_auditevent SET outcome = %s WHERE seq = %s", ["denied:x", seq]
    )
    assert audit.verify() == seq
    assert run_verify() == (1, "", f"audit chain broken at seq {seq}: hash does not match the row")


@pytest.mark.django_db
def test_a_deleted_row_is_named() -> None:
    appended(4)
    without_triggers("DELETE FROM exchange_auditevent WHERE seq = %s", [2])
    assert run_verify() == (1, "", "audit chain broken at seq 2: row 2 is missing")


@pytest.mark.django_db
def test_a_deleted_last_row_is_found_by_the_head() -> None:
    appended(3)
    without_triggers("DELETE FROM exchange_auditevent WHERE seq = %s", [3])
    assert run_verify() == (
        1,
        "",
        "audit chain broken at seq 3: the head does not name the last row",
    )


@pytest.mark.django_db
def test_a_rehashed_row_breaks_the_next_link() -> None:
    events = appended(3)
    forged = {**audit._row(events[1]), "outcome": "denied:forged"}
    new_hash = audit.row_hash(events[0].hash, forged)
    without_triggers(
        "UPDATE exchange_auditevent SET outcome = %s, hash = %s WHERE seq = 2",
        ["denied:forged", new_hash],
    )
    assert audit.verify() == 3


@pytest.mark.django_db
def test_an_append_joins_the_callers_transaction() -> None:
    with transaction.atomic():
        appended(1)
        transaction.set_rollback(True)
    assert AuditEvent.objects.count() == 0
    assert audit.verify() is None


FIELDS = ("actor_user", "actor_org", "action", "object_id", "tlp", "outcome")


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    count=st.integers(1, 8),
    data=st.data(),
)
def test_any_single_altered_field_is_found_at_its_row(count: int, data: st.DataObject) -> None:
    with transaction.atomic():
        appended(count)
        seq = data.draw(st.integers(1, count))
        field = data.draw(st.sampled_from(FIELDS))
        without_triggers(
            f"UPDATE exchange_auditevent SET {field} = %s WHERE seq = %s",
            ["tampered", seq],
        )
        assert audit.verify() == seq
        transaction.set_rollback(True)


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    details=st.dictionaries(st.text(max_size=6), st.integers() | st.text(max_size=6), max_size=4)
)
def test_details_are_hashed_as_stored(details: dict[str, object]) -> None:
    with transaction.atomic():
        event = audit.append("read", details=details, at=AT)
        stored = AuditEvent.objects.get(pk=event.pk)
        assert stored.details == audit.clean_details(details)
        assert audit.verify() is None
        transaction.set_rollback(True)


def in_own_connection(work: Callable[[], Any]) -> Any:
    """Run `work` in a thread, on its own database connection (committing, unlike the test)."""
    result: list[Any] = []

    def run() -> None:
        try:
            result.append(work())
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return result[0] if result else None


@pytest.mark.django_db
def test_concurrent_appends_take_turns_and_the_chain_never_forks() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite's test database is in memory)")

    def worker(index: int) -> None:
        try:
            for i in range(10):
                audit.append("read", object_id=f"{index}-{i}")
        finally:
            connections.close_all()

    def chain() -> tuple[list[int], int | None]:
        seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
        return seqs, audit.verify()

    def wipe() -> None:
        with connection.cursor() as cursor:  # the threads committed: TRUNCATE, as flush does
            cursor.execute("TRUNCATE exchange_auditevent, exchange_audithead")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert in_own_connection(chain) == (list(range(1, 41)), None)
    finally:
        in_own_connection(wipe)


def test_nul_characters_in_details_are_replaced() -> None:
    assert audit.clean_details({"a": "x\x00y", "b": (1, 2)}) == {"a": "x\ufffdy", "b": [1, 2]}
