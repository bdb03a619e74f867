"""The baseline's editions: each is a knowledge time; the second corrects the first with
superseding records; every shipped observation is sourced, known, honestly dated, and
supersedes something that exists."""

from __future__ import annotations

import calendar
import datetime as dt
import io
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command

from oip.catalogue.schema import Catalogue
from oip.evidence.actions import import_evidence
from oip.evidence.baseline import Edition, baseline_directory, edition_of, editions, load_baseline
from oip.evidence.models import ContextNote, Observation
from oip.evidence.records import Checker, ObservationRecord, SourceRecord, check, read_file
from oip.standings.evaluation import evaluation

FIRST = dt.date(2026, 11, 21)
SECOND = dt.date(2026, 11, 30)
BETWEEN = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)

Shipped = list[tuple[dt.date, str, ObservationRecord]]  # (edition, file name, record)


def shipped(catalogue: Catalogue) -> Shipped:
    """Every shipped observation with its edition; read with an unbounded catalogue check
    (`today` far ahead) so that the rules below, not the reader, judge the dates."""
    checker = Checker(catalogue, dt.date(2100, 1, 1))
    rows: Shipped = []
    for path in sorted(baseline_directory().glob("*.yaml")):
        for kind, label, raw in read_file(path):
            result = check(checker, kind, path.name, label, raw)
            assert not isinstance(result, list), [str(e) for e in result]
            if isinstance(result, ObservationRecord):
                rows.append((edition_of(path), f"{path.name} {label}", result))
    return rows


def problems(rows: Shipped, benchmarks: set[str]) -> list[str]:
    """What is wrong with shipped observations: no source (title, URL or publisher, excerpt),
    an unknown benchmark, a date after the edition, a date at the edition's compilation day
    whose note does not say so, or a `supersedes` naming no observation of an earlier
    edition of the same country."""
    found: list[str] = []
    earlier: dict[str, tuple[dt.date, str]] = {}
    for edition, where, item in sorted(rows, key=lambda r: r[0]):
        source = item.source
        if not (source.title and (source.url or source.publisher) and source.excerpt):
            found.append(f"{where}: no source")
        if item.benchmark not in benchmarks:
            found.append(f"{where}: unknown benchmark {item.benchmark}")
        if item.observed_on > edition:
            found.append(f"{where}: dated after its edition")
        if (item.observed_on == edition and "compiled" not in item.note) or (
            item.observed_on == edition and edition.isoformat() not in item.note
        ):
            found.append(f"{where}: dated at its compilation day without saying so")
        if item.supersedes:
            target = earlier.get(item.supersedes)
            if target is None or target[0] >= edition:
                found.append(f"{where}: supersedes nothing that exists")
            elif target[1] != item.country:
                found.append(f"{where}: supersedes an observation of {target[1]}")
        earlier.setdefault(item.fingerprint, (edition, item.country))
    return found


def test_the_shipped_observations_break_no_rule(catalogue: Catalogue) -> None:
    rows = shipped(catalogue)
    assert len(rows) == 91
    assert problems(rows, {b.id for _, b in catalogue.benchmarks()}) == []


def test_the_rules_catch_each_kind_of_fault(catalogue: Catalogue) -> None:
    benchmarks = {b.id for _, b in catalogue.benchmarks()}
    edition, _, good = next(r for r in shipped(catalogue) if r[0] == SECOND)
    no_source = replace(good, source=SourceRecord("", "T", "", None, "", "public"))
    faults: Shipped = [
        (edition, "a", no_source),
        (edition, "b", replace(good, benchmark="cyber.nothing.here")),
        (edition, "c", replace(good, observed_on=SECOND, note="no word on it")),
        (edition, "d", replace(good, observed_on=dt.date(2026, 12, 1))),
        (edition, "e", replace(good, supersedes="0" * 40)),
    ]
    assert problems(faults, benchmarks) == [
        "a: no source",
        "b: unknown benchmark cyber.nothing.here",
        "c: dated at its compilation day without saying so",
        "d: dated after its edition",
        "e: supersedes nothing that exists",
    ]


def test_the_second_edition_supersedes_eight_first_edition_observations(
    catalogue: Catalogue,
) -> None:
    rows = shipped(catalogue)
    first = {r.fingerprint: r for e, _, r in rows if e == FIRST}
    fixes = [(first[r.supersedes], r) for e, _, r in rows if r.supersedes]
    assert sorted(
        (old.country, old.benchmark, old.observed_on.isoformat(), new.observed_on.isoformat())
        for old, new in fixes
    ) == [
        ("AL", "eurojust.cooperation-agreement.in-force", "2018-11-01", "2019-11-01"),
        ("ME", "security.cepol-working-arrangement.signed", "2012-04-04", "2011-12-31"),
        ("MK", "eppo.working-arrangement.signed", "2026-11-21", "2023-11-21"),
        ("MK", "eurojust.cooperation-agreement.in-force", "2019-12-20", "2018-11-12"),
        ("MK", "rule-of-law.fra-platforms-observer.status", "2020-12-01", "2020-12-01"),
        ("RS", "eurojust.cooperation-agreement.in-force", "2020-03-31", "2020-03-10"),
        ("RS", "rule-of-law.fra-platforms-observer.status", "2020-12-01", "2018-05-08"),
        ("XK", "eurojust.cooperation-agreement.contact-points", "2022-11-30", "2022-11-30"),
    ]


