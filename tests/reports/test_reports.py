"""Reports rendered from the baseline evidence (or the EPPO scenario where no baseline ships).

Every PDF is rendered once per module inside a transaction that is rolled back at the end, so
the append-only evidence loaded here never leaks into other tests. Text is read back from the
PDFs with `pdftotext`, as a reader (or a search engine) would see it.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client

from oip.catalogue.fetch import current_catalogue
from oip.evidence.models import ContextNote, Observation
from oip.reports.build import Report, country_report, region_report
from oip.reports.render import render_html, render_pdf
from oip.standings import evaluation as fetch

pytestmark = [
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext"),
    pytest.mark.django_db,  # also makes pytest-django create the test database for the module
]

AS_OF = dt.date(2026, 11, 21)
PAST = dt.date(2023, 1, 1)
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


def _load_evidence(tmp: Path) -> str:
    """Load the shipped baseline if this build has one, else the EPPO scenario."""
    try:
        from oip.evidence.baseline import load_baseline
    except ImportError:
        from tests.scenario import import_scenario

        import_scenario(tmp)
        return "scenario"
    load_baseline(today=AS_OF)
    return "baseline"


def pdf_text(pdf: bytes, tmp: Path, name: str) -> str:
    """Return the PDF's text with whitespace collapsed (lines joined by single spaces)."""
    path = tmp / f"{name}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True)
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
                out["source"] = _load_evidence(tmp)
                catalogue = current_catalogue()
                engine = fetch.evaluation()
                out["expected"] = {
                    (s.area, catalogue.area(s.area).title): (s.tier, catalogue.tier_name(s.tier))
                    for s in engine.standings(AS_OF, countries=[COUNTRY])
                }
                out["later_titles"] = _later_only_titles(PAST)
                reports: dict[str, Report] = {
                    "country": country_report(COUNTRY, AS_OF, None),
                    "region": region_report(AS_OF, None),
                    "country_past": country_report(COUNTRY, PAST, None),
                    "region_past": region_report(PAST, None),
                }
                out["reports"] = reports
                for name in ("country", "region", "country_past"):
                    out[name] = pdf_text(render_pdf(reports[name]), tmp, name)
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


def test_country_report_shows_each_areas_tier(rendered: dict[str, Any]) -> None:
    for (_, title), (tier, tier_name) in rendered["expected"].items():
        assert f"{title}: {tier} {tier_name}" in rendered["country"]


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
    text = rendered["country_past"]
    for title in rendered["later_titles"]:
        assert " ".join(title.split()) not in text
    for html in (rendered["region_past_html"], rendered["command_html"]):
        for title in rendered["later_titles"]:
            assert title not in html
    observed = [dt.date.fromisoformat(d) for d in re.findall(r"observed (\d{4}-\d\d-\d\d)", text)]
    assert [d for d in observed if d > PAST] == []
    for report in (rendered["reports"]["country_past"], rendered["reports"]["region_past"]):
        assert all(r.published_on != "" for r in report.references)
        for change in report.data["changes"]:
            assert dt.date.fromisoformat(change.on) <= PAST


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


def test_html_report_loads_nothing_from_outside(rendered: dict[str, Any]) -> None:
    html = rendered["region_past_html"]
    assert "<script" not in html
    assert not re.search(r"""\ssrc=["']https?://""", html)
    assert "@import" not in html
