"""The whole region's read model (the regional report's), built without a database."""

from __future__ import annotations

import datetime as dt

import pytest

from oip.catalogue.schema import Catalogue
from oip.conditionality import Evaluation
from oip.monitor.pages import area, overview, region


@pytest.fixture(scope="module")
def figures(catalogue: Catalogue, scenario_evaluation: Evaluation) -> region.RegionFigures:
    return region.build(catalogue, scenario_evaluation, dt.date(2024, 3, 1))


def test_region_gathers_every_areas_gaps_and_blockers(figures: region.RegionFigures) -> None:
    assert [(g.area, g.target) for g in figures.gaps] == [
        ("eppo", "eppo.working-arrangement"),
        ("eppo", "eppo.contact-points"),
        ("eppo", "eppo.coordination-meetings-observer"),
        ("eppo", "eppo.joint-training"),
    ]
    # Blockers rest on evidence (an EU-side benchmark observed not met or partly met): the
    # scenario records none, and nobody has looked at the EU-side doors elsewhere.
    assert figures.blockers == ()


def test_region_priorities_are_the_two_step_countries(figures: region.RegionFigures) -> None:
    # A priority needs evidence on the benchmarks it names: public administration, one
    # benchmark short everywhere, has no evidence at all in the scenario.
    assert figures.priorities == ()


def test_region_agrees_with_the_overview_and_the_area_page(
    catalogue: Catalogue, scenario_evaluation: Evaluation, figures: region.RegionFigures
) -> None:
    day = dt.date(2024, 3, 1)
    page = overview.build(catalogue, scenario_evaluation, day)
    assert figures.spreads == page.two_speed
    assert figures.divergence == page.divergence
    assert figures.milestones == page.milestones
    eppo = area.build(catalogue, scenario_evaluation, day, "eppo")
    assert eppo.gaps == tuple(g for g in figures.gaps if g.area == "eppo")
    assert eppo.blockers == tuple(b for b in figures.blockers if b.area == "eppo")
    assert eppo.priorities == tuple(p for p in figures.priorities if p.area == "eppo")
    assert eppo.divergence == figures.spreads[3]
