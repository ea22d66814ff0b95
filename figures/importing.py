"""Reading an uploaded CSV or Excel file of figures into change requests.

The format is the template of figures.exporting: one row per figure value. Dutch
conventions: semicolon separators, decimal comma, dots for thousands, UTF-8 with or without
BOM or Windows-1252. Every problem becomes a numbered issue (figures.validation) with its
sheet, row and column; a problem with the file itself stops the reading.

Formula injection: a text cell that starts with "=", "+", "-", "@", a tab or a carriage
return and is not a plain number is refused (V213, V219), so that nothing a spreadsheet would
run reaches the database verbatim; a quote before such text is the export's own
neutralisation (core.spreadsheet) and is removed on reading.

openpyxl is imported inside the functions, so that web start-up does not pay for it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from core import spreadsheet

from . import validation as v
from .entries import UNSET, ChangeRequest, GroupInput, IndicatorInput, Version

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = 40 * 1024 * 1024  # an .xlsx is a zip file: guard against zip bombs
MAX_ROWS = 5000
SHEET_NAME = "Cijfers"
CSV_SHEET = "CSV"
FORMULA_CODES = ("V213", "V219")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    aliases: tuple[str, ...] = ()


COLUMNS = [
    Column("cbs", "CBS-code", True, ("cbs_code", "gemeentecode")),
    Column("name", "Gemeente", False, ("municipality",)),
    Column("year", "Jaar", True, ("year",)),
    Column("code", "Code", True, ("figure",)),
    Column("label", "Omschrijving", False, ("description",)),
    Column("unit", "Eenheid", False, ("unit",)),
    Column("value", "Waarde", True, ("value",)),
    Column("source", "Bron", True, ("source",)),
    Column("reference_date", "Peildatum", True, ("reference_date",)),
    Column("status", "Status", False, ("status",)),
    Column("version", "Versie", False, ("version",)),
    Column("comment", "Toelichting", False, ("comment",)),
]
HEADERS = [c.header for c in COLUMNS]


def _normal(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text.strip().lower())


@dataclass(frozen=True)
class Scope:
    """What the uploader may send: known codes, and the municipalities they may change."""

    municipality_names: Mapping[str, str]  # CBS code -> name, all MRA municipalities
    allowed: frozenset[str]  # CBS codes the user may import
    indicator_codes: frozenset[str]
    group_codes: frozenset[str]

    def knows(self, key: str) -> bool:
        if "." in key:
            group, _sep, name = key.partition(".")
            return group in self.group_codes and name in v.GROUP_FIELDS
        return key in self.indicator_codes


@dataclass
class ParsedRow:
    sheet: str
    row: int
    cbs: str
    year: int
    key: str
    value: Decimal | None
    source: str
    reference_date: date | None
    version: Version
    comment: str
    columns: dict[str, tuple[str, str]] = field(default_factory=dict)  # part -> (letter, header)
    issues: list[v.Issue] = field(default_factory=list)  # problems with this row's cells

    @property
    def usable(self) -> bool:
        """False when the value could not be read: the row must not count as emptied."""
        return not any(i.part == "value" for i in self.issues)

    def location(self, part: str = "value") -> v.Location:
        letter, header = self.columns.get(part, ("", ""))
        return v.Location(self.sheet, self.row, letter, header)

    def to_json(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "cbs": self.cbs,
            "year": self.year,
            "key": self.key,
            "value": None if self.value is None else str(self.value),
            "source": self.source,
            "reference_date": self.reference_date.isoformat() if self.reference_date else None,
            "version": "unset" if self.version is UNSET else self.version,
            "comment": self.comment,
            "columns": {k: list(c) for k, c in self.columns.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ParsedRow:
        version = data.get("version")
        return cls(
            sheet=data["sheet"],
            row=data["row"],
            cbs=data["cbs"],
            year=data["year"],
            key=data["key"],
            value=None if data.get("value") is None else Decimal(data["value"]),
            source=data.get("source", ""),
            reference_date=(
                date.fromisoformat(data["reference_date"]) if data.get("reference_date") else None
            ),
            version=UNSET if version == "unset" else version,
            comment=data.get("comment", ""),
            columns={k: (c[0], c[1]) for k, c in (data.get("columns") or {}).items()},
        )


@dataclass
class ParseResult:
    filename: str
    file_hash: str = ""
    rows: list[ParsedRow] = field(default_factory=list)
    issues: list[v.Issue] = field(default_factory=list)
    fatal: bool = False  # the file itself is wrong: nothing to preview

    @property
    def errors(self) -> list[v.Issue]:
        return [i for i in self.issues if i.is_error]

    @property
    def all_errors(self) -> list[v.Issue]:
        return self.errors + [i for r in self.rows for i in r.issues if i.is_error]


def _fatal(result: ParseResult, code: str, **params: Any) -> ParseResult:
    result.issues.append(
        v.Issue(code, part="file", params=params, location=v.Location(result.filename))
    )
    result.fatal = True
    return result


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- Reading the raw table ---------------------------------------------------------------------


@dataclass
class RawTable:
    sheet: str
    rows: list[tuple[int, list[Any]]]  # (row number, cells)
    issues: list[v.Issue] = field(default_factory=list)


def _read_csv(data: bytes, result: ParseResult) -> RawTable | None:
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):  # an Excel file named .csv
        _fatal(result, "V201", name=result.filename)
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        _fatal(result, "V205")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            _fatal(result, "V205")
            return None
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = ";" if ";" in first else "\t" if "\t" in first else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        _fatal(result, "V205")
        return None
    if len(rows) > MAX_ROWS + 1:
        _fatal(result, "V216", limit=MAX_ROWS)
        return None
    table = RawTable(CSV_SHEET, [])
    for number, cells in enumerate(rows, start=1):
        values: list[Any] = []
        for index, cell in enumerate(cells):
            issue = _formula_issue(cell, v.Location(CSV_SHEET, number, _column_letter(index)))
            if issue is not None:
                table.issues.append(issue)
            values.append(spreadsheet.unquote(cell))
        table.rows.append((number, values))
    return table


def _formula_issue(text: str, location: v.Location) -> v.Issue | None:
    """V213 for text that starts with "=", V219 for text that starts with "+", "-", "@", a
    tab or a carriage return, and is not a plain number (core.spreadsheet): a spreadsheet
    would run it as a formula. The reader trims cells, so a sign after leading white space
    counts too. A lone sign computes nothing and is left to the other rules."""
    stripped = text.strip()
    if len(stripped) <= 1:
        return None
    if text.startswith(("\t", "\r")) and not spreadsheet.is_plain_number(text):
        sign = _("a tab") if text.startswith("\t") else _("a line break")
    elif spreadsheet.starts_like_formula(stripped):
        sign = f"“{stripped[0]}”"
    else:
        return None
    raw = " ".join(text.split())[:40]
    if stripped.startswith("="):
        return v.Issue("V213", part="file", params={"raw": raw}, location=location)
    return v.Issue("V219", part="file", params={"raw": raw, "sign": sign}, location=location)


def _read_xlsx(data: bytes, result: ParseResult) -> RawTable | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        _fatal(result, "V204")
        return None
    if unpacked > MAX_UNPACKED_BYTES:
        _fatal(
            result,
            "V202",
            size=Decimal(unpacked / 1024 / 1024).quantize(Decimal("0.1")),
            limit=MAX_UNPACKED_BYTES // 1024 // 1024,
        )
        return None
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), data_only=False)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        _fatal(result, "V204")
        return None
    sheet = next(
        (ws for ws in workbook.worksheets if ws.title.strip().lower() == SHEET_NAME.lower()),
        workbook.worksheets[0] if workbook.worksheets else None,
    )
    if sheet is None:
        _fatal(result, "V203")
        return None
    if (sheet.max_row or 0) > MAX_ROWS + 1:
        _fatal(result, "V216", limit=MAX_ROWS)
        return None
    table = RawTable(sheet.title, [])
    for merged in sheet.merged_cells.ranges:
        table.issues.append(
            v.Issue(
                "V214",
                part="file",
                params={"range": merged.coord},
                location=v.Location(
                    sheet.title, merged.min_row, _column_letter(merged.min_col - 1)
                ),
            )
        )
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        values: list[Any] = []
        for index, cell in enumerate(cells):
            value = cell.value
            location = v.Location(sheet.title, number, _column_letter(index))
            if cell.data_type == "f":
                table.issues.append(
                    v.Issue(
                        "V213",
                        part="file",
                        params={"raw": str(getattr(value, "text", value))[:40]},
                        location=location,
                    )
                )
                value = None
            elif isinstance(value, str) and not cell.quotePrefix:
                # Text typed after a quote in Excel (quotePrefix) is text by the user's choice.
                issue = _formula_issue(value, location)
                if issue is not None:
                    table.issues.append(issue)
                value = spreadsheet.unquote(value)
            values.append(value)
        table.rows.append((number, values))
    return table


def _is_empty(cells: Iterable[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _year(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif (isinstance(value, float) and value.is_integer()) or (
        isinstance(value, str) and re.fullmatch(r"\s*\d{4}\s*", value)
    ):
        number = int(value)
    else:
        return None
    return number if 2000 <= number <= 2100 else None


def _version(value: Any) -> int | None | str:
    """An int, None for empty, or the text when it is not a version."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) and value >= 0:
        return value
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return _text(value)


