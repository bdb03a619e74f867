"""The country report: where one country stands in every area, why, and what changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from oip.catalogue.fetch import current_catalogue, current_version
from oip.conditionality.types import Change
from oip.presentation.labels import area_short
from oip.reports import publication
from oip.reports.citations import Citations, notes, observations
from oip.reports.explain import Explainer, milestones
from oip.reports.values import Report, UnknownCountry
from oip.standings.evaluation import evaluation
from oip.standings.region import year_earlier


def _series_dates(changes: Sequence[Change], since: dt.date, as_of: dt.date) -> list[dt.date]:
    """Return the dates a tier-over-time chart needs: its start, every change, and `as_of`."""
    start = min([since, *(c.on for c in changes)]) if changes else since
    start = min(start, as_of)
    days = {start, as_of}
    days.update(change.on for change in changes)
    return sorted(d for d in days if d <= as_of)


def country_report(code: str, as_of: dt.date, since: dt.date | None = None) -> Report:
    """Return the country report for `code` as of `as_of`; changes from `since` (default: a
    year earlier). Raises `UnknownCountry` for a code not in the catalogue.

    `data` keys: code, name, summary (AreaStanding per area), timeline (chart rows {date,
    area, tier}), changes (ChangeRow), milestones (MilestoneRow), notes (NoteRow).
    """
    catalogue = current_catalogue()
    names = {c.code: c.name for c in catalogue.countries}
    code = code.upper()
    if code not in names:
        raise UnknownCountry(code)
    since = since or year_earlier(as_of)
    version = current_version()
    engine = evaluation()
    citations = Citations()
    explainer = Explainer(catalogue, engine, observations(as_of, code), citations)

    standings = engine.standings(as_of, countries=[code])
    summary = tuple(explainer.area_standing(s) for s in standings)
    changes_all = engine.changes(as_of, countries=[code])
    changes = tuple(explainer.change(c) for c in changes_all if c.on >= since)
    dates = _series_dates(changes_all, since, as_of)
    series = engine.series(dates, countries=[code])
    titles = {a.id: area_short(catalogue, a.id) for a in catalogue.areas}
    timeline = [
        {"date": day.isoformat(), "area": titles[s.area], "tier": s.tier}
        for day in dates
        for s in series[day]
    ]
    note_rows = notes(citations, as_of, code, names)  # cites: before the reference list

    name = names[code]
    title = f"{name}: operational integration with the EU"
    permalink = publication.public_url(f"/countries/{code}/", as_of=as_of.isoformat())
    return Report(
        kind="country",
        title=title,
        subtitle=f"Country report · {name} · as of {as_of.isoformat()}",
        as_of=as_of,
        since=since,
        data_recorded=publication.data_recorded(),
        catalogue_version=version.version,
        catalogue_hash=version.content_hash[:12],
        permalink=permalink,
        citation=publication.citation(title, as_of, version.version, permalink),
        filename_stem=f"oip-{code.lower()}-{as_of.isoformat()}",
        countries=((code, name),),
        sections=(
            ("summary", "Summary"),
            ("timeline", "Tiers over time"),
            ("changes", f"What changed since {since.isoformat()}"),
            ("areas", "Area by area: what holds the tier, what is missing"),
            ("milestones", "Milestones due by 2027"),
            ("context", "Context"),
            ("references", "References"),
        ),
        references=citations.references(),
        tiers=publication.tiers(catalogue),
        data={
            "code": code,
            "name": name,
            "summary": summary,
            "timeline": timeline,
            "changes": changes,
            "milestones": milestones(catalogue, standings, [code]),
            "notes": note_rows,
        },
    )
