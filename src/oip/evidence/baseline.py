"""The baseline evidence shipped with OIP: sourced facts on the six countries, compiled 2026-11-21.

The data lives in the package, in `oip/evidence/baseline/` (one YAML file per country plus
`regional.yaml` for regional context notes), in the `oip evidence import` format. The product
never reads the compilation it came from at run time.

The directory deliberately has no `__init__.py`: a regular package named `baseline` would shadow
this module (`oip.evidence.baseline`). It ships as package data all the same (setuptools'
`packages.find` in pyproject.toml includes namespace directories, as for `oip/catalogue/data/`).

Contract: absence of evidence is not recorded. A benchmark the baseline says nothing about has no
observation, so the engine reports it `unknown` ("not assessed"), never `not_met`.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

from oip.evidence.actions import ImportResult, import_evidence

RECORDED_BY = "baseline"
DATA_DIRECTORY = "baseline"


def baseline_directory() -> Path:
    """Return the directory holding the shipped baseline files."""
    return Path(str(resources.files("oip.evidence") / DATA_DIRECTORY))


def baseline_files() -> list[Path]:
    """Return the shipped baseline YAML files, sorted by name (stable import order)."""
    return sorted(p for p in baseline_directory().iterdir() if p.suffix == ".yaml" and p.is_file())


def load_baseline(today: dt.date | None = None) -> ImportResult:
    """Import every shipped baseline file, all or nothing, recorded by "baseline".

    Idempotent: observations and context notes already recorded are skipped, so a second run
    creates nothing. Raises `oip.evidence.actions.ImportFailed` (nothing written) if a file does
    not validate against the current catalogue, or dates a fact after `today` (default: today).
    """
    return import_evidence(baseline_files(), recorded_by=RECORDED_BY, today=today)
