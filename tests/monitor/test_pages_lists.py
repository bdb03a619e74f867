"""The read models of the change feed, the methodology and the downloads page."""

from __future__ import annotations

import datetime as dt

import pytest

from oip.catalogue.schema import Catalogue
from oip.conditionality import Evaluation
from oip.monitor.pages import changes, downloads, methodology


def test_changes_page_lists_every_change_newest_first(
    catalogue: Catalogue, scenario_evaluation: Evaluation
) -> None:
    page = changes.build(catalogue, scenario_evaluation, dt.date(2025, 9, 30))
    assert [(c.on, c.kind, c.kind_mark, c.tier_before, c.tier_after) for c in page.changes] == [
        (dt.date(2025, 9, 1), "suspended", "⊘", 3, 2),
        (dt.date(2025, 7, 1), "advanced", "▲", 2, 3),
        (dt.date(2025, 6, 1), "advanced", "▲", 0, 2),
        (dt.date(2025, 4, 9), "fell", "▼", 2, 0),
        (dt.date(2025, 1, 9), "on_notice", "⚠", 2, 2),
        (dt.date(2024, 3, 1), "advanced", "▲", 1, 2),
        (dt.date(2024, 1, 10), "advanced", "▲", 0, 1),
    ]
    assert (page.country, page.area, page.since) == (None, None, None)
    assert [c.code for c in page.countries] == ["AL", "BA", "XK", "ME", "MK", "RS"]
    assert len(page.areas) == 9


def test_changes_page_narrows_by_country_area_start_and_limit(
    catalogue: Catalogue, scenario_evaluation: Evaluation
) -> None:
    page = changes.build(
        catalogue,
        scenario_evaluation,
        dt.date(2025, 9, 30),
        country="ME",
        area="eppo",
        since=dt.date(2025, 4, 9),
        limit=3,
    )
    assert [(c.on, c.kind) for c in page.changes] == [
        (dt.date(2025, 9, 1), "suspended"),
        (dt.date(2025, 7, 1), "advanced"),
        (dt.date(2025, 6, 1), "advanced"),
    ]
    assert (page.country, page.area, page.since) == ("ME", "eppo", dt.date(2025, 4, 9))
    assert (
        changes.build(catalogue, scenario_evaluation, dt.date(2025, 9, 30), country="AL").changes
        == ()
    )
    with pytest.raises(KeyError):
        changes.build(catalogue, scenario_evaluation, dt.date(2025, 9, 30), area="nowhere")


def test_methodology_counts_the_catalogue(catalogue: Catalogue) -> None:
    page = methodology.build(catalogue)
    # Catalogue 2026.2: the op-ed target, C1 and C2 added; the 15 presumed information-handling
    # benchmarks no longer lapse (no validity), the C2 response times do.
    assert (page.version, page.targets, page.benchmarks, page.milestones) == ("2026.2", 76, 155, 9)
    assert (page.with_validity, page.validity_days) == (85, (365, 450, 730))
    assert [(k.kind, k.words, k.count) for k in page.kinds] == [
        ("legal", "legal", 6),  # 2026.2: the op-ed's NIS2 law
        ("institutional", "institutional", 47),  # 2026.2: the authority and the CSIRT
        ("operational", "operational", 65),
        ("track_record", "track record", 15),  # 2026.2: the C2 response times
        ("integrity", "integrity", 22),  # 2026.2: the C1 information handling
    ]
    assert [(s.status, s.mark, s.words) for s in page.statuses] == [
        ("met", "✓", "met"),
        ("partial", "◐", "partly met"),
        ("not_met", "✗", "not met"),
        ("expired", "⌛", "expired (needs renewing)"),
        ("not_applicable", "–", "not applicable"),
        ("presumed", "○", "no breach recorded"),
        ("unknown", "?", "not assessed"),
    ]
    assert page.areas[3] == methodology.AreaRule(
        id="eppo",
        title="European Public Prosecutor's Office (EPPO)",
        targets=6,
        quorum_percent=50,  # 2026.2: the EPPO quorum is 0.5
        grace_days=90,
        source="menu",
        menu_row="3",
    )
    assert [t.level for t in page.tiers] == [1, 2, 3]
    assert [i.code for i in page.instruments] == ["A", "B", "C", "D", "E", "F", "G"]


def test_downloads_page_cites_each_dataset_by_its_json_link(catalogue: Catalogue) -> None:
    page = downloads.build(
        catalogue,
        dt.date(2025, 9, 1),
        retrieved=dt.date(2026, 11, 30),
        public_url="https://oip.example",
    )
    assert page.as_of == dt.date(2025, 9, 1)
    assert [
        (f.dataset, [(link.format, link.url) for link in f.links], f.citation) for f in page.files
    ] == [
        (
            "standings",
            [
                ("CSV", "/downloads/standings.csv?as_of=2025-09-01"),
                ("JSON", "/downloads/standings.json?as_of=2025-09-01"),
            ],
            "OIP, standings as of 2025-09-01, retrieved 2026-11-30, https://oip.example/downloads/standings.json?as_of=2025-09-01",
        ),
        (
            "evidence",
            [
                ("CSV", "/downloads/evidence.csv?as_of=2025-09-01"),
                ("JSON", "/downloads/evidence.json?as_of=2025-09-01"),
            ],
            "OIP, evidence as of 2025-09-01, retrieved 2026-11-30, https://oip.example/downloads/evidence.json?as_of=2025-09-01",
        ),
        (
            "catalogue",
            [
                ("CSV", "/downloads/catalogue.csv?as_of=2025-09-01"),
                ("JSON", "/downloads/catalogue.json?as_of=2025-09-01"),
            ],
            "OIP, catalogue 2026.2, retrieved 2026-11-30, https://oip.example/downloads/catalogue.json?as_of=2025-09-01",
        ),
    ]
    assert (
        page.files[1].description
        == "Every dated, sourced observation up to the date, with its source."
    )