def test_editions_are_named_by_day() -> None:
    assert [(e.compiled_on, len(e.files)) for e in editions()] == [(FIRST, 7), (SECOND, 6)]
    assert Edition(SECOND, ()).known_from == dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
    with pytest.raises(ValueError, match=r"named <YYYY-MM-DD>-<name>\.yaml"):
        edition_of(Path("al.yaml"))


@pytest.mark.django_db
class TestKnowledgeTimes:
    def test_each_edition_is_recorded_at_its_day_and_notes_too(self) -> None:
        load_baseline(today=SECOND)
        by_stamp: dict[str, int] = {}
        for at in Observation.objects.values_list("recorded_at", flat=True):
            by_stamp[at.isoformat()] = by_stamp.get(at.isoformat(), 0) + 1
        assert by_stamp == {"2026-11-21T00:00:00+00:00": 48, "2026-11-30T00:00:00+00:00": 43}
        notes = {at.isoformat() for at in ContextNote.objects.values_list("recorded_at", flat=True)}
        assert notes == {"2026-11-21T00:00:00+00:00", "2026-11-30T00:00:00+00:00"}

    def test_users_imports_are_recorded_now(self, tmp_path: Path) -> None:
        path = tmp_path / "u.yaml"
        path.write_text(
            "observations:\n- {country: ME, benchmark: eppo.working-arrangement.signed, "
            "status: met, observed_on: '2022-09-22', source: {url: 'https://example.org/x', "
            "title: X}}\n",
            encoding="utf-8",
        )
        with time_machine.travel(LATER, tick=False):
            import_evidence([path], recorded_by="user")
        assert Observation.objects.get().recorded_at == LATER

    def test_known_at_between_editions_reproduces_the_first_editions_standings(self) -> None:
        load_baseline(today=FIRST)
        first_only = evaluation().standings(SECOND)
        pairs = set(Observation.objects.values_list("country_id", "benchmark_id"))
        first_states = {(c, b): evaluation().benchmark_state(c, b, SECOND) for c, b in pairs}
        load_baseline(today=SECOND)
        # Exact: every standing and every benchmark state, down to the observation ids.
        assert evaluation(BETWEEN).standings(SECOND) == first_only
        assert {
            (c, b): evaluation(BETWEEN).benchmark_state(c, b, SECOND) for c, b in pairs
        } == first_states
        assert evaluation(LATER).standings(SECOND) != first_only

    def test_a_later_known_at_reads_the_corrected_dates(self) -> None:
        load_baseline(today=SECOND)
        cases = {
            ("MK", "eppo.working-arrangement.signed", dt.date(2026, 11, 25)): (
                ("met", FIRST),
                ("met", dt.date(2023, 11, 21)),
            ),
            ("AL", "eurojust.cooperation-agreement.in-force", dt.date(2019, 6, 1)): (
                ("met", dt.date(2018, 11, 1)),
                ("unknown", None),
            ),
            ("RS", "rule-of-law.fra-platforms-observer.status", dt.date(2019, 1, 1)): (
                ("unknown", None),
                ("met", dt.date(2018, 5, 8)),
            ),
            ("XK", "fdi.screening-law.adopted", SECOND): (
                ("not_met", dt.date(2019, 11, 11)),
                ("partial", dt.date(2024, 9, 6)),
            ),
        }
        for (country, benchmark, as_of), (then, now) in cases.items():
            before = evaluation(BETWEEN).benchmark_state(country, benchmark, as_of)
            after = evaluation(LATER).benchmark_state(country, benchmark, as_of)
            assert ((before.status, before.observed_on), (after.status, after.observed_on)) == (
                then,
                now,
            ), (country, benchmark)

    def test_the_standing_command_reproduces_the_first_edition_on_a_fresh_install(self) -> None:
        def standing(*known_at: str) -> list[object]:
            out = io.StringIO()
            args = ["--as-of", SECOND.isoformat(), "--format", "json"]
            call_command("standing", *args, *known_at, stdout=out)
            return list(json.loads(out.getvalue()))

        load_baseline(today=FIRST)
        first_edition = standing()
        load_baseline(today=SECOND)
        assert standing("--known-at", "2026-11-25T00:00:00Z") == first_edition
        assert standing("--known-at", "2026-11-30T12:00:00Z") != first_edition

    def test_an_install_loaded_before_editions_gains_only_the_second(self, tmp_path: Path) -> None:
        first_files = next(e for e in editions() if e.compiled_on == FIRST).files
        with time_machine.travel(dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC), tick=False):
            import_evidence(first_files, recorded_by="baseline", today=FIRST)
        result = load_baseline(today=SECOND)
        assert (result.created, result.skipped, result.context_created) == (43, 48, 26)
        assert Observation.objects.count() == 91


def test_facts_known_by_year_or_month_are_dated_at_the_periods_last_day(
    catalogue: Catalogue,
) -> None:
    """The note says what is known; the date is the earliest the sources prove it true."""
    year = re.compile(r"Known to the year only \((\d{4})\)")
    month = re.compile(r"Known to the month only \((\d{4})-(\d{2})\)")
    seen = []
    for _, where, item in shipped(catalogue):
        if found := year.search(item.note):
            assert item.observed_on == dt.date(int(found[1]), 12, 31), where
            seen.append("year")
        elif found := month.search(item.note):
            y, m = int(found[1]), int(found[2])
            assert item.observed_on == dt.date(y, m, calendar.monthrange(y, m)[1]), where
            seen.append("month")
    assert sorted(seen) == ["month", "month", "year", "year", "year"]
