"""Read the catalogue's YAML files, validate them and report every problem with file and line.

Pure: imports nothing from Django. The layout of a catalogue directory:

    catalogue.yaml          version, countries, tiers, instruments
    bodies.yaml             bodies
    milestones.yaml         milestones
    areas/NN-<area>.yaml    one area (`area:`) and its `targets:`; a target's area is the file's

`load_catalogue()` returns a `Catalogue` or raises `CatalogueError` carrying one `Problem` per
defect, each naming the file, the line and the field, e.g.
``areas/01-cyber.yaml:42: targets[3].benchmarks[0].statement: must not be empty``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from oip.catalogue.schema import (
    Area,
    Body,
    Catalogue,
    Country,
    Instrument,
    Milestone,
    Target,
    Tier,
    reason_problems,
    reference_problems,
)

Loc = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """One defect in a catalogue file."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class CatalogueError(Exception):
    """The catalogue is invalid; `problems` lists every defect found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def default_directory() -> Path:
    """Return the directory of the catalogue shipped inside the package."""
    return Path(str(resources.files("oip.catalogue") / "data"))


# -- YAML with line numbers -----------------------------------------------------------------


_SCALARS = yaml.constructor.SafeConstructor()


class _Located:
    """Line numbers of a parsed YAML tree: loc -> 1-based line."""

    def __init__(self) -> None:
        self.lines: dict[Loc, int] = {}

    def line_of(self, loc: Loc) -> int:
        """Return the line of `loc`, or of its nearest located ancestor."""
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)


def _parse(path: Path, display: str) -> tuple[Any, _Located]:
    """Parse one YAML file into plain data plus the line of every node."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogueError([Problem(display, 1, "-", f"not UTF-8 text ({exc.reason})")]) from exc
    except OSError as exc:
        raise CatalogueError([Problem(display, 1, "-", f"cannot read: {exc.strerror}")]) from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        reason = getattr(exc, "problem", None) or str(exc)
        raise CatalogueError([Problem(display, line, "-", f"malformed YAML: {reason}")]) from exc
    located = _Located()
    if node is None:
        return None, located
    return _to_data(node, (), located, display), located


def _to_data(node: yaml.Node, loc: Loc, located: _Located, display: str) -> Any:
    located.lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in result:
                raise CatalogueError(
                    [Problem(display, key_node.start_mark.line + 1, key, "duplicate key")]
                )
            result[key] = _to_data(value_node, (*loc, key), located, display)
            located.lines[(*loc, key)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_to_data(item, (*loc, i), located, display) for i, item in enumerate(node.value)]
    # Scalars: compose() already resolved the tag (int, date, null, bool); construct it.
    return _SCALARS.construct_object(node, deep=True)


