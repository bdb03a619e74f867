"""What a data file of the liaison core can get wrong: one `Problem` per defect, one error type.

Pure: no Django. Templates, taxonomies, calendars, the policy and the evidence map are all
checked whole and refused with every problem at once, each printed as
`file:line: field: message` (the catalogue's format, `oip.catalogue.loader`).
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["DataFileError", "Problem"]


class Problem(NamedTuple):
    """One defect: the file, its line, the dotted field, and what is wrong."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class DataFileError(Exception):
    """Data files are invalid; `problems` lists every defect found (nothing was loaded)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
