"""The shipped baseline: every record sourced and valid; loading is idempotent; standings follow.

The standings tests here read the first edition (loaded as of its day); the second edition
and its corrections are tested in `test_editions`."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command

from oip.catalogue.schema import Catalogue
from oip.evidence.baseline import baseline_files, edition_of, load_baseline
from oip.evidence.models import ContextNote, Observation
from oip.evidence.records import Checker, ContextRecord, ObservationRecord, check, read_file
from oip.standings.coverage import coverage
from oip.standings.evaluation import clear_cache, evaluation

COMPILED_ON = dt.date(2026, 11, 21)
SECOND = dt.date(2026, 11, 30)
WB6 = ("AL", "BA", "XK", "ME", "MK", "RS")
ROL_CHAPTER = "rule-of-law.rol-report.chapter"
EPPO_WA = "eppo.working-arrangement.signed"


@pytest.fixture(autouse=True)
def _fresh_evaluations() -> Iterator[None]:
    # Rolled-back test transactions can reuse row ids, and so the evaluation cache key.
    clear_cache()
    yield
    clear_cache()


def parsed(catalogue: Catalogue) -> dict[Path, list[ObservationRecord | ContextRecord]]:
    """Every shipped record, validated; fails with every problem's message if one is invalid."""
    records: dict[Path, list[ObservationRecord | ContextRecord]] = {}
    problems: list[str] = []
    for path in baseline_files():
        checker = Checker(catalogue, edition_of(path))  # nothing after its edition's day
        records[path] = []
        for kind, label, raw in read_file(path):
            result = check(checker, kind, str(path), label, raw)
            if isinstance(result, list):
                problems.extend(str(error) for error in result)
            else:
                records[path].append(result)
    assert not problems, "\n".join(problems)
    return records


def test_ships_one_file_per_country_and_a_regional_file() -> None:
    names = [p.name for p in baseline_files()]
    first = [n for n in names if n.startswith("2026-11-21-")]
    assert first == [
        f"2026-11-21-{name}.yaml" for name in ("al", "ba", "me", "mk", "regional", "rs", "xk")
    ]


def test_every_shipped_record_is_valid_and_sourced(catalogue: Catalogue) -> None:
    records = parsed(catalogue)
    benchmarks = {b.id for _, b in catalogue.benchmarks()}
    keys: list[str] = []
    observations = 0
    for path, items in records.items():
        name = path.stem[len("YYYY-MM-DD-") :]
        file_country = None if name == "regional" else name.upper()
        for item in items:
            assert item.source.title, (path.name, item)
            assert item.source.url or item.source.publisher, (path.name, item)
            if isinstance(item, ObservationRecord):
                observations += 1
                assert item.country == file_country, (path.name, item)
                assert item.benchmark in benchmarks
                assert item.source.excerpt, (path.name, item.benchmark)
                assert item.observed_on <= edition_of(path)
            else:
                assert item.country == file_country, (path.name, item.key)
                keys.append(item.key)
    assert observations == 48 + 43  # + 3 NIS2 laws on catalogue 2026.2's ENISA-criteria target
    assert len(keys) == len(set(keys)) == 34 + 26


def test_undated_or_approximated_facts_say_so_in_a_note(catalogue: Catalogue) -> None:
    for path, items in parsed(catalogue).items():
        edition = edition_of(path)
        for item in items:
            if isinstance(item, ObservationRecord) and item.observed_on == edition:
                assert item.source.published_on is None
                assert "Source undated" in item.note, item
                assert f"compiled from it ({edition})" in item.note or (
                    f"compiled ({edition})" in item.note
                ), item


def test_load_baseline_is_idempotent() -> None:
    first = load_baseline(today=COMPILED_ON)  # the first edition only
    assert (first.created, first.skipped, first.context_created, first.context_skipped) == (
        48,
        0,
        34,
        0,
    )
    second = load_baseline(today=SECOND)  # adds the second edition, skips the first
    assert (second.created, second.skipped, second.context_created, second.context_skipped) == (
        43,
        48,
        26,
        34,
    )
    again = load_baseline(today=SECOND)
    assert (again.created, again.skipped, again.context_created, again.context_skipped) == (
        0,
        91,
        0,
        60,
    )
    assert again.batch_id is None
    assert Observation.objects.count() == 91
    assert set(Observation.objects.values_list("recorded_by", flat=True)) == {"baseline"}
    assert ContextNote.objects.filter(country__isnull=True).count() == 7


@time_machine.travel(dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC), tick=False)
def test_load_baseline_command_prints_counts() -> None:
    out = io.StringIO()
    call_command("evidence", "load-baseline", stdout=out)
    assert out.getvalue().strip() == (
        "baseline: created 91 observation(s), skipped 0; created 60 context note(s), skipped 0"
    )
    out = io.StringIO()
    call_command("evidence", "load-baseline", stdout=out)
    assert out.getvalue().strip() == (
        "baseline: created 0 observation(s), skipped 91; created 0 context note(s), skipped 60"
    )


