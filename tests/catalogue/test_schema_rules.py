"""The schema's 2026.2 rules hold for any input (hypothesis): presumed benchmarks, owed reasons."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from oip.catalogue.loader import content_hash, export_data
from oip.catalogue.schema import Area, Benchmark, Catalogue, Target, reason_problems
from oip.vocabulary import BENCHMARK_KINDS

REASON = "A reason on one line."


def benchmark_data(kind: str, validity_days: int | None, presumed: bool) -> dict[str, Any]:
    return {
        "id": "a.t.b",
        "kind": kind,
        "statement": "S.",
        "accepted_evidence": "E.",
        "validity_days": validity_days,
        "presumed": presumed,
    }


@given(
    kind=st.sampled_from(BENCHMARK_KINDS),
    validity_days=st.none() | st.integers(min_value=1, max_value=3650),
    presumed=st.booleans(),
)
def test_only_an_integrity_benchmark_without_validity_is_presumed(
    kind: str, validity_days: int | None, presumed: bool
) -> None:
    data = benchmark_data(kind, validity_days, presumed)
    allowed = not presumed or (kind == "integrity" and validity_days is None)
    if allowed:
        assert Benchmark.model_validate(data).presumed is presumed
    else:
        with pytest.raises(ValidationError) as caught:
            Benchmark.model_validate(data)
        assert [e["loc"] for e in caught.value.errors()] == [("presumed",)]


def catalogue_of(areas: list[tuple[float, bool, bool, bool]]) -> Catalogue:
    """Areas a0, a1, ... given (quorum, has core target, quorum_reason given, core_reason given)."""
    return Catalogue.model_validate(
        {
            "version": "t",
            "countries": [{"code": "AL", "name": "Albania"}],
            "tiers": [{"level": 1, "name": "incremental", "definition": "D."}],
            "instruments": [],
            "bodies": [],
            "areas": [
                {
                    "id": f"a{i}",
                    "title": "A",
                    "quorum": quorum,
                    "quorum_reason": REASON if quorum_reason else None,
                    "core_reason": REASON if core_reason else None,
                }
                for i, (quorum, _, quorum_reason, core_reason) in enumerate(areas)
            ],
            "targets": [
                {
                    "id": f"a{i}.{j}",
                    "area": f"a{i}",
                    "tier": 1,
                    "title": "T",
                    "who": "eu",
                    "core": core and j == 0,
                    "benchmarks": [
                        {
                            "id": f"a{i}.{j}.b",
                            "kind": "operational",
                            "statement": "S.",
                            "accepted_evidence": "E.",
                        }
                    ],
                }
                for i, (_, core, _, _) in enumerate(areas)
                for j in range(2)
            ],
        }
    )


@given(
    st.lists(
        st.tuples(
            st.sampled_from([0.25, 0.5, 0.6, 0.75, 0.99, 1.0]),
            st.booleans(),
            st.booleans(),
            st.booleans(),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_a_reason_is_owed_exactly_where_an_area_departs_from_every_target(
    areas: list[tuple[float, bool, bool, bool]],
) -> None:
    catalogue = catalogue_of(areas)
    expected = []
    for i, (quorum, core, quorum_reason, core_reason) in enumerate(areas):
        if quorum < 1.0 and not quorum_reason:
            expected.append(("areas", i, "quorum_reason"))
        if core and not core_reason:
            expected.append(("areas", i, "core_reason"))
    assert [loc for loc, _ in reason_problems(catalogue)] == expected


@given(st.booleans(), st.booleans())
def test_the_export_carries_the_new_fields(core: bool, presumed: bool) -> None:
    catalogue = catalogue_of([(0.5, core, True, True)])
    target = catalogue.targets[0]
    integrity = Benchmark.model_validate(benchmark_data("integrity", None, presumed))
    catalogue = catalogue.model_copy(
        update={"targets": (target.model_copy(update={"benchmarks": (integrity,)}),)}
    )
    data = export_data(catalogue)
    assert {k: data["areas"][0][k] for k in ("quorum", "quorum_reason", "core_reason")} == {
        "quorum": 0.5,
        "quorum_reason": REASON,
        "core_reason": REASON,
    }
    assert data["targets"][0]["core"] is core
    assert data["targets"][0]["benchmarks"][0]["presumed"] is presumed


@given(
    st.tuples(st.booleans(), st.booleans(), st.booleans()),
    st.tuples(st.booleans(), st.booleans(), st.booleans()),
)
def test_the_content_hash_follows_core_and_reasons(
    one: tuple[bool, bool, bool], other: tuple[bool, bool, bool]
) -> None:
    """(core, quorum_reason given, core_reason given): the hash changes exactly when they do."""
    first = content_hash(catalogue_of([(1.0, *one)]))
    second = content_hash(catalogue_of([(1.0, *other)]))
    assert (first == second) is (one == other)


def test_the_2026_1_shape_still_reads() -> None:
    """Content stored by an older load (no core, presumed or reasons) parses with the defaults."""
    area = Area.model_validate({"id": "a", "title": "A"})
    assert (area.quorum, area.quorum_reason, area.core_reason) == (1.0, None, None)
    target = Target.model_validate(
        {
            "id": "a.t",
            "area": "a",
            "tier": 1,
            "title": "T",
            "who": "eu",
            "benchmarks": [
                {"id": "a.t.b", "kind": "integrity", "statement": "S.", "accepted_evidence": "E."}
            ],
        }
    )
    assert (target.core, target.benchmarks[0].presumed) == (False, False)