# --- Parsing -----------------------------------------------------------------------------------


def parse_upload(
    *, filename: str, data: bytes, scope: Scope, size: int | None = None
) -> ParseResult:
    """Read a whole file. Never raises for bad input: every problem is an issue.

    `size` is the size of the upload when `data` was not read because it is too large.
    """
    result, table, columns, data_rows = read_table(
        filename=filename, data=data, columns=list(COLUMNS), size=size
    )
    if result.fatal or table is None or not data_rows:
        return result
    header_cells = next(cells for _, cells in table.rows if not _is_empty(cells))

    headers = {key: (_column_letter(i), _text(header_cells[i])) for key, i in columns.items()}
    seen: dict[tuple[str, int, str], int] = {}
    for number, cells in data_rows:

        def cell(key: str, cells: list[Any] = cells) -> Any:
            index = columns.get(key)
            return cells[index] if index is not None and index < len(cells) else None

        def where(key: str, number: int = number) -> v.Location:
            letter, header = headers.get(key, ("", ""))
            return v.Location(table.sheet, number, letter, header)

        row_issues: list[v.Issue] = []
        cbs = _text(cell("cbs")).upper()
        if cbs not in scope.municipality_names:
            row_issues.append(
                v.Issue("V209", part="file", params={"raw": cbs or "–"}, location=where("cbs"))
            )
        elif cbs not in scope.allowed:
            row_issues.append(
                v.Issue(
                    "V210",
                    part="file",
                    params={"name": scope.municipality_names[cbs]},
                    location=where("cbs"),
                )
            )
        year = _year(cell("year"))
        if year is None:
            row_issues.append(
                v.Issue(
                    "V215",
                    part="file",
                    params={"raw": _text(cell("year")) or "–"},
                    location=where("year"),
                )
            )
        key = _text(cell("code"))
        if not scope.knows(key):
            row_issues.append(
                v.Issue("V211", part="file", params={"raw": key or "–"}, location=where("code"))
            )
        if row_issues or year is None:
            result.issues += row_issues
            continue
        identity = (cbs, year, key)
        if identity in seen:
            result.issues.append(
                v.Issue("V212", key, params={"other_row": seen[identity]}, location=where("code"))
            )
            continue
        seen[identity] = number
        issues: list[v.Issue] = []
        raw_value = cell("value")
        value, value_issues = v.parse_number(raw_value, key=key, notation="nl")
        issues += [i.located(where("value")) for i in value_issues]
        reference_date, date_issues = v.parse_date(cell("reference_date"), row=v.row_of(key))
        if not _is_empty([raw_value]):
            issues += [i.located(where("reference_date")) for i in date_issues]
        version: Version = UNSET
        if "version" in columns:
            raw_version = _version(cell("version"))
            if isinstance(raw_version, str):
                issues.append(
                    v.Issue(
                        "V218",
                        key,
                        part="version",
                        params={"raw": raw_version[:40]},
                        location=where("version"),
                    )
                )
            else:
                version = raw_version
        result.rows.append(
            ParsedRow(
                sheet=table.sheet,
                row=number,
                cbs=cbs,
                year=year,
                key=key,
                value=value,
                source=_text(cell("source")),
                reference_date=reference_date,
                version=version,
                comment=_text(cell("comment")),
                columns=headers,
                issues=issues,
            )
        )
    return result


