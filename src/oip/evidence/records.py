"""Reading and validating evidence files (YAML and CSV) into plain records. No database.

The file formats are DESIGN.md's `oip evidence import` contract. Every record is checked
against the catalogue; each problem becomes a `RecordError` naming the file, the record
(YAML index or CSV line) and the field.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from oip.catalogue.schema import Catalogue

STATUSES = ("met", "partial", "not_met", "not_applicable")
CSV_COLUMNS = (
    "country",
    "benchmark",
    "status",
    "observed_on",
    "source_url",
    "source_title",
    "source_publisher",
    "source_published_on",
    "source_excerpt",
    "note",
)
REQUIRED_CSV_COLUMNS = ("country", "benchmark", "status", "observed_on", "source_title")
OBSERVATION_KEYS = {"country", "benchmark", "status", "observed_on", "source", "note"}
SOURCE_KEYS = {"url", "title", "publisher", "published_on", "excerpt"}
CONTEXT_KEYS = {"key", "country", "area", "title", "body", "noted_on", "source"}
NO_DATE = {"", "n.d.", "nd", "n.d"}
MAX_TEXT = {"url": 1000, "title": 500, "publisher": 300}


@dataclass(frozen=True, slots=True)
class RecordError:
    file: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.record}: {self.field}: {self.message}"


@dataclass(frozen=True, slots=True)
class SourceRecord:
    url: str
    title: str
    publisher: str
    published_on: dt.date | None
    excerpt: str

    @property
    def fingerprint(self) -> str:
        parts = (
            self.url,
            self.title,
            self.publisher,
            self.published_on.isoformat() if self.published_on else "",
            self.excerpt,
        )
        return _digest(parts)


@dataclass(frozen=True, slots=True)
class ObservationRecord:
    country: str
    benchmark: str
    status: str
    observed_on: dt.date
    source: SourceRecord
    note: str

    @property
    def fingerprint(self) -> str:
        parts = (
            self.country,
            self.benchmark,
            self.status,
            self.observed_on.isoformat(),
            self.source.fingerprint,
            self.note,
        )
        return _digest(parts)


@dataclass(frozen=True, slots=True)
class ContextRecord:
    key: str
    country: str | None
    area: str
    title: str
    body: str
    noted_on: dt.date | None
    source: SourceRecord


Record = ObservationRecord | ContextRecord


def _digest(parts: tuple[str, ...]) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:40]


class Checker:
    """Validate raw records against a catalogue and a date (`today`: no fact from the future)."""

    def __init__(self, catalogue: Catalogue, today: dt.date) -> None:
        self.countries = set(catalogue.country_codes())
        self.benchmarks = {b.id for _, b in catalogue.benchmarks()}
        self.areas = {a.id for a in catalogue.areas}
        self.today = today

    def observation(
        self, raw: dict[str, Any], file: str, record: str
    ) -> ObservationRecord | list[RecordError]:
        errors: list[RecordError] = []

        def bad(field: str, message: str) -> None:
            errors.append(RecordError(file, record, field, message))

        for key in raw:
            if key not in OBSERVATION_KEYS:
                bad(str(key), "unknown field")
        for name in _nul_fields(raw):
            bad(name, "contains a NUL character")
        country = _text(raw.get("country"))
        if not country:
            bad("country", "required")
        elif country not in self.countries:
            bad("country", f"unknown country {country!r}")
        benchmark = _text(raw.get("benchmark"))
        if not benchmark:
            bad("benchmark", "required")
        elif benchmark not in self.benchmarks:
            bad("benchmark", f"unknown benchmark {benchmark!r}")
        status = _text(raw.get("status"))
        if not status:
            bad("status", "required")
        elif status not in STATUSES:
            bad("status", f"must be one of {', '.join(STATUSES)}, got {status!r}")
        observed_on = self._date(raw.get("observed_on"), "observed_on", bad, required=True)
        source = self._source(raw.get("source"), "source", bad)
        note = _text(raw.get("note"))
        if errors:
            return errors
        assert observed_on is not None
        assert source is not None
        return ObservationRecord(country, benchmark, status, observed_on, source, note)

    def context(
        self, raw: dict[str, Any], file: str, record: str
    ) -> ContextRecord | list[RecordError]:
        errors: list[RecordError] = []

        def bad(field: str, message: str) -> None:
            errors.append(RecordError(file, record, field, message))

        for key in raw:
            if key not in CONTEXT_KEYS:
                bad(str(key), "unknown field")
        for name in _nul_fields(raw):
            bad(name, "contains a NUL character")
        key = _text(raw.get("key"))
        if not key:
            bad("key", "required")
        country = _text(raw.get("country")) or None
        if country is not None and country not in self.countries:
            bad("country", f"unknown country {country!r}")
        area = _text(raw.get("area"))
        if area and area not in self.areas:
            bad("area", f"unknown area {area!r}")
        title = _text(raw.get("title"))
        if not title:
            bad("title", "required")
        body = _text(raw.get("body"))
        if not body:
            bad("body", "required")
        noted_on = self._date(raw.get("noted_on"), "noted_on", bad, required=False)
        source = self._source(raw.get("source"), "source", bad)
        if errors:
            return errors
        assert source is not None
        return ContextRecord(key, country, area, title, body, noted_on, source)

    def _date(self, value: Any, field: str, bad: Any, *, required: bool) -> dt.date | None:
        if isinstance(value, dt.datetime):
            value = value.date()
        if value is None or (isinstance(value, str) and value.strip().lower() in NO_DATE):
            if required:
                bad(field, "required (a date YYYY-MM-DD)")
            return None
        if isinstance(value, dt.date):
            parsed = value
        else:
            try:
                parsed = dt.date.fromisoformat(str(value).strip())
            except ValueError:
                bad(field, f"not a date (YYYY-MM-DD): {str(value)[:40]!r}")
                return None
        if parsed > self.today:
            bad(field, f"{parsed.isoformat()} is in the future (today is {self.today.isoformat()})")
            return None
        return parsed

    def _source(self, raw: Any, field: str, bad: Any) -> SourceRecord | None:
        if raw is None or raw == "" or raw == {}:
            bad(field, "required: no source, no observation")
            return None
        if not isinstance(raw, dict):
            bad(field, "must be a mapping with url, title, publisher, published_on, excerpt")
            return None
        ok = True
        for key in raw:
            if key not in SOURCE_KEYS:
                bad(f"{field}.{key}", "unknown field")
                ok = False
        url = _text(raw.get("url"))
        title = _text(raw.get("title"))
        publisher = _text(raw.get("publisher"))
        if not title:
            bad(f"{field}.title", "required")
            ok = False
        if not url and not publisher:
            bad(f"{field}.url", "required: a URL, or at least a publisher for an offline source")
            ok = False
        if url and not (url.startswith("https://") or url.startswith("http://")):
            bad(f"{field}.url", f"must start with http:// or https://, got {url[:40]!r}")
            ok = False
        for name, value in (("url", url), ("title", title), ("publisher", publisher)):
            if len(value) > MAX_TEXT[name]:
                bad(f"{field}.{name}", f"longer than {MAX_TEXT[name]} characters")
                ok = False
        published_on = self._date(
            raw.get("published_on"), f"{field}.published_on", bad, required=False
        )
        if not ok:
            return None
        return SourceRecord(url, title, publisher, published_on, _text(raw.get("excerpt")))


def _nul_fields(raw: dict[str, Any], prefix: str = "") -> list[str]:
    """The fields (source's too) whose text holds NUL, which PostgreSQL text cannot store."""
    found = []
    for key, value in raw.items():
        if isinstance(value, dict):
            found += _nul_fields(value, f"{prefix}{key}.")
        elif isinstance(value, str) and "\x00" in value:
            found.append(f"{prefix}{key}")
    return found


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


class FileProblem(Exception):
    """A whole file cannot be read (missing, not UTF-8, malformed)."""

    def __init__(self, error: RecordError) -> None:
        self.error = error
        super().__init__(str(error))


RawRecord = tuple[str, str, dict[str, Any]]  # (kind: "observation"|"context", record label, raw)


def read_file(path: Path) -> Iterator[RawRecord]:
    """Yield raw records from a YAML or CSV evidence file, streaming CSV row by row.

    Raises FileProblem for a file that cannot be read as a whole.
    """
    suffix = path.suffix.lower()
    if suffix in {".yaml", ".yml"}:
        yield from _read_yaml(path)
    elif suffix == ".csv":
        yield from _read_csv(path)
    else:
        raise FileProblem(
            RecordError(str(path), "file", "-", "unsupported file type (use .yaml, .yml or .csv)")
        )


def _open_text(path: Path) -> io.TextIOWrapper:
    try:
        return open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise FileProblem(
            RecordError(str(path), "file", "-", f"cannot read: {exc.strerror}")
        ) from exc


class _DatesAsText(yaml.SafeLoader):
    """A safe loader that leaves dates as text, so a bad date is a field error, not a crash."""


_DatesAsText.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read_yaml(path: Path) -> Iterator[RawRecord]:
    with _open_text(path) as handle:
        try:
            text = handle.read()
        except UnicodeDecodeError as exc:
            raise FileProblem(
                RecordError(
                    str(path), "file", "-", f"not UTF-8 text (byte {exc.start}: {exc.reason})"
                )
            ) from exc
    try:
        data = yaml.load(text, Loader=_DatesAsText)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "file"
        reason = getattr(exc, "problem", None) or "cannot parse"
        raise FileProblem(RecordError(str(path), where, "-", f"malformed YAML: {reason}")) from exc
    if not isinstance(data, dict) or not ({"observations", "context_notes"} & set(data)):
        raise FileProblem(
            RecordError(str(path), "file", "-", "expected a mapping with an `observations:` list")
        )
    for key in data:
        if key not in {"observations", "context_notes"}:
            raise FileProblem(RecordError(str(path), "file", str(key), "unknown top-level key"))
    for key, kind in (("observations", "observation"), ("context_notes", "context")):
        items = data.get(key) or []
        if not isinstance(items, list):
            raise FileProblem(RecordError(str(path), "file", key, "must be a list"))
        for index, item in enumerate(items):
            label = f"{key}[{index}]"
            if not isinstance(item, dict):
                yield kind, label, {"__not_a_mapping__": item}
            else:
                yield kind, label, item


def _decoded_lines(path: Path, handle: Any) -> Iterator[str]:
    """Decode a binary file line by line, so a bad byte is reported with its line."""
    for number, raw in enumerate(handle, start=1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FileProblem(
                RecordError(
                    str(path),
                    f"line {number}",
                    "-",
                    f"not UTF-8 text ({exc.reason} at column {exc.start + 1})",
                )
            ) from exc


def _read_csv(path: Path) -> Iterator[RawRecord]:
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise FileProblem(
            RecordError(str(path), "file", "-", f"cannot read: {exc.strerror}")
        ) from exc
    with handle:
        reader = csv.reader(_decoded_lines(path, handle))
        try:
            try:
                header = next(reader)
            except StopIteration:
                raise FileProblem(
                    RecordError(str(path), "line 1", "-", "empty file: expected a header row")
                ) from None
            header = [h.strip() for h in header]
            missing = [c for c in REQUIRED_CSV_COLUMNS if c not in header]
            unknown = [c for c in header if c not in CSV_COLUMNS]
            if missing or unknown:
                parts = []
                if missing:
                    parts.append("missing column(s) " + ", ".join(missing))
                if unknown:
                    parts.append("unknown column(s) " + ", ".join(unknown))
                raise FileProblem(RecordError(str(path), "line 1", "header", "; ".join(parts)))
            width = len(header)
            for row in reader:
                label = f"line {reader.line_num}"
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != width:
                    yield (
                        "observation",
                        label,
                        {"__columns__": f"{len(row)} columns, expected {width}"},
                    )
                    continue
                cells = dict(zip(header, row, strict=True))
                yield "observation", label, _csv_to_raw(cells)
        except csv.Error as exc:
            raise FileProblem(
                RecordError(str(path), f"line {reader.line_num}", "-", f"malformed CSV: {exc}")
            ) from exc


def _csv_to_raw(cells: dict[str, str]) -> dict[str, Any]:
    source = {
        "url": cells.get("source_url", ""),
        "title": cells.get("source_title", ""),
        "publisher": cells.get("source_publisher", ""),
        "published_on": cells.get("source_published_on", ""),
        "excerpt": cells.get("source_excerpt", ""),
    }
    return {
        "country": cells.get("country", ""),
        "benchmark": cells.get("benchmark", ""),
        "status": cells.get("status", ""),
        "observed_on": cells.get("observed_on", ""),
        "source": source if any(v.strip() for v in source.values()) else None,
        "note": cells.get("note", ""),
    }


def check(
    checker: Checker, kind: str, file: str, label: str, raw: dict[str, Any]
) -> Record | list[RecordError]:
    """Validate one raw record of either kind."""
    if "__not_a_mapping__" in raw:
        return [RecordError(file, label, "-", "must be a mapping")]
    if "__columns__" in raw:
        return [RecordError(file, label, "-", str(raw["__columns__"]))]
    if kind == "context":
        return checker.context(raw, file, label)
    return checker.observation(raw, file, label)