@pytest.mark.django_db
class TestStandingsAfterLoading:
    @pytest.fixture(autouse=True)
    def _loaded(self) -> None:
        load_baseline(today=COMPILED_ON)

    def test_montenegro_eppo_working_arrangement_is_met_from_22_september_2022(self) -> None:
        state = evaluation().benchmark_state("ME", EPPO_WA, COMPILED_ON)
        assert (state.status, state.observed_on) == ("met", dt.date(2022, 9, 22))
        assert evaluation().benchmark_state("ME", EPPO_WA, dt.date(2022, 9, 21)).status == "unknown"

    def test_eppo_working_arrangements_as_sourced(self) -> None:
        states = {c: evaluation().benchmark_state(c, EPPO_WA, COMPILED_ON) for c in WB6}
        assert {c: (s.status, s.observed_on) for c, s in states.items()} == {
            "AL": ("met", dt.date(2023, 7, 4)),
            "BA": ("met", dt.date(2023, 11, 21)),
            "XK": ("unknown", None),  # no arrangement found: not assessed, not "not met"
            "ME": ("met", dt.date(2022, 9, 22)),
            "MK": ("met", COMPILED_ON),  # signed "24 October", year not in the undated source
            "RS": ("unknown", None),
        }

    def test_kosovo_and_bosnia_are_not_covered_by_the_rule_of_law_report(self) -> None:
        for country in ("BA", "XK"):
            state = evaluation().benchmark_state(country, ROL_CHAPTER, COMPILED_ON)
            assert (state.status, state.observed_on, state.lapsed_on) == (
                "not_met",
                dt.date(2025, 2, 28),
                None,
            )

    def test_the_four_are_covered_and_the_2025_report_lapses_without_a_2026_source(self) -> None:
        for country in ("AL", "ME", "MK", "RS"):
            early = evaluation().benchmark_state(country, ROL_CHAPTER, dt.date(2024, 12, 31))
            assert (early.status, early.observed_on) == ("met", dt.date(2024, 7, 24))
            state = evaluation().benchmark_state(country, ROL_CHAPTER, dt.date(2025, 12, 31))
            assert (state.status, state.observed_on, state.valid_until) == (
                "met",
                dt.date(2025, 7, 8),
                dt.date(2026, 10, 1),
            )
            # validity_days 450: with no source on the 2026 report, the 2025 one has lapsed: it
            # is expired (needs renewing), never "not met".
            now = evaluation().benchmark_state(country, ROL_CHAPTER, COMPILED_ON)
            assert (now.status, now.lapsed_on) == ("expired", dt.date(2026, 10, 1))

    def test_absence_of_evidence_is_not_recorded(self) -> None:
        for country in WB6:
            for benchmark in (
                "cyber.enisa-working-arrangement.signed",
                "cyber.eu-cyber-exercises.participated",
                "fimi.edmo-agreements.signed",
                "fimi.euvsdisinfo-exchanges.format",
            ):
                assert (
                    evaluation().benchmark_state(country, benchmark, COMPILED_ON).status
                    == "unknown"
                )

    def test_montenegro_eppo_tier_is_0_held_back_by_the_contact_point(self) -> None:
        # Tier 1 needs both tier-1 targets (quorum 1.0): the working arrangement is met, but the
        # contact point is only provided for (partial) and its reachability is not assessed.
        standing = evaluation().standing("ME", "eppo", COMPILED_ON)
        assert (standing.tier, standing.raw_tier, standing.status, standing.next_tier) == (
            0,
            0,
            "stable",
            1,
        )
        assert standing.achieved_targets == ("eppo.working-arrangement",)
        assert [(m.benchmark, m.status) for m in standing.missing] == [
            ("eppo.contact-points.designated", "partial"),
            ("eppo.contact-points.reachable", "unknown"),
        ]

    def test_no_country_reaches_a_tier_on_the_baseline_alone(self) -> None:
        tiers = {(s.country, s.area): s.tier for s in evaluation().standings(COMPILED_ON)}
        assert len(tiers) == 54
        assert set(tiers.values()) == {0}

    def test_coverage_of_montenegro_eppo(self) -> None:
        row = next(r for r in coverage(COMPILED_ON) if (r.country, r.area) == ("ME", "eppo"))
        # Catalogue 2026.2: 13 benchmarks, 3 of them presumed information handling (no breach
        # recorded, no observation), so 7 not assessed.
        assert (row.benchmarks, row.with_evidence, row.unknown, row.presumed) == (13, 3, 7, 3)
        assert (row.met, row.partial, row.not_met, row.expired, row.lapsed) == (1, 2, 0, 0, 0)
        assert row.newest == dt.date(2022, 9, 22)


pytestmark = pytest.mark.django_db
