"""The overview's read model, built without a database from the scenario's evaluation."""

from __future__ import annotations

import datetime as dt

import pytest

from oip.catalogue.schema import Catalogue
from oip.conditionality import Evaluation, evaluate
from oip.conditionality.types import Observation
from oip.monitor.pages import overview
from oip.monitor.pages.region import AreaSpread, CountryTier, DivergencePoint
from oip.monitor.pages.values import AreaRef, Cause, Cell, ChangeRow, CountryRef

AT = dt.datetime(2024, 7, 1, tzinfo=dt.UTC)
EPPO = "European Public Prosecutor's Office (EPPO)"
COUNTRIES = (
    CountryRef("AL", "Albania"),
    CountryRef("BA", "Bosnia and Herzegovina"),
    CountryRef("XK", "Kosovo"),
    CountryRef("ME", "Montenegro"),
    CountryRef("MK", "North Macedonia"),
    CountryRef("RS", "Serbia"),
)


def _eppo_cell(
    country: CountryRef,
    tier: int,
    assessed: int,
    score: float | None = None,
    change_12m: float | None = None,
) -> Cell:
    return Cell(
        country=country.code,
        country_name=country.name,
        area="eppo",
        area_title=EPPO,
        area_short="EPPO",
        tier=tier,
        tier_name={0: "none", 2: "structural"}[tier],
        raw_tier=tier,
        status="stable",
        since=dt.date(2024, 3, 1) if tier else None,
        notice_until=None,
        next_tier=tier + 1,
        assessed=assessed,
        benchmarks=13,  # EPPO in catalogue 2026.2 (C1, C2)
        score=score,
        change_12m=change_12m,
    )


@pytest.fixture(scope="module")
def page(catalogue: Catalogue, scenario_evaluation: Evaluation) -> overview.OverviewPage:
    return overview.build(catalogue, scenario_evaluation, dt.date(2024, 3, 1), "eppo")


def test_overview_names_the_area_on_the_map_and_every_country(
    page: overview.OverviewPage,
) -> None:
    assert page.as_of == dt.date(2024, 3, 1)
    assert page.area == AreaRef("eppo", EPPO, "EPPO")
    assert [a.id for a in page.areas] == [
        "cyber",
        "fdi",
        "rule-of-law",
        "eppo",
        "eurojust",
        "fimi",
        "security",
        "public-administration",
        "financial-integrity",
    ]
    assert page.countries == COUNTRIES


def test_overview_map_cells_tell_assessed_from_not_assessed(page: overview.OverviewPage) -> None:
    assert page.map_cells == tuple(
        _eppo_cell(c, 2, 6, 60.0, None) if c.code == "ME" else _eppo_cell(c, 0, 0, 0.0)
        for c in COUNTRIES
    )
    me = page.map_cells[3]
    assert (me.mark, me.words, me.css, me.map_tier) == ("2", "structural", "tier-2", 2)
    al = page.map_cells[0]
    assert (al.mark, al.words, al.css, al.map_tier) == ("?", "not assessed", "tier-na", None)


def test_overview_cells_say_tier_score_and_how_much_is_assessed(
    page: overview.OverviewPage,
) -> None:
    me = page.map_cells[3]
    assert (me.score_text, me.assessed_words) == ("60", "6/13 assessed")
    assert me.summary == "2 structural · 60 · 6/13 assessed"
    # no evidence: the words alone, never a score shown as a number
    al = page.map_cells[0]
    assert (al.score_text, al.summary) == (None, "not assessed")
    zero = _eppo_cell(COUNTRIES[0], 0, 3, 20.0)
    assert zero.summary == "0 no tier yet · 20 · 3/13 assessed"
    # the engine scores a not-assessed area 0: that score is never shown
    assert _eppo_cell(COUNTRIES[0], 0, 0, 20.0).score_text is None


def test_overview_grid_has_a_row_per_country_and_a_cell_per_area(
    page: overview.OverviewPage,
) -> None:
    assert [(row.code, row.name) for row in page.grid] == [(c.code, c.name) for c in COUNTRIES]
    assert [len(row.cells) for row in page.grid] == [9] * 6
    montenegro = page.grid[3]
    assert [(c.area, c.tier, c.assessed) for c in montenegro.cells if c.assessed] == [
        ("eppo", 2, 6)
    ]


