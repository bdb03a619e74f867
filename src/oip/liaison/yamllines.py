"""YAML files read with the line of every node, and the canonical hash of their content.

Pure: no Django. `parse_yaml` returns plain data (mappings, lists, scalars) and a map from each
node's location (`("stages", "final", "clocks", 0)`) to its 1-based line, so a problem can name
`file:line: field`; a malformed file or a duplicate key raises `TemplateErrors`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml

from oip.liaison.template import Problem, TemplateErrors

Loc = tuple[str | int, ...]

_SCALARS = yaml.constructor.SafeConstructor()


def parse_yaml(path: Path, display: str) -> tuple[Any, dict[Loc, int]]:
    """Parse one YAML file into plain data and the line of every node (loc -> 1-based line)."""
    lines: dict[Loc, int] = {}
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        reason = getattr(exc, "problem", None) or str(exc)
        raise TemplateErrors([Problem(display, line, "-", f"malformed YAML: {reason}")]) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateErrors([Problem(display, 1, "-", f"cannot read: {exc}")]) from exc

    def build(node: yaml.Node, loc: Loc) -> Any:
        lines.setdefault(loc, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key, value in node.value:
                name = str(key.value)
                if name in out:
                    raise TemplateErrors(
                        [Problem(display, key.start_mark.line + 1, name, "duplicate key")]
                    )
                lines[(*loc, name)] = key.start_mark.line + 1
                out[name] = build(value, (*loc, name))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [build(item, (*loc, i)) for i, item in enumerate(node.value)]
        return _SCALARS.construct_object(node, deep=True)

    return (build(node, ()) if node is not None else None), lines


def field_name(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out or "-"


def content_hash(data: Any) -> str:
    """Return the SHA-256 of the canonical JSON of a parsed file (keys sorted, no spaces)."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
