"""Run inside a child process (after django.setup()): prepare a scratch database and read
back everything a backup must preserve."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from tests.scenario import EVENTS

DATES = sorted(
    {day for _, _, day in EVENTS} | {"2024-01-09", "2025-01-09", "2025-04-09", "2026-01-01"}
)


def prepare(*files: str) -> None:
    """Migrate, load the shipped catalogue, import `files` (as `oip evidence import` does)."""
    from django.core.management import call_command

    from oip.catalogue.actions import load_catalogue_into_db
    from oip.catalogue.loader import load_catalogue
    from oip.evidence.actions import import_evidence

    call_command("migrate", interactive=False, verbosity=0)
    load_catalogue_into_db(load_catalogue())
    if files:
        import_evidence([Path(f) for f in files], recorded_by="test")


def snapshot() -> dict[str, Any]:
    """Every standing at DATES (full repr: tiers, explanations, observation ids) and every
    evidence and catalogue row, as JSON-able lists."""
    from oip.catalogue.models import CatalogueVersion
    from oip.evidence.models import ContextNote, ImportBatch, Observation, Source
    from oip.standings.evaluation import evaluation

    def rows(model: Any) -> list[list[str]]:
        return [[str(v) for v in row] for row in model._base_manager.order_by("id").values_list()]

    evaluated = evaluation()
    return {
        "standings": {d: repr(evaluated.standings(dt.date.fromisoformat(d))) for d in DATES},
        "observations": rows(Observation),
        "sources": rows(Source),
        "batches": rows(ImportBatch),
        "notes": rows(ContextNote),
        "catalogue": [
            [v.id, v.version, v.content_hash] for v in CatalogueVersion.objects.order_by("id")
        ],
    }
