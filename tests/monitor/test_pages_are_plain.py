"""The page read models are built from their arguments alone: importing them loads neither
Django nor any package that reads the database or the request, so no `build` can reach for
an ambient catalogue, evaluation or clock."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import oip.monitor.pages

# What the read models may load: the pure core, the wording, and themselves.
ALLOWED = (
    "oip.vocabulary",
    "oip.catalogue.schema",
    "oip.conditionality",
    "oip.region",
    "oip.liaison",
)
ALLOWED_TOO = ("oip.presentation.labels", "oip.monitor.pages")
PACKAGES = ("oip", "oip.catalogue", "oip.monitor", "oip.presentation")


def test_page_read_models_load_no_django_and_no_shell_package() -> None:
    modules = [
        f"oip.monitor.pages.{m.name}" for m in pkgutil.iter_modules(oip.monitor.pages.__path__)
    ]
    assert len(modules) == 12  # + about (issue 12), exchange (issue 17)
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    loaded = json.loads(
        subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        ).stdout
    )
    assert [m for m in loaded if m == "django" or m.startswith("django.")] == []
    shell = [
        m
        for m in loaded
        if m.startswith("oip")
        and m not in PACKAGES
        and not any(m == a or m.startswith(a + ".") for a in ALLOWED + ALLOWED_TOO)
    ]
    assert shell == []