# --- From rows to change requests ---------------------------------------------------------------


@dataclass
class Requests:
    by_target: dict[tuple[str, int], ChangeRequest]
    locations: dict[tuple[str, int, str, str], v.Location]  # (cbs, year, key, part)
    comments: dict[tuple[str, int, str], str]  # (cbs, year, row key) -> Toelichting


def build_requests(rows: Iterable[ParsedRow], labels: Mapping[str, str] | None = None) -> Requests:
    """Group the rows into one change request per municipality and year. The problems of
    each row go with its request, so that the rules do not report them a second time."""
    by_target: dict[tuple[str, int], ChangeRequest] = defaultdict(ChangeRequest)
    locations: dict[tuple[str, int, str, str], v.Location] = {}
    comments: dict[tuple[str, int, str], list[str]] = defaultdict(list)
    groups: dict[tuple[str, int, str], list[ParsedRow]] = defaultdict(list)
    for row in rows:
        target = (row.cbs, row.year)
        request = by_target[target]
        request.issues += row.issues
        row_key = v.row_of(row.key)
        for part in ("value", "source", "reference_date", "version"):
            locations.setdefault((row.cbs, row.year, row.key, part), row.location(part))
        if row.comment:
            comments[(row.cbs, row.year, row_key)].append(row.comment)
        if "." in row.key:
            groups[(row.cbs, row.year, row_key)].append(row)
            continue
        if not row.usable:
            continue
        request.indicators.append(
            IndicatorInput(
                code=row.key,
                value=row.value,
                source=row.source,
                reference_date=row.reference_date,
                expected_version=row.version,
            )
        )
    for (cbs, year, group), group_rows in groups.items():
        request = by_target[(cbs, year)]
        with_value = [r for r in group_rows if r.value is not None] or group_rows
        first = with_value[0]
        for part in ("value", "source", "reference_date", "version"):
            locations[(cbs, year, group, part)] = first.location(part)
        sources = {r.source for r in with_value if r.source}
        dates = {r.reference_date for r in with_value if r.reference_date}
        if len(sources) > 1 or len(dates) > 1:
            part = "source" if len(sources) > 1 else "reference_date"
            request.issues.append(
                v.Issue(
                    "V217",
                    group,
                    part=part,
                    params={"label": (labels or {}).get(group, group)},
                    location=with_value[-1].location(part),
                )
            )
            continue
        request.groups.append(
            GroupInput(
                code=group,
                values={r.key.partition(".")[2]: r.value for r in group_rows if r.usable},
                source=next(iter(sources), ""),
                reference_date=next(iter(dates), None),
                expected_version=next(
                    (r.version for r in group_rows if r.version is not UNSET), UNSET
                ),
            )
        )
    for (cbs, year, row_key), texts in comments.items():
        by_target[(cbs, year)].comments[row_key] = " ".join(dict.fromkeys(texts))
    return Requests(
        dict(by_target), locations, {k: " ".join(dict.fromkeys(t)) for k, t in comments.items()}
    )


