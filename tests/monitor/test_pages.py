"""Every public page renders, says what date it shows, and tells the scenario's story right."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from oip.evidence.actions import record_observation
from oip.evidence.records import SourceRecord

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at")]

PAGES = [
    "/",
    "/?area=eppo",
    "/countries/ME/",
    "/areas/eppo/",
    "/targets/eppo.working-arrangement/",
    "/changes/",
    "/changes/?country=ME&area=eppo&since=2024-01-01",
    "/methodology/",
    "/downloads/",
]


def html(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


def text(page: str) -> str:
    """The visible text of a page, whitespace collapsed (tags removed)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


@pytest.mark.parametrize("url", PAGES)
def test_page_renders_with_as_of_and_last_updated(client: Client, scenario: None, url: str) -> None:
    page = html(client, url + ("&" if "?" in url else "?") + "as_of=2025-02-01")
    words = text(page)
    assert "As of" in words
    assert "1 February 2025" in words
    assert "Data last updated" in words
    assert 'name="as_of"' in page
    assert 'type="date"' in page
    assert 'value="2025-02-01"' in page


@pytest.mark.parametrize("url", PAGES)
def test_page_has_no_inline_script_or_style(client: Client, scenario: None, url: str) -> None:
    page = html(client, url)
    assert "<script" not in page
    assert "<style" not in page
    assert not re.search(r"\sstyle\s*=", page)
    assert "Content-Security-Policy" in client.get(url).headers


class _Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.tables = 0
        self.captions = 0
        self.th_without_scope = 0
        self.scrollers_without_focus = 0
        self.scrollers_without_label = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append(tag)
        self.tables += tag == "table"
        self.captions += tag == "caption"
        self.th_without_scope += tag == "th" and "scope" not in a
        if "table-scroll" in (a.get("class") or ""):
            self.scrollers_without_focus += a.get("tabindex") != "0"
            self.scrollers_without_label += "aria-labelledby" not in a and "aria-label" not in a


@pytest.mark.parametrize("url", PAGES)
def test_page_is_semantic_html(client: Client, scenario: None, url: str) -> None:
    parsed = _Structure()
    parsed.feed(html(client, url))
    for landmark in ("header", "nav", "main", "footer"):
        assert landmark in parsed.tags
    assert parsed.tables == parsed.captions
    assert parsed.th_without_scope == 0
    assert parsed.scrollers_without_focus == 0
    assert parsed.scrollers_without_label == 0


def test_skip_link_leads_to_main(client: Client, scenario: None) -> None:
    page = html(client, "/")
    assert '<a class="skip-link" href="#main">Skip to content</a>' in page
    assert '<main id="main"' in page


def test_overview_grid_tells_not_assessed_from_no_tier(client: Client, scenario: None) -> None:
    before = text(html(client, "/?as_of=2024-01-09"))
    assert "Montenegro, EPPO: not assessed" in html(client, "/?as_of=2024-01-09")
    grid = before.split("Every country in every area")[1].split(
        "not assessed: no evidence recorded"
    )[0]
    assert "no tier yet" not in grid
    fallen = html(client, "/?as_of=2025-04-09")
    assert "Montenegro, EPPO: tier 0 no tier yet" in fallen
    assert "Albania, EPPO: not assessed" in fallen


@pytest.mark.parametrize(
    ("as_of", "label"),
    [
        ("2024-01-10", "Montenegro, EPPO: tier 1 incremental, score 30, 3/13 assessed"),
        ("2024-03-01", "Montenegro, EPPO: tier 2 structural, score 60, 6/13 assessed"),
        ("2025-02-01", "Montenegro, EPPO: tier 2 structural, on notice, score 50, 6/13 assessed"),
        ("2025-07-01", "Montenegro, EPPO: tier 3 transformational, score 91.7, 11/13 assessed"),
        (
            "2025-09-01",
            "Montenegro, EPPO: tier 2 structural, suspended, score 83.3, 11/13 assessed",
        ),
    ],
)
def test_date_control_changes_the_grid(
    client: Client, scenario: None, as_of: str, label: str
) -> None:
    found = re.search(r'aria-label="(Montenegro, EPPO: [^"]*)"', html(client, f"/?as_of={as_of}"))
    assert found is not None
    assert found.group(1) == label


def test_overview_map_follows_the_area(client: Client, scenario: None) -> None:
    page = html(client, "/?area=eppo&as_of=2024-03-01")
    assert "Map: European Public Prosecutor" in page
    assert "Montenegro: tier 2 structural" in page  # the map's own title for the country
    assert '<option value="eppo" selected>' in page


