"""Checking raw evidence records against the catalogue, into plain records. No database.

The file formats are the `oip evidence import` contract (`docs/contracts.md`);
`oip.evidence.reading` reads the files within their bounds. Every record is checked here,
field by field, before anything is converted: each problem becomes a `RecordError` naming the
file, the record (YAML index or CSV line) and the field.

Per-field limits (`OBSERVATION_LIMITS`, `SOURCE_LIMITS`, `CONTEXT_LIMITS`): a field stored in a
column of bounded length may hold at most that column's `max_length` in characters (what
PostgreSQL counts), so an import never fails half-way with a DataError; free text (note,
excerpt, a context note's body) at most 16 KiB of UTF-8, which is a long page; identifiers,
which are checked against the catalogue anyway, at most 200 characters. Text fields must be
strings (YAML's unquoted `NO` is a boolean, not Norway) and hold no control characters other
than tab and line breaks: an ANSI escape in a title would reach every terminal that lists it.
Dates are written YYYY-MM-DD exactly (`oip.site.daterule`) and are never in the future.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from oip.catalogue.schema import Catalogue
from oip.evidence.reading import (
    ACCEPTED_CSV_COLUMNS,
    CSV_COLUMNS,
    OPTIONAL_CSV_COLUMNS,
    REQUIRED_CSV_COLUMNS,
    EvidenceFile,
    FileProblem,
    NotText,
    RawRecord,
    RecordError,
    read_file,
)
from oip.site.daterule import read_date
from oip.vocabulary import OBSERVATION_STATUSES, SOURCE_KINDS, SourceKind

__all__ = [
    "ACCEPTED_CSV_COLUMNS",
    "CSV_COLUMNS",
    "OPTIONAL_CSV_COLUMNS",
    "REQUIRED_CSV_COLUMNS",
    "Checker",
    "ContextRecord",
    "EvidenceFile",
    "FileProblem",
    "Limit",
    "ObservationRecord",
    "RawRecord",
    "Record",
    "RecordError",
    "SourceRecord",
    "check",
    "read_file",
]

STATUSES = OBSERVATION_STATUSES
OBSERVATION_KEYS = {"country", "benchmark", "status", "observed_on", "source", "note", "supersedes"}
SOURCE_KEYS = {"url", "title", "publisher", "published_on", "excerpt", "kind"}
CONTEXT_KEYS = {"key", "country", "area", "title", "body", "noted_on", "source"}
NO_DATE = {"", "n.d.", "nd", "n.d"}
KiB = 1024


@dataclass(frozen=True, slots=True)
class Limit:
    """The most a text field may hold: characters (a bounded column) or UTF-8 bytes."""

    size: int
    unit: Literal["characters", "bytes"]

    def exceeded_by(self, text: str) -> bool:
        if self.unit == "characters":
            return len(text) > self.size
        # A character is at most 4 bytes: most texts need no encoding to be judged.
        return len(text) * 4 > self.size and len(text.encode("utf-8")) > self.size

    def __str__(self) -> str:
        if self.unit == "bytes":
            return f"{self.size // KiB} KiB of UTF-8 text"
        return f"{self.size} characters"


IDENTIFIER = Limit(200, "characters")
FREE_TEXT = Limit(16 * KiB, "bytes")
OBSERVATION_LIMITS = {
    "country": IDENTIFIER,
    "benchmark": IDENTIFIER,
    "status": IDENTIFIER,
    "note": FREE_TEXT,
    "supersedes": IDENTIFIER,
}
SOURCE_LIMITS = {
    "url": Limit(1000, "characters"),
    "title": Limit(500, "characters"),
    "publisher": Limit(300, "characters"),
    "excerpt": FREE_TEXT,
    "kind": IDENTIFIER,
}
CONTEXT_LIMITS = {
    "key": Limit(120, "characters"),
    "country": IDENTIFIER,
    "area": Limit(80, "characters"),
    "title": Limit(300, "characters"),
    "body": FREE_TEXT,
}

# Control characters other than tab and line feed; CR only as part of a CRLF line break.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")
# The scheme, optional user info, then a host: a name or a bracketed IPv6 address.
#: How a record names the observation it supersedes: its fingerprint, or its id.
FINGERPRINT = re.compile(r"[0-9a-f]{40}")
OBSERVATION_ID = re.compile(r"[1-9][0-9]{0,17}")
_WEB_HOST = re.compile(r"https?://(?:[^/?#@]*@)?(?:\[[^\]/?#]+\]|[^/?#:@\[\]\s]+)")


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """Where a fact comes from. `kind`: `public` (a URL or an offline publisher), `measured`
    (by OIP itself) or `restricted` (not public); the last two need no public URL."""

    url: str
    title: str
    publisher: str
    published_on: dt.date | None
    excerpt: str
    kind: SourceKind = "public"

    @property
    def fingerprint(self) -> str:
        parts: tuple[str, ...] = (
            self.url,
            self.title,
            self.publisher,
            self.published_on.isoformat() if self.published_on else "",
            self.excerpt,
        )
        # Public sources keep the fingerprints they had before sources had a kind.
        if self.kind != "public":
            parts += (self.kind,)
        return _digest(parts)


@dataclass(frozen=True, slots=True)
class ObservationRecord:
    """One checked observation. `supersedes`: the observation it corrects, by fingerprint
    (40 hex digits, the same on every install) or by id (digits), or "" for none. The
    importer resolves an id to the fingerprint before storing, so a correction's own
    fingerprint never depends on which install it was written on."""

    country: str
    benchmark: str
    status: str
    observed_on: dt.date
    source: SourceRecord
    note: str
    supersedes: str = ""

    @property
    def fingerprint(self) -> str:
        parts: tuple[str, ...] = (
            self.country,
            self.benchmark,
            self.status,
            self.observed_on.isoformat(),
            self.source.fingerprint,
            self.note,
        )
        # Observations that correct nothing keep the fingerprints they always had.
        if self.supersedes:
            parts += (f"supersedes:{self.supersedes}",)
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


class _Problems:
    """The errors found in one record, and the field readers that add to them."""

    def __init__(self, file: str, record: str) -> None:
        self.file = file
        self.record = record
        self.errors: list[RecordError] = []

    def bad(self, field: str, message: str) -> None:
        self.errors.append(RecordError(self.file, self.record, field, message))

    def unknown_keys(self, raw: Mapping[Any, Any], known: set[str], prefix: str = "") -> bool:
        unknown = [key for key in raw if key not in known]
        for key in unknown:
            self.bad(f"{prefix}{key}", "unknown field")
        return not unknown

    def has_error(self, field: str) -> bool:
        return any(error.field == field for error in self.errors)

    def required(self, field: str, value: str) -> bool:
        """Add "required" if `value` is empty and the field has no error yet; True if given."""
        if value == "" and not self.has_error(field):
            self.bad(field, "required")
        return value != ""

    def text(self, raw: Mapping[str, Any], key: str, limit: Limit, field: str = "") -> str:
        """The field's text, stripped; "" when absent, or (with an error) when unusable."""
        value = raw.get(key)
        if isinstance(value, str):  # the usual case first: this runs for every field read
            if limit.exceeded_by(value):
                self.bad(field or key, f"longer than {limit}")
                return ""
            control = _CONTROL.search(value)
            if control is None:
                return value.strip()
            char = control.group()
            self.bad(
                field or key,
                "contains a NUL character"
                if char == "\x00"
                else f"contains the control character U+{ord(char):04X} "
                "(terminal escapes and control codes are not text)",
            )
        elif isinstance(value, NotText):
            self.bad(
                field or key,
                f"must be a string: YAML reads {value.text[:40]} as a {value.kind}; "
                f'write it in quotes ("{value.text[:40]}")',
            )
        elif value is not None:
            self.bad(field or key, f"must be a string, not {_kind_of(value)}")
        return ""

    def date(self, value: Any, field: str, today: dt.date, *, required: bool) -> dt.date | None:
        if isinstance(value, dt.datetime):
            value = value.date()
        if value is None or (isinstance(value, str) and value.strip().lower() in NO_DATE):
            if required:
                self.bad(field, "required (a date YYYY-MM-DD)")
            return None
        if isinstance(value, dt.date):
            parsed = value
        elif isinstance(value, str | NotText):
            try:
                parsed = read_date(str(value))
            except ValueError:
                self.bad(field, f"not a date (YYYY-MM-DD): {str(value).strip()[:40]!r}")
                return None
        else:
            self.bad(field, f"not a date (YYYY-MM-DD): {_kind_of(value)}")
            return None
        if parsed > today:
            self.bad(field, f"{parsed.isoformat()} is in the future (today is {today.isoformat()})")
            return None
        return parsed


