"""The evidence a page lists — observations and their sources — as typed values.

The reader fetches rows in the plain shapes of `oip.evidence.serialize` and passes them to a
page's `build`; these builders turn them into frozen values with the words to show them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from oip.catalogue.schema import Catalogue
from oip.monitor.pages.values import benchmark_index
from oip.presentation import labels


@dataclass(frozen=True)
class Source:
    """Where an observation or a note comes from. `published_on` None reads "n.d.".

    `kind` is the source's kind (`oip.vocabulary.SourceKind`): `measured` marks evidence the
    liaison exchange measured itself, which every page flags as such.
    """

    id: int
    url: str
    title: str
    publisher: str
    published_on: dt.date | None
    excerpt: str
    kind: str = "public"

    @property
    def measured(self) -> bool:
        """Whether the liaison exchange measured this evidence (not a public document)."""
        return self.kind == "measured"


@dataclass(frozen=True)
class EvidenceRow:
    """One observation as a page lists it: what, when, which status, from which source."""

    id: int
    country: str
    benchmark: str
    statement: str
    target: str
    area: str
    area_short: str
    status: str
    status_mark: str
    status_words: str
    observed_on: dt.date
    note: str
    source: Source
    #: The id of the correction that replaced this observation (it no longer counts), or None.
    superseded_by: int | None = None


def _day(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def source(plain: Mapping[str, Any]) -> Source:
    """Return a source from its plain shape (`oip.evidence.serialize.source_dict`)."""
    return Source(
        id=plain["id"],
        url=plain["url"],
        title=plain["title"],
        publisher=plain["publisher"],
        published_on=_day(plain["published_on"]),
        excerpt=plain["excerpt"],
        kind=plain.get("kind", "public"),
    )


def evidence_row(catalogue: Catalogue, plain: Mapping[str, Any]) -> EvidenceRow:
    """Return an observation, from its plain shape (`serialize.observation_dict`), as a row.

    A benchmark no longer in the catalogue reads as its id.
    """
    found = benchmark_index(catalogue).get(plain["benchmark"])
    mark, words = labels.BENCHMARK_STATUS[plain["status"]]
    observed_on = plain["observed_on"]
    return EvidenceRow(
        id=plain["id"],
        country=plain["country"],
        benchmark=plain["benchmark"],
        statement=found[1].statement if found else plain["benchmark"],
        target=plain["target"],
        area=plain["area"],
        area_short=labels.area_short(catalogue, plain["area"]),
        status=plain["status"],
        status_mark=mark,
        status_words=words,
        observed_on=(
            observed_on if isinstance(observed_on, dt.date) else dt.date.fromisoformat(observed_on)
        ),
        note=plain["note"],
        source=source(plain["source"]),
        superseded_by=plain.get("superseded_by"),
    )
