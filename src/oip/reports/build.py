"""Assemble the publication reports as plain data: the entry point of `oip.reports`.

`country_report(code, as_of, since)` and `region_report(as_of, since)` return a `Report`: plain
frozen values (strings, numbers, dates, tuples, dicts) that `oip.reports.render` turns into HTML
and PDF. Nothing here renders; nothing in `render` queries.

Contract for dates: a report as of D shows only evidence observed on or before D (the engine's
standings at D, observations with `observed_on <= D`, context notes dated on or before D, and
undated notes only if they were recorded by D). Its reference list holds exactly the sources of
the evidence it shows, numbered in order of first citation.

The reports are built from the monitor's page read models (`oip.monitor.pages`, the only part
of the monitor a report may import), so a report and a page say the same thing in the same
words. Modules: `values` (the frozen values), `citations` (sources and notes), `explain` (page
values as cited rows), `publication` (permalink, citation, tier words), `country` and `region`
(the two reports).
"""

from __future__ import annotations

from oip.reports.country import country_report
from oip.reports.region import region_report
from oip.reports.values import Report, ReportKind, UnknownCountry

__all__ = ["Report", "ReportKind", "UnknownCountry", "country_report", "region_report"]
