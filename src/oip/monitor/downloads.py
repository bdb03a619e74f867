"""The citable downloads: standings, evidence and the catalogue as CSV, zip and JSON.

Decisions:
- JSON is `{"citation": ..., "as_of": ..., "data": [...]}` plus `"notes": [...]` when the data
  names Kosovo (the designation footnote); `data` is exactly what the API returns for the same
  question (standings: GET /api/v1/standings?as_of=; evidence: every page of
  GET /api/v1/evidence?as_of= in order; catalogue: GET /api/v1/catalogue).
- CSV is RFC 4180 CSV (a header row, then data; formula-safe cells via `oip.site.csvsafe`)
  in UTF-8 **with a byte-order mark**, so that Excel opens Cyrillic and accented text
  correctly; every CSV reader that knows UTF-8 (`utf-8-sig`) skips the mark. The citation is
  not inside the CSV (a comment line or an extra column would break standard readers): it
  travels in the `X-OIP-Citation` header and the file name carries the date.
- The `.zip` of each dataset is what a reader saves to keep the citation with the data: the
  same CSV plus a README.txt with the citation line, the licence (CC BY 4.0), what "not
  assessed" means and, when the data names Kosovo, the designation footnote. A zip and not an
  xlsx: it needs no new dependency, the CSV inside stays the contract's CSV byte for byte, and
  a README is read by every tool (docs/decisions.md).
- The evidence CSV starts with the columns of `oip evidence import` in their order, so a
  download can be re-imported elsewhere; extra columns (id, target, area, recorded_at...)
  follow.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

from oip.catalogue.fetch import current_catalogue
from oip.catalogue.loader import export_data
from oip.evidence import serialize
from oip.evidence.records import CSV_COLUMNS
from oip.monitor import reads
from oip.monitor.pages import downloads as downloads_page
from oip.monitor.pages.about import LICENCE, LICENCE_URL
from oip.presentation import labels
from oip.presentation.designation import KOSOVO_FOOTNOTE
from oip.presentation.labels import NOT_ASSESSED
from oip.site.csvsafe import write_csv
from oip.standings.evaluation import evaluation
from oip.standings.standing import standings_data

STANDINGS_HEADER = [
    "country",
    "country_name",
    "area",
    "area_title",
    "as_of",
    "tier",
    "tier_name",
    "raw_tier",
    "status",
    "assessed",
    "assessed_benchmarks",
    "benchmarks",
    "since",
    "notice_until",
    "next_tier",
    "missing_count",
    "missing",
    "achieved_targets",
    "suspended_by",
    "score",  # "not assessed" where the area has no evidence, never 0
    "change_12m",
]

EVIDENCE_HEADER = [
    # The import columns first, so a download can be imported again as it is.
    *CSV_COLUMNS,
    "id",
    "target",
    "area",
    "recorded_at",
    "recorded_by",
]

CATALOGUE_HEADER = [
    "area",
    "area_title",
    "target",
    "tier",
    "tier_name",
    "target_title",
    "who",
    "scope",
    "source",
    "bodies",
    "instruments",
    "benchmark",
    "kind",
    "benchmark_who",
    "statement",
    "accepted_evidence",
    "validity_days",
    "milestones",
]


BOM = "\ufeff"

NOT_ASSESSED_MEANING = (
    '"Not assessed" (standings: assessed = False, tier empty in the pages) means that no '
    "evidence has been recorded for any benchmark of that area and country by the date: it "
    'is not the same as "not met". No evidence is not evidence of absence.'
)


def citation(dataset: str, as_of: dt.date, path: str, retrieved: dt.date, public_url: str) -> str:
    """Return the citation line: 'OIP, standings as of 2026-11-21, retrieved 2026-11-22, URL'.

    `path` is the download's path with its query; `public_url` (scheme and host, no trailing
    slash) makes it absolute.
    """
    return downloads_page.citation(
        current_catalogue(),
        dataset,
        as_of,
        path,
        retrieved=retrieved,
        public_url=public_url,
    )


def readme(citation_line: str, *, names_kosovo: bool) -> str:
    """Return the README.txt of a zipped download: how to cite it, its licence, what "not
    assessed" means and, if the data names Kosovo, the designation footnote (CRLF lines, so
    that Notepad shows them)."""
    lines = [
        "Operational Integration Platform (OIP) - data download",
        "",
        "Cite as:",
        citation_line,
        "",
        f"Licence: {LICENCE}, {LICENCE_URL}",
        "Reuse the data freely, citing OIP with the line above.",
        "",
        NOT_ASSESSED_MEANING,
        "",
        "The CSV file is UTF-8 with a byte-order mark (Excel opens it as it is), one header row.",
    ]
    if names_kosovo:
        lines += ["", KOSOVO_FOOTNOTE]
    return "\r\n".join(lines) + "\r\n"


class _Sink(io.RawIOBase):
    """A write-only, unseekable stream whose bytes are taken out as they come: zipfile then
    writes each member's sizes after its data, so a zip can be sent while it is made."""

    def __init__(self) -> None:
        super().__init__()
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        out = b"".join(self._parts)
        self._parts.clear()
        return out


