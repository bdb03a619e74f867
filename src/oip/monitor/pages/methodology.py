"""The methodology: what the rules are, generated from the loaded catalogue."""

from __future__ import annotations

from dataclasses import dataclass

from oip.catalogue.schema import Body, Catalogue, Instrument, Tier
from oip.presentation import labels


@dataclass(frozen=True)
class AreaRule:
    """An area's rules as the methodology lists them (`quorum_percent` rounded): its core
    targets (tier, title) and the catalogue's one-line reasons for the quorum and the core."""

    id: str
    title: str
    targets: int
    quorum_percent: int
    grace_days: int
    source: str
    menu_row: str | None
    core: tuple[tuple[int, str], ...] = ()
    quorum_reason: str = ""
    core_reason: str = ""


@dataclass(frozen=True)
class KindCount:
    """A kind of benchmark, what it asks for and how many benchmarks are of it."""

    kind: str
    words: str
    description: str
    count: int


@dataclass(frozen=True)
class StatusKey:
    """A benchmark status with its mark and words."""

    status: str
    mark: str
    words: str


@dataclass(frozen=True)
class MethodologyPage:
    """What the methodology explains: the catalogue's tiers, kinds, areas and their counts."""

    version: str
    tiers: tuple[Tier, ...]
    instruments: tuple[Instrument, ...]
    bodies: tuple[Body, ...]
    areas: tuple[AreaRule, ...]
    kinds: tuple[KindCount, ...]
    targets: int
    benchmarks: int
    with_validity: int
    validity_days: tuple[int, ...]
    statuses: tuple[StatusKey, ...]
    milestones: int


def build(catalogue: Catalogue) -> MethodologyPage:
    """Return the methodology of `catalogue` (it does not depend on a date or evidence)."""
    kinds: dict[str, int] = {}
    validity: list[int] = []
    for _target, benchmark in catalogue.benchmarks():
        kinds[benchmark.kind] = kinds.get(benchmark.kind, 0) + 1
        if benchmark.validity_days is not None:
            validity.append(benchmark.validity_days)
    return MethodologyPage(
        version=catalogue.version,
        tiers=tuple(catalogue.tiers),
        instruments=tuple(catalogue.instruments),
        bodies=tuple(catalogue.bodies),
        areas=tuple(
            AreaRule(
                id=a.id,
                title=a.title,
                targets=len(catalogue.targets_in(a.id)),
                quorum_percent=round(a.quorum * 100),
                grace_days=a.grace_days,
                source=a.source,
                menu_row=a.menu_row,
                core=tuple((t.tier, t.title) for t in catalogue.targets_in(a.id) if t.core),
                quorum_reason=a.quorum_reason or "",
                core_reason=a.core_reason or "",
            )
            for a in catalogue.areas
        ),
        kinds=tuple(
            KindCount(k, labels.KIND_LABEL[k], labels.KIND_DESCRIPTION[k], kinds.get(k, 0))
            for k in labels.KIND_LABEL
        ),
        targets=len(catalogue.targets),
        benchmarks=sum(kinds.values()),
        with_validity=len(validity),
        validity_days=tuple(sorted(set(validity))),
        statuses=tuple(StatusKey(s, m, w) for s, (m, w) in labels.BENCHMARK_STATUS.items()),
        milestones=len(catalogue.milestones),
    )
