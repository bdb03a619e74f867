"""`oip exchange templates validate|export`: check and print the notification templates (§10).

`validate [--dir D]` exits 0 with a one-line summary, or 1 with one `file:line: field: message`
per problem on stderr. `export --format json` prints the blank forms: every template's stages
with their JSON Schema (taxonomy enums injected), clocks and valid example payloads.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from oip.liaison.templates import TemplateErrors, TemplateSet, export_data, load_templates


def register(subparsers: Any) -> None:
    group = subparsers.add_parser("templates", help="the notification templates (versioned data)")
    commands = group.add_subparsers(dest="templates_command", metavar="COMMAND")
    commands.required = True
    validate = commands.add_parser(
        "validate", help="check every template and taxonomy; exit 1 with one line per problem"
    )
    validate.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="data directory holding templates/ (and taxonomies/); default: the shipped one",
    )
    validate.set_defaults(run=run_validate)
    export = commands.add_parser("export", help="print the templates as JSON (the blank forms)")
    export.add_argument("--format", choices=["json"], default="json")
    export.add_argument("--dir", type=Path, default=None, help="data directory, as for validate")
    export.set_defaults(run=run_export)


def _load(options: dict[str, Any]) -> TemplateSet | None:
    try:
        return load_templates(options.get("dir"))
    except TemplateErrors as exc:
        for problem in exc.problems:
            options["stderr"].write(str(problem))
        options["stderr"].write(f"templates invalid: {len(exc.problems)} problem(s)")
        return None


def run_validate(options: dict[str, Any]) -> int:
    template_set = _load(options)
    if template_set is None:
        return 1
    stages = sum(len(t.stages) for t in template_set.templates.values())
    options["stdout"].write(
        f"templates {template_set.version} are valid: {len(template_set.templates)} templates,"
        f" {stages} stages, {len(template_set.taxonomies)} taxonomies"
    )
    return 0


def run_export(options: dict[str, Any]) -> int:
    template_set = _load(options)
    if template_set is None:
        return 1
    options["stdout"].write(json.dumps(export_data(template_set), indent=2, ensure_ascii=False))
    return 0
