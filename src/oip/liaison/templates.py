"""Notification templates as versioned data: load, check and compile them (EXCHANGE.md §6.3).

Pure: no Django. `load_templates()` reads `templates/*.yaml` and `taxonomies/*.yaml` of a data
directory, checks every file at once and returns a `TemplateSet`, or raises `TemplateErrors`
with one `Problem` per defect (`templates/x.yaml:12: stages.final.clocks[0].party: required`).
Each stage's JSON Schema is compiled once; `Template.validate` answers with JSON pointers.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Collection
from dataclasses import asdict
from importlib import resources
from pathlib import Path
from typing import Any

from oip.catalogue.loader import load_catalogue
from oip.liaison.loader import Loader
from oip.liaison.template import (
    PayloadError,
    Problem,
    Stage,
    Taxonomy,
    Template,
    TemplateErrors,
    TemplateSet,
)

__all__ = [
    "PayloadError",
    "Problem",
    "Stage",
    "Taxonomy",
    "Template",
    "TemplateErrors",
    "TemplateSet",
    "data_directory",
    "export_data",
    "load_templates",
    "shipped",
]


def data_directory() -> Path:
    """Return the liaison data directory shipped in the package (`templates/`, `taxonomies/`)."""
    return Path(str(resources.files("oip.liaison") / "data"))


def catalogue_areas() -> frozenset[str]:
    """Return the area ids of the shipped catalogue (read with the pure catalogue loader)."""
    return frozenset(area.id for area in load_catalogue().areas)


def load_templates(
    directory: Path | None = None,
    *,
    areas: Collection[str] | None = None,
    check_published: bool = True,
) -> TemplateSet:
    """Load and check every template of `directory` (default: the shipped data directory).

    `directory` holds `templates/` (and `taxonomies/`; without it the shipped taxonomies are
    used), or is itself the templates directory. `areas` are the catalogue area ids a template
    may name (default: the shipped catalogue's). Raises `TemplateErrors` with every problem.
    """
    root = Path(directory) if directory is not None else data_directory()
    if not (root / "templates").is_dir() and any(root.glob("*.yaml")):
        root, templates_dir = root.parent, root
    else:
        templates_dir = root / "templates"
    taxonomies_dir = root / "taxonomies"
    if not taxonomies_dir.is_dir():
        taxonomies_dir = data_directory() / "taxonomies"
    loader = Loader(
        root=root,
        areas=frozenset(areas) if areas is not None else catalogue_areas(),
        check_published=check_published,
    )
    return loader.load(templates_dir, taxonomies_dir)


@functools.cache
def shipped() -> TemplateSet:
    """Return the packaged template set, loaded once."""
    return load_templates()


def export_data(template_set: TemplateSet) -> dict[str, Any]:
    """Return the set as `oip exchange templates export --format json` prints it (§10)."""
    return {
        "version": template_set.version,
        "templates": [
            {
                "id": t.id,
                "version": t.version,
                "area": t.area,
                "title": t.title,
                "tlp": {"default": t.tlp_default, "allowed": list(t.tlp_allowed)},
                "stages": [
                    {
                        "id": s.id,
                        "kind": s.kind,
                        "title": s.title,
                        "schema": s.schema,
                        "clocks": [asdict(c) for c in s.clocks],
                        "examples": list(s.examples),
                    }
                    for s in t.stages.values()
                ],
            }
            for t in sorted(template_set.templates.values(), key=lambda t: t.id)
        ],
    }


def _main(argv: list[str]) -> int:
    if argv[1:] != ["--hashes"]:
        print("usage: python -m oip.liaison.templates --hashes", file=sys.stderr)
        return 2
    template_set = load_templates(check_published=False)
    for template in sorted(template_set.templates.values(), key=lambda t: t.id):
        print(f'{template.id}: {{"{template.version}": "{template.content_hash}"}}')
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(_main(sys.argv))
