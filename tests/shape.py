"""The package-level import graph of `oip`, read from the source with `ast` (nothing imported).

`python -m tests.shape [SRC]` prints one `a -> b` line per edge between packages, so a change's
effect on the shape can be shown before and after. The tests in `test_shape.py` hold the graph
to the declared layering.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

#: The pure packages: no Django, no shell package (the functional core and its helpers).
PURE = (
    "oip.vocabulary",
    "oip.catalogue.schema",
    "oip.catalogue.loader",
    "oip.conditionality",
    "oip.region",
    "oip.presentation.geo",
    "oip.presentation.labels",
    "oip.presentation.mapshapes",
    "oip.liaison",
)

#: Shell layers, lowest first; a package may import only from its own layer or below.
#: `reports` may read the monitor's page read models (`oip.monitor.pages`) and nothing else of it.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"vocabulary", "conditionality", "region", "liaison"}),
    frozenset({"site"}),
    frozenset({"catalogue", "accounts"}),
    frozenset({"evidence"}),
    frozenset({"standings", "presentation"}),
    frozenset({"monitor", "exchange"}),
    frozenset({"reports", "api"}),
    frozenset({"urls", "settings", "wsgi", "cli"}),
)


def package_of(module: str) -> str:
    """Return the top-level package under `oip` of a dotted module name (`oip.a.b` -> `a`)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def module_name(path: Path, src: Path) -> str:
    """Return the dotted module name of a file under `src`."""
    relative = path.relative_to(src).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports(path: Path, src: Path) -> Iterator[tuple[str, int, bool]]:
    """Yield (imported oip module, line, at top level?) for every `oip` import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    top = {id(node) for node in tree.body}
    # An `if TYPE_CHECKING:` block at the top holds imports for annotations only (a cycle
    # that exists for the type checker, never at run time): its imports count as at the top.
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) in {
            "TYPE_CHECKING",
            "typing.TYPE_CHECKING",
        }:
            top |= {id(inner) for inner in node.body}
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            if name == "oip" or name.startswith("oip."):
                yield name, node.lineno, id(node) in top


def edges(src: Path = SRC) -> dict[tuple[str, str], list[str]]:
    """Return the package-level edges (a, b) with the `file:line` places that make each."""
    found: dict[tuple[str, str], list[str]] = {}
    for path in sorted((src / "oip").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        here = package_of(module_name(path, src))
        for name, line, _top in imports(path, src):
            there = package_of(name)
            if there != here and there != "oip":
                found.setdefault((here, there), []).append(f"{path.relative_to(src)}:{line}")
    return found


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else SRC
    for (a, b), places in sorted(edges(root).items()):
        print(f"{a} -> {b}  ({len(places)})")
