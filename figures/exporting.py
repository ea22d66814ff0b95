"""The pre-filled template of figures, as Excel (.xlsx) or CSV in Dutch conventions.

One row per figure value (see figures.importing.COLUMNS). Uploading the template unchanged
changes nothing: values, sources and dates read back exactly. Every row is written through
core.spreadsheet, so that text starting like a formula cannot run (a source such as
"=HYPERLINK(...)" is written as "'=HYPERLINK(...)"). openpyxl is imported inside the
function, so that web start-up does not pay for it.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from core import spreadsheet
from municipalities.models import Municipality

from . import selectors
from . import validation as v
from .importing import HEADERS, SHEET_NAME


def dutch_number(value: Decimal | int | None) -> str:
    """12500 as "12.500" and 12.5 as "12,5", whatever the interface language."""
    if value is None:
        return ""
    number = Decimal(value).normalize()
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    sign = "-" if number < 0 else ""
    whole, _sep, fraction = f"{abs(number):f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + ".".join(groups) + ("," + fraction if fraction else "")


def dutch_date(value: date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


def template_rows(*, municipalities: list[Municipality], year: int) -> list[list[Any]]:
    """The template's data rows (typed values: Decimal, int, date, str)."""
    indicators, groups, figures = selectors.export_figures(municipalities=municipalities, year=year)
    rows: list[list[Any]] = []
    for m in municipalities:
        for indicator in indicators:
            f = figures.get((m.pk, indicator.code))
            rows.append(
                [
                    m.cbs_code,
                    m.name,
                    year,
                    indicator.code,
                    indicator.name,
                    indicator.unit,
                    f.value if f else None,
                    f.source if f else "",
                    f.reference_date if f else None,
                    f.get_status_display() if f else "",
                    f.version if f else None,
                    "",
                ]
            )
        for group in groups:
            g = figures.get((m.pk, group.code))
            for name in v.GROUP_FIELDS:
                number = getattr(g, name) if g else None
                rows.append(
                    [
                        m.cbs_code,
                        m.name,
                        year,
                        f"{group.code}.{name}",
                        selectors.group_field_label(group, name),
                        group.get_unit_display(),
                        Decimal(number) if number is not None else None,
                        g.source if g else "",
                        g.reference_date if g else None,
                        g.get_status_display() if g else "",
                        g.version if g else None,
                        "",
                    ]
                )
    return rows


def _csv_text(value: Any) -> str:
    if isinstance(value, Decimal):
        return dutch_number(value)
    if isinstance(value, date):
        return dutch_date(value)
    return "" if value is None else str(value)


def to_csv(rows: list[list[Any]]) -> bytes:
    """UTF-8 with BOM (Excel opens it right), semicolons, decimal comma, dd-mm-jjjj; text
    that starts like a formula is neutralised (core.spreadsheet)."""
    return spreadsheet.write_csv(rows, header=HEADERS, to_text=_csv_text)


def to_xlsx(rows: list[list[Any]], *, year: int) -> bytes:
    """A workbook with the sheet "Cijfers" (the template) and "Uitleg" (how to fill it in)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active or workbook.create_sheet()
    sheet.title = SHEET_NAME
    spreadsheet.append_row(sheet, HEADERS)
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDE6F0")
    for row in rows:
        cells: list[Any] = []
        for c in row:
            if isinstance(c, Decimal):
                cells.append(int(c) if c == c.to_integral_value() else float(c))
            else:
                cells.append(c)
        spreadsheet.append_row(sheet, cells)
    value_col, date_col = HEADERS.index("Waarde") + 1, HEADERS.index("Peildatum") + 1
    for cells in sheet.iter_rows(min_row=2):
        value_cell, date_cell = cells[value_col - 1], cells[date_col - 1]
        if isinstance(value_cell.value, float):
            value_cell.number_format = "#,##0.00"
        else:
            value_cell.number_format = "#,##0"
        date_cell.number_format = "dd-mm-yyyy"
    widths = [10, 22, 7, 34, 44, 20, 12, 40, 12, 12, 8, 40]
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(65 + index)].width = width
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet("Uitleg")
    lines = [
        _("How to fill in this template (figures %(year)s)") % {"year": year},
        "",
        _("Fill in the column Waarde (value), Bron (source) and Peildatum (reference date)."),
        _("Do not change the columns CBS-code, Jaar and Code. Leave Versie as it is."),
        _("Numbers in Dutch notation are fine: 12.500 or 12,5. Dates as 1-1-%(year)s.")
        % {"year": year},
        _("Demand, existing effort and realised of one group share one source and date."),
        _(
            "A warning (code V1xx) needs a comment: write it in the column Toelichting, or "
            "give it in the preview after uploading."
        ),
        _("Enter values, not formulas, and do not merge cells."),
        _("Only the sheet Cijfers is read; this sheet is ignored."),
        "",
        _("Target groups"),
    ]
    for line in lines:
        spreadsheet.append_row(notes, [line])
    notes["A1"].font = Font(bold=True, size=13)
    for group in selectors.active_groups():
        spreadsheet.append_row(
            notes, [f"{group.name} ({group.get_unit_display()}): {group.definition}"]
        )
    notes.column_dimensions["A"].width = 120
    for cells in notes.iter_rows():
        cells[0].alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
