"""The country report: where one country stands in every area, why, and what changed.

Built from the monitor's country page (`oip.monitor.pages.country`): the same standings, the
same words, the same tier timeline; the report adds the citations and every change since a
day (the page shows the latest few).
"""

from __future__ import annotations

import datetime as dt

from oip.catalogue.fetch import current_catalogue, current_version
from oip.evidence import serialize
from oip.monitor.pages import country as country_page
from oip.monitor.pages.values import latest_changes
from oip.region import year_earlier
from oip.reports import publication
from oip.reports.citations import Citations, notes, observations
from oip.reports.explain import Explainer, milestones
from oip.reports.summary import country_summary
from oip.reports.values import Report, UnknownCountry
from oip.standings.evaluation import evaluation


def country_report(code: str, as_of: dt.date, since: dt.date | None = None) -> Report:
    """Return the country report for `code` as of `as_of`; changes from `since` (default: a
    year earlier). Raises `UnknownCountry` for a code not in the catalogue.

    `data` keys: code, name, overview (`summary.Summary`: the first page), summary
    (AreaStanding per area), timeline (chart rows {date, area, tier}: the page's tier
    timeline; empty when no tier changes on it, as a flat chart says nothing), changes (ChangeRow, oldest first), milestones
    (MilestoneRow), notes (NoteRow).
    """
    catalogue = current_catalogue()
    code = code.upper()
    if code not in catalogue.country_codes():
        raise UnknownCountry(code)
    since = since or year_earlier(as_of)
    version = current_version()
    engine = evaluation()
    shown = observations(as_of, code)
    first_observed = min((o.observed_on for o in shown.values()), default=None)
    page = country_page.build(
        catalogue,
        engine,
        as_of,
        code,
        first_observed=first_observed,
        observations={pk: serialize.observation_dict(o) for pk, o in shown.items()},
    )
    citations = Citations()
    explainer = Explainer(catalogue, engine, shown, citations)

    summary = tuple(explainer.area_standing(a) for a in page.areas)
    changes = latest_changes(catalogue, engine, as_of, since=since, country=code)
    change_rows = tuple(explainer.change(c) for c in reversed(changes))
    standings = engine.standings(as_of, countries=[code])
    note_rows = notes(citations, as_of, code, {code: page.country.name})  # cites: before the list

    name = page.country.name
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
            ("summary", "Summary: in place, missing, changed"),
            ("standings", "Tier per area"),
            *((("timeline", "Tiers over time"),) if page.timeline_moves else ()),
            ("changes", f"What changed since {since.isoformat()}"),
            ("areas", "Area by area: what is in place, what is missing"),
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
            "timeline": [point.as_row() for point in page.timeline] if page.timeline_moves else [],
            "overview": country_summary(summary, change_rows),
            "changes": change_rows,
            "milestones": milestones(catalogue, standings, as_of, [code]),
            "notes": note_rows,
        },
    )