def _kind_of(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"


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
        problems = _Problems(file, record)
        problems.unknown_keys(raw, OBSERVATION_KEYS)
        country = self._one_of(problems, raw, "country", self.countries, "unknown country")
        benchmark = self._one_of(problems, raw, "benchmark", self.benchmarks, "unknown benchmark")
        status = problems.text(raw, "status", OBSERVATION_LIMITS["status"])
        if problems.required("status", status) and status not in STATUSES:
            problems.bad("status", f"must be one of {', '.join(STATUSES)}, got {status[:40]!r}")
        observed_on = problems.date(
            raw.get("observed_on"), "observed_on", self.today, required=True
        )
        source = self._source(problems, raw.get("source"))
        note = problems.text(raw, "note", OBSERVATION_LIMITS["note"])
        supersedes = problems.text(raw, "supersedes", OBSERVATION_LIMITS["supersedes"]).lower()
        if supersedes and not (
            FINGERPRINT.fullmatch(supersedes) or OBSERVATION_ID.fullmatch(supersedes)
        ):
            problems.bad(
                "supersedes",
                "must name the observation corrected by its fingerprint (40 hex digits) or "
                f"its id, got {supersedes[:40]!r}",
            )
        if problems.errors or observed_on is None or source is None:
            return problems.errors
        return ObservationRecord(country, benchmark, status, observed_on, source, note, supersedes)

    def context(
        self, raw: dict[str, Any], file: str, record: str
    ) -> ContextRecord | list[RecordError]:
        problems = _Problems(file, record)
        problems.unknown_keys(raw, CONTEXT_KEYS)
        limits = CONTEXT_LIMITS
        key = problems.text(raw, "key", limits["key"])
        problems.required("key", key)
        country = problems.text(raw, "country", limits["country"])
        if country and country not in self.countries:
            problems.bad("country", f"unknown country {country[:40]!r}")
        area = problems.text(raw, "area", limits["area"])
        if area and area not in self.areas:
            problems.bad("area", f"unknown area {area[:40]!r}")
        title = problems.text(raw, "title", limits["title"])
        problems.required("title", title)
        body = problems.text(raw, "body", limits["body"])
        problems.required("body", body)
        noted_on = problems.date(raw.get("noted_on"), "noted_on", self.today, required=False)
        source = self._source(problems, raw.get("source"))
        if problems.errors or source is None:
            return problems.errors
        return ContextRecord(key, country or None, area, title, body, noted_on, source)

    def _one_of(
        self, problems: _Problems, raw: dict[str, Any], field: str, known: set[str], unknown: str
    ) -> str:
        value = problems.text(raw, field, OBSERVATION_LIMITS[field])
        if problems.required(field, value) and value not in known:
            problems.bad(field, f"{unknown} {value[:40]!r}")
        return value

    def _source(self, problems: _Problems, raw: Any, field: str = "source") -> SourceRecord | None:
        if raw is None or raw == "" or raw == {}:
            problems.bad(field, "required: no source, no observation")
            return None
        if not isinstance(raw, dict):
            problems.bad(
                field, "must be a mapping with url, title, publisher, published_on, excerpt"
            )
            return None
        before = len(problems.errors)
        problems.unknown_keys(raw, SOURCE_KEYS, f"{field}.")
        text = {
            key: problems.text(raw, key, limit, f"{field}.{key}")
            for key, limit in SOURCE_LIMITS.items()
        }
        kind = next((k for k in SOURCE_KINDS if k == (text["kind"] or "public")), None)
        if kind is None:
            problems.bad(
                f"{field}.kind",
                f"must be one of {', '.join(SOURCE_KINDS)}, got {text['kind'][:40]!r}",
            )
        url, publisher = text["url"], text["publisher"]
        problems.required(f"{field}.title", text["title"])
        if kind == "public" and not url and not publisher:
            problems.bad(
                f"{field}.url", "required: a URL, or at least a publisher for an offline source"
            )
        problem = _url_problem(url, kind or "public") if url else None
        if problem:
            problems.bad(f"{field}.url", problem)
        published_on = problems.date(
            raw.get("published_on"), f"{field}.published_on", self.today, required=False
        )
        if len(problems.errors) > before or kind is None:
            return None
        return SourceRecord(url, text["title"], publisher, published_on, text["excerpt"], kind)


def _url_problem(url: str, kind: str) -> str | None:
    """Why `url` cannot identify a source of `kind` (None when it can).

    Public: http(s) with a host. Measured and restricted sources have no public page; they may
    instead name OIP's own record of them as `oip:<reference>`.
    """
    if url.startswith(("http://", "https://")):
        if _WEB_HOST.match(url) is None:
            return f"has no host: {url[:40]!r} (write https://host/path)"
        return None
    if kind != "public" and url.startswith("oip:") and url[4:].strip():
        return None
    allowed = "http:// or https://" + ("" if kind == "public" else ", or oip:<reference>")
    return f"must start with {allowed}, got {url[:40]!r}"


def check(
    checker: Checker, kind: str, file: str, label: str, raw: dict[str, Any]
) -> Record | list[RecordError]:
    """Validate one raw record of either kind."""
    if "__not_a_mapping__" in raw:
        return [RecordError(file, label, "-", "must be a mapping")]
    if "__columns__" in raw:
        return [RecordError(file, label, "-", str(raw["__columns__"]))]
    check_one: Callable[[dict[str, Any], str, str], Record | list[RecordError]]
    check_one = checker.context if kind == "context" else checker.observation
    return check_one(raw, file, label)
