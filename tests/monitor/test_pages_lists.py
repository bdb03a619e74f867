"""The read models of the change feed, the methodology and the downloads page."""

from __future__ import annotations

import datetime as dt

import pytest

from oip.catalogue.schema import Catalogue
from oip.conditionality import Evaluation
from oip.monitor.pages import about, changes, downloads, methodology


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


RECORDED = [
    # id, country, benchmark, status, observed_on, recorded_at (newest recorded first)
    changes.Recorded(
        15,
        "XK",
        "eppo.working-arrangement.signed",
        "met",
        dt.date(2025, 8, 1),
        dt.datetime(2025, 9, 1, 23, 30, tzinfo=dt.UTC),
    ),
    changes.Recorded(
        14,
        "ME",
        "eppo.case-coordination.information-handling",
        "not_met",
        dt.date(2025, 9, 1),
        dt.datetime(2025, 9, 1, 8, 0, tzinfo=dt.UTC),
    ),
    changes.Recorded(
        9,
        "ME",
        "eppo.regular-liaison.in-place",
        "partial",
        dt.date(2025, 7, 1),
        dt.datetime(2025, 7, 3, 12, 0, tzinfo=dt.UTC),
    ),
]


def test_changes_page_merges_evidence_events_newest_day_first(
    catalogue: Catalogue, scenario_evaluation: Evaluation
) -> None:
    page = changes.build(catalogue, scenario_evaluation, dt.date(2025, 9, 30), recorded=RECORDED)
    assert [
        (
            e.category,
            e.on,
            e.standing.kind if e.standing else None,
            e.evidence.observation if e.evidence else None,
        )
        for e in page.events
    ] == [
        ("standing", dt.date(2025, 9, 1), "suspended", None),
        ("evidence", dt.date(2025, 9, 1), None, 15),
        ("evidence", dt.date(2025, 9, 1), None, 14),
        ("evidence", dt.date(2025, 7, 3), None, 9),
        ("standing", dt.date(2025, 7, 1), "advanced", None),
        ("standing", dt.date(2025, 6, 1), "advanced", None),
        ("standing", dt.date(2025, 4, 9), "fell", None),
        ("standing", dt.date(2025, 1, 9), "on_notice", None),
        ("standing", dt.date(2024, 3, 1), "advanced", None),
        ("standing", dt.date(2024, 1, 10), "advanced", None),
    ]
    assert (page.standing_count, page.evidence_count, page.evidence_capped) == (7, 3, False)
    assert page.categories == ("standing", "evidence")
    first = page.events[1].evidence
    assert first == changes.EvidenceEvent(
        kind="recorded",
        kind_mark="+",
        kind_words="evidence recorded",
        on=dt.date(2025, 9, 1),
        at=dt.datetime(2025, 9, 1, 23, 30, tzinfo=dt.UTC),
        observation=15,
        country="XK",
        country_name="Kosovo",
        area="eppo",
        area_short="EPPO",
        target="eppo.working-arrangement",
        benchmark="eppo.working-arrangement.signed",
        statement=(
            "A working arrangement between EPPO and the country's prosecution service is "
            "signed and in force."
        ),
        status="met",
        status_mark="✓",
        status_words="met",
        observed_on=dt.date(2025, 8, 1),
    )
    assert page.events[3].evidence is not None
    assert (page.events[3].evidence.status_mark, page.events[3].evidence.status_words) == (
        "◐",
        "partly met",
    )


def test_changes_page_keeps_one_kind_and_caps_the_evidence(
    catalogue: Catalogue, scenario_evaluation: Evaluation
) -> None:
    as_of = dt.date(2025, 9, 30)
    standing = changes.build(
        catalogue, scenario_evaluation, as_of, recorded=RECORDED, category="standing"
    )
    assert {e.category for e in standing.events} == {"standing"}
    assert (standing.standing_count, standing.evidence_count) == (7, 0)
    evidence = changes.build(
        catalogue, scenario_evaluation, as_of, recorded=RECORDED, category="evidence"
    )
    assert [e.evidence.observation for e in evidence.events if e.evidence] == [15, 14, 9]
    assert evidence.changes == ()
    many = [RECORDED[2]] * (changes.EVIDENCE_SHOWN + 1)
    capped = changes.build(
        catalogue, scenario_evaluation, as_of, recorded=many, category="evidence"
    )
    assert (capped.evidence_count, capped.evidence_capped) == (changes.EVIDENCE_SHOWN, True)
    limited = changes.build(catalogue, scenario_evaluation, as_of, recorded=RECORDED, limit=2)
    assert [e.category for e in limited.events] == ["standing", "evidence"]


def test_about_page_says_who_what_and_where_to_write() -> None:
    page = about.build("corrections@oip.example")
    assert page.contact == "corrections@oip.example"
    assert page.memo.title == (
        "An Operational Integration Agenda for the Western Balkans to Facilitate "
        "Implementation of the Differentiated Model of Integration"
    )
    assert (page.memo.authors, page.memo.publisher, page.memo.published_on) == (
        ("Ramadan Ilazi", "Jeta Loshaj"),
        "Kosovar Centre for Security Studies (KCSS)",
        dt.date(2026, 1, 14),
    )
    assert (page.licence, page.licence_url) == (
        "Creative Commons Attribution 4.0 International (CC BY 4.0)",
        "https://creativecommons.org/licenses/by/4.0/",
    )
    assert about.build(None).contact is None


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
        core=(
            (1, "EPPO concludes working arrangements with all WB6 prosecution services"),
            (1, "Designated EPPO contact points"),
        ),
        quorum_reason=(
            "Cooperation with EPPO is bounded by its mandate and by case need, so meetings and "
            "coordinated cases come only with cases: one of the two targets per tier above tier 1."
        ),
        core_reason=(
            "The memo's visible step: the missing working arrangements with EPPO concluded, with "
            "contact points that are reachable and empowered."
        ),
    )
    assert [a.id for a in page.areas if not a.core] == ["public-administration"]
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
                ("ZIP", "/downloads/standings.zip?as_of=2025-09-01"),
                ("CSV", "/downloads/standings.csv?as_of=2025-09-01"),
                ("JSON", "/downloads/standings.json?as_of=2025-09-01"),
            ],
            "OIP, standings as of 2025-09-01, retrieved 2026-11-30, https://oip.example/downloads/standings.json?as_of=2025-09-01",
        ),
        (
            "evidence",
            [
                ("ZIP", "/downloads/evidence.zip?as_of=2025-09-01"),
                ("CSV", "/downloads/evidence.csv?as_of=2025-09-01"),
                ("JSON", "/downloads/evidence.json?as_of=2025-09-01"),
            ],
            "OIP, evidence as of 2025-09-01, retrieved 2026-11-30, https://oip.example/downloads/evidence.json?as_of=2025-09-01",
        ),
        (
            "catalogue",
            [
                ("ZIP", "/downloads/catalogue.zip?as_of=2025-09-01"),
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
