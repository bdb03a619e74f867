"""The downloads page: each dataset with its links and the line to cite it by."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from oip.catalogue.schema import Catalogue

DATASETS: tuple[tuple[str, str], ...] = (
    (
        "standings",
        "Every country's tier in every area, with status, what is missing and who must act.",
    ),
    ("evidence", "Every dated, sourced observation up to the date, with its source."),
    ("catalogue", "The Menu: areas, targets, benchmarks, bodies, instruments and milestones."),
)
# zip: the CSV and a README with the citation (what a reader saves); csv: the plain CSV (with a
# byte-order mark for Excel); json: the data with its citation inside.
FORMATS: tuple[tuple[str, str], ...] = (
    ("zip", "CSV and README (citation, licence), zipped"),
    ("csv", "CSV"),
    ("json", "JSON"),
)


@dataclass(frozen=True)
class Link:
    """A download link: its format in capitals, its path with `as_of` and what it holds."""

    format: str
    url: str
    label: str


@dataclass(frozen=True)
class DownloadFile:
    """A dataset on the downloads page, cited by its JSON link."""

    dataset: str
    description: str
    links: tuple[Link, ...]
    citation: str


@dataclass(frozen=True)
class DownloadsPage:
    """The downloads page at `as_of`."""

    as_of: dt.date
    files: tuple[DownloadFile, ...]


def citation(
    catalogue: Catalogue,
    dataset: str,
    as_of: dt.date,
    path: str,
    *,
    retrieved: dt.date,
    public_url: str,
) -> str:
    """Return the citation line: 'OIP, standings as of 2026-11-21, retrieved 2026-11-22, URL'.

    `path` is the download's path with its query, made absolute with `public_url` so that it
    is the same whoever downloads it; the catalogue is cited by its version, not a date.
    """
    subject = (
        f"catalogue {catalogue.version}"
        if dataset == "catalogue"
        else f"{dataset} as of {as_of.isoformat()}"
    )
    return f"OIP, {subject}, retrieved {retrieved.isoformat()}, {public_url}{path}"


def build(
    catalogue: Catalogue, as_of: dt.date, *, retrieved: dt.date, public_url: str
) -> DownloadsPage:
    """Return the downloads page at `as_of`, cited as retrieved on `retrieved`."""
    files = []
    for dataset, description in DATASETS:
        links = tuple(
            Link(fmt.upper(), f"/downloads/{dataset}.{fmt}?as_of={as_of.isoformat()}", label)
            for fmt, label in FORMATS
        )
        json_url = f"/downloads/{dataset}.json?as_of={as_of.isoformat()}"
        line = citation(
            catalogue, dataset, as_of, json_url, retrieved=retrieved, public_url=public_url
        )
        files.append(DownloadFile(dataset, description, links, line))
    return DownloadsPage(as_of=as_of, files=tuple(files))
