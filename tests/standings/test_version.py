"""The data version: bumped inside every write transaction, so no cache can miss a commit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oip.catalogue.actions import load_catalogue_into_db
from oip.catalogue.schema import Catalogue
from oip.evidence.actions import import_evidence, record_observation
from oip.evidence.records import SourceRecord
from oip.site.models import DataVersion, bump_data_version, read_data_version
from oip.standings.version import data_version, forget_data_version
from tests.hardening.procs import postgres_scratch, running_on_postgres, sqlite_scratch

SOURCE = SourceRecord(
    url="https://example.org/v",
    title="Version report",
    publisher="EC",
    published_on=dt.date(2025, 1, 2),
    excerpt="",
    kind="public",
)


def counter() -> int:
    return int(read_data_version().split(".")[0])


def one_observation(tmp_path: Path, benchmark: str, status: str = "met") -> Path:
    path = tmp_path / f"{benchmark}-{status}.yaml"
    path.write_text(
        "observations:\n"
        f"  - {{country: ME, benchmark: {benchmark}, status: {status}, observed_on: 2024-01-10, "
        "source: {url: 'https://example.org/v', title: Version report, publisher: EC}}\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.django_db
def test_every_write_changes_the_version_and_nothing_else_does(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    benchmark = next(b.id for _, b in catalogue.benchmarks())
    seen = [read_data_version()]

    def changed() -> bool:
        seen.append(read_data_version())
        return seen[-1] != seen[-2]

    path = one_observation(tmp_path, benchmark)
    assert import_evidence([path], recorded_by="t").created == 1
    assert changed()
    assert import_evidence([path], recorded_by="t").created == 0
    assert not changed()
    recorded = dict(
        country="AL", benchmark=benchmark, status="partial", observed_on=dt.date(2024, 2, 1)
    )
    assert record_observation(**recorded, source=SOURCE, note="", recorded_by="a").created
    assert changed()
    assert not record_observation(**recorded, source=SOURCE, note="", recorded_by="a").created
    assert not changed()
    assert not load_catalogue_into_db(catalogue).changed
    assert not changed()
    assert load_catalogue_into_db(catalogue.model_copy(update={"version": "9999.1"})).changed
    assert changed()
    counters = [int(v.split(".")[0]) for v in seen]
    assert counters[-1] - counters[0] == 3  # one step per committed write
    assert len({v.split(".")[1] for v in seen}) == 4  # and a fresh token each time


@pytest.mark.django_db
def test_a_write_rolled_back_leaves_the_version(tmp_path: Path, catalogue: Catalogue) -> None:
    before = read_data_version()
    benchmark = next(b.id for _, b in catalogue.benchmarks())
    with transaction.atomic():
        import_evidence([one_observation(tmp_path, benchmark)], recorded_by="t")
        assert read_data_version() != before  # this transaction sees its own write
        transaction.set_rollback(True)
    assert read_data_version() == before


def test_the_version_is_bumped_only_inside_a_transaction() -> None:
    with pytest.raises(RuntimeError, match="inside the write's transaction"):
        bump_data_version()


@pytest.mark.django_db
def test_a_missing_row_is_recreated_by_the_next_write() -> None:
    # A new database has no row (it counts as empty), nor has one after `flush`: the next
    # write creates it.
    DataVersion.objects.all().delete()
    assert read_data_version() == "0"
    with transaction.atomic():
        version = bump_data_version()
    assert version.startswith("1.")
    assert read_data_version() == version


@pytest.mark.django_db
def test_data_version_reads_the_row_through_its_memo() -> None:
    forget_data_version()
    first = data_version()
    assert first == read_data_version()
    with transaction.atomic():
        bump_data_version()
    assert data_version() == first  # memoised (another process's write shows within the TTL)
    forget_data_version()
    assert data_version() == read_data_version() != first


@pytest.mark.django_db
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    writes=st.lists(
        st.tuples(st.integers(0, 4), st.sampled_from(["met", "partial", "not_met"])),
        min_size=1,
        max_size=6,
    )
)
def test_the_version_changes_exactly_when_an_import_stores_something(
    tmp_path: Path, catalogue: Catalogue, writes: list[tuple[int, str]]
) -> None:
    benchmarks = [b.id for _, b in catalogue.benchmarks()][:5]
    for index, status in writes:
        before = read_data_version()
        result = import_evidence(
            [one_observation(tmp_path, benchmarks[index], status)], recorded_by="t"
        )
        after = read_data_version()
        assert (after != before) == (result.created > 0)
        if result.created:
            assert int(after.split(".")[0]) == int(before.split(".")[0]) + 1


LOWER_ID_COMMITS_LATER = """
import threading
from django.db import connection, transaction
from oip.evidence.models import Observation, Source
from oip.site.models import bump_data_version
from oip.standings.version import data_version, forget_data_version

source = Source.objects.create(title="s", fingerprint="s" * 40)
a_inserted, b_committed = threading.Event(), threading.Event()
ids, versions = {}, {}

def observation(name):
    return Observation.objects.create(
        country_id="ME", benchmark_id=BENCHMARK, status="met", observed_on="2024-01-10",
        recorded_at="2025-01-01T00:00:00Z", source=source, recorded_by=name,
        fingerprint=name * 40)

def writer_a():  # takes the lower id, commits last
    with transaction.atomic():
        ids["a"] = observation("a").pk
        a_inserted.set()
        b_committed.wait(30)
        bump_data_version()
    connection.close()

def writer_b():
    a_inserted.wait(30)
    with transaction.atomic():
        ids["b"] = observation("b").pk
        bump_data_version()
    forget_data_version()
    versions["after_b"] = data_version()
    b_committed.set()
    connection.close()

threads = [threading.Thread(target=writer_a), threading.Thread(target=writer_b)]
for t in threads: t.start()
for t in threads: t.join(60)
forget_data_version()
versions["after_a"] = data_version()
print(json.dumps([ids["a"], ids["b"], versions["after_b"], versions["after_a"]]))
"""


@pytest.mark.skipif(
    not running_on_postgres(),
    reason="PostgreSQL only (DATABASE_URL): SQLite never runs two write transactions at once",
)
@pytest.mark.django_db
def test_a_write_that_took_a_lower_id_but_committed_later_changes_the_version(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    benchmark = next(b.id for _, b in catalogue.benchmarks())
    with postgres_scratch(tmp_path / "db", "h1_version") as db:
        db.python("from tests.hardening.dbstate import prepare\nprepare()\nprint('null')")
        a, b, after_b, after_a = db.python(f"BENCHMARK = {benchmark!r}\n" + LOWER_ID_COMMITS_LATER)
    assert a < b  # the later commit took the lower id: max(id) would not change
    assert after_a != after_b


def test_a_new_database_has_no_version_row_and_counts_as_empty(tmp_path: Path) -> None:
    # `oip restore` without --force accepts only an empty database: the version row must not
    # make a just-migrated one look used.
    with sqlite_scratch(tmp_path / "db") as db:
        assert db.python(
            "from django.core.management import call_command\n"
            "call_command('migrate', verbosity=0)\n"
            "from oip.site.backup import database_is_empty\n"
            "from oip.site.models import read_data_version\n"
            "print(json.dumps([database_is_empty(), read_data_version()]))"
        ) == [True, "0"]