def test_overview_shows_two_speeds_and_latest_changes(client: Client, scenario: None) -> None:
    words = text(html(client, "/?as_of=2024-03-01"))
    panel = words.split("Is the region drifting into two speeds?")[1].split("Latest changes")[0]
    # Only ME has evidence: the five others are not assessed and enter no mean or spread;
    # one of six is too little to judge, so the panel says so rather than "steady".
    assert (
        "EPPO 1 of 6 2.0 0 60.0 0.0 too little assessed to judge too little assessed to judge"
        in panel
    )
    assert "Cybersecurity 0 of 6 — — — — too little assessed to judge" in panel
    assert "steady" not in panel
    changes = words.split("Latest changes")[1].split("2027 milestones")[0]
    assert (
        "1 Mar 2024 ▲ advanced : Montenegro , EPPO — tier 1 · incremental → tier 2 · structural"
        in changes
    )


def test_overview_shows_milestone_progress(client: Client, scenario: None) -> None:
    page = html(client, "/?as_of=2024-03-01")
    words = text(page)
    assert "Missing working arrangements with EPPO concluded" in words
    assert "1 of 6 countries: Montenegro." in words
    assert '<meter min="0" max="6" value="1"' in page


def test_country_page_explains_tier_missing_and_who_must_act(
    client: Client, scenario: None
) -> None:
    words = text(html(client, "/countries/ME/?as_of=2024-01-10"))
    eppo = words.split("Office (EPPO)")[1]
    assert "tier 1, incremental" in eppo.split("Missing for")[0]
    missing = eppo.split("Missing for tier 2 · structural")[1]
    assert "? not assessed" in missing
    assert "the EU and Montenegro together" in missing or "the EU" in missing


def test_country_page_on_notice_and_suspended(client: Client, scenario: None) -> None:
    notice = text(html(client, "/countries/ME/?as_of=2025-02-01"))
    assert "Unless remedied, the tier falls on 9 April 2025" in notice
    suspended = text(html(client, "/countries/ME/?as_of=2025-09-01"))
    assert "Suspended: an integrity benchmark is no longer met" in suspended


def test_country_page_lists_evidence_with_sources(client: Client, scenario: None) -> None:
    page = html(client, "/countries/ME/?as_of=2024-03-01")
    assert "6 observations up to 1 March 2024" in text(page)
    assert 'href="https://example.org/eppo"' in page
    assert "EPPO annual report" in page


def test_country_page_shows_timeline_chart_with_downloads(client: Client, scenario: None) -> None:
    page = html(client, "/countries/ME/?as_of=2025-09-01")
    assert "<svg" in page
    for fmt in ("svg", "png", "csv"):
        assert f'href="/countries/ME/timeline.{fmt}?as_of=2025-09-01"' in page


def test_area_page_shows_targets_gaps_blockers(client: Client, scenario: None) -> None:
    words = text(html(client, "/areas/eppo/?as_of=2024-03-01"))
    assert "Targets by tier" in words
    assert "Uniformity gaps: who is left out" in words
    assert "left out:" in words  # ME achieved EPPO targets the others have not
    assert "Held back on the EU side" in words
    assert "Spread: 0 (mean tier 2.0)" in words  # over the assessed countries: ME alone


def test_target_page_shows_each_country_with_source(client: Client, scenario: None) -> None:
    page = html(client, "/targets/eppo.working-arrangement/?as_of=2024-01-10")
    words = text(page)
    assert "Montenegro ✓ achieved" in words
    assert "Albania ? not assessed" in words
    assert 'href="https://example.org/eppo"' in page


def test_changes_page_lists_changes_with_cause(client: Client, scenario: None) -> None:
    words = text(html(client, "/changes/?as_of=2025-09-30"))
    assert "7 changes of standing up to 30 September 2025" in words
    assert "⊘ suspended" in words


def test_methodology_is_generated_from_the_catalogue(client: Client, scenario: None) -> None:
    words = text(html(client, "/methodology/"))
    for phrase in (
        "Not assessed is not “not met”",
        "on notice",
        "grace period",
        "Suspension",
        "quorum",
        "incremental",
        "track record",
        "catalogue in use (version 2026.2",
    ):
        assert phrase in words


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/?as_of=2025-13-01", 400, "is not a date"),
        ("/?as_of=yesterday", 400, "is not a date"),
        ("/countries/ME/?as_of=2999-01-01", 400, "is in the future"),
        ("/countries/XX/", 404, "There is no country “XX”"),
        ("/areas/nowhere/", 404, "There is no area “nowhere”"),
        ("/targets/nothing/", 404, "There is no target “nothing”"),
        ("/?area=nowhere", 404, "There is no area “nowhere”"),
        ("/changes/?country=XX", 400, "There is no country “XX”"),
    ],
)
def test_bad_requests_get_a_clear_page(
    client: Client, scenario: None, url: str, status: int, message: str
) -> None:
    page = html(client, url, status)
    assert message in page
    assert '<main id="main"' in page


def test_lower_case_country_code_redirects(client: Client, scenario: None) -> None:
    response = client.get("/countries/me/?as_of=2024-03-01")
    assert response.status_code == 302
    assert response["Location"] == "/countries/ME/?as_of=2024-03-01"