def test_overview_two_speed_panel_compares_with_a_year_earlier(
    page: overview.OverviewPage,
) -> None:
    assert page.two_speed[3] == AreaSpread(
        area="eppo",
        title=EPPO,
        short="EPPO",
        tiers=tuple(CountryTier(c.code, 2 if c.code == "ME" else 0) for c in COUNTRIES),
        # Only ME has evidence: the others are not assessed, out of the mean and spread; a
        # year earlier nobody was assessed, so there is nothing to compare with.
        mean=2.0,
        spread=0,
        two_speed=False,
        year_ago_mean=None,
        year_ago_spread=None,
        trend=None,
        trend_label="steady",
        trend_words="no data a year earlier",
        score_mean=60.0,
        score_spread=0.0,
        assessed=1,
        total=6,
    )
    # one of six assessed: the panel does not call it steady, it says it cannot judge
    eppo = page.two_speed[3]
    assert (eppo.judged, eppo.verdict) == (False, "too little assessed to judge")
    assert [s.assessed for s in page.two_speed] == [0, 0, 0, 1, 0, 0, 0, 0, 0]
    assert [s.spread for s in page.two_speed] == [0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert page.divergence[18:24] == tuple(
        DivergencePoint("EPPO", c.code, 2 if c.code == "ME" else 0) for c in COUNTRIES
    )
    assert len(page.divergence) == 54
    assert page.divergence[0].as_row() == {"area": "Cybersecurity", "country": "AL", "tier": 0}


@pytest.mark.parametrize(
    ("assessed", "tier_spread", "score_spread", "two_speed", "verdict"),
    [
        (2, 3, 80.0, True, "too little assessed to judge"),
        (3, 0, 10.0, False, "one speed"),
        (3, 2, 10.0, True, "two speeds"),
        (6, 1, 40.0, True, "two speeds"),
        (0, 0, 0.0, False, "too little assessed to judge"),
    ],
)
def test_two_speed_verdict_needs_three_assessed(
    assessed: int, tier_spread: int, score_spread: float, two_speed: bool, verdict: str
) -> None:
    row = AreaSpread(
        area="eppo",
        title=EPPO,
        short="EPPO",
        tiers=(),
        mean=1.0,
        spread=tier_spread,
        two_speed=two_speed,
        year_ago_mean=None,
        year_ago_spread=None,
        trend=None,
        trend_label="steady",
        trend_words="no data a year earlier",
        score_spread=score_spread,
        assessed=assessed,
        total=6,
    )
    assert row.verdict == verdict


def test_overview_latest_changes_newest_first_with_their_causes(
    catalogue: Catalogue, page: overview.OverviewPage
) -> None:
    index = catalogue.benchmark_index()

    def cause(benchmark: str) -> Cause:
        target, found = index[benchmark]
        return Cause(benchmark, found.statement, target.id)

    common = {
        "country": "ME",
        "country_name": "Montenegro",
        "area": "eppo",
        "area_title": EPPO,
        "area_short": "EPPO",
        "kind": "advanced",
        "kind_mark": "▲",
        "kind_words": "advanced",
    }
    assert page.changes == (
        ChangeRow(
            **common,
            on=dt.date(2024, 3, 1),
            tier_before=1,
            tier_after=2,
            tier_before_words="tier 1 · incremental",
            tier_after_words="tier 2 · structural",
            cause=(
                cause("eppo.coordination-meetings-observer.agreed"),
                cause("eppo.coordination-meetings-observer.attended"),
                cause("eppo.joint-training.attended"),
            ),
        ),
        ChangeRow(
            **common,
            on=dt.date(2024, 1, 10),
            tier_before=0,
            tier_after=1,
            tier_before_words="no tier yet",
            tier_after_words="tier 1 · incremental",
            cause=(
                cause("eppo.working-arrangement.signed"),
                cause("eppo.contact-points.designated"),
                cause("eppo.contact-points.reachable"),
            ),
        ),
    )


def test_overview_milestones_count_who_achieved_every_target(
    page: overview.OverviewPage,
) -> None:
    assert [(m.id, m.count, m.total) for m in page.milestones] == [
        ("m2027.rol-report-all-six", 0, 6),
        ("m2027.eurojust-agreements", 0, 6),
        ("m2027.eppo-arrangements", 1, 6),
        ("m2027.enisa-structured-cooperation", 0, 6),
        ("m2027.fdi-screening-pilot", 0, 6),
        ("m2027.fimi-systematic-cooperation", 0, 6),
        ("oped.enisa-observer-status", 0, 6),
        ("oped.enisa-feasibility-support", 0, 6),
        ("oped.enisa-full-participation-roadmap", 0, 6),
    ]
    eppo = page.milestones[2]
    assert eppo.achieved_by == (CountryRef("ME", "Montenegro"),)
    assert eppo.left_out == tuple(c for c in COUNTRIES if c.code != "ME")
    assert eppo.due == dt.date(2027, 12, 31)
    assert eppo.days_left == 1400


def test_overview_defaults_to_the_first_area_and_refuses_an_unknown_one(
    catalogue: Catalogue, scenario_evaluation: Evaluation
) -> None:
    page = overview.build(catalogue, scenario_evaluation, dt.date(2024, 3, 1))
    assert page.area == AreaRef("cyber", "Cybersecurity", "Cybersecurity")
    with pytest.raises(KeyError):
        overview.build(catalogue, scenario_evaluation, dt.date(2024, 3, 1), "nowhere")


def test_overview_before_any_evidence_has_no_change_and_no_spread(
    catalogue: Catalogue, scenario_evaluation: Evaluation
) -> None:
    page = overview.build(catalogue, scenario_evaluation, dt.date(2024, 1, 9), "eppo")
    assert page.changes == ()
    assert {c.assessed for c in page.map_cells} == {0}
    assert page.two_speed[3].trend_words == "no data a year earlier"  # nobody assessed then
    assert page.milestones[2].count == 0


def test_overview_read_model_is_frozen(page: overview.OverviewPage) -> None:
    with pytest.raises(AttributeError):
        page.as_of = dt.date(2020, 1, 1)  # type: ignore[misc]


KEY_ARRANGEMENTS = (
    (
        "rule-of-law.rol-report",
        "Inclusion in the EU Rule of Law Report (all WB6, without exception)",
    ),
    (
        "eurojust.cooperation-agreement",
        "Eurojust Cooperation agreements with all WB6 (including Kosovo)",
    ),
    (
        "eppo.working-arrangement",
        "EPPO concludes working arrangements with all WB6 prosecution services",
    ),
    (
        "cyber.enisa-working-arrangement",
        "Advanced ENISA working arrangements with national cybersecurity authorities",
    ),
    ("fdi.screening-authority", "Designation of national screening authorities and contact points"),
    (
        "fimi.eeas-liaison-points",
        "National liaison points with EEAS Strategic Communication Task Forces",
    ),
    (
        "cyber.enisa-observer-criteria",
        "Basic legal and institutional criteria for observer status in ENISA",
    ),
    ("cyber.enisa-observer-status", "Observer status in ENISA"),
)


def test_what_we_know_strip_counts_arrangements_latest_evidence_gaps_and_doors(
    page: overview.OverviewPage,
) -> None:
    # only ME has evidence in the scenario: one of six has the EPPO working arrangement, one
    # country assessed anywhere is no gap, and no EU-side benchmark is observed closed
    assert page.known == overview.WhatWeKnow(
        arrangements=tuple(
            (t, title, 1 if t == "eppo.working-arrangement" else 0) for t, title in KEY_ARRANGEMENTS
        ),
        countries=6,
        latest_evidence=dt.date(2024, 3, 1),
        widest_gaps=(),
        doors_closed=0,
    )


def test_what_we_know_names_the_widest_score_gaps_and_the_closed_eu_doors(
    catalogue: Catalogue,
) -> None:
    observations = [
        Observation("ME", "eppo.working-arrangement.signed", "met", dt.date(2024, 3, 1), AT, 1),
        Observation("AL", "eppo.working-arrangement.signed", "not_met", dt.date(2024, 5, 2), AT, 2),
        Observation(
            "RS", "fdi.screening-authority.reachable", "not_met", dt.date(2024, 6, 3), AT, 3
        ),
    ]
    found = overview.build(catalogue, evaluate(catalogue, observations), dt.date(2024, 7, 1))
    # both are joint (EU and country): AL's unsigned EPPO arrangement and RS's failed
    # reachability test are two doors on the EU side still closed; ME's met one is not
    assert found.known.doors_closed == 2
    assert found.known.latest_evidence == dt.date(2024, 6, 3)
    eppo = found.two_speed[3]
    assert (eppo.assessed, eppo.score_spread > 0) == (2, True)
    assert found.known.widest_gaps == (eppo,)
    assert found.known.arrangements[2] == (*KEY_ARRANGEMENTS[2], 1)
