"""Reading evidence files (YAML and CSV) within bounds, into raw records. No Django, no database.

One reader for both formats; `oip.evidence.records` checks what it yields. The bounds, and why:

- **Size**: a YAML file may hold at most `MAX_BYTES[".yaml"]` (4 MiB, some 10,000 records:
  a YAML file is composed whole, about 1 s and 27 MiB of memory per MiB of YAML) and a CSV file
  `MAX_BYTES[".csv"]` (128 MiB, streamed: 200,000 generated observations take 55 MiB).
  Larger files are refused before parsing; split them.
- **Read once**: `EvidenceFile` copies the file's bytes, within the cap, into a private
  spooled buffer (memory up to 8 MiB, then an anonymous temporary file). Every pass over
  its records reads those same bytes, so a file changed on disk between the importer's
  validation pass and its writing pass cannot give it records it did not validate.
- **YAML**: read by `oip.evidence.bounded_yaml`: no aliases, anchors or tags (an alias bomb
  is refused before anything is expanded), no key twice in one mapping, at most 8 levels of
  nesting; unquoted `NO`, `12` or `1.5` are `NotText`, not text, and dates stay text.
- **CSV**: UTF-8 (a BOM is allowed), a header naming each column at most once, LF or CRLF
  line endings (a CR-only file gets a message saying so), no field longer than the `csv`
  module's limit (128 KiB; the checker's per-field limits are smaller).

Each refusal is a `RecordError` naming the file, the record (`observations[3]`, `line 12`, or
`file`) and the field; `printable()` keeps control characters in a refused value out of the
terminal that shows the message.
"""

from __future__ import annotations

import csv
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

import yaml

from oip.evidence.bounded_yaml import LOADERS as LOADERS  # the reader's YAML side
from oip.evidence.bounded_yaml import NotText as NotText
from oip.evidence.bounded_yaml import Refused, load

MiB = 1024 * 1024
MAX_BYTES = {".yaml": 4 * MiB, ".yml": 4 * MiB, ".csv": 128 * MiB}
IN_MEMORY = 8 * MiB  # a file's copy spills to an anonymous temporary file beyond this
TOP_KEYS = {"observations": "observation", "context_notes": "context"}

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
#: Columns a CSV file may also have (`supersedes`: the fingerprint or id of the observation
#: a row corrects). They are optional, so files written with
#: `CSV_COLUMNS` (the downloads, older exports) stay valid as they are.
OPTIONAL_CSV_COLUMNS = ("source_kind", "supersedes")
ACCEPTED_CSV_COLUMNS = CSV_COLUMNS + OPTIONAL_CSV_COLUMNS
REQUIRED_CSV_COLUMNS = ("country", "benchmark", "status", "observed_on", "source_title")

