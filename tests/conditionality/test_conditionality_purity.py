"""The core stays pure: importing it must not import Django."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


def test_the_pure_core_does_not_import_django() -> None:
    """The catalogue schema and loader, the engine and its presentation, the region analytics."""
    code = (
        "import sys\n"
        "import oip.conditionality, oip.conditionality.present, oip.region\n"
        "import oip.catalogue.schema, oip.catalogue.loader\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("DJANGO_SETTINGS_MODULE", None)

    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )

    assert result.stdout.strip() == "[]"
