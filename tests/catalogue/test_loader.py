"""Bad catalogue files get one line per problem naming file, line and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from oip.catalogue.loader import CatalogueError, default_directory, load_catalogue


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "catalogue"
    shutil.copytree(default_directory(), target)
    return target


def problems(directory: Path) -> list[str]:
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(directory)
    return [str(p) for p in caught.value.problems]


def replace_once(path: Path, old: str, new: str) -> int:
    """Replace the first `old` in `path`; return the 1-based line where it stood."""
    text = path.read_text(encoding="utf-8")
    index = text.index(old)
    path.write_text(text[:index] + new + text[index + len(old) :], encoding="utf-8")
    return text[:index].count("\n") + 1


def first_area_file(directory: Path) -> Path:
    return sorted((directory / "areas").glob("*.yaml"))[0]


def test_shipped_catalogue_is_valid() -> None:
    catalogue = load_catalogue()
    assert catalogue.version == "2026.2"


def test_duplicate_benchmark_id_names_file_line_and_field(copy: Path) -> None:
    area_file = first_area_file(copy)
    text = area_file.read_text(encoding="utf-8")
    ids = [
        line.split("id:", 1)[1].strip()
        for line in text.splitlines()
        if line.strip().startswith("- id:") and line.startswith("      ")
    ]
    first, second = ids[0], ids[1]
    line = replace_once(area_file, f"id: {second}", f"id: {first}")
    assert problems(copy) == [
        f"areas/{area_file.name}:{line}: targets[0].benchmarks[1].id: duplicate benchmark id {first!r}"
    ]


def test_unknown_body(copy: Path) -> None:
    area_file = copy / "areas" / "01-cyber.yaml"
    line = replace_once(area_file, "bodies: [enisa", "bodies: [enisa-typo")
    found = problems(copy)
    assert len(found) == 1
    assert found[0].startswith(f"areas/01-cyber.yaml:{line}: targets[0].bodies[0]: unknown body ")


def test_unknown_area(copy: Path) -> None:
    area_file = copy / "areas" / "01-cyber.yaml"
    line = replace_once(area_file, "    tier: 1\n", "    tier: 1\n    area: cyberspace\n")
    assert problems(copy) == [
        f"areas/01-cyber.yaml:{line + 1}: targets[0].area: unknown area 'cyberspace'"
    ]


def test_tier_out_of_range(copy: Path) -> None:
    area_file = copy / "areas" / "01-cyber.yaml"
    line = replace_once(area_file, "    tier: 1\n", "    tier: 4\n")
    assert problems(copy) == [
        f"areas/01-cyber.yaml:{line}: targets[0].tier: Input should be less than or equal to 3"
    ]


def test_target_without_benchmarks(copy: Path) -> None:
    area_file = copy / "areas" / "08-public-administration.yaml"
    text = area_file.read_text(encoding="utf-8")
    head, _, _ = text.partition("    benchmarks:")
    area_file.write_text(head + "    benchmarks: []\n", encoding="utf-8")
    line = head.count("\n") + 1
    assert problems(copy) == [
        f"areas/08-public-administration.yaml:{line}: targets[0].benchmarks: a target needs at least one benchmark"
    ]


def test_empty_statement(copy: Path) -> None:
    area_file = copy / "areas" / "02-fdi.yaml"
    text = area_file.read_text(encoding="utf-8")
    start = text.index("statement:")
    end = text.index("\n", start)
    area_file.write_text(text[:start] + 'statement: ""' + text[end:], encoding="utf-8")
    line = text[:start].count("\n") + 1
    assert problems(copy) == [
        f"areas/02-fdi.yaml:{line}: targets[0].benchmarks[0].statement: must not be empty"
    ]


def test_malformed_yaml_names_the_line(copy: Path) -> None:
    (copy / "bodies.yaml").write_text(
        "bodies:\n  - id: enisa\n    name: [unclosed\n", encoding="utf-8"
    )
    found = problems(copy)
    assert len(found) == 1
    assert found[0].startswith("bodies.yaml:")
    assert "malformed YAML" in found[0]


def test_unknown_field_is_refused(copy: Path) -> None:
    area_file = copy / "areas" / "01-cyber.yaml"
    line = replace_once(area_file, "    tier: 1\n", "    tier: 1\n    priority: high\n")
    assert problems(copy) == [f"areas/01-cyber.yaml:{line + 1}: targets[0].priority: unknown field"]


def test_every_problem_is_reported_not_only_the_first(copy: Path) -> None:
    area_file = copy / "areas" / "01-cyber.yaml"
    replace_once(area_file, "    tier: 1\n", "    tier: 0\n")
    replace_once(copy / "areas" / "03-rule-of-law.yaml", "    tier: 1\n", "    tier: 9\n")
    assert len(problems(copy)) == 2


def test_not_utf8(copy: Path) -> None:
    (copy / "milestones.yaml").write_bytes("milestones:\n  - title: caf\xe9\n".encode("latin-1"))
    found = problems(copy)
    assert found == ["milestones.yaml:1: -: not UTF-8 text (invalid continuation byte)"]


# -- 2026.2: presumed benchmarks, core targets and the reasons for an area's rules -----------


def test_presumed_is_refused_on_a_benchmark_that_is_not_integrity(copy: Path) -> None:
    area_file = copy / "areas" / "01-cyber.yaml"
    anchor = "id: cyber.enisa-working-arrangement.signed\n"
    text = area_file.read_text(encoding="utf-8")
    end = text.index("        validity_days: null\n", text.index(anchor))
    end = text.index("\n", end) + 1
    area_file.write_text(text[:end] + "        presumed: true\n" + text[end:], encoding="utf-8")
    line = text[:end].count("\n") + 1
    assert problems(copy) == [
        f"areas/01-cyber.yaml:{line}: targets[0].benchmarks[0].presumed: "
        "only an integrity benchmark can be presumed (this one is institutional)"
    ]


def test_presumed_is_refused_with_validity_days(copy: Path) -> None:
    area_file = copy / "areas" / "01-cyber.yaml"
    # The first presumed benchmark in the file: C1 on cyber.csirt-networks (target 2, benchmark 3).
    line = replace_once(
        area_file,
        "        validity_days: null\n        who: country\n        presumed: true\n",
        "        validity_days: 365\n        who: country\n        presumed: true\n",
    )
    assert problems(copy) == [
        f"areas/01-cyber.yaml:{line + 2}: targets[2].benchmarks[3].presumed: "
        "a presumed benchmark has no validity_days: it holds until a breach is confirmed"
    ]


def test_a_quorum_below_1_needs_its_reason(copy: Path) -> None:
    area_file = copy / "areas" / "04-eppo.yaml"
    text = area_file.read_text(encoding="utf-8")
    start = text.index("  quorum_reason:")
    area_file.write_text(text[:start] + text[text.index("\n", start) + 1 :], encoding="utf-8")
    assert problems(copy) == [
        "areas/04-eppo.yaml:2: area.quorum_reason: required: the quorum is 0.5 (below 1), so say why"
    ]


def test_core_targets_need_the_area_s_core_reason(copy: Path) -> None:
    area_file = copy / "areas" / "04-eppo.yaml"
    text = area_file.read_text(encoding="utf-8")
    start = text.index("  core_reason:")
    area_file.write_text(text[:start] + text[text.index("\n", start) + 1 :], encoding="utf-8")
    assert problems(copy) == [
        "areas/04-eppo.yaml:2: area.core_reason: required: the area has core targets, so say why"
    ]


def test_an_area_with_every_target_needed_and_no_core_needs_no_reason(copy: Path) -> None:
    area_file = copy / "areas" / "08-public-administration.yaml"
    text = area_file.read_text(encoding="utf-8")
    for key in ("  quorum_reason:", "  core_reason:"):
        start = text.index(key)
        text = text[:start] + text[text.index("\n", start) + 1 :]
    area_file.write_text(text, encoding="utf-8")
    area = load_catalogue(copy).area("public-administration")
    assert (area.quorum, area.quorum_reason, area.core_reason) == (1.0, None, None)


def test_a_reason_is_one_line(copy: Path) -> None:
    area_file = copy / "areas" / "04-eppo.yaml"
    line = replace_once(
        area_file, '  core_reason: "The memo', '  core_reason: "Two\\nlines. The memo'
    )
    assert problems(copy) == [f"areas/04-eppo.yaml:{line}: area.core_reason: must be one line"]


def test_core_is_a_yes_or_no(copy: Path) -> None:
    area_file = copy / "areas" / "04-eppo.yaml"
    line = replace_once(area_file, "    core: true\n", '    core: "sometimes"\n')
    assert problems(copy) == [
        f"areas/04-eppo.yaml:{line}: targets[0].core: Input should be a valid boolean"
    ]
