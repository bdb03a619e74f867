"""Reports rendered from the baseline evidence plus the EPPO scenario for Montenegro.

The baseline alone changes no standing, so the scenario (tests/scenario.py) supplies the
changes: put on notice 2025-01-09, fell 2025-04-09, ... suspended 2025-09-01.

Every PDF is rendered once per module inside a transaction that is rolled back at the end, so
the append-only evidence loaded here never leaks into other tests. Text is read back from the
PDFs with `pdftotext`, as a reader (or a search engine) would see it.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client

from oip.evidence.baseline import load_baseline
from oip.evidence.models import ContextNote, Observation
from oip.reports.build import Report, country_report, region_report
from oip.reports.render import render_html, render_pdf
from oip.standings import evaluation as fetch
from tests.scenario import import_scenario

pytestmark = [
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext"),
    pytest.mark.django_db,  # also makes pytest-django create the test database for the module
]

AS_OF = dt.date(2026, 11, 21)
PAST = dt.date(2025, 5, 1)  # the scenario's EPPO standing was put on notice, then fell
COUNTRY = "ME"
NAMES = [
    "Albania",
    "Bosnia and Herzegovina",
    "Kosovo",
    "Montenegro",
    "North Macedonia",
    "Serbia",
]


class _Rollback(Exception):
    pass


def _load_evidence(tmp: Path) -> None:
    """Load the shipped baseline, then the EPPO scenario for Montenegro."""
    load_baseline(today=AS_OF)
    import_scenario(tmp)


# The A4 page body in points, inside the 20 mm top and bottom margins (print.css `@page`).
BODY_CROP = ["-x", "0", "-y", "57", "-W", "595", "-H", "728"]


def pdf_text(pdf: bytes, tmp: Path, name: str, crop: list[str] | None = None) -> str:
    """Return the PDF's text with whitespace collapsed (lines joined by single spaces);
    with `crop` (pdftotext's -x/-y/-W/-H), only the text inside that area of each page."""
    path = tmp / f"{name}.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext", *(crop or []), str(path), "-"]
    out = subprocess.run(args, check=True, capture_output=True)
    return " ".join(out.stdout.decode("utf-8").split())


def _later_only_titles(as_of: dt.date) -> set[str]:
    """Titles of sources cited only by evidence observed (or noted) after `as_of`."""
    later = {o.source.title for o in Observation.objects.filter(observed_on__gt=as_of)}
    later |= {n.source.title for n in ContextNote.objects.filter(noted_on__gt=as_of)}
    earlier = {o.source.title for o in Observation.objects.filter(observed_on__lte=as_of)}
    earlier |= {
        n.source.title for n in ContextNote.objects.exclude(noted_on__gt=as_of).select_related()
    }
    return later - earlier


