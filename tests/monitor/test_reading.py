"""Issue 12, the reading: citations name the host asked, downloads carry their citation and open
in Excel, the About page, Kosovo's designation, the two data dates and the evidence events of
the change list and its feed."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from oip.evidence.actions import import_evidence
from oip.monitor import downloads
from oip.monitor.pages import changes as changes_page
from oip.presentation.designation import KOSOVO_NOTE, names_kosovo
from oip.settings import contact_email
from tests.scenario import import_scenario

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at")]

RECORDED = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)
TODAY = dt.datetime(2026, 6, 20, 9, 0, tzinfo=dt.UTC)
BOM = b"\xef\xbb\xbf"
ATOM = "{http://www.w3.org/2005/Atom}"
PAGES = [
    "/",
    "/countries/ME/",
    "/areas/eppo/",
    "/targets/eppo.working-arrangement/",
    "/changes/",
    "/methodology/",
    "/downloads/",
    "/about/",
]


@pytest.fixture
def recorded(db: None, tmp_path: Path) -> Iterator[None]:
    """The scenario, recorded at RECORDED; the test runs on TODAY."""
    with time_machine.travel(RECORDED, tick=False):
        import_scenario(tmp_path)
    with time_machine.travel(TODAY, tick=False):
        yield


def get(client: Client, url: str, status: int = 200, **extra: Any) -> Any:
    response = client.get(url, **extra)
    assert response.status_code == status, response.content[:300]
    return response


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def words(response: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# -- 1. citations and permalinks name the host the request came to ------------------------------


def test_permalink_and_citation_use_the_host_asked_when_no_public_url(
    client: Client, recorded: None, settings: Any
) -> None:
    settings.OIP_PUBLIC_URL_SET = False
    settings.ALLOWED_HOSTS = ["oip.example.org", "localhost"]
    page = get(client, "/changes/?as_of=2025-09-30", HTTP_HOST="oip.example.org:8123")
    assert (
        'class="permalink">http://oip.example.org:8123/changes/?as_of=2025-09-30</a>'
        in page.content.decode()
    )
    # The same URL on another host is another page: the cache is keyed by host.
    other = get(client, "/changes/?as_of=2025-09-30", HTTP_HOST="localhost:9000")
    assert 'class="permalink">http://localhost:9000/changes/?as_of=2025-09-30</a>' in (
        other.content.decode()
    )
    csv = get(client, "/downloads/standings.csv?as_of=2025-09-30", HTTP_HOST="localhost:9000")
    assert csv["X-OIP-Citation"] == (
        "OIP, standings as of 2025-09-30, retrieved 2026-06-20, "
        "http://localhost:9000/downloads/standings.csv?as_of=2025-09-30"
    )
    index = get(client, "/downloads/?as_of=2025-09-30", HTTP_HOST="localhost:9000")
    assert (
        "OIP, evidence as of 2025-09-30, retrieved 2026-06-20, "
        "http://localhost:9000/downloads/evidence.json?as_of=2025-09-30"
    ) in index.content.decode()


def test_a_set_public_url_wins_over_the_host(client: Client, recorded: None, settings: Any) -> None:
    settings.OIP_PUBLIC_URL_SET = True
    settings.OIP_PUBLIC_URL = "https://oip.example.eu"
    settings.ALLOWED_HOSTS = ["localhost"]
    page = get(client, "/about/?as_of=2025-09-30", HTTP_HOST="localhost:9000")
    assert 'class="permalink">https://oip.example.eu/about/?as_of=2025-09-30</a>' in (
        page.content.decode()
    )
    json_file = get(client, "/downloads/catalogue.json", HTTP_HOST="localhost:9000")
    assert json_file.json()["citation"] == (
        "OIP, catalogue 2026.2, retrieved 2026-06-20, "
        "https://oip.example.eu/downloads/catalogue.json?as_of=2026-06-20"
    )


# -- 2. downloads carry their citation and open in Excel ----------------------------------------


@pytest.mark.parametrize("dataset", ["standings", "evidence", "catalogue"])
def test_plain_csv_starts_with_a_byte_order_mark(
    client: Client, recorded: None, dataset: str
) -> None:
    raw = body(get(client, f"/downloads/{dataset}.csv?as_of=2025-09-30"))
    assert raw.startswith(BOM)
    assert raw.count(BOM) == 1
    assert not raw[3:].startswith(BOM)


def test_zip_holds_the_same_csv_and_a_readme_with_the_citation(
    client: Client, recorded: None, settings: Any
) -> None:
    settings.OIP_PUBLIC_URL_SET = True
    settings.OIP_PUBLIC_URL = "https://oip.example.eu"
    plain = body(get(client, "/downloads/standings.csv?as_of=2025-09-30"))
    response = get(client, "/downloads/standings.zip?as_of=2025-09-30")
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        'attachment; filename="oip-standings-2025-09-30.zip"'
    )
    citation = (
        "OIP, standings as of 2025-09-30, retrieved 2026-06-20, "
        "https://oip.example.eu/downloads/standings.zip?as_of=2025-09-30"
    )
    assert response["X-OIP-Citation"] == citation
    archive = zipfile.ZipFile(io.BytesIO(body(response)))
    assert archive.namelist() == ["oip-standings-2025-09-30.csv", "README.txt"]
    assert archive.read("oip-standings-2025-09-30.csv") == plain
    assert archive.read("README.txt").decode("utf-8") == "\r\n".join(
        [
            "Operational Integration Platform (OIP) - data download",
            "",
            "Cite as:",
            citation,
            "",
            "Licence: Creative Commons Attribution 4.0 International (CC BY 4.0), "
            "https://creativecommons.org/licenses/by/4.0/",
            "Reuse the data freely, citing OIP with the line above.",
            "",
            '"Not assessed" (standings: assessed = False, tier empty in the pages) means that no '
            "evidence has been recorded for any benchmark of that area and country by the date: "
            'it is not the same as "not met". No evidence is not evidence of absence.',
            "",
            "The CSV file is UTF-8 with a byte-order mark (Excel opens it as it is), "
            "one header row.",
            "",
            f"* Kosovo: {KOSOVO_NOTE}",
            "",
        ]
    )


def test_evidence_zip_of_another_country_has_no_designation_note(
    client: Client, recorded: None
) -> None:
    response = get(client, "/downloads/evidence.zip?as_of=2025-09-30&country=ME")
    archive = zipfile.ZipFile(io.BytesIO(body(response)))
    readme = archive.read("README.txt").decode("utf-8")
    assert "Kosovo" not in readme
    rows = archive.read("oip-evidence-2025-09-30.csv").decode("utf-8-sig").splitlines()
    assert len(rows) == 1 + 14


@pytest.mark.parametrize(
    ("url", "noted"),
    [
        ("/downloads/standings.json", True),
        ("/downloads/catalogue.json", True),
        ("/downloads/evidence.json", True),
        ("/downloads/evidence.json?country=XK", True),
        ("/downloads/evidence.json?country=ME", False),
    ],
)
def test_json_notes_kosovo_when_it_names_it(
    client: Client, recorded: None, url: str, noted: bool
) -> None:
    payload = get(client, url).json()
    assert payload.get("notes") == ([f"Kosovo: {KOSOVO_NOTE}"] if noted else None)


# -- 3. the About page ---------------------------------------------------------------------------


def test_about_page_shows_the_contact_and_nothing_else_of_the_settings(
    client: Client, recorded: None, settings: Any
) -> None:
    settings.OIP_CONTACT_EMAIL = "corrections@oip.example.eu"
    page = get(client, "/about/").content.decode()
    assert '<a href="mailto:corrections@oip.example.eu">corrections@oip.example.eu</a>' in page
    for secret in (settings.SECRET_KEY, str(settings.DATABASES["default"]["NAME"])):
        assert secret not in page
    assert page.count("mailto:") == 1
    text = words(get(client, "/about/?as_of=2025-01-01"))
    for phrase in (
        "Operational Integration Platform (OIP), the project that publishes this monitor",
        "An Operational Integration Agenda for the Western Balkans to Facilitate "
        "Implementation of the Differentiated Model of Integration , by Ramadan Ilazi and "
        "Jeta Loshaj. Kosovar Centre for Security Studies (KCSS), 14 January 2026",
        "Creative Commons Attribution 4.0 International (CC BY 4.0)",
        "oip evidence review",
        "Append-only.",
    ):
        assert phrase in text


def test_about_page_without_a_contact_says_whom_to_ask(
    client: Client, recorded: None, settings: Any
) -> None:
    settings.OIP_CONTACT_EMAIL = None
    page = get(client, "/about/").content.decode()
    assert "mailto:" not in page
    assert "no corrections address configured" in page


@pytest.mark.parametrize("url", PAGES)
def test_every_page_links_about_and_notes_kosovo(client: Client, recorded: None, url: str) -> None:
    page = get(client, url).content.decode()
    assert '<a href="/about/"' in page
    assert f'id="kosovo-note"><span aria-hidden="true">*</span> Kosovo: {KOSOVO_NOTE}</p>' in page


@pytest.mark.parametrize("value", ["corrections@oip.example.eu", "a.b+c@example.org"])
def test_contact_email_takes_an_address(value: str) -> None:
    assert contact_email("OIP_CONTACT_EMAIL", value) == value
    assert contact_email("OIP_CONTACT_EMAIL", None) is None


@given(st.text(alphabet=st.characters(blacklist_characters="@"), max_size=40))
def test_contact_email_refuses_anything_without_an_at_sign(value: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=r"^OIP_CONTACT_EMAIL must be an e-mail"):
        contact_email("OIP_CONTACT_EMAIL", value)


@given(st.one_of(st.none(), st.text(max_size=4)))
def test_only_all_countries_or_kosovo_name_kosovo(country: str | None) -> None:
    assert names_kosovo(country) is (country in (None, "XK"))


# -- 5. data last updated: two dates --------------------------------------------------------------


def test_footer_tells_recorded_and_observed_apart(client: Client, recorded: None) -> None:
    page = get(client, "/methodology/").content.decode()
    assert (
        'evidence last recorded: <time datetime="2026-06-15T12:00:00+00:00">'
        "15 June 2026, 12:00 UTC</time>"
    ) in page
    assert 'newest fact observed: <time datetime="2025-09-01">1 September 2025</time>' in page


def test_footer_before_any_evidence(client: Client, db: None) -> None:
    page = get(client, "/about/").content.decode()
    assert "evidence last recorded: none yet" in page
    assert "newest fact observed: none yet" in page


# -- 6. the change list: evidence events, filters, the feed's `updated` ----------------------------


def test_changes_page_lists_standing_changes_and_evidence(client: Client, recorded: None) -> None:
    text = words(get(client, "/changes/?as_of=2025-09-30"))
    assert "7 changes of standing up to 30 September 2025 and 14 observations recorded" in text
    assert text.count("+ evidence recorded") == 14
    only = words(get(client, "/changes/?as_of=2025-09-30&kind=evidence&since=2026-06-15"))
    assert "14 observations recorded of facts up to 30 September 2025" in only
    assert "⊘ suspended" not in only
    none = words(get(client, "/changes/?as_of=2025-09-30&kind=evidence&since=2026-06-16"))
    assert "Nothing matches: no change of standing and no evidence recorded" in none
    standing = words(get(client, "/changes/?as_of=2025-06-30&kind=standing"))
    assert "5 changes of standing up to 30 June 2025 Date" in standing
    assert "+ evidence recorded" not in standing


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("kind=rumour", "There is no kind “rumour”: use one of standing, evidence."),
        ("country=FR", "There is no country “FR”."),
        ("area=nowhere", "There is no area “nowhere”."),
    ],
)
def test_changes_bad_filter_is_400_with_the_reason(
    client: Client, recorded: None, query: str, reason: str
) -> None:
    assert reason in get(client, f"/changes/?{query}", status=400).content.decode()
    feed = get(client, f"/changes/feed.atom?{query}", status=400)
    assert feed.content.decode() == reason


def test_feed_lists_evidence_and_is_updated_at_the_last_change(
    client: Client, recorded: None
) -> None:
    feed = ET.fromstring(get(client, "/changes/feed.atom?as_of=2025-09-30").content)
    # The newest event is the recording of the evidence (15 June 2026), not the request time.
    assert feed.findtext(f"{ATOM}updated") == "2026-06-15T12:00:00+00:00"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 7 + 14
    kinds = [e.findtext(f"{ATOM}id", "").split(":")[2].split("/")[0] for e in entries]
    assert kinds[:14] == ["evidence"] * 14
    first = entries[0]
    assert first.findtext(f"{ATOM}title") == "Montenegro, EPPO: evidence recorded (not met)"
    link = first.find(f"{ATOM}link")
    assert link is not None
    assert link.get("href", "").endswith("/targets/eppo.case-coordination/?as_of=2025-09-01")
    standing = ET.fromstring(
        get(client, "/changes/feed.atom?as_of=2025-09-30&kind=standing").content
    )
    assert standing.findtext(f"{ATOM}updated") == "2025-09-01T00:00:00+00:00"


def test_empty_feed_is_updated_at_the_earliest_date_not_now(client: Client, recorded: None) -> None:
    feed = ET.fromstring(get(client, "/changes/feed.atom?country=AL").content)
    assert feed.findall(f"{ATOM}entry") == []
    assert feed.findtext(f"{ATOM}updated") == "2000-01-01T00:00:00+00:00"


EVENT = st.builds(
    changes_page.Recorded,
    id=st.integers(1, 10_000),
    country=st.sampled_from(["AL", "ME", "XK"]),
    benchmark=st.just("eppo.working-arrangement.signed"),
    status=st.sampled_from(["met", "partial", "not_met", "not_applicable"]),
    observed_on=st.dates(dt.date(2024, 1, 1), dt.date(2025, 9, 30)),
    recorded_at=st.datetimes(
        dt.datetime(2024, 1, 1), dt.datetime(2026, 1, 1), timezones=st.just(dt.UTC)
    ),
)


@given(st.lists(EVENT, max_size=30), st.integers(0, 40))
def test_merged_events_are_newest_day_first_and_lose_nothing(
    catalogue: Any, scenario_evaluation: Any, rows: list[changes_page.Recorded], limit: int
) -> None:
    rows.sort(key=lambda r: r.recorded_at, reverse=True)
    page = changes_page.build(catalogue, scenario_evaluation, dt.date(2025, 9, 30), recorded=rows)
    days = [(e.on, e.category == "standing") for e in page.events]
    assert days == sorted(days, reverse=True)
    assert (page.standing_count, page.evidence_count) == (7, len(rows))
    assert [e.evidence.observation for e in page.events if e.evidence] == [r.id for r in rows]
    limited = changes_page.build(
        catalogue, scenario_evaluation, dt.date(2025, 9, 30), recorded=rows, limit=limit
    )
    assert limited.events == page.events[:limit]


def test_json_download_lists_kosovo_note_once(client: Client, recorded: None) -> None:
    raw = get(client, "/downloads/standings.json").content.decode()
    assert json.loads(raw)["notes"] == [f"Kosovo: {KOSOVO_NOTE}"]
    assert raw.count(KOSOVO_NOTE) == 1


CYRILLIC = "Годишњи извештај о сарадњи"


def test_cyrillic_titles_survive_the_csv_and_the_zip(
    client: Client, recorded: None, tmp_path: Path
) -> None:
    path = tmp_path / "rs.yaml"
    path.write_text(
        "observations:\n"
        "  - {country: RS, benchmark: eppo.working-arrangement.signed, status: met, "
        "observed_on: 2025-03-01, source: {url: 'https://example.org/rs', "
        f"title: '{CYRILLIC}', publisher: Тужилаштво, published_on: 2025-03-02}}}}\n",
        encoding="utf-8",
    )
    import_evidence([path], recorded_by="test")
    raw = body(get(client, "/downloads/evidence.csv?as_of=2025-09-30&country=RS"))
    assert raw.startswith(BOM)
    lines = raw.decode("utf-8-sig").splitlines()
    assert len(lines) == 2
    assert f",{CYRILLIC},Тужилаштво,2025-03-02," in lines[1]
    zipped = get(client, "/downloads/evidence.zip?as_of=2025-09-30&country=RS")
    inner = zipfile.ZipFile(io.BytesIO(body(zipped))).read("oip-evidence-2025-09-30.csv")
    assert inner == raw


@given(st.lists(st.text(max_size=200), max_size=12), st.text(max_size=100))
def test_a_streamed_zip_holds_exactly_the_chunks_and_the_readme(
    chunks: list[str], readme: str
) -> None:
    raw = b"".join(downloads.zipped("data.csv", iter(chunks), readme))
    archive = zipfile.ZipFile(io.BytesIO(raw))
    assert archive.namelist() == ["data.csv", "README.txt"]
    assert archive.read("data.csv") == ("\ufeff" + "".join(chunks)).encode("utf-8")
    assert archive.read("README.txt") == readme.encode("utf-8")
    assert archive.testzip() is None
