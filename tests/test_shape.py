"""The shape holds: a pure core, shell layers importing one way, imports at the top of files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.shape import LAYERS, PURE, SRC, edges, imports, module_name, package_of

ROOT = SRC.parent


def _layer(package: str) -> int:
    for level, members in enumerate(LAYERS):
        if package in members:
            return level
    raise AssertionError(f"package oip.{package} is in no layer of tests/shape.py: add it")


def _init(package: str) -> Path:
    return SRC / package.replace(".", "/") / "__init__.py"


def _is_pure(module: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in PURE)


def test_the_pure_packages_load_neither_django_nor_any_shell_package() -> None:
    """Importing every pure package in a fresh interpreter loads only pure `oip` modules."""
    pure_modules = sorted(
        module_name(path, SRC)
        for path in (SRC / "oip").rglob("*.py")
        if _is_pure(module_name(path, SRC))
    )
    code = (
        "import importlib, sys\n"
        f"for name in {pure_modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print('\\n'.join(sorted(m for m in sys.modules"
        " if m == 'django' or m.startswith('django.') or m.startswith('oip.'))))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("DJANGO_SETTINGS_MODULE", None)

    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )

    loaded = result.stdout.split()
    # A pure module's parent packages load too; they may, as long as they import nothing.
    parents = {m for m in loaded if not _is_pure(m) and _init(m).exists()}
    assert [p for p in sorted(parents) if list(imports(_init(p), SRC))] == []
    assert {p for p in PURE if not any(m == p or m.startswith(p + ".") for m in pure_modules)} == {
        "oip.presentation.geo"
    } - {m for m in pure_modules}
    assert [m for m in loaded if not _is_pure(m) and m not in parents] == []


def test_shell_imports_run_one_way() -> None:
    """A package imports only from its own layer or below (tests/shape.py LAYERS).

    The one exception: `reports` reads the monitor's page read models, `oip.monitor.pages`.
    """
    wrong = []
    for path in sorted((SRC / "oip").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = module_name(path, SRC)
        if _is_pure(module):
            continue
        here = package_of(module)
        for name, line, _top in imports(path, SRC):
            there = package_of(name)
            if there in {here, "oip"} or _is_pure(name):
                continue
            if here == "reports" and name.startswith("oip.monitor.pages"):
                continue
            if _layer(there) > _layer(here):
                wrong.append(f"{path.relative_to(SRC)}:{line}: {here} -> {name}")
    assert wrong == []


def test_no_package_cycle() -> None:
    graph: dict[str, set[str]] = {}
    for a, b in edges():
        graph.setdefault(a, set()).add(b)
    cycles = sorted(f"{a} <-> {b}" for a in graph for b in graph[a] if a in graph.get(b, set()))
    assert cycles == []


def test_imports_are_at_the_top_of_files() -> None:
    """Only an AppConfig's `ready()` imports inside a function (apps are not loaded before it)."""
    inner = [
        f"{path.relative_to(SRC)}:{line}"
        for path in sorted((SRC / "oip").rglob("*.py"))
        if path.name != "apps.py" and "migrations" not in path.parts
        for _name, line, top in imports(path, SRC)
        if not top
    ]
    assert inner == []


def test_nothing_refers_to_a_design_document_outside_the_repository() -> None:
    """The contracts live in docs/; a reader with only the repository can follow every link."""
    places = [
        f"{path.relative_to(ROOT)}"
        for folder in ("src", "tests", "docs", "bench")
        for path in (ROOT / folder).rglob("*")
        if path.is_file()
        and path.suffix in {".py", ".md", ".html", ".yaml", ".txt"}
        and path.name != "test_shape.py"
        and "DESIGN.md" in path.read_text(encoding="utf-8", errors="replace")
    ]
    places += ["README.md"] if "DESIGN.md" in (ROOT / "README.md").read_text() else []
    assert places == []
