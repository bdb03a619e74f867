"""The rules inside a report's parts: grouping by target, numbering sources, milestone words."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.cache import cache
from hypothesis import given
from hypothesis import strategies as st

from oip.catalogue.loader import load_catalogue
from oip.evidence.baseline import load_baseline
from oip.evidence.models import Source
from oip.reports.build import region_report
from oip.reports.citations import Citations
from oip.reports.publication import tiers
from oip.reports.values import Evidence, by_target
from oip.standings.evaluation import clear_cache
from tests.scenario import import_scenario


def _evidence(target: str, who_label: str, benchmark: str) -> Evidence:
    return Evidence(
        benchmark=benchmark,
        statement=f"statement of {benchmark}",
        target=target,
        target_title=f"title of {target}",
        tier=1,
        status="unknown",
        status_label="not assessed",
        status_mark="?",
        who="eu",
        who_label=who_label,
        observed_on=None,
        reference=None,
    )


ITEMS = st.lists(
    st.tuples(st.sampled_from("abc"), st.sampled_from(["the EU", "Serbia", "both"])),
    max_size=12,
).map(lambda pairs: [_evidence(t, w, f"b{i}") for i, (t, w) in enumerate(pairs)])


@given(items=ITEMS)
def test_by_target_keeps_every_item_once_grouped_in_order_of_first_appearance(
    items: list[Evidence],
) -> None:
    groups = by_target(items)
    assert [g.target for g in groups] == list(dict.fromkeys(i.target for i in items))
    assert sorted(i.benchmark for g in groups for i in g.items) == sorted(
        i.benchmark for i in items
    )
    for group in groups:
        members = [i for i in items if i.target == group.target]
        assert list(group.items) == members
        assert group.title == f"title of {group.target}"
        assert group.who_label == " / ".join(dict.fromkeys(m.who_label for m in members))


def test_by_target_exact() -> None:
    items = [
        _evidence("t1", "the EU", "b1"),
        _evidence("t2", "Serbia", "b2"),
        _evidence("t1", "Serbia", "b3"),
        _evidence("t1", "the EU", "b4"),
    ]
    assert [(g.target, g.who_label, [i.benchmark for i in g.items]) for g in by_target(items)] == [
        ("t1", "the EU / Serbia", ["b1", "b3", "b4"]),
        ("t2", "Serbia", ["b2"]),
    ]


def _source(pk: int) -> Source:
    # Unsaved: the numbering reads only the source's fields, never the database.
    return Source(
        pk=pk,
        url=f"https://example.org/{pk}",
        title=f"Source {pk}",
        publisher="P",
        published_on=dt.date(2024, 1, pk) if pk % 2 else None,
    )


@given(cited=st.lists(st.tuples(st.integers(1, 9), st.sampled_from(["", "AL", "ME"]))))
def test_sources_are_numbered_in_order_of_first_citation(cited: list[tuple[int, str]]) -> None:
    citations = Citations()
    numbers = [citations.cite(_source(pk), what) for pk, what in cited]
    first = list(dict.fromkeys(pk for pk, _ in cited))
    assert numbers == [first.index(pk) + 1 for pk, _ in cited]
    references = citations.references()
    assert [(r.number, r.title) for r in references] == [
        (n, f"Source {pk}") for n, pk in enumerate(first, 1)
    ]
    for ref, pk in zip(references, first, strict=True):
        assert ref.published_on == (f"2024-01-0{pk}" if pk % 2 else "n.d.")
        assert list(ref.cited_for) == list(dict.fromkeys(w for p, w in cited if p == pk and w))


def test_tiers_read_as_on_the_monitor() -> None:
    assert tiers(load_catalogue()) == (
        ("?", "not assessed"),
        ("0", "no tier yet"),
        ("1", "incremental"),
        ("2", "structural"),
        ("3", "transformational"),
    )


@pytest.mark.django_db
def test_milestone_progress_reads_done_partly_not_yet(tmp_path: Path) -> None:
    cache.clear()
    clear_cache()
    load_baseline(today=dt.date(2026, 11, 21))
    import_scenario(tmp_path)
    report = region_report(dt.date(2025, 8, 1))
    eppo = next(m for m in report.data["milestones"] if m.id == "m2027.eppo-arrangements")
    assert (eppo.due, eppo.targets) == (
        "2027-12-31",
        (
            "EPPO concludes working arrangements with all WB6 prosecution services",
            "Designated EPPO contact points",
        ),
    )
    assert eppo.progress == (
        ("AL", "partly", 1, 2),
        ("BA", "partly", 1, 2),
        ("XK", "not yet", 0, 2),
        ("ME", "done", 2, 2),
        ("MK", "not yet", 0, 2),
        ("RS", "not yet", 0, 2),
    )
    cache.clear()
    clear_cache()
