"""Evidence the liaison exchange measured is marked as such in a report's reference list."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.cache import cache

from oip.evidence.actions import record_observation
from oip.evidence.records import SourceRecord
from oip.reports.build import country_report
from oip.reports.render import render_html
from oip.standings.evaluation import clear_cache
from tests.scenario import import_scenario

MARK = "[Measured by the OIP liaison exchange.]"
AS_OF = dt.date(2026, 1, 10)


@pytest.mark.django_db
def test_a_measured_reference_carries_its_mark_and_a_public_one_does_not(tmp_path: Path) -> None:
    import_scenario(tmp_path)
    cache.clear()
    clear_cache()
    assert MARK not in render_html(country_report("ME", AS_OF, None))
    record_observation(
        country="ME",
        benchmark="eppo.contact-points.reachable",
        status="met",
        observed_on=dt.date(2026, 1, 5),
        source=SourceRecord(
            url="https://oip.example.eu/exchange/performance/ME/eppo/2026Q1",
            title="Reachability test of the ME EPPO contact point",
            publisher="OIP liaison exchange",
            published_on=dt.date(2026, 1, 5),
            excerpt="Answered in 12 min; agreed limit 4 business hours.",
            kind="measured",
        ),
        note="",
        recorded_by="exchange:reachability-v1",
    )
    cache.clear()
    clear_cache()
    html = render_html(country_report("ME", AS_OF, None))
    assert html.count(MARK) == 1
    entry = html[html.index("Reachability test of the ME EPPO contact point") :]
    assert entry.index(MARK) < entry.index("</li>")