def zipped(csv_name: str, csv_text: str | Iterable[str], readme_text: str) -> Iterator[bytes]:
    """Yield, chunk by chunk, a zip holding `csv_name` (the CSV, with its byte-order mark) and
    README.txt; a long CSV is compressed as it is read, never held whole."""
    sink = _Sink()
    chunks = [csv_text] if isinstance(csv_text, str) else csv_text
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(csv_name, "w") as member:
            member.write(BOM.encode("utf-8"))
            for chunk in chunks:
                member.write(chunk.encode("utf-8"))
                yield sink.take()
        archive.writestr("README.txt", readme_text.encode("utf-8"))
    yield sink.take()


def standings_json(as_of: dt.date) -> list[dict[str, Any]]:
    """Every standing at `as_of` in the API's shape (GET /api/v1/standings?as_of=)."""
    return standings_data(as_of)


def standings_csv(as_of: dt.date) -> str:
    """Every standing at `as_of` as CSV: one row per country x area, lists joined by ';'."""
    catalogue = current_catalogue()
    cells = {(c.country, c.area): c for c in reads.standing_cells(as_of)}
    rows = []
    for s in evaluation().standings(as_of):
        cell = cells[(s.country, s.area)]
        # An area without evidence reads "not assessed" in every tier cell, never 0 or "none";
        # tier 0 with evidence reads "no tier yet" (the JSON keeps the integers and `assessed`).
        unassessed = s.not_assessed
        rows.append(
            [
                s.country,
                cell.country_name,
                s.area,
                cell.area_title,
                s.as_of,
                NOT_ASSESSED if unassessed else s.tier,
                NOT_ASSESSED
                if unassessed
                else (labels.NO_TIER_YET if s.tier == 0 else catalogue.tier_name(s.tier)),
                NOT_ASSESSED if unassessed else s.raw_tier,
                s.status,
                cell.is_assessed,
                cell.assessed,
                cell.benchmarks,
                s.since,
                s.notice_until,
                s.next_tier,
                len(s.missing),
                ";".join(m.benchmark for m in s.missing),
                ";".join(s.achieved_targets),
                ";".join(s.suspended_by),
                NOT_ASSESSED if s.not_assessed else s.score,
                s.change_12m,
            ]
        )
    return write_csv(rows, STANDINGS_HEADER)


def evidence_json(
    as_of: dt.date, country: str | None = None, area: str | None = None
) -> list[dict[str, Any]]:
    """Every observation with `observed_on <= as_of` (newest fact first), as the API gives them."""
    rows = serialize.observations(as_of=as_of, country=country, area=area)
    return [serialize.observation_dict(o) for o in rows.iterator(chunk_size=2000)]


def evidence_csv_lines(
    as_of: dt.date, country: str | None = None, area: str | None = None
) -> Iterator[str]:
    """Yield the evidence CSV in chunks (header first), so a large download streams."""
    yield write_csv([], EVIDENCE_HEADER)
    batch: list[list[Any]] = []
    for o in serialize.observations(as_of=as_of, country=country, area=area).iterator(
        chunk_size=2000
    ):
        source = o.source
        batch.append(
            [
                o.country_id,
                o.benchmark_id,
                o.status,
                o.observed_on,
                source.url,
                source.title,
                source.publisher,
                source.published_on,
                source.excerpt,
                o.note,
                o.pk,
                o.benchmark.target,
                o.benchmark.area,
                o.recorded_at,
                o.recorded_by,
            ]
        )
        if len(batch) == 2000:
            yield _rows_only(batch)
            batch = []
    if batch:
        yield _rows_only(batch)


def _rows_only(rows: list[list[Any]]) -> str:
    text = write_csv(rows, [])
    return text[2:]  # write_csv always writes a header; an empty one is a bare "\r\n"


def catalogue_json() -> dict[str, Any]:
    """The catalogue in the export contract's shape (GET /api/v1/catalogue)."""
    return export_data(current_catalogue())


def catalogue_csv() -> str:
    """The catalogue flattened to one row per benchmark (bodies, instruments joined by ';')."""
    catalogue = current_catalogue()
    milestones: dict[str, list[str]] = {}
    for m in catalogue.milestones:
        for t in m.targets:
            milestones.setdefault(t, []).append(m.id)
    rows = [
        [
            target.area,
            catalogue.area(target.area).title,
            target.id,
            target.tier,
            catalogue.tier_name(target.tier),
            target.title,
            target.who,
            target.scope,
            target.source,
            ";".join(target.bodies),
            ";".join(target.instruments),
            benchmark.id,
            benchmark.kind,
            target.benchmark_who(benchmark),
            benchmark.statement,
            benchmark.accepted_evidence,
            benchmark.validity_days,
            ";".join(milestones.get(target.id, [])),
        ]
        for target, benchmark in catalogue.benchmarks()
    ]
    return write_csv(rows, CATALOGUE_HEADER)
