"""Turn the engine's standings, benchmark states and changes into a report's explained rows.

Every row cites the observation it rests on (through `Citations`) and carries its words from
`oip.presentation.labels`, so a report says what the monitor's pages say.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from oip.catalogue.schema import Catalogue
from oip.conditionality import Evaluation
from oip.conditionality.types import BenchmarkState, Change, Standing
from oip.evidence.models import Observation
from oip.presentation.labels import (
    BENCHMARK_STATUS,
    CHANGE_KIND,
    STANDING_STATUS,
    area_short,
    who_words,
)
from oip.reports.citations import Citations
from oip.reports.values import AreaStanding, ChangeRow, Evidence, MilestoneRow
from oip.vocabulary import WHO

# Who must act for a standing's next tier, EU side first: the EU alone, jointly, the country.
_WHO_ORDER = tuple(sorted(WHO, key=lambda who: who == "country"))


class Explainer:
    """Explains one evaluation's values against `catalogue`, citing from `observations`."""

    def __init__(
        self,
        catalogue: Catalogue,
        engine: Evaluation,
        observations: dict[int, Observation],
        citations: Citations,
    ) -> None:
        self.catalogue = catalogue
        self.engine = engine
        self.names = {c.code: c.name for c in catalogue.countries}
        self.index = catalogue.benchmark_index()
        self.observations = observations
        self.citations = citations

    def evidence(self, country: str, state: BenchmarkState) -> Evidence:
        """Return `state` of a benchmark in `country` as a row, citing its observation."""
        target, benchmark = self.index[state.benchmark]
        reference = None
        note = ""
        observation = self.observations.get(state.observation_id) if state.observation_id else None
        if observation is not None:
            reference = self.citations.cite(
                observation.source, f"{country} {observation.observed_on.isoformat()}"
            )
            note = observation.note
        mark, words = BENCHMARK_STATUS[state.status]
        return Evidence(
            benchmark=state.benchmark,
            statement=benchmark.statement,
            target=target.id,
            target_title=target.title,
            tier=target.tier,
            status=state.status,
            status_label=words,
            status_mark=mark,
            who=state.who,
            who_label=who_words(state.who, self.names[country]),
            observed_on=(
                state.observed_on.isoformat()
                if observation is not None and state.observed_on is not None
                else None
            ),
            reference=reference,
            note=note,
        )

    def area_standing(self, standing: Standing) -> AreaStanding:
        """Return `standing` explained: what holds its tier, what the next tier misses."""
        area = self.catalogue.area(standing.area)
        missing = tuple(self.evidence(standing.country, s) for s in standing.missing)
        who = [
            who_words(key, self.names[standing.country])
            for key in _WHO_ORDER
            if any(m.who == key for m in missing)
        ]
        mark, words = STANDING_STATUS[standing.status]
        return AreaStanding(
            area=area.id,
            area_title=area.title,
            area_short=area_short(self.catalogue, area.id),
            tier=standing.tier,
            tier_name=self.catalogue.tier_name(standing.tier),
            raw_tier=standing.raw_tier,
            status=standing.status,
            status_label=words,
            status_mark=mark,
            since=standing.since.isoformat() if standing.since else None,
            notice_until=standing.notice_until.isoformat() if standing.notice_until else None,
            next_tier=standing.next_tier,
            next_tier_name=(
                self.catalogue.tier_name(standing.next_tier)
                if standing.next_tier is not None
                else None
            ),
            holding=tuple(self.evidence(standing.country, s) for s in standing.holding),
            missing=missing,
            who_must_act=tuple(who),
            suspended_by=standing.suspended_by,
        )

    def change(self, change: Change) -> ChangeRow:
        """Return `change` with the states, on its day, of the benchmarks that caused it."""
        causes = tuple(
            self.evidence(change.country, self.engine.benchmark_state(change.country, b, change.on))
            for b in change.cause
            if b in self.index
        )
        return ChangeRow(
            on=change.on.isoformat(),
            country=change.country,
            country_name=self.names[change.country],
            area=change.area,
            area_title=self.catalogue.area(change.area).title,
            kind=change.kind,
            kind_label=CHANGE_KIND[change.kind][1],
            tier_before=change.tier_before,
            tier_after=change.tier_after,
            tier_before_name=self.catalogue.tier_name(change.tier_before),
            tier_after_name=self.catalogue.tier_name(change.tier_after),
            causes=causes,
        )


def milestones(
    catalogue: Catalogue, standings: Sequence[Standing], countries: Iterable[str]
) -> tuple[MilestoneRow, ...]:
    """Return each milestone with, per country, how many of its targets are achieved."""
    achieved: dict[str, set[str]] = {}
    for s in standings:
        achieved.setdefault(s.country, set()).update(s.achieved_targets)
    titles = {t.id: t.title for t in catalogue.targets}
    rows = []
    for milestone in catalogue.milestones:
        total = len(milestone.targets)
        progress = []
        for code in countries:
            done = sum(t in achieved.get(code, set()) for t in milestone.targets)
            label = "done" if total and done == total else ("partly" if done else "not yet")
            progress.append((code, label, done, total))
        rows.append(
            MilestoneRow(
                id=milestone.id,
                title=milestone.title,
                due=milestone.due.isoformat(),
                description=milestone.description,
                targets=tuple(titles.get(t, t) for t in milestone.targets),
                progress=tuple(progress),
            )
        )
    return tuple(rows)
