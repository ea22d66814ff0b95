"""core.spreadsheet: text that starts like a formula is neutralised, numbers stay numbers."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from openpyxl import Workbook, load_workbook

from core.spreadsheet import (
    FORMULA_PREFIXES,
    append_row,
    safe_cell,
    starts_like_formula,
    unquote,
    write_csv,
)

# One payload per prefix, as the audit of issue 12 used them.
PAYLOADS = {
    "=": '=HYPERLINK("http://evil.example/","x")',
    "+": "+cmd|' /C calc'!A0",
    "-": "-2+3+cmd|' /C calc'!A0",
    "@": "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t": "\t=1+1",
    "\r": "\r=1+1",
}


def test_the_payloads_cover_every_prefix() -> None:
    assert set(PAYLOADS) == set(FORMULA_PREFIXES) == {"=", "+", "-", "@", "\t", "\r"}


@pytest.mark.parametrize("prefix", sorted(PAYLOADS))
def test_text_with_a_formula_prefix_gets_a_quote(prefix: str) -> None:
    payload = PAYLOADS[prefix]
    assert safe_cell(payload) == "'" + payload
    assert starts_like_formula(payload)


@pytest.mark.parametrize("prefix", sorted(PAYLOADS))
def test_a_lone_prefix_or_a_prefix_before_words_is_neutralised_too(prefix: str) -> None:
    assert safe_cell(prefix) == "'" + prefix
    assert safe_cell(prefix + " zie bijlage") == "'" + prefix + " zie bijlage"


@pytest.mark.parametrize(
    "value",
    [0, 12500, -5, -1.5, 2.25, Decimal("-12.50"), Decimal("0"), Fraction(-1, 3), True, None],
)
def test_numbers_and_none_are_returned_unchanged(value) -> None:
    result = safe_cell(value)
    assert result is value


def test_dates_are_returned_unchanged() -> None:
    day = date(2025, 1, 1)
    assert safe_cell(day) is day


@pytest.mark.parametrize("text", ["-5", "+5", "-1.234,56", "-12,5", "+31", " -5", "-0"])
def test_text_that_is_only_a_number_stays_as_it_is(text: str) -> None:
    """A spreadsheet reads "-5" as the number -5, not as a formula: no quote."""
    assert safe_cell(text) == text
    assert not starts_like_formula(text)


@pytest.mark.parametrize("text", ["-5+5", "-1e5", "+5 cmd", "-A1", "-(1)", "- 5"])
def test_text_that_only_starts_like_a_number_is_neutralised(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "text",
    ["", "CBS StatLine 2024", "Haarlem", "'=1+1", "'- zie bijlage", "a=b", "e-mail", " =1"],
)
def test_ordinary_and_already_quoted_text_is_left_alone(text: str) -> None:
    assert safe_cell(text) == text


def test_safe_cell_is_idempotent() -> None:
    for payload in PAYLOADS.values():
        once = safe_cell(payload)
        assert safe_cell(once) == once


@pytest.mark.parametrize("prefix", sorted(PAYLOADS))
def test_unquote_undoes_safe_cell(prefix: str) -> None:
    for text in (PAYLOADS[prefix], prefix + " zie bijlage", prefix):
        assert unquote(safe_cell(text)) == text


@pytest.mark.parametrize("text", ["'", "''", "'abc", "abc'", "Haarlem", "", "-5"])
def test_unquote_leaves_other_text_alone(text: str) -> None:
    assert unquote(text) == text


def test_write_csv_neutralises_text_and_keeps_numbers() -> None:
    rows = [[payload, Decimal(-5), -3, None] for payload in PAYLOADS.values()]
    content = write_csv(
        rows,
        header=["Tekst", "Getal", "Heel", "Leeg"],
        to_text=lambda v: "" if v is None else str(v),
    )
    assert content.startswith(b"\xef\xbb\xbf")
    parsed = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert parsed[0] == ["Tekst", "Getal", "Heel", "Leeg"]
    assert [row[0] for row in parsed[1:]] == ["'" + p for p in PAYLOADS.values()]
    assert all(row[1:] == ["-5", "-3", ""] for row in parsed[1:])


def test_write_csv_neutralises_text_made_by_the_formatter() -> None:
    """A cell of another type is text once formatted: it goes through safe_cell as well."""

    class Odd:
        def __str__(self) -> str:
            return "=1+1"

    content = write_csv([[Odd()]], to_text=str)
    assert content.decode("utf-8-sig") == "'=1+1\r\n"


def test_append_row_never_writes_a_live_formula() -> None:
    workbook = Workbook()
    sheet = workbook.active
    for payload in PAYLOADS.values():
        append_row(sheet, [payload, -5, Decimal("-2.5"), date(2025, 1, 1), None, "x"])
    data = io.BytesIO()
    workbook.save(data)
    reread = load_workbook(io.BytesIO(data.getvalue())).active
    for row, payload in zip(reread.iter_rows(), PAYLOADS.values(), strict=True):
        text, whole, decimal, day, empty, _last = row
        assert text.data_type == "s"
        # XML reads a carriage return back as a line feed.
        assert text.value == "'" + payload.replace("\r", "\n")
        assert (whole.value, whole.data_type) == (-5, "n")
        assert (decimal.value, decimal.data_type) == (-2.5, "n")
        assert day.is_date
        assert empty.value is None
    assert not [c for r in reread.iter_rows() for c in r if c.data_type == "f"]
