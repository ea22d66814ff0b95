"""Spreadsheet cells that cannot run as formulas (CSV and formula injection, issue 12).

A spreadsheet program treats a text cell that starts with ``=``, ``+``, ``-`` or ``@`` as a
formula (``=HYPERLINK(...)``, ``+cmd|' /C calc'!A0``, ``@SUM(...)``), and some strip a
leading tab or carriage return first. Following the OWASP guidance on CSV injection, every
text cell the app writes goes through `safe_cell`, which puts a single quote before such
text: the cell then shows the text and never computes.

Only *text* is neutralised. Numbers (int, float, Decimal, Fraction) stay numbers, so a
negative number is written as -5, never as '-5; text that is nothing but a plain number
("-5", "-1.234,5") stays as it is too, because a spreadsheet reads it as a number, not a
formula. Text that already starts with a quote is left alone (`safe_cell` is idempotent).

`write_csv` and `append_row` are the one way the app writes CSV and Excel rows, so that a
call site cannot forget a cell. Imports use `starts_like_formula` and `unquote`, the inverse
of `safe_cell`, so that a downloaded template uploaded unchanged reads back as it was.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"

_PLAIN_NUMBER = re.compile(r"[+-]?\d[\d.,]*")

# Values written as they are: a spreadsheet stores them as numbers or dates, never formulas.
TYPED = (bool, int, float, Decimal, Fraction, date)


def is_plain_number(text: str) -> bool:
    """Text that is only a number with an optional sign ("-5", "+12,5", "-1.234,56"):
    digits, dots and commas. A spreadsheet reads it as a number, never as a formula."""
    return _PLAIN_NUMBER.fullmatch(text.strip()) is not None


def starts_like_formula(text: str) -> bool:
    """True for text that a spreadsheet could take as a formula: it starts with one of
    FORMULA_PREFIXES and is not a plain number."""
    return text.startswith(FORMULA_PREFIXES) and not is_plain_number(text)


def safe_cell(value: Any) -> Any:
    """The value to write into a spreadsheet cell: text that starts like a formula gets a
    single quote before it; everything else (numbers, dates, None, other text) is returned
    unchanged."""
    if isinstance(value, str) and starts_like_formula(value):
        return QUOTE + value
    return value


def unquote(text: str) -> str:
    """The inverse of `safe_cell` for an imported text cell: one leading quote before a
    formula prefix is removed ("'- zie bijlage" reads as "- zie bijlage")."""
    if text.startswith(QUOTE) and text[1:2] != "" and text[1] in "".join(FORMULA_PREFIXES):
        return text[1:]
    return text


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


# --- Writers --------------------------------------------------------------------------------


def _plain(value: Any) -> str:
    return "" if value is None else str(value)


def write_csv(
    rows: Iterable[Sequence[Any]],
    *,
    header: Sequence[str] = (),
    to_text: Callable[[Any], str] = _plain,
) -> bytes:
    """A CSV in Dutch conventions: semicolons, CRLF, UTF-8 with a byte-order mark (Excel
    opens it right). Numbers, dates and None are written with `to_text` (decimal comma,
    dd-mm-jjjj: the caller's conventions); every other cell is text and goes through
    `safe_cell`, also after `to_text` made it text."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    if header:
        writer.writerow(safe_row(header))
    for row in rows:
        writer.writerow(
            [
                to_text(cell)
                if cell is None or isinstance(cell, TYPED)
                else safe_cell(to_text(cell))
                for cell in row
            ]
        )
    return out.getvalue().encode("utf-8-sig")


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """Append one row to an openpyxl worksheet with every text cell through `safe_cell`;
    numbers and dates stay numbers and dates."""
    sheet.append(safe_row(values))
