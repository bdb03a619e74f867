"""Turn the monitor's page read models into a report's rows, each citing what it rests on.

The pages (`oip.monitor.pages`) already hold what a standing, a benchmark or a change shows,
words included; a report adds the numbered source of every observation it shows (through
`Citations`) and, for a change, the state on its day of each benchmark that caused it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from oip.catalogue.schema import Catalogue
from oip.conditionality import Evaluation
from oip.conditionality.types import Standing
from oip.evidence.models import Observation
from oip.monitor.pages import country as country_page
from oip.monitor.pages.values import BenchmarkRow, ChangeRow, TargetGroup, benchmark_row
from oip.region import milestone_progress
from oip.reports import values
from oip.reports.citations import Citations
from oip.reports.values import AreaStanding, Evidence, MilestoneRow


class Explainer:
    """Explains page values of one evaluation against `catalogue`, citing from `observations`
    (the observations the report may show, by id)."""

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
        self.observations = observations
        self.citations = citations

    def evidence(
        self,
        country: str,
        group: TargetGroup,
        row: BenchmarkRow,
        dated: country_page.DatedRow | None = None,
    ) -> Evidence:
        """Return a benchmark row of `group` as evidence, citing its observation if shown;
        with `dated` (the page's row with its source), the source's age and staleness."""
        reference = None
        note = ""
        observation = self.observations.get(row.observation_id) if row.observation_id else None
        if observation is not None:
            reference = self.citations.cite(
                observation.source, f"{country} {observation.observed_on.isoformat()}"
            )
            note = observation.note
        return Evidence(
            benchmark=row.benchmark,
            statement=row.statement,
            target=group.target,
            target_title=group.title,
            tier=group.tier,
            status=row.status,
            status_label=row.status_words,
            status_mark=row.status_mark,
            who=row.who,
            who_label=row.who_words,
            observed_on=(
                row.observed_on.isoformat()
                if observation is not None and row.observed_on is not None
                else None
            ),
            reference=reference,
            note=note,
            age=dated.age_words if dated is not None and reference is not None else "",
            stale=dated.stale if dated is not None else False,
        )

    def dated(
        self, country: str, groups: Sequence[country_page.DatedGroup]
    ) -> tuple[Evidence, ...]:
        """Return every row of the page's dated `groups` as evidence, in order."""
        return tuple(
            self.evidence(country, TargetGroup(g.target, g.title, g.tier), d.row, d)
            for g in groups
            for d in g.rows
        )

    def groups(self, country: str, groups: Sequence[TargetGroup]) -> tuple[Evidence, ...]:
        """Return every row of `groups` as evidence, in order."""
        return tuple(self.evidence(country, g, row) for g in groups for row in g.rows)

    def area_standing(self, area: country_page.AreaStanding) -> AreaStanding:
        """Return a country page's area standing explained: what holds it, what is missing."""
        cell = area.cell
        return AreaStanding(
            area=cell.area,
            area_title=cell.area_title,
            area_short=cell.area_short,
            assessed=cell.is_assessed,
            mark=cell.mark,
            words=cell.words,
            css=cell.css,
            tier=cell.tier,
            tier_name=cell.tier_name,
            raw_tier=cell.raw_tier,
            status=cell.status,
            status_label=cell.status_words,
            status_mark=cell.status_mark,
            since=cell.since.isoformat() if cell.since else None,
            notice_until=cell.notice_until.isoformat() if cell.notice_until else None,
            next_tier=cell.next_tier,
            next_tier_name=(
                self.catalogue.tier_name(cell.next_tier) if cell.next_tier is not None else None
            ),
            holding=self.groups(cell.country, area.holding),
            missing=self.groups(cell.country, area.missing),
            missing_words=area.missing_words,
            suspended_by=cell.suspended_by,
            in_place=self.dated(cell.country, area.in_place),
            achieved=tuple(g.target for g in area.achieved),
            missing_assessed=self.dated(cell.country, area.missing_assessed),
            not_assessed=tuple((g.title, len(g.rows)) for g in area.not_assessed),
            not_assessed_count=area.not_assessed_count,
            score=area.score,
            change_12m=area.change_12m,
            benchmarks=area.assessed.benchmarks,
            with_evidence=area.assessed.with_evidence,
            score_words=area.score_words,
            change_words=area.change_words,
            progress_words=area.progress_words,
        )

    def change(self, change: ChangeRow) -> values.ChangeRow:
        """Return a page's change row with the state, on its day, of each benchmark that
        caused it."""
        name = self.names[change.country]
        causes = []
        for cause in change.cause:
            state = self.engine.benchmark_state(change.country, cause.benchmark, change.on)
            target = self.catalogue.target(cause.target)
            group = TargetGroup(target.id, target.title, target.tier)
            row = benchmark_row(self.catalogue, state, name)
            causes.append(self.evidence(change.country, group, row))
        return values.ChangeRow(
            on=change.on.isoformat(),
            country=change.country,
            country_name=change.country_name,
            area=change.area,
            area_title=change.area_title,
            kind=change.kind,
            kind_label=change.kind_words,
            tier_before=change.tier_before,
            tier_after=change.tier_after,
            tier_before_words=change.tier_before_words,
            tier_after_words=change.tier_after_words,
            causes=tuple(causes),
        )


def milestones(
    catalogue: Catalogue,
    standings: Sequence[Standing],
    as_of: dt.date,
    countries: Iterable[str],
) -> tuple[MilestoneRow, ...]:
    """Return each milestone with, per country, how many of its targets are achieved
    (`oip.region.milestone_progress`): "done" when all, "partly" when some, else "not yet"."""
    found = {m.id: m for m in catalogue.milestones}
    rows = []
    for progress in milestone_progress(catalogue, standings, as_of, countries=list(countries)):
        milestone = found[progress.milestone]
        rows.append(
            MilestoneRow(
                id=milestone.id,
                title=milestone.title,
                due=progress.due.isoformat(),
                description=milestone.description,
                targets=tuple(catalogue.target(t).title for t in progress.targets),
                progress=tuple(
                    (
                        c.country,
                        "done" if c.reached else ("partly" if c.started else "not yet"),
                        c.done,
                        c.total,
                    )
                    for c in progress.countries
                ),
            )
        )
    return tuple(rows)