@pytest.fixture(scope="module")
def rendered(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("reports")
    out: dict[str, Any] = {"tmp": tmp}
    with django_db_blocker.unblock():
        cache.clear()
        fetch.clear_cache()
        try:
            with transaction.atomic():
                _load_evidence(tmp)
                out["later_titles"] = _later_only_titles(PAST)
                reports: dict[str, Report] = {
                    "country": country_report(COUNTRY, AS_OF, None),
                    "region": region_report(AS_OF, None),
                    "country_past": country_report(COUNTRY, PAST, None),
                    "region_past": region_report(PAST, None),
                }
                out["reports"] = reports
                for name in ("country", "region", "country_past"):
                    pdf = render_pdf(reports[name])
                    out[name] = pdf_text(pdf, tmp, name)
                    # Without the running header, which a heading at the top of a page
                    # would otherwise be read together with.
                    out[f"{name}_body"] = pdf_text(pdf, tmp, name, BODY_CROP)
                out["region_past_html"] = render_html(reports["region_past"])
                client = Client()
                out["view_pdf"] = client.get(f"/reports/country/me.pdf?as_of={PAST}")
                out["view_html"] = client.get(f"/reports/region.html?as_of={PAST}")
                out["view_bad_date"] = client.get("/reports/region.pdf?as_of=21-11-2026")
                out["view_unknown"] = client.get("/reports/country/QQ.pdf")
                out["view_post"] = client.post("/reports/region.pdf")
                html_file = tmp / "me.html"
                call_command("report", "country", "me", "--as-of", str(PAST), "-o", str(html_file))
                out["command_html"] = html_file.read_text(encoding="utf-8")
                with pytest.raises(CommandError) as unknown:
                    call_command("report", "country", "QQ", "-o", str(tmp / "x.pdf"))
                out["command_unknown"] = str(unknown.value)
                raise _Rollback
        except _Rollback:
            pass
        finally:
            cache.clear()
            fetch.clear_cache()
    return out


def test_region_report_names_the_six_countries(rendered: dict[str, Any]) -> None:
    for name in NAMES:
        assert name in rendered["region"]


def test_country_report_shows_each_areas_tier_or_not_assessed(rendered: dict[str, Any]) -> None:
    summary = rendered["reports"]["country"].data["summary"]
    shown = [(a.area_title, a.mark, a.words) for a in summary]
    assert shown == [
        ("Cybersecurity", "0", "no tier yet"),
        ("Investment Security/FDI", "0", "no tier yet"),
        ("Rule of law and fundamental rights (FRA)", "0", "no tier yet"),
        ("European Public Prosecutor's Office (EPPO)", "0", "no tier yet"),
        ("Eurojust", "0", "no tier yet"),
        ("Media and Foreign Information Manipulation and Interference (FIMI)", "?", "not assessed"),
        ("Security", "0", "no tier yet"),
        ("Public Administration", "?", "not assessed"),
        (
            "Financial integrity (anti-money laundering, asset recovery, customs risk management)",
            "?",
            "not assessed",
        ),
    ]
    for title, mark, words in shown:
        # pdftotext may read the standing line ("No tier yet.") between the heading's tier
        # mark and its words: it lays the two apart like columns
        heading = rf"{re.escape(title)}: {re.escape(mark)} (?:No tier yet\. )?{re.escape(words)}"
        assert re.search(heading, rendered["country_body"]), title
    assert (
        "Public Administration: ? not assessed Not assessed: no evidence recorded in this area"
        in (rendered["country_body"])
    )


def test_reports_carry_date_catalogue_citation_and_permalink(rendered: dict[str, Any]) -> None:
    for name in ("country", "region"):
        report: Report = rendered["reports"][name]
        text = rendered[name]
        assert f"Data as of {AS_OF:%-d %B %Y} ({AS_OF})" in text
        assert f"version {report.catalogue_version}" in text
        assert report.citation in text
        assert report.permalink in text
        assert "Page 1 of" in text
        assert "Contents" in text
    assert rendered["reports"]["country"].permalink.endswith(f"/countries/ME/?as_of={AS_OF}")
    assert rendered["reports"]["region"].permalink.endswith(f"/?as_of={AS_OF}")


def test_every_reference_is_listed_with_its_date(rendered: dict[str, Any]) -> None:
    for name in ("country", "region"):
        report: Report = rendered["reports"][name]
        text = rendered[name]
        assert "References" in text
        assert [r.number for r in report.references] == list(range(1, len(report.references) + 1))
        for ref in report.references:
            assert f"[{ref.number}]" in text
            assert f"“{' '.join(ref.title.split())}”. {ref.published_on}." in text


def test_past_report_shows_no_later_evidence(rendered: dict[str, Any]) -> None:
    later = rendered["later_titles"]
    assert len(later) == 14
    assert "Montenegro joins European Cyber Security Organization" in later
    text = rendered["country_past"]
    for title in later:
        assert " ".join(title.split()) not in text
    for html in (rendered["region_past_html"], rendered["command_html"]):
        for title in later:
            assert title not in html
    observed = sorted(set(re.findall(r"observed (\d{4}-\d\d-\d\d)", text)))
    # what is in place is listed too (met benchmarks of targets not yet achieved), all by PAST
    assert observed == [
        "2012-04-04",
        "2013-02-25",
        "2018-06-13",
        "2020-10-19",
        "2024-01-10",
        "2024-03-01",
        "2024-07-24",
    ]
    assert max(observed) <= PAST.isoformat()


def test_past_reports_cite_exactly_their_sources_undated_as_nd(rendered: dict[str, Any]) -> None:
    country = rendered["reports"]["country_past"]
    assert [(r.number, r.title, r.published_on) for r in country.references] == [
        (1, "Nacionalni CIRT Crne Gore postao punopravni član FIRST-a", "2013-02-25"),
        (
            2,
            "What are the findings of the Commission's first Rule of Law Reports on the "
            "Western Balkan countries?",
            "2024-07-24",
        ),
        (3, "EPPO annual report", "2025-10-01"),
        (4, "Eurojust and Montenegro enhance cooperation in the Western Balkans", "2018-06-13"),
        (5, "WB PaCT: Western Balkans Partnership against Crime and Terrorism", "n.d."),
        (6, "PCC SEE Secretariat news: CEPOL cooperation agreements", "2012-04-04"),
        (
            7,
            "Sporazum o operativnoj i strateškoj saradnji između Crne Gore i Evropske "
            "policijske kancelarije",
            "n.d.",
        ),
        (
            8,
            "Roundtable: Western Balkans Growth Plan - navigating digital integration with the EU",
            "2024-09-18",
        ),
        (
            9,
            "KCSS has published a policy brief examining how to integrate the Western Balkans "
            "into the EU's cybersecurity mechanisms and policies",
            "2024-09-24",
        ),
        (
            10,
            "European Commission approves Reform Agendas of five Western Balkan countries",
            "2024-10-23",
        ),
        (11, "Zakon o informacionoj bezbjednosti", "2024-11-25"),
        (12, "New report: strengthening the rule of law in the Western Balkans", "2025-02-28"),
    ]
    region = rendered["reports"]["region_past"]
    # met benchmarks are cited where they are in place, so more sources than the grid's alone
    assert [r.published_on for r in region.references] == [
        "n.d.",
        "2024-07-24",
        "2020-12-01",
        "2023-07-04",
        "n.d.",
        "n.d.",
        "2025-02-28",
        "n.d.",
        "2025-05-07",
        "2019-11-11",
        "n.d.",
        "2013-02-25",
        "2025-10-01",
        "2018-06-13",
        "2012-04-04",
        "2024-12-16",
        "2020-12-01",
        "2019-12-20",
        "2020-02-21",
        "2024-11-15",
        "2026-03-06",
        "n.d.",
        "2024-09-18",
        "2024-09-24",
    ]
    text = rendered["country_past"]
    assert "“WB PaCT: Western Balkans Partnership against Crime and Terrorism”. n.d." in text


def test_past_reports_list_exactly_the_changes_since_a_year_earlier(
    rendered: dict[str, Any],
) -> None:
    expected = [
        ("2025-01-09", "ME", "eppo", "put on notice", 2, 2, ("eppo.contact-points.reachable",)),
        ("2025-04-09", "ME", "eppo", "fell", 2, 0, ("eppo.contact-points.reachable",)),
    ]
    for name in ("country_past", "region_past"):
        report: Report = rendered["reports"][name]
        assert report.since == dt.date(2024, 5, 1)
        causes = [tuple(e.benchmark for e in c.causes) for c in report.data["changes"]]
        rows = [
            (c.on, c.country, c.area, c.kind_label, c.tier_before, c.tier_after, because)
            for c, because in zip(report.data["changes"], causes, strict=True)
        ]
        assert rows == expected
        # The lapsed contact-point test is expired (needs renewing), never "not met".
        assert [e.status_label for c in report.data["changes"] for e in c.causes] == [
            "expired (needs renewing)",
            "expired (needs renewing)",
        ]
    text = rendered["country_past"]
    report = rendered["reports"]["country_past"]
    assert [(c.tier_before_words, c.tier_after_words) for c in report.data["changes"]] == [
        ("tier 2 · structural", "tier 2 · structural"),
        ("tier 2 · structural", "no tier yet"),
    ]
    assert (
        "2025-04-09 European Public Prosecutor's Office (EPPO) fell tier 2 · structural → "
        "no tier yet"
    ) in text


def test_reports_use_the_one_wording_of_the_labels(rendered: dict[str, Any]) -> None:
    region: Report = rendered["reports"]["region"]
    assert {b["who"] for b in region.data["blockers"]} == {
        "the EU",
        "the EU and the country together",
    }
    assert region.data["status_legend"] == "⚠ on notice, ⊘ suspended"
    assert "⊘ suspended" in rendered["region"]
    assert "⚠ on notice, ⊘ suspended." in rendered["region"]
    assert (
        "Tiers: ? not assessed, 0 no tier yet, 1 incremental, 2 structural, 3 transformational."
    ) in rendered["region"]
    country: Report = rendered["reports"]["country"]
    eppo = next(a for a in country.data["summary"] if a.area == "eppo")
    assert (eppo.status, eppo.status_label, eppo.status_mark) == ("suspended", "suspended", "⊘")
    assert eppo.missing_words == "1 benchmark: 1 for the EU and Montenegro together"
    assert (
        "1 incremental — 1 benchmark: 1 for the EU and Montenegro together" in rendered["country"]
    )


def test_report_download_is_a_dated_pdf(rendered: dict[str, Any]) -> None:
    response = rendered["view_pdf"]
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="oip-me-{PAST}.pdf"'
    assert response.content.startswith(b"%PDF-")
    html = rendered["view_html"]
    assert html.status_code == 200
    assert html["Content-Type"] == "text/html; charset=utf-8"
    assert html["Content-Disposition"] == f'attachment; filename="oip-region-{PAST}.html"'


def test_report_download_refuses_bad_requests(rendered: dict[str, Any]) -> None:
    assert rendered["view_bad_date"].status_code == 400
    assert rendered["view_unknown"].status_code == 404
    assert rendered["view_post"].status_code == 405


def test_command_reports_unknown_country(rendered: dict[str, Any]) -> None:
    assert rendered["command_unknown"] == "unknown country: QQ"


def test_command_refuses_unknown_extension(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"unknown output format '\.docx': use \.pdf or \.html"):
        call_command("report", "region", "-o", str(tmp_path / "report.docx"))


def test_command_refuses_bad_date(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="not a date"):
        call_command("report", "region", "--as-of", "2026-13-01", "-o", str(tmp_path / "r.pdf"))


def test_command_refuses_a_future_date(tmp_path: Path) -> None:
    output = str(tmp_path / "r.html")
    with (
        time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC), tick=False),
        pytest.raises(CommandError, match="2026-06-02 is in the future"),
    ):
        call_command("report", "region", "--as-of", "2026-06-02", "-o", output)


def test_command_reports_as_of_the_clocks_today_by_default(tmp_path: Path) -> None:
    out = tmp_path / "me.html"
    with time_machine.travel(dt.datetime(2026, 6, 1, 23, 30, tzinfo=dt.UTC), tick=False):
        call_command("report", "country", "ME", "-o", str(out), stdout=(buffer := StringIO()))
    assert buffer.getvalue() == (
        f"wrote {out} (Montenegro: operational integration with the EU, as of 2026-06-01)\n"
    )
    assert '<meta name="dcterms.date" content="2026-06-01">' in out.read_text(encoding="utf-8")


def test_html_report_loads_nothing_from_outside(rendered: dict[str, Any]) -> None:
    html = rendered["region_past_html"]
    assert "<script" not in html
    assert not re.search(r"""\ssrc=["']https?://""", html)
    assert "@import" not in html
