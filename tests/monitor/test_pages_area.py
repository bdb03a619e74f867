"""An area page's read model, built without a database from the scenario's evaluation."""

from __future__ import annotations

import datetime as dt

import pytest

from oip.catalogue.schema import Catalogue
from oip.conditionality import Evaluation, evaluate
from oip.conditionality.types import Observation
from oip.monitor.pages import area
from oip.monitor.pages.region import Priority
from oip.monitor.pages.values import Cause, CountryRef
from tests.monitor.conftest import RECORDED_AT

EPPO = "European Public Prosecutor's Office (EPPO)"
OTHERS = (
    CountryRef("AL", "Albania"),
    CountryRef("BA", "Bosnia and Herzegovina"),
    CountryRef("XK", "Kosovo"),
    CountryRef("MK", "North Macedonia"),
    CountryRef("RS", "Serbia"),
)
ME = CountryRef("ME", "Montenegro")


@pytest.fixture(scope="module")
def page(catalogue: Catalogue, scenario_evaluation: Evaluation) -> area.AreaPage:
    return area.build(catalogue, scenario_evaluation, dt.date(2024, 3, 1), "eppo")


def test_area_page_states_the_rules(page: area.AreaPage) -> None:
    assert (page.area.id, page.area.title, page.area.short) == ("eppo", EPPO, "EPPO")
    assert (page.area.quorum, page.area.grace_days, page.area.source, page.area.menu_row) == (
        0.5,  # catalogue 2026.2
        90,
        "menu",
        "3",
    )
    assert page.area.description.startswith("Operational integration with EPPO")
    assert len(page.areas) == 9


def test_area_page_lists_targets_by_tier_with_who_achieved_them(page: area.AreaPage) -> None:
    assert [
        (t.level, t.name, [(x.id, x.who, x.who_words, x.instruments, x.scope) for x in t.targets])
        for t in page.tiers
    ] == [
        (
            1,
            "incremental",
            [
                (
                    "eppo.working-arrangement",
                    "joint",
                    "the EU and the country together",
                    ("A",),
                    "region",
                ),
                ("eppo.contact-points", "country", "the country", ("B",), "country"),
            ],
        ),
        (
            2,
            "structural",
            [
                ("eppo.coordination-meetings-observer", "eu", "the EU", ("C",), "country"),
                (
                    "eppo.joint-training",
                    "joint",
                    "the EU and the country together",
                    ("E",),
                    "country",
                ),
            ],
        ),
        (
            3,
            "transformational",
            [
                (
                    "eppo.regular-liaison",
                    "joint",
                    "the EU and the country together",
                    ("B", "D"),
                    "country",
                ),
                (
                    "eppo.case-coordination",
                    "joint",
                    "the EU and the country together",
                    ("A", "D"),
                    "country",
                ),
            ],
        ),
    ]
    first = page.tiers[0].targets[0]
    assert first.bodies == (EPPO,)
    assert (first.achieved_by, first.left_out) == ((ME,), OTHERS)
    last = page.tiers[2].targets[1]
    assert (last.achieved_by, len(last.left_out)) == ((), 6)


def test_area_page_cells_and_spread(page: area.AreaPage) -> None:
    assert [(c.country, c.tier, c.assessed, c.benchmarks) for c in page.cells] == [
        ("AL", 0, 0, 13),
        ("BA", 0, 0, 13),
        ("XK", 0, 0, 13),
        ("ME", 2, 6, 13),
        ("MK", 0, 0, 13),
        ("RS", 0, 0, 13),
    ]
    # Only ME has evidence: the others are not assessed and enter no mean or spread, and a
    # year earlier nobody was assessed.
    spread = page.divergence
    assert (spread.area, spread.spread, spread.mean, spread.two_speed) == ("eppo", 0, 2.0, False)
    assert (spread.trend_label, spread.trend_words) == ("steady", "no data a year earlier")


def test_area_page_gaps_name_who_is_left_out(page: area.AreaPage) -> None:
    # The others have no evidence on these targets: not assessed, so nobody is "left out".
    assert [(g.target, g.tier, g.achieved_by, g.left_out) for g in page.gaps] == [
        ("eppo.working-arrangement", 1, (ME,), ()),
        ("eppo.contact-points", 1, (ME,), ()),
        ("eppo.coordination-meetings-observer", 2, (ME,), ()),
        ("eppo.joint-training", 2, (ME,), ()),
    ]
    assert page.gaps[1].title == "Designated EPPO contact points"


def test_area_page_blockers_are_the_eu_side_benchmarks(page: area.AreaPage) -> None:
    # Every EU-side benchmark missing here is unknown (nobody has looked): no blocker.
    assert page.blockers == ()
    assert page.priorities == ()
    assert [c.on for c in page.changes] == [dt.date(2024, 3, 1), dt.date(2024, 1, 10)]


def test_area_page_priorities_name_the_missing_benchmarks(catalogue: Catalogue) -> None:
    signed = Observation(
        "AL", "eppo.working-arrangement.signed", "met", dt.date(2024, 5, 1), RECORDED_AT, 1
    )
    # A priority rests on evidence: both contact-point benchmarks are observed, not unknown.
    designated = Observation(
        "AL", "eppo.contact-points.designated", "partial", dt.date(2024, 5, 1), RECORDED_AT, 2
    )
    reachable = Observation(
        "AL", "eppo.contact-points.reachable", "not_met", dt.date(2024, 5, 1), RECORDED_AT, 3
    )
    evaluation = evaluate(catalogue, [signed, designated, reachable])
    page = area.build(catalogue, evaluation, dt.date(2024, 6, 1), "eppo")
    assert (
        area.build(catalogue, evaluate(catalogue, [signed]), dt.date(2024, 6, 1), "eppo").priorities
        == ()
    )
    index = catalogue.benchmark_index()
    assert page.priorities == (
        Priority(
            country="AL",
            name="Albania",
            area="eppo",
            tier=0,
            next_tier=1,
            next_tier_words="tier 1 · incremental",
            missing=tuple(
                Cause(b, index[b][1].statement, "eppo.contact-points")
                for b in ("eppo.contact-points.designated", "eppo.contact-points.reachable")
            ),
        ),
    )


def test_area_page_refuses_an_unknown_area(
    catalogue: Catalogue, scenario_evaluation: Evaluation
) -> None:
    with pytest.raises(KeyError):
        area.build(catalogue, scenario_evaluation, dt.date(2024, 3, 1), "nowhere")
