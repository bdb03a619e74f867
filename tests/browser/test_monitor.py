"""The public monitor in a real Chromium: pages render cleanly, the date control works, links
lead where they say, the keyboard reaches every control and axe-core finds nothing serious."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import Page

PAGES = [
    "/",
    "/?area=eppo&as_of=2024-03-01",
    "/countries/ME/",
    "/countries/ME/?as_of=2025-02-01",
    "/areas/eppo/",
    "/targets/eppo.working-arrangement/",
    "/changes/",
    "/methodology/",
    "/downloads/",
]


def visit(page: Page, url: str) -> Any:
    return page.visit(url)


@pytest.mark.parametrize("path", PAGES)
def test_page_renders_without_errors(page: Page, live_url: str, path: str) -> None:
    p = visit(page, live_url + path)
    assert p.locator("h1").first.is_visible()
    assert p.locator("footer").get_by_text("Data last updated").is_visible()
    assert page.problems == []


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_serious_violation(
    page: Page, live_url: str, axe_source: str, path: str
) -> None:
    p = visit(page, live_url + path)
    p.evaluate(axe_source)  # evaluate is not subject to the page's CSP; a script tag would be
    result = p.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_date_control_changes_what_is_shown(page: Page, live_url: str) -> None:
    p = visit(page, live_url + "/?area=eppo")
    me = p.locator("table.grid a[href*='/countries/ME/'][href*='#area-eppo']")
    today_label = me.get_attribute("aria-label")
    p.fill("#as-of", "2024-01-10")
    p.get_by_role("button", name="Show", exact=True).click()
    p.wait_for_url("**as_of=2024-01-10**")
    assert "area=eppo" in p.url  # the page's other parameters survive a date change
    assert (
        me.get_attribute("aria-label")
        == "Montenegro, EPPO: tier 1 incremental, score 35, 4/13 assessed"
    )
    assert me.get_attribute("aria-label") != today_label
    assert p.get_by_role("status").inner_text().startswith("◷ You are looking at the state as of")
    assert "10 January 2024" in p.locator("footer").inner_text()
    assert page.problems == []


def test_links_between_pages_keep_the_date(page: Page, live_url: str) -> None:
    p = visit(page, live_url + "/?as_of=2024-03-01")
    p.locator("table.grid tbody th a", has_text="Montenegro").click()
    p.wait_for_url("**/countries/ME/?as_of=2024-03-01")
    assert p.locator("h1").inner_text() == "Montenegro"
    p.locator("#area-eppo h2 a").click()
    p.wait_for_url("**/areas/eppo/?as_of=2024-03-01")
    assert "EPPO" in p.locator("h1").inner_text()
    p.locator("#tier-1 + p + .table-scroll a").first.click()
    p.wait_for_url(re.compile(r"/targets/eppo\.[^/]+/\?as_of=2024-03-01$"))
    assert p.locator("table.matrix tbody th[scope=row]", has_text="Montenegro").count() == 1
    for name, path in (
        ("Changes", "/changes/"),
        ("Methodology", "/methodology/"),
        ("Downloads", "/downloads/"),
    ):
        p.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()
        p.wait_for_url(f"**{path}?as_of=2024-03-01")
    assert page.problems == []


FOCUSABLE = """() => Array.from(document.querySelectorAll(
  'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex="0"]'))
  .filter(e => { const r = e.getBoundingClientRect();
                 return !e.closest('details:not([open]) > :not(summary)') && (r.width > 0 || r.height > 0 || e.classList.contains('skip-link')); })
  .map(e => e.outerHTML.slice(0, 120))"""


@pytest.mark.parametrize("path", ["/?as_of=2024-03-01", "/changes/", "/downloads/"])
def test_keyboard_reaches_every_control(page: Page, live_url: str, path: str) -> None:
    p = visit(page, live_url + path)
    wanted = set(p.evaluate(FOCUSABLE))
    reached: set[str] = set()
    invisible: set[str] = set()
    for _ in range(1000):
        p.keyboard.press("Tab")
        html, outline = p.evaluate(
            "() => { const e = document.activeElement; if (e === document.body) return ['', ''];"
            " return [e.outerHTML.slice(0, 120), getComputedStyle(e).outlineStyle]; }"
        )
        if not html:  # past the last control, focus leaves the document for the browser's UI
            break
        reached.add(html)
        if outline == "none":
            invisible.add(html)
    assert wanted - reached == set()
    assert invisible == set()  # focus is always visible


def test_skip_link_is_first_and_moves_to_main(page: Page, live_url: str) -> None:
    p = visit(page, live_url + "/")
    p.keyboard.press("Tab")
    assert p.evaluate("document.activeElement.textContent") == "Skip to content"
    p.keyboard.press("Enter")
    assert p.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/countries/ME/",
        "/areas/eppo/",
        "/targets/eppo.working-arrangement/",
        "/changes/",
        "/methodology/",
    ],
)
def test_readable_on_a_375px_phone(phone: Page, live_url: str, path: str) -> None:
    p = visit(phone, live_url + path)
    assert p.evaluate("document.documentElement.scrollWidth") <= 375
    assert phone.problems == []


def test_area_selector_recolours_the_map(page: Page, live_url: str) -> None:
    p = visit(page, live_url + "/?as_of=2024-03-01")
    p.select_option("#area-select", "eppo")
    p.get_by_role("button", name="Show on the map").click()
    p.wait_for_url("**area=eppo**")
    assert "as_of=2024-03-01" in p.url
    assert p.locator("#map-heading").inner_text().startswith("Map: European Public Prosecutor")


def test_overview_shows_scores_and_what_we_know_first(page: Page, live_url: str) -> None:
    p = visit(page, live_url + "/?area=eppo&as_of=2024-01-10")
    me = p.locator("table.grid a[href*='/countries/ME/'][href*='#area-eppo']")
    assert me.locator(".cell-score .score").is_visible()
    assert me.locator(".cell-score .score").inner_text() == "35"
    assert me.locator(".cell-assessed").inner_text() == "4/13 assessed"
    # not assessed: the words alone, no score as a number
    assert p.locator("table.grid td.tier-na").count() > 0
    assert p.locator("table.grid td.tier-na .cell-score").count() == 0
    assert p.locator("h2").first.inner_text() == "What we know, as of 10 January 2024"
    assert page.problems == []