def rows_to_requests(rows_json: list[dict[str, Any]]) -> dict[tuple[str, int], ChangeRequest]:
    return build_requests(ParsedRow.from_json(r) for r in rows_json).by_target


def locate(
    issue: v.Issue,
    *,
    cbs: str,
    year: int,
    locations: Mapping[tuple[str, int, str, str], v.Location],
) -> v.Issue:
    """Give an issue found by the rules the place in the file where its figure is."""
    if issue.location is not None:
        return issue
    location = locations.get((cbs, year, issue.field, issue.part)) or locations.get(
        (cbs, year, issue.field, "value")
    )
    if location is None:
        # A rule about a whole group row (source, date): the row of its first number.
        for (c, y, key, part), loc in locations.items():
            if c == cbs and y == year and v.row_of(key) == issue.field and part == issue.part:
                location = loc
                break
    return issue.located(location) if location is not None else issue


# --- Extension point: other uploads in the same conventions --------------------------------


def read_table(
    *, filename: str, data: bytes, columns: list[Column], size: int | None = None
) -> tuple[ParseResult, RawTable | None, dict[str, int], list[tuple[int, list[Any]]]]:
    """The file checks of `parse_upload` for another column layout (monitoring uses it).

    Checks kind, size, encoding, formulas and text that starts like one, merged cells and
    the header against `columns` (issues V201–V208, V213, V214, V216, V219). Returns the
    result (its issues, `fatal` when the file cannot be read), the table, the column index
    per key and the non-empty data rows; rows with a formula are left out of them (their
    issues make the import fail).
    """
    result = ParseResult(filename=filename or "?")
    name = (filename or "").lower()
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    if extension not in ("csv", "xlsx"):
        return _fatal(result, "V201", name=filename or "?"), None, {}, []
    size = len(data) if size is None else size
    if size > MAX_UPLOAD_BYTES:
        _fatal(
            result,
            "V202",
            size=Decimal(size / 1024 / 1024).quantize(Decimal("0.1")),
            limit=MAX_UPLOAD_BYTES // 1024 // 1024,
        )
        return result, None, {}, []
    if not data.strip():
        return _fatal(result, "V203"), None, {}, []
    result.file_hash = hashlib.sha256(data).hexdigest()
    table = _read_xlsx(data, result) if extension == "xlsx" else _read_csv(data, result)
    if table is None:
        return result, None, {}, []
    rows = [(n, cells) for n, cells in table.rows if not _is_empty(cells)]
    if not rows:
        result.issues += table.issues
        return _fatal(result, "V203"), table, {}, []
    by_header = {_normal(alias): c for c in columns for alias in (c.header, *c.aliases)}
    header_number, header_cells = rows[0]
    titles = {_column_letter(i): _text(c) for i, c in enumerate(header_cells)}
    result.issues += [_with_column_name(i, titles) for i in table.issues]
    found: dict[str, int] = {}
    for index, cell in enumerate(header_cells):
        title = _text(cell)
        if not title:
            continue
        location = v.Location(table.sheet, header_number, _column_letter(index), title)
        column = by_header.get(_normal(title))
        if column is None:
            result.issues.append(
                v.Issue("V207", part="file", params={"column": title}, location=location)
            )
        elif column.key in found:
            result.issues.append(
                v.Issue("V208", part="file", params={"column": title}, location=location)
            )
        else:
            found[column.key] = index
    for column in columns:
        if column.required and column.key not in found:
            result.issues.append(
                v.Issue(
                    "V206",
                    part="file",
                    params={"column": column.header},
                    location=v.Location(table.sheet, header_number),
                )
            )
    if any(i.is_error for i in result.issues if i.code in ("V206", "V207", "V208")):
        result.fatal = True
        return result, table, found, []
    if len(rows) < 2:
        return _fatal(result, "V203"), table, found, []
    # A row with a formula (V213, V219) is refused as a whole: its error is listed once, and
    # no other rule reports the same cell again.
    refused = {
        i.location.row for i in table.issues if i.code in FORMULA_CODES and i.location is not None
    }
    return result, table, found, [(n, cells) for n, cells in rows[1:] if n not in refused]


def _with_column_name(issue: v.Issue, titles: Mapping[str, str]) -> v.Issue:
    """A cell's issue with the header of its column ("G (Waarde)")."""
    loc = issue.location
    if loc is None or loc.column_name or not titles.get(loc.column):
        return issue
    return issue.located(v.Location(loc.sheet, loc.row, loc.column, titles[loc.column]))


def cell_text(value: Any) -> str:
    """A cell as trimmed text (public form of the reader's helper)."""
    return _text(value)


def cell_year(value: Any) -> int | None:
    """A cell as a year 2000–2100, or None."""
    return _year(value)


def column_letter(index: int) -> str:
    return _column_letter(index)
