"""`oip.standings.standing()`: the one read path, its default date and its freshness rule."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine

from oip.standings.standing import standing
from tests.scenario import import_scenario

pytestmark = pytest.mark.django_db


def test_reads_the_held_tier_status_and_notice_on_a_date(tmp_path: Path) -> None:
    import_scenario(tmp_path)

    assert standing("ME", "eppo", dt.date(2024, 1, 9)).tier == 0
    assert standing("ME", "eppo", dt.date(2024, 1, 10)).tier == 1
    assert standing("ME", "eppo", dt.date(2024, 3, 1)).tier == 2
    notice = standing("ME", "eppo", dt.date(2025, 1, 9))
    assert (notice.tier, notice.raw_tier, notice.status, notice.notice_until) == (
        2,
        0,
        "on_notice",
        dt.date(2025, 4, 9),
    )
    fell = standing("ME", "eppo", dt.date(2025, 4, 9))
    assert (fell.tier, fell.status, fell.since) == (0, "stable", dt.date(2025, 4, 9))
    suspended = standing("ME", "eppo", dt.date(2025, 9, 1))
    assert (suspended.tier, suspended.raw_tier, suspended.status, suspended.suspended_by) == (
        2,
        2,
        "suspended",
        ("eppo.case-coordination.information-handling",),
    )


def test_defaults_to_today_by_the_one_clock(tmp_path: Path) -> None:
    import_scenario(tmp_path)

    with time_machine.travel(dt.datetime(2025, 7, 2, 12, tzinfo=dt.UTC), tick=False):
        found = standing("ME", "eppo")

    assert (found.as_of, found.tier, found.status) == (dt.date(2025, 7, 2), 3, "stable")


def test_known_at_reproduces_what_was_known_then(tmp_path: Path) -> None:
    with time_machine.travel(dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC), tick=False):
        import_scenario(tmp_path)
    before = dt.datetime(2026, 1, 4, tzinfo=dt.UTC)
    after = dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC)

    assert standing("ME", "eppo", dt.date(2025, 7, 2), known_at=before).tier == 0
    assert standing("ME", "eppo", dt.date(2025, 7, 2), known_at=after).tier == 3


def test_a_write_in_this_process_shows_at_once(tmp_path: Path) -> None:
    assert standing("ME", "eppo", dt.date(2025, 7, 2)).tier == 0

    import_scenario(tmp_path)

    assert standing("ME", "eppo", dt.date(2025, 7, 2)).tier == 3


def test_unknown_country_or_area_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        standing("FR", "eppo", dt.date(2025, 1, 1))
    with pytest.raises(KeyError):
        standing("ME", "nowhere", dt.date(2025, 1, 1))
