"""Field rules of `oip.evidence.records.Checker`, as properties over any input. No database."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

import pytest
from django.db import models
from hypothesis import given
from hypothesis import strategies as st

from oip.catalogue.models import Benchmark
from oip.catalogue.schema import Catalogue
from oip.evidence.models import ContextNote, Source
from oip.evidence.reading import NotText
from oip.evidence.records import (
    CONTEXT_LIMITS,
    FREE_TEXT,
    IDENTIFIER,
    OBSERVATION_LIMITS,
    SOURCE_LIMITS,
    Checker,
    Limit,
    ObservationRecord,
    SourceRecord,
)
from oip.vocabulary import SOURCE_KINDS

TODAY = dt.date(2026, 11, 21)
# What the rule refuses: C0 controls but tab and line feed, DEL, C1, and a CR not before LF.
REFUSED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")


def test_bounded_fields_fit_their_columns() -> None:
    def column(model: type[models.Model], name: str) -> int | None:
        field = model._meta.get_field(name)
        assert isinstance(field, models.CharField | models.TextField)
        return field.max_length if isinstance(field, models.CharField) else None

    for name in ("url", "title", "publisher"):
        assert SOURCE_LIMITS[name] == Limit(column(Source, name) or 0, "characters")
    for name in ("key", "area", "title"):
        assert CONTEXT_LIMITS[name] == Limit(column(ContextNote, name) or 0, "characters")
    assert column(Source, "excerpt") is None
    assert column(ContextNote, "body") is None
    assert SOURCE_LIMITS["excerpt"] == CONTEXT_LIMITS["body"] == OBSERVATION_LIMITS["note"]
    assert Limit(16 * 1024, "bytes") == FREE_TEXT
    assert IDENTIFIER.size >= (column(Benchmark, "id") or 0)


@pytest.fixture(scope="module")
def checker(catalogue: Catalogue) -> Checker:
    return Checker(catalogue, TODAY)


@pytest.fixture(scope="module")
def benchmark(catalogue: Catalogue) -> str:
    return catalogue.targets[0].benchmarks[0].id


def record(benchmark: str, /, **fields: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "country": "ME",
        "benchmark": benchmark,
        "status": "met",
        "observed_on": "2024-01-10",
        "source": {"url": "https://example.org/r", "title": "Report"},
    }
    raw.update(fields)
    return raw


def messages(result: ObservationRecord | list[Any]) -> list[str]:
    assert isinstance(result, list)
    return [f"{e.field}: {e.message}" for e in result]


texts = st.lists(
    st.characters(exclude_categories=["Cs"]) | st.sampled_from(["\x1b", "\r", "\r\n", "\x9b"]),
    max_size=20,
).map("".join)


@given(texts)
def test_a_note_is_accepted_exactly_when_it_holds_no_control_character(
    checker: Checker, benchmark: str, note: str
) -> None:
    result = checker.observation(record(benchmark, note=note), "f", "r")
    if REFUSED.search(note):
        [message] = messages(result)
        assert message.startswith("note: contains ")
    else:
        assert isinstance(result, ObservationRecord)
        assert result.note == note.strip()


@given(st.integers(0, 4), st.integers(16 * 1024 - 8, 16 * 1024 + 8))
def test_free_text_is_limited_in_utf8_bytes(
    checker: Checker, benchmark: str, width: int, size: int
) -> None:
    char = ["a", "é", "€", "😀", "x"][width]
    note = char * (size // len(char.encode()))
    result = checker.observation(record(benchmark, note=note), "f", "r")
    if len(note.encode()) <= 16 * 1024:
        assert isinstance(result, ObservationRecord)
    else:
        assert messages(result) == ["note: longer than 16 KiB of UTF-8 text"]


@given(st.text(max_size=30), st.sampled_from(["characters", "bytes"]), st.integers(0, 40))
def test_a_limit_counts_what_it_says(text: str, unit: Any, size: int) -> None:
    counted = len(text) if unit == "characters" else len(text.encode())
    assert Limit(size, unit).exceeded_by(text) == (counted > size)


@given(
    st.sampled_from(["country", "benchmark", "status", "note"]),
    st.sampled_from([NotText("boolean", "NO"), NotText("integer", "12"), NotText("number", "1.5")]),
)
def test_unquoted_yaml_scalars_are_never_stringified(
    checker: Checker, benchmark: str, field: str, value: NotText
) -> None:
    result = checker.observation(record(benchmark, **{field: value}), "f", "r")
    assert messages(result) == [
        f"{field}: must be a string: YAML reads {value.text} as a {value.kind}; "
        f'write it in quotes ("{value.text}")'
    ]


@pytest.mark.parametrize(
    ("value", "shown"), [(["ME"], "a list"), ({"a": 1}, "a mapping"), (12, "a int")]
)
def test_other_values_are_not_text(
    checker: Checker, benchmark: str, value: object, shown: str
) -> None:
    result = checker.observation(record(benchmark, country=value), "f", "r")
    assert messages(result) == [f"country: must be a string, not {shown}"]


urls = st.sampled_from(
    [
        "",
        "https://example.org/x",
        "http://example.org",
        "https://",
        "oip:exchange/me",
        "oip:",
        "ftp://example.org",
        "https:///x",
    ]
)


@given(st.sampled_from([None, *SOURCE_KINDS]), urls, st.sampled_from(["", "EPPO"]))
def test_what_identifies_a_source_of_each_kind(
    checker: Checker, benchmark: str, kind: str | None, url: str, publisher: str
) -> None:
    source = {"url": url, "title": "T", "publisher": publisher}
    if kind is not None:
        source["kind"] = kind
    result = checker.observation(record(benchmark, source=source), "f", "r")
    public = kind in (None, "public")
    web = url.startswith(("http://", "https://")) and url not in ("https://", "https:///x")
    internal = url == "oip:exchange/me"
    offline = url == "" and publisher != ""
    accepted = (web or offline) if public else (url == "" or web or internal)
    assert isinstance(result, ObservationRecord) == accepted
    if accepted:
        assert isinstance(result, ObservationRecord)
        assert result.source.kind == (kind or "public")


@given(
    st.text(max_size=10),
    st.text(max_size=10),
    st.one_of(st.none(), st.dates()),
    st.sampled_from(SOURCE_KINDS),
)
def test_public_sources_keep_their_fingerprints(
    title: str, excerpt: str, published_on: dt.date | None, kind: Any
) -> None:
    parts = ("https://x.org", title, "P", published_on.isoformat() if published_on else "", excerpt)
    before_kinds = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]
    source = SourceRecord("https://x.org", title, "P", published_on, excerpt, kind)
    assert (source.fingerprint == before_kinds) == (kind == "public")


def test_a_field_name_with_an_escape_is_shown_escaped(checker: Checker, benchmark: str) -> None:
    result = checker.observation(record(benchmark, **{"\x1b[2Jx": "y"}), "f.yaml", "r")
    assert isinstance(result, list)
    assert [str(e) for e in result] == ["f.yaml: r: \\x1b[2Jx: unknown field"]


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://example.org", True),
        ("http://user:pw@example.org:8080/x?q#f", True),
        ("https://[2001:db8::1]/x", True),
        ("https://", False),
        ("https:///x", False),
        ("https://@/x", False),
        ("https://:443/x", False),
        ("https:// example.org", False),
        ("https://[::1/x", False),
    ],
)
def test_a_web_url_needs_a_host(checker: Checker, benchmark: str, url: str, host: bool) -> None:
    result = checker.observation(record(benchmark, source={"url": url, "title": "T"}), "f", "r")
    if host:
        assert isinstance(result, ObservationRecord)
    else:
        assert messages(result) == [f"source.url: has no host: {url!r} (write https://host/path)"]