def _field_name(loc: Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out or "-"


# -- assembly -------------------------------------------------------------------------------


@dataclass
class _Origin:
    """Where one item of the assembled catalogue came from."""

    file: str
    loc: Loc
    located: _Located


class _Assembler:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.problems: list[Problem] = []
        self.origins: dict[Loc, _Origin] = {}
        self.data: dict[str, Any] = {
            "version": None,
            "countries": [],
            "tiers": [],
            "instruments": [],
            "bodies": [],
            "areas": [],
            "milestones": [],
            "targets": [],
        }

    def display(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.directory))
        except ValueError:
            return str(path)

    def read(self, path: Path) -> tuple[Any, _Located, str] | None:
        display = self.display(path)
        try:
            data, located = _parse(path, display)
        except CatalogueError as exc:
            self.problems.extend(exc.problems)
            return None
        if not isinstance(data, dict):
            self.problems.append(Problem(display, 1, "-", "expected a mapping at the top level"))
            return None
        return data, located, display

    def problem(self, display: str, located: _Located, loc: Loc, message: str) -> None:
        self.problems.append(Problem(display, located.line_of(loc), _field_name(loc), message))

    def take_list(
        self, data: dict[str, Any], key: str, located: _Located, display: str, into: str
    ) -> None:
        items = data.get(key)
        if items is None:
            self.problem(display, located, (key,), "required")
            return
        if not isinstance(items, list):
            self.problem(display, located, (key,), "expected a list")
            return
        for i, item in enumerate(items):
            self.origins[(into, len(self.data[into]))] = _Origin(display, (key, i), located)
            self.data[into].append(item)

    def assemble(self) -> None:
        main = self.read(self.directory / "catalogue.yaml")
        if main is not None:
            data, located, display = main
            self._check_keys(
                data, {"version", "countries", "tiers", "instruments"}, located, display
            )
            if data.get("version") in (None, ""):
                self.problem(display, located, ("version",), "required")
            else:
                self.data["version"] = str(data["version"])
            for key in ("countries", "tiers", "instruments"):
                self.take_list(data, key, located, display, key)
        for name, key in (("bodies.yaml", "bodies"), ("milestones.yaml", "milestones")):
            part = self.read(self.directory / name)
            if part is not None:
                data, located, display = part
                self._check_keys(data, {key}, located, display)
                self.take_list(data, key, located, display, key)
        area_files = sorted((self.directory / "areas").glob("*.yaml"))
        if not area_files:
            self.problems.append(Problem("areas/", 1, "-", "no area files found"))
        for path in area_files:
            part = self.read(path)
            if part is None:
                continue
            data, located, display = part
            self._check_keys(data, {"area", "targets"}, located, display)
            area = data.get("area")
            if not isinstance(area, dict):
                self.problem(display, located, ("area",), "required: a mapping with the area's id")
                continue
            self.origins[("areas", len(self.data["areas"]))] = _Origin(display, ("area",), located)
            self.data["areas"].append(area)
            targets = data.get("targets")
            if not isinstance(targets, list) or not targets:
                self.problem(display, located, ("targets",), "required: a non-empty list")
                continue
            for i, target in enumerate(targets):
                if isinstance(target, dict) and "area" not in target:
                    # A target belongs to its file's area unless it names another one.
                    target = {**target, "area": area.get("id")}
                self.origins[("targets", len(self.data["targets"]))] = _Origin(
                    display, ("targets", i), located
                )
                self.data["targets"].append(target)

    def _check_keys(
        self, data: dict[str, Any], allowed: set[str], located: _Located, display: str
    ) -> None:
        for key in data:
            if key not in allowed:
                self.problem(
                    display,
                    located,
                    (key,),
                    f"unknown key (expected one of {', '.join(sorted(allowed))})",
                )

    def locate(self, loc: Loc) -> Problem:
        """Turn a location in the assembled structure into file, line and field."""
        if len(loc) >= 2 and (loc[0], loc[1]) in self.origins:
            origin = self.origins[(loc[0], loc[1])]
            file_loc = (*origin.loc, *loc[2:])
            return Problem(origin.file, origin.located.line_of(file_loc), _field_name(file_loc), "")
        return Problem("catalogue.yaml", 1, _field_name(loc), "")

    def validate_items(self) -> None:
        """Validate each item on its own so every defect is reported, not just the first."""
        models: dict[str, type[Any]] = {
            "countries": Country,
            "tiers": Tier,
            "instruments": Instrument,
            "bodies": Body,
            "areas": Area,
            "milestones": Milestone,
            "targets": Target,
        }
        for key, model in models.items():
            for i, item in enumerate(self.data[key]):
                try:
                    model.model_validate(item)
                except ValidationError as exc:
                    for error in exc.errors():
                        where = self.locate((key, i, *error["loc"]))
                        self.problems.append(
                            Problem(where.file, where.line, where.field, _message(error))
                        )


def _message(error: Any) -> str:
    kind = error.get("type", "")
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "missing":
        return "required"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "too_short" and error["loc"] and error["loc"][-1] == "benchmarks":
        return "a target needs at least one benchmark"
    if kind == "value_error":
        # Our validators' own words, without pydantic's "Value error, " prefix.
        return str(error["ctx"]["error"])
    return str(error.get("msg", "invalid"))


def load_catalogue(directory: Path | str | None = None) -> Catalogue:
    """Load and validate the catalogue in `directory` (default: the one shipped in the package).

    Raises `CatalogueError` listing every problem (file, line, field), sorted by file and line.
    """
    assembler = _Assembler(Path(directory) if directory is not None else default_directory())
    assembler.assemble()
    assembler.validate_items()
    if not assembler.problems:
        try:
            catalogue = Catalogue.model_construct(
                **{
                    "version": assembler.data["version"],
                    **{
                        key: tuple(model.model_validate(item) for item in assembler.data[key])
                        for key, model in (
                            ("countries", Country),
                            ("tiers", Tier),
                            ("instruments", Instrument),
                            ("bodies", Body),
                            ("areas", Area),
                            ("milestones", Milestone),
                            ("targets", Target),
                        )
                    },
                }
            )
        except ValidationError as exc:  # pragma: no cover - items were validated one by one
            raise CatalogueError([Problem("-", 1, "-", str(exc))]) from exc
        for loc, message in (*reference_problems(catalogue), *reason_problems(catalogue)):
            where = assembler.locate(loc)
            assembler.problems.append(Problem(where.file, where.line, where.field, message))
        for i, target in enumerate(catalogue.targets):
            if target.tier not in {t.level for t in catalogue.tiers}:
                where = assembler.locate(("targets", i, "tier"))
                assembler.problems.append(
                    Problem(
                        where.file, where.line, where.field, f"tier {target.tier} is not defined"
                    )
                )
        if not assembler.problems:
            return Catalogue.model_validate(catalogue.model_dump())
    problems = sorted(assembler.problems, key=lambda p: (p.file, p.line, p.field))
    raise CatalogueError(problems)


def export_data(catalogue: Catalogue) -> dict[str, Any]:
    """Return the catalogue as the export contract's plain JSON-ready structure."""
    data: dict[str, Any] = catalogue.model_dump(mode="json")
    for target in data["targets"]:
        target["bodies"] = list(target["bodies"])
        target["instruments"] = list(target["instruments"])
    return data


def content_hash(catalogue: Catalogue) -> str:
    """Return a SHA-256 of the catalogue's content (version included), stable across runs."""
    payload = json.dumps(export_data(catalogue), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
