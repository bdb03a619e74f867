"""A report's sources: numbered in order of first citation, and the context notes it may show.

Contract for dates: a report as of D shows only evidence observed on or before D, context
notes dated on or before D, and undated notes only if they were recorded by D. Its reference
list holds exactly the sources of what it shows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from oip.evidence import serialize
from oip.evidence.models import ContextNote, Observation
from oip.reports.values import NoteRow, Reference

NO_DATE = "n.d."


class Citations:
    """Numbers sources in order of first citation, and remembers what each was cited for."""

    def __init__(self) -> None:
        self._numbers: dict[int, int] = {}
        self._sources: dict[int, dict[str, Any]] = {}
        self._cited_for: dict[int, list[str]] = {}

    def cite(self, source: Any, what: str) -> int:
        """Return the number of `source` (a new one at its first citation), noting `what`."""
        number = self._numbers.get(source.pk)
        if number is None:
            number = len(self._numbers) + 1
            self._numbers[source.pk] = number
            self._sources[source.pk] = serialize.source_dict(source)
            self._cited_for[source.pk] = []
        if what and what not in self._cited_for[source.pk]:
            self._cited_for[source.pk].append(what)
        return number

    def references(self) -> tuple[Reference, ...]:
        """Return the reference list, by number; an undated source reads "n.d."."""
        found = []
        for pk, number in self._numbers.items():
            src = self._sources[pk]
            found.append(
                Reference(
                    number=number,
                    title=src["title"],
                    publisher=src["publisher"],
                    published_on=src["published_on"] or NO_DATE,
                    url=src["url"],
                    cited_for=tuple(self._cited_for[pk]),
                    measured=src.get("kind") == "measured",
                )
            )
        return tuple(sorted(found, key=lambda r: r.number))


def observations(as_of: dt.date, country: str | None = None) -> dict[int, Observation]:
    """Return the observations observed by `as_of` (of `country`, if given), by id."""
    return {o.pk: o for o in serialize.observations(as_of=as_of, country=country)}


def notes(
    citations: Citations, as_of: dt.date, country: str | None, names: dict[str, str]
) -> tuple[NoteRow, ...]:
    """Return the context notes a report as of `as_of` may show (see the module contract):
    the country's, or with `country` None the regional ones, by date (undated first)."""
    rows: list[ContextNote] = list(serialize.context_notes(country=country, as_of=as_of))
    if country is None:
        rows = [n for n in rows if n.country_id is None]
    shown = [
        n
        for n in rows
        if n.noted_on is not None or n.recorded_at.date() <= as_of  # undated: known by then
    ]
    shown.sort(key=lambda n: (n.noted_on or dt.date.min, n.pk))
    result = []
    for note in shown:
        scope = names.get(note.country_id or "", "Region")
        number = citations.cite(
            note.source, f"context {note.noted_on.isoformat() if note.noted_on else NO_DATE}"
        )
        result.append(
            NoteRow(
                title=note.title,
                body=note.body,
                noted_on=note.noted_on.isoformat() if note.noted_on else None,
                scope=scope,
                reference=number,
            )
        )
    return tuple(result)
