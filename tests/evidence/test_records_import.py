"""Bounded input through `import_evidence`: each attack or slip is refused, naming file, record
and field, and nothing is written. Each of these was accepted (or crashed) before the reader
was bounded."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest

from oip.catalogue.schema import Catalogue
from oip.evidence.actions import ImportFailed, import_evidence
from oip.evidence.models import ContextNote, ImportBatch, Observation, Source
from oip.evidence.records import Checker

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 21)
CSV_HEADER = "country,benchmark,status,observed_on,source_url,source_title"


@pytest.fixture
def benchmark(catalogue: Catalogue) -> str:
    return catalogue.targets[0].benchmarks[0].id


def alias_bomb() -> bytes:
    """Nine records, each note nine references to the one before: 9**9 "lol"s once expanded."""
    lines = ["observations:", "- note: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(
            f"- note: &{name} [*{previous}, *{previous}, *{previous}, *{previous}, "
            f"*{previous}, *{previous}, *{previous}, *{previous}, *{previous}]"
        )
    return ("\n".join(lines) + "\n").encode()


def counts() -> tuple[int, int, int, int]:
    return (
        Observation.objects.count(),
        Source.objects.count(),
        ImportBatch.objects.count(),
        ContextNote.objects.count(),
    )


def refused(path: Path) -> list[str]:
    """Import `path`, expect a refusal with nothing written; return the messages."""
    before = counts()
    with pytest.raises(ImportFailed) as caught:
        import_evidence([path], recorded_by="t", today=TODAY)
    assert counts() == before
    return [str(error) for error in caught.value.errors]


def observation(benchmark: str, **fields: str) -> str:
    values = {
        "country": "ME",
        "benchmark": benchmark,
        "status": "met",
        "observed_on": "'2024-01-10'",
        "source": "{url: 'https://example.org/r', title: Report}",
        **fields,
    }
    return "- " + "\n  ".join(f"{key}: {value}" for key, value in values.items()) + "\n"


def yaml_file(tmp_path: Path, text: str, name: str = "e.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_alias_bomb_is_refused_in_well_under_a_second(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_bytes(alias_bomb())
    started = time.perf_counter()
    messages = refused(path)
    assert time.perf_counter() - started < 1.0
    assert messages == [
        f"{path}: observations[0]: note: anchors (&name) are not allowed in evidence files"
    ]


def test_a_repeated_yaml_key_is_refused(tmp_path: Path, benchmark: str) -> None:
    path = yaml_file(
        tmp_path, "observations:\n" + observation(benchmark, status="met\n  status: not_met")
    )
    assert refused(path) == [
        f"{path}: observations[0]: status: the same key appears twice in one mapping"
    ]


def test_a_repeated_csv_column_is_refused(tmp_path: Path, benchmark: str) -> None:
    path = tmp_path / "e.csv"
    path.write_text(
        f"{CSV_HEADER},status\nME,{benchmark},met,2024-01-10,https://example.org/r,Report,not_met\n",
        encoding="utf-8",
    )
    assert refused(path) == [f"{path}: line 1: header: column(s) named more than once: status"]


def test_country_no_is_not_read_as_false(tmp_path: Path, benchmark: str) -> None:
    path = yaml_file(tmp_path, "observations:\n" + observation(benchmark, country="NO"))
    assert refused(path) == [
        f"{path}: observations[0]: country: must be a string: YAML reads NO as a boolean; "
        'write it in quotes ("NO")'
    ]


@pytest.mark.parametrize("written", ["20240110", "'20240110'", "2024-W02-3", "'2024-1-10'"])
def test_dates_are_written_yyyy_mm_dd_only(tmp_path: Path, benchmark: str, written: str) -> None:
    path = yaml_file(tmp_path, "observations:\n" + observation(benchmark, observed_on=written))
    shown = written.strip("'")
    assert refused(path) == [
        f"{path}: observations[0]: observed_on: not a date (YYYY-MM-DD): {shown!r}"
    ]


def test_deep_yaml_is_a_message_not_a_recursion_error(tmp_path: Path, benchmark: str) -> None:
    deep = "[" * 5000 + "]" * 5000
    path = yaml_file(tmp_path, "observations:\n" + observation(benchmark, note=deep))
    assert refused(path) == [
        f"{path}: observations[0]: note.0.0.0.0.0: nested more than 8 levels deep"
    ]


@pytest.mark.parametrize("url", ["https://", "https:///path", "http://:80/x"])
def test_a_url_without_a_host_is_refused(tmp_path: Path, benchmark: str, url: str) -> None:
    source = f"{{url: '{url}', title: Report}}"
    path = yaml_file(tmp_path, "observations:\n" + observation(benchmark, source=source))
    assert refused(path) == [
        f"{path}: observations[0]: source.url: has no host: {url!r} (write https://host/path)"
    ]


def test_a_huge_note_is_refused(tmp_path: Path, benchmark: str) -> None:
    ok = yaml_file(
        tmp_path, "observations:\n" + observation(benchmark, note="n" * 16384), "ok.yaml"
    )
    assert import_evidence([ok], recorded_by="t", today=TODAY).created == 1
    path = yaml_file(tmp_path, "observations:\n" + observation(benchmark, note="é" * 8193))
    assert refused(path) == [f"{path}: observations[0]: note: longer than 16 KiB of UTF-8 text"]


def test_a_cr_only_csv_is_explained(tmp_path: Path, benchmark: str) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes(
        f"{CSV_HEADER}\rME,{benchmark},met,2024-01-10,https://example.org/r,Report\r".encode()
    )
    assert refused(path) == [
        f"{path}: line 1: -: the lines end with a carriage return (CR) only, an old Mac format: "
        "save the file with LF or CRLF line endings"
    ]


def test_an_ansi_escape_never_reaches_the_store_or_the_terminal(
    tmp_path: Path, benchmark: str
) -> None:
    source = '{url: "https://example.org/r", title: "\\e[31mRed\\e[0m report"}'
    path = yaml_file(tmp_path, "observations:\n" + observation(benchmark, source=source))
    messages = refused(path)
    assert messages == [
        f"{path}: observations[0]: source.title: contains the control character U+001B "
        "(terminal escapes and control codes are not text)"
    ]
    csv_path = tmp_path / "e.csv"
    csv_path.write_text(
        f"{CSV_HEADER},note\nME,{benchmark},met,2024-01-10,https://example.org/r,Report,"
        '"line one\r\nline two\x07"\n',
        encoding="utf-8",
    )
    assert refused(csv_path) == [
        f"{csv_path}: line 2: note: contains the control character U+0007 "
        "(terminal escapes and control codes are not text)"
    ]


def test_a_file_changed_between_the_two_passes_is_imported_as_validated(
    tmp_path: Path, benchmark: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "e.csv"
    rows = [f"ME,{benchmark},met,2024-01-10,https://example.org/a,A"]
    rows.append(f"AL,{benchmark},met,2024-01-11,https://example.org/b,B")
    path.write_text("\n".join([CSV_HEADER, *rows]) + "\n", encoding="utf-8")
    original = Checker.observation
    calls: list[int] = []

    def observation_then_edit(self: Checker, raw: dict[str, Any], file: str, record: str) -> Any:
        calls.append(1)
        if len(calls) == 1:  # while the first pass validates, someone saves a new version
            path.write_text(
                "\n".join([CSV_HEADER, f"XK,{benchmark},met,2024-01-12,https://example.org/c,C"])
                + "\n",
                encoding="utf-8",
            )
        return original(self, raw, file, record)

    monkeypatch.setattr(Checker, "observation", observation_then_edit)
    result = import_evidence([path], recorded_by="t", today=TODAY)
    assert (result.created, result.skipped) == (2, 0)
    assert sorted(Observation.objects.values_list("country_id", flat=True)) == ["AL", "ME"]


def context_file(tmp_path: Path, **fields: str) -> Path:
    values = {
        "key": "me-note",
        "country": "ME",
        "area": "eppo",
        "title": "A title",
        "body": "A body",
        "source": "{url: 'https://example.org/n', title: N}",
        **fields,
    }
    return yaml_file(
        tmp_path,
        "context_notes:\n- " + "\n  ".join(f"{k}: {v}" for k, v in values.items()) + "\n",
    )


@pytest.mark.parametrize(("field", "limit"), [("key", 120), ("title", 300), ("area", 80)])
def test_context_note_fields_fit_their_columns(tmp_path: Path, field: str, limit: int) -> None:
    path = context_file(tmp_path, **{field: "k" * (limit + 1)})
    messages = refused(path)
    assert f"{path}: context_notes[0]: {field}: longer than {limit} characters" in messages
    fits = context_file(tmp_path, **{field: "k" * limit} if field != "area" else {})
    assert import_evidence([fits], recorded_by="t", today=TODAY).context_created == 1


def test_source_kinds(tmp_path: Path, benchmark: str) -> None:
    measured = "{kind: measured, url: 'oip:exchange/aggregate/me', title: OIP aggregate}"
    restricted = "{kind: restricted, title: Liaison report, publisher: EPPO}"
    path = yaml_file(
        tmp_path,
        "observations:\n"
        + observation(benchmark, source=measured)
        + observation(benchmark, source=restricted, observed_on="'2024-01-11'"),
    )
    assert import_evidence([path], recorded_by="t", today=TODAY).created == 2
    stored = Source.objects.order_by("id").values_list("kind", "url", "publisher")
    assert list(stored) == [
        ("measured", "oip:exchange/aggregate/me", ""),
        ("restricted", "", "EPPO"),
    ]
    bad = yaml_file(
        tmp_path,
        "observations:\n"
        + observation(benchmark, source="{kind: secret, title: T, url: 'https://x.org'}")
        + observation(benchmark, source="{kind: public, title: T}")
        + observation(benchmark, source="{title: T, url: 'oip:exchange/x'}"),
        "bad.yaml",
    )
    assert refused(bad) == [
        f"{bad}: observations[0]: source.kind: must be one of public, measured, restricted, "
        "got 'secret'",
        f"{bad}: observations[1]: source.url: required: a URL, or at least a publisher for an "
        "offline source",
        f"{bad}: observations[2]: source.url: must start with http:// or https://, got "
        "'oip:exchange/x'",
    ]
