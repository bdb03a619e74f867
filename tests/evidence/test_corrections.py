"""Corrections: a record supersedes a stored observation; the engine and the API honour it
from the correction's `recorded_at`, and as known before then the corrected one still counts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import IntegrityError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oip.catalogue.fetch import current_catalogue
from oip.evidence import serialize
from oip.evidence.actions import ImportFailed, import_evidence
from oip.evidence.corrections import corrections
from oip.evidence.models import Observation
from oip.evidence.reading import RecordError
from oip.evidence.records import Checker, read_file
from oip.standings.evaluation import clear_cache, evaluation, load_observations

pytestmark = pytest.mark.django_db

BENCHMARK = "eppo.working-arrangement.signed"
OTHER = "eppo.contact-points.designated"
T1 = dt.datetime(2026, 1, 10, tzinfo=dt.UTC)
T2 = dt.datetime(2026, 3, 10, tzinfo=dt.UTC)
BETWEEN = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)


def record(
    *,
    country: str = "ME",
    benchmark: str = BENCHMARK,
    status: str = "met",
    observed_on: str = "2020-05-01",
    note: str = "",
    supersedes: str = "",
) -> str:
    lines = [
        f"- country: {country}",
        f"  benchmark: {benchmark}",
        f"  status: {status}",
        f"  observed_on: '{observed_on}'",
        "  source: {url: 'https://example.org/a', title: A source, publisher: EPPO}",
        f"  note: '{note}'",
    ]
    if supersedes:
        lines.append(f"  supersedes: '{supersedes}'")
    return "\n".join(lines) + "\n"


def load(tmp_path: Path, name: str, *records: str, at: dt.datetime | None = None) -> Path:
    path = tmp_path / name
    path.write_text("observations:\n" + "".join(records), encoding="utf-8")
    import_evidence([path], recorded_by="test", recorded_at=at)
    return path


def refusal(tmp_path: Path, *records: str) -> list[RecordError]:
    before = Observation.objects.count()
    path = tmp_path / "fix.yaml"
    path.write_text("observations:\n" + "".join(records), encoding="utf-8")
    with pytest.raises(ImportFailed) as failed:
        import_evidence([path], recorded_by="test")
    assert Observation.objects.count() == before  # nothing written
    return failed.value.errors


@pytest.fixture
def wrong(tmp_path: Path) -> Observation:
    load(tmp_path, "first.yaml", record(note="met since 2018"), at=T1)
    return Observation.objects.get()


def test_a_correction_stores_what_it_supersedes_by_fingerprint(
    tmp_path: Path, wrong: Observation
) -> None:
    load(
        tmp_path,
        "fix.yaml",
        record(observed_on="2021-05-01", supersedes=wrong.fingerprint),
        at=T2,
    )
    fix = Observation.objects.get(supersedes__isnull=False)
    assert (fix.supersedes_id, fix.recorded_at, fix.observed_on) == (
        wrong.pk,
        T2,
        dt.date(2021, 5, 1),
    )
    assert list(corrections().values_list("id", "supersedes_id")) == [(fix.pk, wrong.pk)]
    # The same correction imported again is skipped, not stored twice.
    again = tmp_path / "again.yaml"
    again.write_text(
        "observations:\n" + record(observed_on="2021-05-01", supersedes=wrong.fingerprint)
    )
    assert import_evidence([again], recorded_by="test").skipped == 1


def test_a_correction_by_id_is_the_same_record_as_by_fingerprint(
    tmp_path: Path, wrong: Observation
) -> None:
    load(tmp_path, "by-id.yaml", record(observed_on="2021-05-01", supersedes=str(wrong.pk)))
    fix = Observation.objects.get(supersedes=wrong)
    by_fingerprint = tmp_path / "by-fp.yaml"
    by_fingerprint.write_text(
        "observations:\n" + record(observed_on="2021-05-01", supersedes=wrong.fingerprint)
    )
    result = import_evidence([by_fingerprint], recorded_by="test")
    assert (result.created, result.skipped) == (0, 1)
    assert Observation.objects.filter(supersedes=wrong).count() == 1
    assert fix.fingerprint != wrong.fingerprint


def test_a_correction_of_nothing_stored_is_refused_naming_file_record_and_field(
    tmp_path: Path, wrong: Observation
) -> None:
    missing = "0" * 40
    errors = refusal(tmp_path, record(), record(observed_on="2021-01-01", supersedes=missing))
    assert [(e.record, e.field, e.message) for e in errors] == [
        (
            "observations[1]",
            "supersedes",
            f"supersedes nothing stored: no observation has the fingerprint {missing!r} "
            "(a correction names an observation imported before it)",
        )
    ]
    errors = refusal(tmp_path, record(supersedes=str(wrong.pk + 1000)))
    assert errors[0].message.startswith("supersedes nothing stored: no observation has the id")


def test_a_correction_across_countries_is_refused(tmp_path: Path, wrong: Observation) -> None:
    errors = refusal(tmp_path, record(country="AL", supersedes=wrong.fingerprint))
    assert [(e.field, e.message) for e in errors] == [
        (
            "supersedes",
            f"{wrong.fingerprint!r} is an observation of ME, not AL: a correction stays in "
            "its country",
        )
    ]


def test_a_correction_may_move_a_fact_to_another_benchmark_of_its_country(
    tmp_path: Path, wrong: Observation
) -> None:
    load(tmp_path, "moved.yaml", record(benchmark=OTHER, supersedes=wrong.fingerprint), at=T2)
    moved = Observation.objects.get(benchmark_id=OTHER)
    assert moved.supersedes_id == wrong.pk
    assert [(o.benchmark, o.id) for o in load_observations()] == [(OTHER, moved.pk)]


def test_a_correction_of_a_record_in_the_same_import_is_refused_so_no_cycle_can_form(
    tmp_path: Path,
) -> None:
    first = tmp_path / "probe.yaml"
    first.write_text("observations:\n" + record())
    # The fingerprint the first record will have; the second names it in the same file.
    raw = next(iter(read_file(first)))[2]
    checked = Checker(current_catalogue(), dt.date(2026, 11, 30)).observation(raw, "f", "r")
    assert not isinstance(checked, list)
    errors = refusal(tmp_path, record(), record(status="partial", supersedes=checked.fingerprint))
    assert [(e.record, e.field) for e in errors] == [("observations[1]", "supersedes")]


@pytest.mark.parametrize("reference", ["abc", "12ab", "0", "-3", "A" * 41])
def test_a_reference_that_is_neither_a_fingerprint_nor_an_id_is_refused(
    tmp_path: Path, reference: str
) -> None:
    errors = refusal(tmp_path, record(supersedes=reference))
    assert [(e.field, e.message) for e in errors] == [
        (
            "supersedes",
            "must name the observation corrected by its fingerprint (40 hex digits) or its "
            f"id, got {reference.lower()[:40]!r}",
        )
    ]


def test_csv_has_a_supersedes_column(tmp_path: Path, wrong: Observation) -> None:
    path = tmp_path / "fix.csv"
    path.write_text(
        "country,benchmark,status,observed_on,source_url,source_title,supersedes\n"
        f"ME,{BENCHMARK},met,2021-05-01,https://example.org/b,B,{wrong.fingerprint}\n",
        encoding="utf-8",
    )
    assert import_evidence([path], recorded_by="test").created == 1
    assert Observation.objects.get(supersedes__isnull=False).supersedes_id == wrong.pk


def test_the_database_refuses_a_correction_of_nothing(wrong: Observation) -> None:
    table = Observation._meta.db_table
    columns = ", ".join(f.column for f in Observation._meta.concrete_fields if not f.primary_key)
    values = [
        "ME",
        BENCHMARK,
        "met",
        dt.date(2021, 1, 1),
        T2,
        wrong.source_id,
        "",
        "raw",
        None,
        "f" * 40,
        wrong.pk + 1000,
    ]
    names = [f.column for f in Observation._meta.concrete_fields if not f.primary_key]
    assert names[-1] == "supersedes_id"
    assert len(names) == len(values)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(values))})"
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, values)
        # Foreign keys are checked at commit (deferred on both engines); check them now.
        with pytest.raises(IntegrityError):
            connection.check_constraints(table_names=[table])
        transaction.set_rollback(True)


def test_known_at_before_the_correction_reproduces_the_corrected_reading(
    tmp_path: Path, wrong: Observation
) -> None:
    load(
        tmp_path,
        "fix.yaml",
        record(observed_on="2021-05-01", supersedes=wrong.fingerprint),
        at=T2,
    )
    fix = Observation.objects.get(supersedes=wrong)
    as_of = dt.date(2020, 12, 31)

    def seen(known_at: dt.datetime | None) -> list[tuple[int, dt.date]]:
        return [(o.id, o.observed_on) for o in load_observations(known_at)]

    assert seen(BETWEEN) == [(wrong.pk, dt.date(2020, 5, 1))]
    assert seen(T2) == [(fix.pk, dt.date(2021, 5, 1))]
    assert seen(None) == [(fix.pk, dt.date(2021, 5, 1))]
    before = evaluation(BETWEEN).benchmark_state("ME", BENCHMARK, as_of)
    after = evaluation().benchmark_state("ME", BENCHMARK, as_of)
    assert (before.status, before.observed_on) == ("met", dt.date(2020, 5, 1))
    assert (after.status, after.observed_on) == ("unknown", None)
    # The API shape marks the superseded one, as known then.
    rows = {o["id"]: o for o in map(serialize.observation_dict, serialize.observations())}
    assert (rows[wrong.pk]["superseded_by"], rows[fix.pk]["supersedes"]) == (fix.pk, wrong.pk)
    assert rows[fix.pk]["superseded_by"] is None
    early = {o.pk: o for o in serialize.observations(known_at=BETWEEN)}
    assert list(early) == [wrong.pk]
    assert serialize.observation_dict(early[wrong.pk])["superseded_by"] is None


# The rule, as a property: an observation counts as known at k iff it was recorded by k and
# no correction of it was recorded by k.

DAY = dt.timedelta(days=1)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    plan=st.lists(
        st.tuples(st.integers(0, 9), st.one_of(st.none(), st.integers(0, 30))),
        min_size=1,
        max_size=8,
    ),
    known=st.one_of(st.none(), st.integers(0, 12)),
)
def test_superseded_observations_stop_counting_from_the_correction(
    tmp_path: Path, plan: list[tuple[int, int | None]], known: int | None
) -> None:
    """`plan[i]` = (day observation i is recorded, index of the one it corrects, if any
    earlier one exists: taken modulo i)."""
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with transaction.atomic():
        recorded: dict[int, tuple[int, dt.datetime, int | None]] = {}  # i -> (id, at, corrects)
        clock = start
        for i, (gap, target) in enumerate(plan):
            clock += gap * DAY  # corrections are recorded after what they correct
            corrects = target % i if (target is not None and i) else None
            ref = (
                Observation.objects.get(pk=recorded[corrects][0]).fingerprint
                if corrects is not None
                else ""
            )
            path = tmp_path / f"p{i}.yaml"
            path.write_text(
                "observations:\n"
                + record(observed_on=f"2020-01-{i + 1:02d}", note=f"n{i}", supersedes=ref)
            )
            import_evidence([path], recorded_by="test", recorded_at=clock)
            pk = Observation.objects.latest("id").pk
            recorded[i] = (pk, clock, corrects)
        known_at = None if known is None else start + known * DAY
        clear_cache()
        expected = {
            pk
            for i, (pk, at, _) in recorded.items()
            if (known_at is None or at <= known_at)
            and not any(
                c == i and (known_at is None or c_at <= known_at)
                for _, c_at, c in recorded.values()
            )
        }
        assert {o.id for o in load_observations(known_at)} == expected
        transaction.set_rollback(True)
