"""`oip evidence import`: all or nothing, one message per bad record, re-imports skipped."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oip.catalogue.schema import Catalogue
from oip.evidence.actions import ImportFailed, import_evidence
from oip.evidence.models import AppendOnlyError, ContextNote, ImportBatch, Observation, Source

pytestmark = pytest.mark.django_db

HEADER = "country,benchmark,status,observed_on,source_url,source_title,source_publisher,source_published_on,source_excerpt,note\n"


@pytest.fixture
def benchmark(catalogue: Catalogue) -> str:
    return catalogue.targets[0].benchmarks[0].id


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def yaml_record(benchmark: str, /, **overrides: str) -> str:
    fields = {
        "country": "ME",
        "benchmark": benchmark,
        "status": "met",
        "observed_on": "2022-09-22",
        "source": "{url: 'https://example.org/wa', title: Working arrangement, publisher: EPPO, published_on: 2022-10-12, excerpt: signed}",
    }
    fields.update(overrides)
    body = ", ".join(f"{k}: {v}" for k, v in fields.items() if v != "<omit>")
    return f"  - {{{body}}}\n"


def counts() -> tuple[int, int, int]:
    return Observation.objects.count(), Source.objects.count(), ImportBatch.objects.count()


def test_yaml_import_records_observation_with_source(tmp_path: Path, benchmark: str) -> None:
    path = write(tmp_path, "e.yaml", "observations:\n" + yaml_record(benchmark, note="'by 2022'"))
    result = import_evidence([path], recorded_by="analyst")
    assert (result.created, result.skipped) == (1, 0)
    observation = Observation.objects.select_related("source").get()
    assert (observation.country_id, observation.benchmark_id, observation.status) == (
        "ME",
        benchmark,
        "met",
    )
    assert observation.observed_on == dt.date(2022, 9, 22)
    assert observation.note == "by 2022"
    assert observation.recorded_by == "analyst"
    assert (observation.source.url, observation.source.publisher) == (
        "https://example.org/wa",
        "EPPO",
    )
    assert observation.source.published_on == dt.date(2022, 10, 12)


def test_identical_reimport_is_skipped_and_counted(tmp_path: Path, benchmark: str) -> None:
    path = write(tmp_path, "e.yaml", "observations:\n" + yaml_record(benchmark))
    import_evidence([path], recorded_by="a")
    again = import_evidence([path], recorded_by="a")
    assert (again.created, again.skipped, again.batch_id) == (0, 1, None)
    assert counts() == (1, 1, 1)


def test_csv_import(tmp_path: Path, benchmark: str) -> None:
    path = write(
        tmp_path,
        "e.csv",
        HEADER
        + f'AL,{benchmark},partial,2024-03-12,https://example.org/x,Title,Pub,n.d.,"quote, with comma",\n'
        + f"XK,{benchmark},not_met,2025-01-01,,Offline report,KCSS,2025-01-02,,\n",
    )
    result = import_evidence([path], recorded_by="a")
    assert result.created == 2
    first = Observation.objects.select_related("source").get(country_id="AL")
    assert (first.status, first.source.published_on, first.source.excerpt) == (
        "partial",
        None,
        "quote, with comma",
    )


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ({"country": "FR"}, "country: unknown country 'FR'"),
        ({"benchmark": "no.such.benchmark"}, "benchmark: unknown benchmark 'no.such.benchmark'"),
        (
            {"status": "done"},
            "status: must be one of met, partial, not_met, not_applicable, got 'done'",
        ),
        ({"observed_on": "2022-13-01"}, "observed_on: not a date (YYYY-MM-DD): '2022-13-01'"),
        (
            {"observed_on": "2099-01-01"},
            "observed_on: 2099-01-01 is in the future (today is 2026-11-21)",
        ),
        ({"source": "<omit>"}, "source: required: no source, no observation"),
        (
            {"source": "{title: T, url: 'ftp://x'}"},
            "source.url: must start with http:// or https://, got 'ftp://x'",
        ),
        ({"source": "{url: 'https://x.org'}"}, "source.title: required"),
    ],
)
def test_each_bad_record_is_named_and_nothing_is_written(
    tmp_path: Path, benchmark: str, override: dict[str, str], expected: str
) -> None:
    path = write(
        tmp_path,
        "bad.yaml",
        "observations:\n" + yaml_record(benchmark) + yaml_record(benchmark, **override),
    )
    before = counts()
    with pytest.raises(ImportFailed) as caught:
        import_evidence([path], recorded_by="a", today=dt.date(2026, 11, 21))
    assert [str(e) for e in caught.value.errors] == [f"{path}: observations[1]: {expected}"]
    assert counts() == before


def test_errors_in_several_files_are_all_reported(tmp_path: Path, benchmark: str) -> None:
    good = write(tmp_path, "good.yaml", "observations:\n" + yaml_record(benchmark))
    bad_csv = write(
        tmp_path,
        "bad.csv",
        HEADER
        + f"ME,{benchmark},met,2022-01-01,,,,,,\nME,{benchmark},maybe,2022-01-01,https://x.org,T,,,,\n",
    )
    with pytest.raises(ImportFailed) as caught:
        import_evidence([good, bad_csv], recorded_by="a")
    assert [str(e) for e in caught.value.errors] == [
        f"{bad_csv}: line 2: source: required: no source, no observation",
        f"{bad_csv}: line 3: status: must be one of met, partial, not_met, not_applicable, got 'maybe'",
    ]
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "latin1.csv",
            HEADER.encode() + "ME,x,met,2022-01-01,,Caf\xe9,,,,\n".encode("latin-1"),
            "line 2: -: not UTF-8 text (invalid continuation byte at column 25)",
        ),
        (
            "broken.yaml",
            "observations:\n  - {country: ME\n",
            "line 3: -: malformed YAML: expected ',' or '}', but got '<stream end>'",
        ),
        ("empty.csv", "", "line 1: -: empty file: expected a header row"),
        (
            "cols.csv",
            "country,benchmark,colour\n",
            "line 1: header: missing column(s) status, observed_on, source_title; unknown column(s) colour",
        ),
        ("list.yaml", "- 1\n- 2\n", "file: -: expected a mapping with an `observations:` list"),
        ("data.txt", "hello", "file: -: unsupported file type (use .yaml, .yml or .csv)"),
    ],
)
def test_malformed_files_are_refused_whole(
    tmp_path: Path, name: str, content: str | bytes, expected: str
) -> None:
    path = write(tmp_path, name, content)
    with pytest.raises(ImportFailed) as caught:
        import_evidence([path], recorded_by="a")
    assert [str(e) for e in caught.value.errors] == [f"{path}: {expected}"]
    assert counts() == (0, 0, 0)


def test_short_csv_row_is_named(tmp_path: Path, benchmark: str) -> None:
    path = write(tmp_path, "short.csv", HEADER + f"ME,{benchmark},met\n")
    with pytest.raises(ImportFailed) as caught:
        import_evidence([path], recorded_by="a")
    assert [str(e) for e in caught.value.errors] == [f"{path}: line 2: -: 3 columns, expected 10"]


def test_command_exits_1_and_prints_each_problem(tmp_path: Path, benchmark: str) -> None:
    path = write(
        tmp_path,
        "bad.yaml",
        "observations:\n"
        + yaml_record(benchmark, country="ZZ")
        + yaml_record(benchmark, status="x"),
    )
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("evidence", "import", str(path), stderr=err)
    assert caught.value.returncode == 1
    assert err.getvalue().splitlines() == [
        f"{path}: observations[0]: country: unknown country 'ZZ'",
        f"{path}: observations[1]: status: must be one of met, partial, not_met, not_applicable, got 'x'",
    ]
    assert counts() == (0, 0, 0)


def test_command_reports_created_and_skipped(tmp_path: Path, benchmark: str) -> None:
    path = write(tmp_path, "e.yaml", "observations:\n" + yaml_record(benchmark))
    out = io.StringIO()
    call_command("evidence", "import", str(path), stdout=out)
    call_command("evidence", "import", str(path), stdout=out)
    assert out.getvalue().splitlines() == [
        "imported 1 observation(s), skipped 0 already recorded",
        "imported 0 observation(s), skipped 1 already recorded",
    ]


def test_observations_are_append_only(tmp_path: Path, benchmark: str) -> None:
    import_evidence(
        [write(tmp_path, "e.yaml", "observations:\n" + yaml_record(benchmark))], recorded_by="a"
    )
    observation = Observation.objects.get()
    observation.status = "not_met"
    with pytest.raises(AppendOnlyError):
        observation.save()
    with pytest.raises(AppendOnlyError):
        observation.delete()
    with pytest.raises(AppendOnlyError):
        Observation.objects.all().update(status="not_met")
    with pytest.raises(AppendOnlyError):
        Observation.objects.all().delete()
    assert Observation.objects.get().status == "met"


def note_yaml(key: str = "summit-2025", **overrides: str) -> str:
    fields = {
        "key": key,
        "country": "ME",
        "area": "eppo",
        "title": "A summit",
        "body": "Leaders met.",
        "noted_on": "2025-05-01",
        "source": "{url: 'https://example.org/summit', title: Summit, publisher: EU}",
    }
    fields.update(overrides)
    return "  - {" + ", ".join(f"{k}: {v}" for k, v in fields.items()) + "}\n"


def test_a_changed_note_under_a_stored_key_is_refused_not_skipped(
    tmp_path: Path, benchmark: str
) -> None:
    first = write(tmp_path, "n1.yaml", "context_notes:\n" + note_yaml())
    assert import_evidence([first], recorded_by="a").context_created == 1
    same = import_evidence([first], recorded_by="a")
    assert (same.context_created, same.context_skipped, same.batch_id) == (0, 1, None)
    changed = write(
        tmp_path,
        "n2.yaml",
        "observations:\n"
        + yaml_record(benchmark)
        + "context_notes:\n"
        + note_yaml(title="'A summit (corrected)'"),
    )
    before = counts()
    with pytest.raises(ImportFailed) as caught:
        import_evidence([changed], recorded_by="a")
    assert [str(e) for e in caught.value.errors] == [
        f"{changed}: context_notes[0]: key: 'summit-2025' already names a stored note with "
        "other content; a key names one note for ever: give the corrected note a new key"
    ]
    assert counts() == before  # not even the valid observation beside it
    assert ContextNote.objects.get().title == "A summit"


def test_two_different_notes_with_one_key_in_an_import_are_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "n.yaml",
        "context_notes:\n" + note_yaml() + note_yaml() + note_yaml(body="Leaders did not meet."),
    )
    with pytest.raises(ImportFailed) as caught:
        import_evidence([path], recorded_by="a")
    assert [str(e) for e in caught.value.errors] == [
        f"{path}: context_notes[2]: key: 'summit-2025' already names the note of {path}: "
        "context_notes[0] with other content; a key names one note for ever: give the "
        "corrected note a new key"
    ]
    assert ContextNote.objects.count() == 0


def test_counts_are_what_was_really_inserted(tmp_path: Path, benchmark: str) -> None:
    path = write(
        tmp_path,
        "dup.yaml",
        "observations:\n"
        + yaml_record(benchmark)
        + yaml_record(benchmark)  # the same fact twice in one file
        + yaml_record(benchmark, status="partial")
        + "context_notes:\n"
        + note_yaml()
        + note_yaml(),
    )
    result = import_evidence([path], recorded_by="a")
    assert (result.created, result.skipped) == (2, 1)
    assert (result.context_created, result.context_skipped) == (1, 1)
    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert (batch.observations_read, batch.notes_read) == (3, 2)
    assert (batch.observations.count(), batch.context_notes.count()) == (2, 1)
    assert Observation.objects.values("fingerprint").distinct().count() == 2


def test_source_kind_is_stored(tmp_path: Path, benchmark: str) -> None:
    path = write(
        tmp_path,
        "kinds.yaml",
        "observations:\n"
        + yaml_record(benchmark)
        + yaml_record(
            benchmark,
            status="partial",
            source="{kind: restricted, title: Briefing to the analysts, publisher: EEAS}",
        ),
    )
    import_evidence([path], recorded_by="a")
    assert sorted(Source.objects.values_list("kind", "title")) == [
        ("public", "Working arrangement"),
        ("restricted", "Briefing to the analysts"),
    ]


RECORDS = st.lists(
    st.tuples(st.integers(0, 2), st.sampled_from(["met", "partial"]), st.integers(1, 3)),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(first=RECORDS, second=RECORDS)
def test_counts_add_up_to_what_is_stored_whatever_the_overlap(
    tmp_path: Path,
    catalogue: Catalogue,
    first: list[tuple[int, str, int]],
    second: list[tuple[int, str, int]],
) -> None:
    benchmarks = [b.id for _, b in catalogue.benchmarks()][:3]

    def file(name: str, records: list[tuple[int, str, int]]) -> Path:
        lines = [
            yaml_record(benchmarks[b], status=status, observed_on=f"2024-0{month}-01")
            for b, status, month in records
        ]
        return write(tmp_path, name, "observations:\n" + "".join(lines))

    before = Observation.objects.count()
    known = set(Observation.objects.values_list("fingerprint", flat=True))
    results = [
        import_evidence([file("a.yaml", first)], recorded_by="a"),
        import_evidence([file("b.yaml", second)], recorded_by="a"),
    ]
    stored = set(Observation.objects.values_list("fingerprint", flat=True))
    assert (
        sum(r.created for r in results)
        == len(stored - known)
        == Observation.objects.count() - before
    )
    assert [r.created + r.skipped for r in results] == [len(first), len(second)]
    for result in results:
        if result.batch_id is not None:
            assert (
                ImportBatch.objects.get(pk=result.batch_id).observations.count() == result.created
            )


NOTES = st.lists(
    st.tuples(st.sampled_from(["k1", "k2", "k3"]), st.sampled_from(["Body one.", "Body two."])),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(notes=NOTES)
def test_a_note_key_is_refused_exactly_when_it_would_name_two_contents(
    tmp_path: Path, notes: list[tuple[str, str]]
) -> None:
    stored = dict(ContextNote.objects.values_list("key", "body"))
    path = write(
        tmp_path, "notes.yaml", "context_notes:\n" + "".join(note_yaml(k, body=b) for k, b in notes)
    )
    contents: dict[str, set[str]] = {}
    for key, body in [*stored.items(), *notes]:
        contents.setdefault(key, set()).add(body)
    clashing = {key for key, bodies in contents.items() if len(bodies) > 1}
    if clashing:
        with pytest.raises(ImportFailed) as failed:
            import_evidence([path], recorded_by="a")
        assert {e.field for e in failed.value.errors} == {"key"}
        assert dict(ContextNote.objects.values_list("key", "body")) == stored
        return
    result = import_evidence([path], recorded_by="a")
    assert result.context_created == len({k for k, _ in notes} - set(stored))
    assert result.context_created + result.context_skipped == len(notes)
