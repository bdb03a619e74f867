"""`oip catalogue validate|export|load` honour their contracts."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from oip.catalogue.actions import CatalogueLoadRefused, load_catalogue_into_db
from oip.catalogue.loader import default_directory, load_catalogue
from oip.catalogue.models import Benchmark, CatalogueVersion


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("catalogue", *args, stdout=out)
    return out.getvalue()


def test_validate_reports_counts() -> None:
    catalogue = load_catalogue()
    benchmarks = sum(len(t.benchmarks) for t in catalogue.targets)
    assert run("validate") == (
        f"catalogue 2026.2 is valid: 9 areas, {len(catalogue.targets)} targets, "
        f"{benchmarks} benchmarks, {len(catalogue.milestones)} milestones\n"
    )


def test_validate_exits_1_with_a_line_per_problem(tmp_path: Path) -> None:
    directory = tmp_path / "c"
    shutil.copytree(default_directory(), directory)
    path = directory / "areas" / "01-cyber.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("    tier: 1\n", "    tier: 7\n", 1),
        encoding="utf-8",
    )
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("catalogue", "validate", "--dir", str(directory), stderr=err)
    assert caught.value.returncode == 1
    lines = err.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("areas/01-cyber.yaml:")
    assert lines[0].endswith("targets[0].tier: Input should be less than or equal to 3")


def test_export_follows_the_contract() -> None:
    data = json.loads(run("export", "--format", "json"))
    assert list(data) == [
        "version",
        "countries",
        "tiers",
        "instruments",
        "bodies",
        "areas",
        "milestones",
        "targets",
    ]
    assert data["countries"][0] == {"code": "AL", "name": "Albania"}
    assert set(data["areas"][0]) >= {
        "id",
        "title",
        "quorum",
        "grace_days",
        "source",
        "quorum_reason",
        "core_reason",
    }
    target = data["targets"][0]
    assert set(target) >= {
        "id",
        "area",
        "tier",
        "title",
        "who",
        "bodies",
        "instruments",
        "source",
        "core",
        "benchmarks",
    }
    assert set(target["benchmarks"][0]) >= {
        "id",
        "kind",
        "statement",
        "accepted_evidence",
        "validity_days",
        "presumed",
    }
    assert len([t for t in data["targets"] if t["source"] == "menu"]) == 69
    assert [t["id"] for t in data["targets"] if t["source"] == "op-ed"] == [
        "cyber.enisa-observer-criteria"
    ]
    assert len([t for t in data["targets"] if t["core"] is True]) == 12
    assert len([b for t in data["targets"] for b in t["benchmarks"] if b["presumed"] is True]) == 20
    assert any(
        a["id"] == "financial-integrity" and a["source"] == "memo-text" for a in data["areas"]
    )
    assert all(m["due"] <= "2027-12-31" for m in data["milestones"])


@pytest.mark.django_db
def test_load_is_idempotent() -> None:
    before = CatalogueVersion.objects.count()
    assert run("load") == "catalogue 2026.2 already loaded; nothing to do\n"
    assert CatalogueVersion.objects.count() == before


@pytest.mark.django_db
def test_changed_content_under_the_same_version_is_refused() -> None:
    catalogue = load_catalogue()
    changed = catalogue.model_copy(
        update={
            "areas": (
                catalogue.areas[0].model_copy(update={"title": "Cyber"}),
                *catalogue.areas[1:],
            )
        }
    )
    with pytest.raises(CatalogueLoadRefused, match="bump `version`"):
        load_catalogue_into_db(changed)


@pytest.mark.django_db
def test_a_new_version_is_recorded_with_its_hash() -> None:
    catalogue = load_catalogue()
    changed = catalogue.model_copy(
        update={
            "version": "2026.3",
            "areas": (
                catalogue.areas[0].model_copy(update={"title": "Cyber"}),
                *catalogue.areas[1:],
            ),
        }
    )
    result = load_catalogue_into_db(changed)
    assert result.changed is True
    latest = CatalogueVersion.objects.first()
    assert latest is not None
    assert (latest.version, latest.content_hash) == ("2026.3", result.content_hash)


@pytest.mark.django_db
def test_dropping_a_benchmark_with_evidence_is_refused(catalogue_with_evidence: str) -> None:
    catalogue = load_catalogue()
    target = next(
        t for t in catalogue.targets if any(b.id == catalogue_with_evidence for b in t.benchmarks)
    )
    kept = tuple(b for b in target.benchmarks if b.id != catalogue_with_evidence)
    if not kept:
        pytest.skip("target has a single benchmark")
    new_target = target.model_copy(update={"benchmarks": kept})
    changed = catalogue.model_copy(
        update={
            "version": "2026.9",
            "targets": tuple(new_target if t.id == target.id else t for t in catalogue.targets),
        }
    )
    with pytest.raises(
        CatalogueLoadRefused,
        match=f"benchmarks with evidence would be dropped: {catalogue_with_evidence}",
    ):
        load_catalogue_into_db(changed)
    assert Benchmark.objects.filter(id=catalogue_with_evidence).exists()
    assert not CatalogueVersion.objects.filter(version="2026.9").exists()


@pytest.fixture
def catalogue_with_evidence(tmp_path: Path) -> str:
    """Record one observation on a benchmark of a multi-benchmark target; return its id."""
    from oip.evidence.actions import import_evidence

    catalogue = load_catalogue()
    target = next(t for t in catalogue.targets if len(t.benchmarks) > 1)
    benchmark = target.benchmarks[0].id
    path = tmp_path / "one.yaml"
    path.write_text(
        "observations:\n"
        f"  - {{country: ME, benchmark: {benchmark}, status: met, observed_on: 2024-01-10,\n"
        "     source: {url: 'https://example.org/a', title: A, publisher: P, published_on: 2024-01-11}}\n",
        encoding="utf-8",
    )
    import_evidence([path], recorded_by="test")
    return benchmark
