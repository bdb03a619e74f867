"""A target page's read model, built without a database from the scenario's evaluation."""

from __future__ import annotations

import datetime as dt

import pytest

from oip.catalogue.schema import Catalogue
from oip.conditionality import Evaluation
from oip.monitor.pages import target
from oip.monitor.pages.evidence import Source
from oip.monitor.pages.values import AreaRef
from tests.monitor.test_pages_country import OBSERVATION

EPPO = "European Public Prosecutor's Office (EPPO)"
SIGNED = {
    **OBSERVATION,
    "id": 1,
    "benchmark": "eppo.working-arrangement.signed",
    "target": "eppo.working-arrangement",
    "observed_on": "2024-01-10",
    "note": "",
}


@pytest.fixture(scope="module")
def page(catalogue: Catalogue, scenario_evaluation: Evaluation) -> target.TargetPage:
    day = dt.date(2024, 1, 10)
    ids = target.observation_ids(catalogue, scenario_evaluation, day, "eppo.working-arrangement")
    assert ids == frozenset({1})
    return target.build(
        catalogue, scenario_evaluation, day, "eppo.working-arrangement", observations={1: SIGNED}
    )


def test_target_page_states_the_target(catalogue: Catalogue, page: target.TargetPage) -> None:
    info = page.target
    assert (
        info.id,
        info.tier,
        info.tier_words,
        info.who,
        info.who_words,
        info.scope,
        info.source,
    ) == (
        "eppo.working-arrangement",
        1,
        "tier 1 · incremental",
        "joint",
        "the EU and the country together",
        "region",
        "menu",
    )
    assert info.title == "EPPO concludes working arrangements with all WB6 prosecution services"
    assert info.area == AreaRef("eppo", EPPO, "EPPO")
    assert [(b.id, b.name) for b in info.bodies] == [("eppo", EPPO)]
    assert info.bodies[0].access.startswith("The EPPO Regulation (Regulation (EU) 2017/1939)")
    assert [(i.code, i.name) for i in info.instruments] == [
        ("A", "Formal cooperation arrangements / MoUs or international agreements")
    ]
    assert [
        (b.id, b.kind, b.kind_words, b.validity_days, b.who_words) for b in info.benchmarks
    ] == [
        (
            "eppo.working-arrangement.signed",
            "institutional",
            "institutional",
            None,
            "the EU and the country together",
        ),
    ]


def test_target_page_gives_each_country_its_verdict_and_evidence(page: target.TargetPage) -> None:
    assert [(c.code, c.name, c.achieved, c.assessed) for c in page.countries] == [
        ("AL", "Albania", False, False),
        ("BA", "Bosnia and Herzegovina", False, False),
        ("XK", "Kosovo", False, False),
        ("ME", "Montenegro", True, True),
        ("MK", "North Macedonia", False, False),
        ("RS", "Serbia", False, False),
    ]
    me = page.countries[3].rows[0]
    assert (me.row.benchmark, me.row.status, me.row.observed_on, me.row.observation_id) == (
        "eppo.working-arrangement.signed",
        "met",
        dt.date(2024, 1, 10),
        1,
    )
    assert me.observation is not None
    assert (me.observation.id, me.observation.observed_on) == (1, dt.date(2024, 1, 10))
    assert me.observation.source == Source(
        7, "https://example.org/eppo", "EPPO annual report", "EPPO", dt.date(2025, 10, 1), ""
    )
    al = page.countries[0].rows[0]
    assert (al.row.status, al.row.status_words, al.observation) == ("unknown", "not assessed", None)


def test_target_page_reads_a_missing_observation_as_no_evidence(
    catalogue: Catalogue, scenario_evaluation: Evaluation
) -> None:
    page = target.build(
        catalogue,
        scenario_evaluation,
        dt.date(2024, 1, 10),
        "eppo.working-arrangement",
        observations={},
    )
    assert page.countries[3].rows[0].observation is None
    assert page.countries[3].achieved is True


def test_target_not_achieved_while_one_benchmark_is_not_met(
    catalogue: Catalogue, scenario_evaluation: Evaluation
) -> None:
    # 2025-09-01: the integrity benchmark of case coordination is not met -> not achieved,
    # though every other benchmark of it is met.
    page = target.build(
        catalogue,
        scenario_evaluation,
        dt.date(2025, 9, 1),
        "eppo.case-coordination",
        observations={},
    )
    me = page.countries[3]
    assert (me.achieved, me.assessed) == (False, True)
    assert [(r.row.benchmark, r.row.status) for r in me.rows] == [
        ("eppo.case-coordination.cases", "met"),
        ("eppo.case-coordination.information-handling", "not_met"),
    ]


def test_target_page_refuses_an_unknown_target(
    catalogue: Catalogue, scenario_evaluation: Evaluation
) -> None:
    with pytest.raises(KeyError):
        target.observation_ids(catalogue, scenario_evaluation, dt.date(2024, 1, 10), "nothing")
    with pytest.raises(KeyError):
        target.build(
            catalogue, scenario_evaluation, dt.date(2024, 1, 10), "nothing", observations={}
        )


def test_target_matrix_is_countries_by_benchmarks_with_its_legend(
    catalogue: Catalogue, scenario_evaluation: Evaluation, page: target.TargetPage
) -> None:
    # one row per country, one cell per benchmark, in the order of the numbered list
    assert [[item.row.benchmark for item in c.rows] for c in page.countries] == [
        [b.id for b in page.target.benchmarks]
    ] * 6
    assert (page.statuses, page.observed_count) == (("met", "unknown"), 1)
    later = target.build(
        catalogue,
        scenario_evaluation,
        dt.date(2025, 2, 1),
        "eppo.contact-points",
        observations={},
    )
    assert [[(i.row.status, i.row.observed_on) for i in c.rows] for c in later.countries][3] == [
        ("met", dt.date(2024, 1, 10)),
        ("expired", dt.date(2024, 1, 10)),  # the lapsed reachability test: never "not met"
        ("presumed", None),  # C1 information handling: no breach recorded
    ]
    assert (later.statuses, later.observed_count) == (
        ("met", "expired", "presumed", "unknown"),
        0,
    )