def test_links_carry_the_date(client: Client, scenario: None) -> None:
    page = html(client, "/?as_of=2024-03-01")
    assert 'href="/countries/ME/?as_of=2024-03-01#area-eppo"' in page
    assert 'href="/areas/eppo/?as_of=2024-03-01"' in page
    assert 'href="/changes/?as_of=2024-03-01"' in page


def test_permalink_is_absolute_and_explicit(
    client: Client, scenario: None, settings: object
) -> None:
    page = html(client, "/countries/ME/")
    assert re.search(
        r'class="permalink">http://[^<]+/countries/ME/\?as_of=\d{4}-\d{2}-\d{2}<', page
    )


def test_overview_cache_follows_every_import(
    client: Client, scenario: None, tmp_path: object
) -> None:
    from pathlib import Path

    from oip.evidence.actions import import_evidence

    assert 'aria-label="Albania, EPPO: not assessed"' in html(client, "/?as_of=2025-01-01")
    path = Path(str(tmp_path)) / "al.yaml"
    path.write_text(
        "observations:\n  - {country: AL, benchmark: eppo.working-arrangement.signed, status: not_met,"
        " observed_on: 2024-06-01, source: {url: 'https://example.org/al', title: AL report,"
        " publisher: EPPO, published_on: 2024-06-02}}\n",
        encoding="utf-8",
    )
    import_evidence([path], recorded_by="test")
    assert 'aria-label="Albania, EPPO: tier 0 no tier yet, score 0, 1/13 assessed"' in html(
        client, "/?as_of=2025-01-01"
    )


def test_country_without_evidence_on_29_february(client: Client, scenario: None) -> None:
    words = text(html(client, "/countries/AL/?as_of=2024-02-29"))
    assert "0 observations up to 29 February 2024" in words


@pytest.mark.parametrize("since", ["20240101", "2024-W01-1", "yesterday"])
def test_changes_since_follows_the_one_date_form(
    client: Client, scenario: None, since: str
) -> None:
    page = html(client, f"/changes/?since={since}", 400)
    assert f"since “{since}” is not a date: use the form YYYY-MM-DD" in page


def test_country_page_shows_score_beside_tier_and_progress_within_next_tier(
    client: Client, scenario: None
) -> None:
    words = text(html(client, "/countries/ME/?as_of=2025-02-01"))
    table = words.split("Tier per area")[1].split("? not assessed: no evidence recorded")[0]
    assert (
        "EPPO 2 tier 2, structural ⚠ on notice 50 of 100 · 6 of 13 assessed +20 in 12 months"
        " 6 of 13 5 benchmarks"
    ) in table
    # a not-assessed area shows no score number, only the words
    assert "Cybersecurity ? not assessed — not assessed: no score 0 of 36" in table
    eppo = words.split("Office (EPPO)")[1]
    assert (
        "· score 50 of 100 · 6 of 13 assessed · +20 in 12 months"
        " Progress within the next tier: tier 3: 0 of 2 targets achieved."
    ) in eppo
    # the lapsed reachability test reads as expired, never as not met
    assert "⌛ expired (needs renewing)" in eppo
    assert "not met" not in eppo.split("Missing for")[1].split("not assessed")[0]
    cyber = words.split("Cybersecurity ? not assessed · ")[1]
    assert cyber.startswith("0 of 36 benchmarks with evidence No evidence recorded")
    # only the one assessed area shows progress within its next tier
    assert words.count("Progress within the next tier") == 1


def test_overview_opens_with_what_we_know(client: Client, scenario: None) -> None:
    words = text(html(client, "/?as_of=2024-03-01"))
    strip = words.split("What we know, as of 1 March 2024")[1].split("Map:")[0]
    assert "EPPO concludes working arrangements with all WB6 prosecution services : 1 of 6" in strip
    assert "Eurojust Cooperation agreements with all WB6 (including Kosovo) : 0 of 6" in strip
    assert "Latest evidence: observed 1 March 2024 ." in strip
    assert "Widest gaps (score spread): none yet: too few assessed side by side." in strip
    assert "Doors still closed on the EU side: 0 ." in strip
    assert words.index("What we know") < words.index("Every country in every area")


def test_evidence_measured_by_the_exchange_carries_its_mark(client: Client, scenario: None) -> None:
    """A measured source reads "measured by the liaison exchange" wherever it is cited; public
    sources never do."""
    mark = "measured by the liaison exchange</span>"
    assert mark not in html(client, "/countries/ME/?as_of=2026-01-10")
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
    page = html(client, "/countries/ME/?as_of=2026-01-10")
    assert page.count(mark) == 2  # in "what is in place" and in the evidence table
    assert "Reachability test of the ME EPPO contact point" in page
    target = html(client, "/targets/eppo.contact-points/?as_of=2026-01-10")
    assert target.count(mark) == 1
