"""Issue 12, the reading, in a real Chromium: the new pages are clean (axe-core, console), the
map's legend is readable on a 375 px phone, wide tables show that they scroll, and every page
links the About page and carries Kosovo's designation footnote."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Page

NEW_PAGES = [
    "/about/",
    "/changes/?kind=evidence",
    "/changes/?kind=standing&country=ME",
    "/downloads/?as_of=2025-02-01",
]

SERIOUS = """(result) => result.violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => v.id + ': ' + v.help)"""


def visit(page: Page, url: str) -> Any:
    return page.visit(url)


@pytest.mark.parametrize("path", NEW_PAGES)
def test_new_pages_are_clean(page: Page, live_url: str, axe_source: str, path: str) -> None:
    p = visit(page, live_url + path)
    assert p.locator("h1").first.is_visible()
    p.evaluate(axe_source)  # evaluate is not subject to the page's CSP; a script tag would be
    serious = p.evaluate(f"axe.run(document, {{resultTypes: ['violations']}}).then({SERIOUS})")
    assert serious == []
    assert page.problems == []


@pytest.mark.parametrize("path", ["/", "/about/", "/changes/"])
def test_footer_links_about_and_notes_kosovo(page: Page, live_url: str, path: str) -> None:
    p = visit(page, live_url + path)
    footer = p.locator("footer")
    assert footer.get_by_role("link", name="about OIP").get_attribute("href") == "/about/"
    assert (
        footer.locator("#kosovo-note")
        .inner_text()
        .startswith("* Kosovo: This designation is without prejudice to positions on status")
    )
    assert footer.get_by_text("evidence last recorded:").is_visible()
    assert footer.get_by_text("newest fact observed:").is_visible()


def test_map_legend_is_readable_on_a_375px_phone(phone: Page, live_url: str) -> None:
    p = visit(phone, live_url + "/?area=eppo")
    # The drawing's own legend is hidden; the HTML legend under the map takes its place.
    assert p.locator(".map svg .map-legend").evaluate("g => getComputedStyle(g).display") == (
        "none"
    )
    legend = p.locator(".map-legend-narrow .legend")
    assert legend.is_visible()
    sizes = legend.locator("dd").evaluate_all(
        "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert len(sizes) == 7
    assert min(sizes) >= 12
    assert legend.get_by_text("not assessed: no evidence recorded").is_visible()
    # The map itself is not cut: every country lies inside the visible box.
    inside = p.locator(".map").evaluate(
        """m => { const box = m.getBoundingClientRect();
          return [...m.querySelectorAll('g.country')].every(g => {
            const r = g.getBoundingClientRect();
            return r.left >= box.left - 1 && r.right <= box.right + 1; }); }"""
    )
    assert inside is True
    assert p.evaluate("document.documentElement.scrollWidth") <= 375
    assert phone.problems == []


def test_map_legend_text_renders_at_12px_or_more_on_a_desktop(page: Page, live_url: str) -> None:
    p = visit(page, live_url + "/?area=eppo")
    assert not p.locator(".map-legend-narrow").is_visible()
    rendered = p.locator(".map svg .map-legend text").evaluate_all(
        "els => els.map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)"
    )
    assert len(rendered) == 2 + 5 + 2 * 2
    assert min(rendered) >= 12


def test_wide_tables_scroll_with_a_visible_cue_on_a_phone(phone: Page, live_url: str) -> None:
    p = visit(phone, live_url + "/?area=eppo")
    scroller = p.locator(".table-scroll").filter(has=p.locator("table.grid"))
    overflow = scroller.evaluate("s => s.scrollWidth > s.clientWidth")
    assert overflow is True
    shadow = scroller.evaluate("s => getComputedStyle(s).backgroundImage")
    assert shadow.count("radial-gradient") == 2
    assert p.get_by_text("The table scrolls sideways →").first.is_visible()


def test_map_says_not_assessed_in_words(page: Page, live_url: str) -> None:
    p = visit(page, live_url + "/?area=eppo&as_of=2024-03-01")
    texts = p.locator(".map svg text").evaluate_all("els => els.map(t => t.textContent)")
    assert "n/a" not in " ".join(texts)
    assert texts.count("not assessed") >= 2  # at least one country's plate and the legend
