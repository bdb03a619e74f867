"""The inbox's bounds: open means an event in the tick's HORIZON; the candidates are the most
recent of the reader's side; `state=all` pages by date (EXCHANGE.md §6.16)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from oip.exchange import actions, inbox, reads
from oip.exchange.clocking import HORIZON
from oip.exchange.tick import HORIZON as TICK_HORIZON
from tests.exchange.conftest import NOW
from tests.exchange.test_reads import EXAMPLE, early_warning

pytestmark = pytest.mark.django_db


def sent(user: Any, count: int, **extra: Any) -> list[Any]:
    """`count` items, one a minute from NOW, titled by their index."""
    made = []
    for i in range(count):
        with time_machine.travel(NOW + dt.timedelta(minutes=i), tick=False):
            made.append(early_warning(user, title=f"item {i}", **extra))
    return made


def test_the_inbox_and_the_tick_share_one_horizon() -> None:
    assert HORIZON is TICK_HORIZON
    assert dt.timedelta(days=90) == HORIZON


def test_an_item_without_an_event_in_the_horizon_is_not_open(
    frozen: dt.datetime, cyber_evidence: None, enisa_officer: Any, al_officer: Any
) -> None:
    (item,) = sent(enisa_officer, 1)
    inside = NOW + HORIZON - dt.timedelta(minutes=1)
    outside = NOW + HORIZON + dt.timedelta(minutes=1)
    assert [r.id for r in reads.inbox(al_officer, inside)] == [str(item.id)]
    assert reads.inbox(al_officer, outside) == []
    assert [(r.id, r.open) for r in reads.inbox(al_officer, outside, state="all")] == [
        (str(item.id), False)
    ]


def test_a_late_event_reopens_an_old_item(
    frozen: dt.datetime, cyber_evidence: None, enisa_officer: Any, al_officer: Any
) -> None:
    old, _ = sent(enisa_officer, 2)
    later = NOW + HORIZON + dt.timedelta(days=10)
    assert reads.inbox(al_officer, later) == []
    actions.submit_stage(
        enisa_officer,
        old.id,
        stage="early_warning",
        payload=dict(EXAMPLE),
        now=later - dt.timedelta(days=1),
    )
    assert [r.title for r in reads.inbox(al_officer, later)] == ["item 0"]
    assert [r.title for r in reads.inbox(al_officer, later, state="all")] == ["item 0", "item 1"]


def test_open_reads_the_page_most_recent_candidates(
    frozen: dt.datetime,
    cyber_evidence: None,
    enisa_officer: Any,
    al_officer: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sent(enisa_officer, 3)
    monkeypatch.setattr(inbox, "PAGE", 2)
    later = NOW + dt.timedelta(minutes=10)
    assert sorted(r.title or "" for r in reads.inbox(al_officer, later)) == ["item 1", "item 2"]


def test_all_pages_by_date_before_the_last_row(
    frozen: dt.datetime,
    cyber_evidence: None,
    enisa_officer: Any,
    al_officer: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sent(enisa_officer, 5)
    monkeypatch.setattr(inbox, "ROWS", 2)
    later = NOW + dt.timedelta(days=1)
    seen: list[str] = []
    before = None
    for _ in range(4):
        page = reads.inbox(al_officer, later, state="all", before=before)
        if not page:
            break
        seen += sorted((r.title or "" for r in page), reverse=True)
        before = min(r.created_at for r in page)
    assert seen == ["item 4", "item 3", "item 2", "item 1", "item 0"]
    assert len(reads.inbox(al_officer, later)) == 2