RawRecord = tuple[str, str, dict[str, Any]]  # (kind: "observation"|"context", record label, raw)

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` with control characters (ESC, CR, NUL, C1...) written as escapes, e.g. `\\x1b`."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


@dataclass(frozen=True, slots=True)
class RecordError:
    """One refusal: the file, the record (YAML index, CSV line or "file"), the field, why."""

    file: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        return printable(f"{self.file}: {self.record}: {self.field}: {self.message}")


class FileProblem(Exception):
    """A whole file cannot be read (missing, too large, not UTF-8, malformed)."""

    def __init__(self, error: RecordError) -> None:
        self.error = error
        super().__init__(str(error))


class EvidenceFile:
    """One evidence file, read once within its size cap; `records()` reads those bytes.

    Never raises on construction: a file that cannot be read keeps its `problem`, raised
    as FileProblem by `records()`, so the importer reports it like any other.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = str(path)
        self.problem: RecordError | None = None
        self._copy: IO[bytes] | None = None
        self.suffix = path.suffix.lower()
        cap = MAX_BYTES.get(self.suffix)
        if cap is None:
            self.problem = self._error("unsupported file type (use .yaml, .yml or .csv)")
            return
        try:
            with open(path, "rb") as handle:
                self._copy = _copy_within(handle, cap)
        except OSError as exc:
            self.problem = self._error(f"cannot read: {exc.strerror}")
        except _TooLarge:
            size = f"{cap // MiB} MiB" if cap % MiB == 0 else f"{cap} bytes"
            self.problem = self._error(
                f"larger than {size}, the limit for a {self.suffix} file: split it"
            )

    def __str__(self) -> str:
        return self.name

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._copy is not None:
            self._copy.close()

    def records(self) -> Iterator[RawRecord]:
        """Yield the file's raw records, in order. Raises FileProblem for a file-wide problem."""
        if self.problem is not None:
            raise FileProblem(self.problem)
        assert self._copy is not None
        self._copy.seek(0)
        if self.suffix == ".csv":
            yield from _csv_records(self.name, self._copy)
        else:
            yield from _yaml_records(self.name, self._copy.read())

    def _error(self, message: str) -> RecordError:
        return RecordError(self.name, "file", "-", message)


class _TooLarge(Exception):
    pass


def _copy_within(handle: IO[bytes], cap: int) -> IO[bytes]:
    copy = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY)  # noqa: SIM115 - the file's
    shutil.copyfileobj(_Capped(handle, cap), copy)
    return copy


class _Capped:
    """A reader that raises _TooLarge once more than `cap` bytes have been read."""

    def __init__(self, handle: IO[bytes], cap: int) -> None:
        self.handle = handle
        self.left = cap

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(min(size, self.left + 1) if size >= 0 else self.left + 1)
        self.left -= len(chunk)
        if self.left < 0:
            raise _TooLarge
        return chunk


def read_file(source: Path | EvidenceFile) -> Iterator[RawRecord]:
    """Yield the raw records of a YAML or CSV evidence file (a path is read once, here)."""
    if isinstance(source, EvidenceFile):
        yield from source.records()
        return
    with EvidenceFile(source) as file:
        yield from file.records()


# YAML


def _yaml_records(name: str, data: bytes) -> Iterator[RawRecord]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(
            RecordError(name, "file", "-", f"not UTF-8 text (byte {exc.start}: {exc.reason})")
        ) from exc
    document = _parse(name, text)
    if not isinstance(document, dict) or not (set(TOP_KEYS) & set(document)):
        raise FileProblem(
            RecordError(name, "file", "-", "expected a mapping with an `observations:` list")
        )
    for key in document:
        if key not in TOP_KEYS:
            raise FileProblem(RecordError(name, "file", str(key), "unknown top-level key"))
    for key, kind in TOP_KEYS.items():
        items = document.get(key) or []
        if not isinstance(items, list):
            raise FileProblem(RecordError(name, "file", key, "must be a list"))
        for index, item in enumerate(items):
            label = f"{key}[{index}]"
            yield kind, label, item if isinstance(item, dict) else {"__not_a_mapping__": item}


def _parse(name: str, text: str) -> Any:
    """The YAML document in `text`, or FileProblem.

    Malformed YAML is read again by the last loader (pure Python), so the message is in
    PyYAML's words whether or not libyaml is installed.
    """
    for loader in LOADERS:
        try:
            return load(text, loader)
        except Refused as refused:
            record, field = _place(refused.trail, refused.line)
            raise FileProblem(RecordError(name, record, field, refused.message)) from None
        except yaml.YAMLError as exc:
            if loader is not LOADERS[-1]:
                continue
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark is not None else "file"
            reason = getattr(exc, "problem", None) or getattr(exc, "reason", None) or "cannot parse"
            raise FileProblem(RecordError(name, where, "-", f"malformed YAML: {reason}")) from exc
    raise AssertionError("unreachable: the last loader returns or raises")  # pragma: no cover


def _place(trail: list[str | int], line: int | None) -> tuple[str, str]:
    """(record, field) for a refusal at `trail`: `observations[2]`, `source.url`."""
    if len(trail) >= 2 and trail[0] in TOP_KEYS and isinstance(trail[1], int):
        field = ".".join(str(step) for step in trail[2:]) or "-"
        return f"{trail[0]}[{trail[1]}]", field
    field = ".".join(str(step) for step in trail) or "-"
    return (f"line {line}" if line is not None else "file"), field


# CSV


def _csv_records(name: str, handle: IO[bytes]) -> Iterator[RawRecord]:
    first = handle.readline()
    if b"\r" in first.rstrip(b"\r\n") and not first.endswith(b"\n"):
        raise FileProblem(
            RecordError(
                name,
                "line 1",
                "-",
                "the lines end with a carriage return (CR) only, an old Mac format: "
                "save the file with LF or CRLF line endings",
            )
        )
    handle.seek(0)
    reader = csv.reader(_decoded_lines(name, handle))
    try:
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise FileProblem(
                RecordError(name, "line 1", "-", "empty file: expected a header row")
            ) from None
        _check_header(name, header)
        width = len(header)
        while True:
            label = f"line {reader.line_num + 1}"  # where the record starts (quotes may span lines)
            row = next(reader, None)
            if row is None:
                break
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != width:
                yield "observation", label, {"__columns__": f"{len(row)} columns, expected {width}"}
                continue
            yield "observation", label, _csv_to_raw(dict(zip(header, row, strict=True)))
    except csv.Error as exc:
        raise FileProblem(
            RecordError(name, f"line {reader.line_num}", "-", _csv_problem(exc))
        ) from exc


def _check_header(name: str, header: list[str]) -> None:
    missing = [c for c in REQUIRED_CSV_COLUMNS if c not in header]
    unknown = [c for c in header if c not in ACCEPTED_CSV_COLUMNS]
    repeated = sorted({c for c in header if header.count(c) > 1})
    parts = []
    if missing:
        parts.append("missing column(s) " + ", ".join(missing))
    if unknown:
        parts.append("unknown column(s) " + ", ".join(unknown))
    if repeated:
        parts.append("column(s) named more than once: " + ", ".join(repeated))
    if parts:
        raise FileProblem(RecordError(name, "line 1", "header", "; ".join(parts)))


def _csv_problem(exc: csv.Error) -> str:
    text = str(exc)
    if "new-line character" in text:
        return (
            "a carriage return (CR) inside a field that is not in double quotes: "
            "quote the field, or save the file with LF or CRLF line endings"
        )
    if "field larger than field limit" in text:
        return f"a field is longer than {csv.field_size_limit()} characters"
    return f"malformed CSV: {text}"


def _decoded_lines(name: str, handle: IO[bytes]) -> Iterator[str]:
    """Decode a binary file line by line, so a bad byte is reported with its line."""
    for number, raw in enumerate(handle, start=1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FileProblem(
                RecordError(
                    name,
                    f"line {number}",
                    "-",
                    f"not UTF-8 text ({exc.reason} at column {exc.start + 1})",
                )
            ) from exc


def _csv_to_raw(cells: dict[str, str]) -> dict[str, Any]:
    source = {
        "url": cells.get("source_url", ""),
        "title": cells.get("source_title", ""),
        "publisher": cells.get("source_publisher", ""),
        "published_on": cells.get("source_published_on", ""),
        "excerpt": cells.get("source_excerpt", ""),
        "kind": cells.get("source_kind", ""),
    }
    return {
        "country": cells.get("country", ""),
        "benchmark": cells.get("benchmark", ""),
        "status": cells.get("status", ""),
        "observed_on": cells.get("observed_on", ""),
        "source": source if any(v.strip() for v in source.values()) else None,
        "note": cells.get("note", ""),
        "supersedes": cells.get("supersedes", ""),
    }
