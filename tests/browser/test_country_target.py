"""The country and target pages in a real Chromium at 1280 px: the country page is short
(what is in place first, not-assessed rows folded away), every part of both pages passes
axe-core with its folded parts opened, and nothing logs an error.

Before issue 12 the Montenegro page measured ~12,600 px at 1280 px (the issue's figure).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Page

#: The bound on Montenegro's page height at 1280 px. Measured 7,461 px on 2026-11-30 with the
#: baseline and the EPPO scenario (with the notes folded to their titles, the not-assessed
#: rows and the evidence list behind counts); the bound leaves ~14% for a few more notes,
#: achieved targets and evidence rows, and stays a third below the old ~12,600 px.
ME_HEIGHT_BOUND = 8500

PAGES = [
    "/countries/ME/",
    "/countries/ME/?as_of=2025-02-01",
    "/countries/XK/",
    "/targets/eppo.working-arrangement/",
    "/targets/eppo.contact-points/?as_of=2025-02-01",
]


def visit(page: Page, url: str) -> Any:
    return page.visit(url)


def test_montenegro_page_is_short_at_1280px(page: Page, live_url: str) -> None:
    p = visit(page, live_url + "/countries/ME/")
    height = p.evaluate("document.documentElement.scrollHeight")
    print(f"ME page height at 1280 px: {height} px")
    assert 0 < height < ME_HEIGHT_BOUND
    # what is in place comes before the tier of each area and the first area's detail
    order = p.evaluate(
        "['in-place-heading', 'summary-heading', 'area-cyber-heading']"
        ".map(id => document.getElementById(id).getBoundingClientRect().top)"
    )
    assert order == sorted(order)
    assert p.get_by_text(
        "EPPO concludes working arrangements with all WB6 prosecution services"
    ).first.is_visible()
    # not-assessed rows are folded behind a count
    folded = p.locator("details.not-assessed")
    assert folded.count() > 0
    assert all(not d.get_attribute("open") for d in folded.all())
    assert page.problems == []


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_nothing_serious_with_everything_open(
    page: Page, live_url: str, axe_source: str, path: str
) -> None:
    p = visit(page, live_url + path)
    p.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    p.evaluate(axe_source)
    result = p.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    assert page.problems == []


def test_target_page_is_one_matrix(page: Page, live_url: str) -> None:
    p = visit(page, live_url + "/targets/eppo.contact-points/?as_of=2025-02-01")
    matrix = p.locator("table.matrix")
    assert matrix.count() == 1
    assert p.locator("table").count() == 1  # no table per country any more
    rows = matrix.locator("tbody tr")
    assert rows.count() == 6
    me = rows.nth(3)
    assert me.locator("th").inner_text() == "Montenegro"
    cells = [c.inner_text().split() for c in me.locator("td").all()]
    assert cells == [
        ["✗", "not", "achieved"],
        ["✓", "met", "Jan", "2024"],
        # the lapsed test reads its own label, dated: expired, never "not met"
        ["⌛", "expired", "(needs", "renewing)", "Jan", "2024", "lapsed", "Jan", "2025"],
        ["○", "no", "breach", "recorded"],  # catalogue 2026.2: C1, presumed
    ]
