"""The About page: who compiles the data, the memo it implements, the licence, how evidence is
reviewed and where corrections go.

The facts of the memo are copied here from the memo itself (its cover and disclaimer); nothing
is read at run time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Publication:
    """A publication OIP implements or cites."""

    title: str
    authors: tuple[str, ...]
    publisher: str
    published_on: dt.date
    url: str
    note: str


@dataclass(frozen=True)
class AboutPage:
    """What the About page says. `contact` is the corrections address, None when not set."""

    compiler: str
    memo: Publication
    op_ed: Publication
    licence: str
    licence_url: str
    contact: str | None


COMPILER = "Operational Integration Platform (OIP), the project that publishes this monitor"

MEMO = Publication(
    title=(
        "An Operational Integration Agenda for the Western Balkans to Facilitate "
        "Implementation of the Differentiated Model of Integration"
    ),
    authors=("Ramadan Ilazi", "Jeta Loshaj"),
    publisher="Kosovar Centre for Security Studies (KCSS)",
    published_on=dt.date(2026, 1, 14),
    url="https://www.qkss.org/en",
    note=(
        "Produced in the framework of the IGNITA initiative, funded by Open Society "
        "Foundations – Western Balkans. Its “Menu of Operational Integration Options for "
        "the WB6” is OIP’s catalogue of targets and benchmarks."
    ),
)

OP_ED = Publication(
    title="Why the EU must integrate the Western Balkans into its cybersecurity agency?",
    authors=("Igli Tafa", "Mentor Vrajolli"),
    publisher="European Western Balkans",
    published_on=dt.date(2025, 7, 11),
    url="https://europeanwesternbalkans.com/2025/07/11/53121/",
    note="The source of the catalogue’s targets marked “op-ed” (ENISA).",
)

LICENCE = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"


def build(contact: str | None) -> AboutPage:
    """Return the About page; `contact` is the corrections e-mail address (None: unset)."""
    return AboutPage(
        compiler=COMPILER,
        memo=MEMO,
        op_ed=OP_ED,
        licence=LICENCE,
        licence_url=LICENCE_URL,
        contact=contact,
    )
