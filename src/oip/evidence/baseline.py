"""The baseline evidence shipped with OIP, in editions: sourced facts on the six countries.

The data lives in the package, in `oip/evidence/baseline/`, one YAML file per country and
edition plus a regional file for regional context notes, in the `oip evidence import` format.
A file is named `<edition>-<name>.yaml`, `<edition>` being the day the edition was compiled
(YYYY-MM-DD): 2026-11-21 (the first edition), 2026-11-30 (the second, which adds facts and
corrects the first with superseding records). A file `pending-<catalogue>.yaml` would hold facts
that need a catalogue not yet loaded; it is not an edition and is never loaded (no fact of the
second edition needs catalogue 2026.2, so there is none today).
The product never reads the compilation the editions came from at run time.

Editions are knowledge times: every shipped record is recorded at the start (00:00 UTC) of
its edition's day, whenever it is loaded, so on any install `--known-at` between two editions
reproduces the earlier edition's reading. Records users import are recorded when imported.

The directory deliberately has no `__init__.py`: a regular package named `baseline` would shadow
this module (`oip.evidence.baseline`). It ships as package data all the same (setuptools'
`packages.find` in pyproject.toml includes namespace directories, as for `oip/catalogue/data/`).

Contract: absence of evidence is not recorded. A benchmark the baseline says nothing about has no
observation, so the engine reports it `unknown` ("not assessed"), never `not_met`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from importlib import resources
from itertools import groupby
from pathlib import Path

from django.db import transaction

from oip.evidence.actions import ImportResult, import_evidence
from oip.site import clock

RECORDED_BY = "baseline"
DATA_DIRECTORY = "baseline"
PENDING_PREFIX = "pending-"
_EDITION_FILE = re.compile(r"(?P<edition>\d{4}-\d{2}-\d{2})-(?P<name>[a-z0-9-]+)\.yaml")


@dataclass(frozen=True, slots=True)
class Edition:
    """One edition of the baseline: the day it was compiled and its files, by name."""

    compiled_on: dt.date
    files: tuple[Path, ...]

    @property
    def known_from(self) -> dt.datetime:
        """When the edition's records became known: the start of its day, UTC."""
        return dt.datetime.combine(self.compiled_on, dt.time.min, tzinfo=dt.UTC)


def baseline_directory() -> Path:
    """Return the directory holding the shipped baseline files."""
    return Path(str(resources.files("oip.evidence") / DATA_DIRECTORY))


def edition_of(path: Path) -> dt.date:
    """The edition (compilation day) a shipped file belongs to, from its name.

    Raises ValueError for a name that is not `<YYYY-MM-DD>-<name>.yaml`.
    """
    match = _EDITION_FILE.fullmatch(path.name)
    if match is None:
        raise ValueError(f"{path.name}: a baseline file is named <YYYY-MM-DD>-<name>.yaml")
    return dt.date.fromisoformat(match["edition"])


def baseline_files() -> list[Path]:
    """Return every edition's files, oldest edition first, by name within an edition."""
    return sorted(
        p
        for p in baseline_directory().iterdir()
        if p.suffix == ".yaml" and p.is_file() and not p.name.startswith(PENDING_PREFIX)
    )


def editions() -> list[Edition]:
    """Return the shipped editions, oldest first."""
    return [Edition(day, tuple(files)) for day, files in groupby(baseline_files(), key=edition_of)]


def load_baseline(today: dt.date | None = None) -> ImportResult:
    """Import every edition compiled by `today` (default: today), all or nothing.

    Each edition's records are recorded at its `known_from`, by "baseline". Idempotent:
    observations and context notes already recorded are skipped (their fingerprints do not
    depend on when they were recorded), so a second run creates nothing. Raises
    `oip.evidence.actions.ImportFailed` (nothing written) if a file does not validate against
    the current catalogue, dates a fact after `today`, or supersedes nothing stored. The
    result sums the editions' counts; `batch_id` is the last edition's batch that wrote.
    """
    day = today or clock.today()
    totals = [0, 0, 0, 0]
    batch_id: int | None = None
    files: tuple[str, ...] = ()
    with transaction.atomic():
        for edition in editions():
            if edition.compiled_on > day:
                continue
            result = import_evidence(
                edition.files,
                recorded_by=RECORDED_BY,
                today=day,
                recorded_at=edition.known_from,
            )
            counts = (
                result.created,
                result.skipped,
                result.context_created,
                result.context_skipped,
            )
            totals = [a + b for a, b in zip(totals, counts, strict=True)]
            batch_id = result.batch_id or batch_id
            files += result.files
    created, skipped, context_created, context_skipped = totals
    return ImportResult(created, skipped, context_created, context_skipped, batch_id, files)
