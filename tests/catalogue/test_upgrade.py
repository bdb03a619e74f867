"""Catalogue 2026.2 over 2026.1: every benchmark keeps its meaning and every observation stays.

`catalogue-2026.1/` beside this file is the catalogue as shipped before 2026.2, kept verbatim.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from oip.catalogue.actions import load_catalogue_into_db
from oip.catalogue.fetch import current_catalogue
from oip.catalogue.loader import load_catalogue
from oip.catalogue.models import Benchmark as BenchmarkRow
from oip.catalogue.schema import Catalogue
from oip.evidence.actions import import_evidence
from oip.evidence.baseline import load_baseline
from oip.evidence.models import Observation

from .test_rules_data import REWORDED

OLD_DIRECTORY = Path(__file__).parent / "catalogue-2026.1"
ADDED = [
    "cyber.csirt-networks.information-handling",
    "cyber.enisa-observer-criteria.competent-authority",
    "cyber.enisa-observer-criteria.national-csirt",
    "cyber.enisa-observer-criteria.nis2-law",
    "cyber.structured-liaison.response-times",
    "eppo.contact-points.information-handling",
    "eppo.regular-liaison.response-times",
    "fdi.screening-authority.information-handling",
    "fdi.secure-channels.response-times",
    "fimi.eeas-liaison-points.information-handling",
    "fimi.ras-operational-interface.response-times",
    "financial-integrity.liaison-points.information-handling",
    "financial-integrity.routine-liaison.response-times",
]


@pytest.fixture(scope="module")
def old() -> Catalogue:
    return load_catalogue(OLD_DIRECTORY)


def test_nothing_is_dropped_and_only_these_are_added(old: Catalogue, catalogue: Catalogue) -> None:
    old_ids = set(old.benchmark_index())
    new_ids = set(catalogue.benchmark_index())
    assert old.version == "2026.1"
    assert sorted(old_ids - new_ids) == []
    assert sorted(new_ids - old_ids) == ADDED
    assert {t.id for t in old.targets} <= {t.id for t in catalogue.targets}


def test_every_old_benchmark_keeps_its_place_and_kind(old: Catalogue, catalogue: Catalogue) -> None:
    new = catalogue.benchmark_index()
    for benchmark_id, (target, benchmark) in old.benchmark_index().items():
        new_target, new_benchmark = new[benchmark_id]
        assert (new_target.id, new_target.area, new_target.tier, new_target.title) == (
            target.id,
            target.area,
            target.tier,
            target.title,
        )
        assert (new_benchmark.kind, new_target.benchmark_who(new_benchmark)) == (
            benchmark.kind,
            target.benchmark_who(benchmark),
        )


def test_only_the_information_handling_benchmarks_are_reworded(
    old: Catalogue, catalogue: Catalogue
) -> None:
    """Each keeps the breach it is about; "in the last 12 months, confirmed by X" becomes
    "or a breach remedied to the satisfaction of X" and the validity goes (it is presumed)."""
    new = catalogue.benchmark_index()
    changed = []
    for benchmark_id, (_, benchmark) in old.benchmark_index().items():
        _, new_benchmark = new[benchmark_id]
        if (benchmark.statement, benchmark.validity_days) == (
            new_benchmark.statement,
            new_benchmark.validity_days,
        ):
            continue
        changed.append(benchmark_id)
        breach, _, confirmed_by = benchmark.statement.removesuffix(".").partition(
            " in the last 12 months, confirmed by "
        )
        assert new_benchmark.statement == (
            f"{breach}, or a breach remedied to the satisfaction of {confirmed_by}."
        )
        assert (benchmark.validity_days, new_benchmark.validity_days) == (365, None)
    assert sorted(changed) == sorted(REWORDED)


@pytest.mark.django_db
def test_loading_2026_2_over_2026_1_with_evidence_keeps_every_observation(
    old: Catalogue, catalogue: Catalogue, tmp_path: Path
) -> None:
    load_catalogue_into_db(old)
    assert current_catalogue().version == "2026.1"
    baseline = load_baseline(today=dt.date(2026, 11, 21))
    # And evidence on every benchmark of 2026.1, so that dropping any would be refused.
    path = tmp_path / "every.yaml"
    path.write_text(
        "observations:\n"
        + "".join(
            f"  - {{country: XK, benchmark: {benchmark_id}, status: met, "
            "observed_on: 2026-01-15, source: {url: 'https://example.org/x', title: X, "
            "publisher: P, published_on: 2026-01-16}}\n"
            for benchmark_id in old.benchmark_index()
        ),
        encoding="utf-8",
    )
    import_evidence([path], recorded_by="test")
    before = sorted(
        Observation.objects.values_list("id", "country_id", "benchmark_id", "status", "observed_on")
    )
    assert len(before) == baseline.created + 142

    result = load_catalogue_into_db(catalogue)

    assert (result.version, result.changed, result.benchmarks_added) == ("2026.2", True, 13)
    assert result.benchmarks_removed == 0
    assert current_catalogue().version == "2026.2"
    after = sorted(
        Observation.objects.values_list("id", "country_id", "benchmark_id", "status", "observed_on")
    )
    assert after == before
    assert sorted(BenchmarkRow.objects.values_list("id", flat=True)) == sorted(
        catalogue.benchmark_index()
    )
    row = BenchmarkRow.objects.get(id="eppo.regular-liaison.information-handling")
    assert row.statement.endswith(", or a breach remedied to the satisfaction of EPPO.")
