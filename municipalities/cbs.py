"""CBS StatLine: which tables and fields feed which indicators, the one network call, and
turning table rows into figures. No database access here; `cbs_services` stores the figures.

The choice of tables and fields, and what is still to check, is in docs/cbs.md.

Rows are read as CBS publishes them in a table's TypedDataSet: a list of dicts keyed by the
table's field names, with dimension keys as codes padded with spaces ('GM0363    ').
`cbsodata.get_data` would replace dimension keys by their titles ('Amsterdam'), which is why
`fetch_table` uses `cbsodata.download_data` and reads the TypedDataSet from it.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import requests
from django.utils.translation import gettext as _

SOURCE_PREFIX = "CBS StatLine"
DEFAULT_CATALOG = "opendata.cbs.nl"
# The year of the app's reference data (fixtures/reference.json: 85984NED, 1 January 2024).
DEFAULT_YEAR = 2024
TIMEOUT_SECONDS = 60

# Kerncijfers wijken en buurten <year>: one table per edition, reference date 1 January.
KWB_TABLES: dict[int, str] = {2024: "85984NED", 2025: "86165NED"}
# Field keys as in 85984NED. CBS renumbers the suffix between editions; `resolve_field`
# falls back to the one field with the same name before the suffix.
KWB_CODE_FIELDS = ("Codering_3", "WijkenEnBuurten")
KWB_FIELDS: dict[str, str] = {
    "population": "AantalInwoners_5",
    "households": "HuishoudensTotaal_29",
    "dwellings": "Woningvoorraad_35",
}
# Percentage of the dwelling stock owned by housing corporations (whole percents).
KWB_CORPORATION_SHARE = "InBezitWoningcorporatie_49"

# Banen van werknemers in december; economische activiteit (SBI2008), regio.
JOBS_TABLE = "83582NED"
JOBS_CODE_FIELD = "RegioS"
JOBS_PERIOD_FIELD = "Perioden"
JOBS_INDUSTRY_FIELD = "BedrijfstakkenBranchesSBI2008"
JOBS_ALL_INDUSTRIES = "T001081"  # A-U Alle economische activiteiten
JOBS_FIELD = "BanenVanWerknemersInDecember_1"  # unit: x 1 000

GM_CODE = re.compile(r"GM[0-9]{4}")
TABLE_ID = re.compile(r"[0-9A-Za-z]{4,12}")
_SUFFIX = re.compile(r"_[0-9]+$")
_MISSING = {"", ".", "x", "-", "?"}  # how CBS marks an empty cell in untyped data


class CbsError(Exception):
    """A CBS table could not be used; the message is one line for the user."""


class CbsUnavailable(CbsError):
    """CBS StatLine could not be reached or did not answer as expected."""


@dataclass(frozen=True)
class CbsTable:
    table_id: str
    title: str
    period: str
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class CbsFigure:
    """One value for one municipality and indicator, with where and when it comes from."""

    cbs_code: str
    indicator: str
    value: Decimal
    source: str
    reference_date: date
    table_id: str


@dataclass
class Extraction:
    figures: list[CbsFigure] = field(default_factory=list)
    # (CBS code, indicator) of municipalities in the table whose cell is empty.
    empty: list[tuple[str, str]] = field(default_factory=list)


# --- Getting a table -----------------------------------------------------------------------


def _reason(exc: Exception) -> str:
    if isinstance(exc, requests.Timeout):
        return _("no answer in time")
    if isinstance(exc, requests.ConnectionError):
        return _("no connection")
    # cbsodata raises a new HTTPError from the original one, which holds the response.
    response = getattr(exc, "response", None) or getattr(exc.__cause__, "response", None)
    if response is not None:
        return _("HTTP status %(status)s") % {"status": response.status_code}
    return type(exc).__name__


class _QuietCbsodata(logging.Filter):
    """cbsodata logs each download and option change at INFO on the root logger; the command
    must print one line, not those. Kept when the root logger is at DEBUG."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING or logging.getLogger().level <= logging.DEBUG:
            return True
        return Path(record.pathname).parent.name != "cbsodata"


@contextmanager
def _quiet_cbsodata() -> Iterator[None]:
    root, quiet = logging.getLogger(), _QuietCbsodata()
    root.addFilter(quiet)
    try:
        yield
    finally:
        root.removeFilter(quiet)


def fetch_table(
    table_id: str,
    *,
    filters: str | None = None,
    catalog_url: str | None = None,
    save_dir: Path | None = None,
) -> CbsTable:
    """Download one table from CBS StatLine: the only network call of the CBS loader.

    `filters` is an OData filter on the data rows. With `save_dir`, cbsodata also writes
    the table's parts as JSON files into `save_dir/<table id>/` (what `read_table` reads).
    """
    catalog = catalog_url or DEFAULT_CATALOG
    try:
        with _quiet_cbsodata():
            import cbsodata  # logs its option settings on import

            data = cbsodata.download_data(
                table_id,
                dir=str(save_dir / table_id) if save_dir else None,
                filters=filters,
                catalog_url=catalog,
                timeout=TIMEOUT_SECONDS,
            )
    except requests.RequestException as exc:
        raise CbsUnavailable(
            _(
                "CBS StatLine (%(catalog)s) could not be reached for table %(table)s: "
                "%(reason)s. Nothing was changed."
            )
            % {"catalog": catalog, "table": table_id, "reason": _reason(exc)}
        ) from exc
    except OSError as exc:
        raise CbsError(
            _("Could not save table %(table)s to %(dir)s: %(reason)s.")
            % {"table": table_id, "dir": save_dir, "reason": exc.strerror or exc}
        ) from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise CbsUnavailable(
            _(
                "CBS StatLine (%(catalog)s) gave an unexpected answer for table %(table)s. "
                "Nothing was changed."
            )
            % {"catalog": catalog, "table": table_id}
        ) from exc
    return table_from_parts(table_id, data)


def read_table(table_id: str, directory: Path) -> CbsTable:
    """A table saved earlier by `fetch_table(save_dir=...)` (or recorded by hand for tests)."""
    folder = directory / table_id
    parts: dict[str, Any] = {}
    for name in ("TableInfos", "TypedDataSet", "UntypedDataSet"):
        path = folder / f"{name}.json"
        if not path.is_file():
            continue
        try:
            parts[name] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CbsError(
                _("Cannot read %(path)s: %(reason)s.") % {"path": path, "reason": exc}
            ) from exc
    if "TypedDataSet" not in parts and "UntypedDataSet" not in parts:
        raise CbsError(
            _("No saved data of table %(table)s in %(dir)s.") % {"table": table_id, "dir": folder}
        )
    return table_from_parts(table_id, parts)


def table_from_parts(table_id: str, parts: dict[str, Any]) -> CbsTable:
    """A CbsTable from the parts cbsodata.download_data returns (name -> list of rows)."""
    infos = parts.get("TableInfos") or [{}]
    info = infos[0] if isinstance(infos, list) and infos and isinstance(infos[0], dict) else {}
    rows = parts.get("TypedDataSet")
    if rows is None:
        rows = parts.get("UntypedDataSet")
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise CbsUnavailable(_("Table %(table)s has no data rows.") % {"table": table_id})
    return CbsTable(
        table_id=str(info.get("Identifier") or table_id).strip(),
        title=" ".join(str(info.get("Title") or table_id).split()),
        period=str(info.get("Period") or "").strip(),
        rows=rows,
    )


# --- Reading rows ----------------------------------------------------------------------------


def clean_code(value: Any) -> str | None:
    """'GM0363    ' -> 'GM0363'; None for anything that is not a municipality code."""
    text = str(value or "").strip().upper()
    return text if GM_CODE.fullmatch(text) else None


def number(value: Any) -> Decimal | None:
    """A cell as a Decimal; None when CBS left it empty (null, '.', or spaces)."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    if text in _MISSING:
        return None
    try:
        result = Decimal(text)
    except InvalidOperation:
        return None
    return result if result.is_finite() else None


def _keys(table: CbsTable) -> set[str]:
    keys: set[str] = set()
    for row in table.rows:
        keys.update(row)
    return keys


def resolve_field(table: CbsTable, wanted: str) -> str:
    """The table's key for `wanted`: the same key, or the only one with the same name before
    the numeric suffix (CBS renumbers fields between editions of a table)."""
    keys = _keys(table)
    if wanted in keys:
        return wanted
    stem = _SUFFIX.sub("", wanted)
    candidates = sorted(k for k in keys if _SUFFIX.sub("", k) == stem)
    if len(candidates) == 1:
        return candidates[0]
    raise CbsError(
        _(
            "Table %(table)s has no field %(field)s (nor one field named %(stem)s_<number>); "
            "check the table id and docs/cbs.md."
        )
        % {"table": table.table_id, "field": wanted, "stem": stem}
    )


def _row_code(row: dict[str, Any], fields: list[str]) -> str | None:
    for name in fields:
        code = clean_code(row.get(name))
        if code is not None:
            return code
    return None


def _whole(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _check_period(table: CbsTable, year: int) -> None:
    if re.fullmatch(r"[0-9]{4}", table.period) and int(table.period) != year:
        raise CbsError(
            _("Table %(table)s (%(title)s) is for %(period)s, not for %(year)s.")
            % {"table": table.table_id, "title": table.title, "period": table.period, "year": year}
        )


def kwb_figures(table: CbsTable, *, year: int) -> Extraction:
    """Population, households, dwellings and social rental stock from Kerncijfers wijken en
    buurten, on 1 January of `year`.

    The social rental stock is the dwelling stock times the percentage owned by housing
    corporations, rounded to whole dwellings (the percentage itself is a whole number).
    """
    _check_period(table, year)
    keys = _keys(table)
    code_fields = [f for f in KWB_CODE_FIELDS if f in keys]
    if not code_fields:
        raise CbsError(
            _("Table %(table)s has neither of the fields %(fields)s with municipality codes.")
            % {"table": table.table_id, "fields": ", ".join(KWB_CODE_FIELDS)}
        )
    fields = {indicator: resolve_field(table, name) for indicator, name in KWB_FIELDS.items()}
    share_field = resolve_field(table, KWB_CORPORATION_SHARE)
    stock_field = fields["dwellings"]
    reference_date = date(year, 1, 1)
    base = f"{SOURCE_PREFIX} {table.table_id}, {table.title}"
    result = Extraction()

    def add(code: str, indicator: str, value: Decimal | None, source: str) -> None:
        if value is None:
            result.empty.append((code, indicator))
        else:
            result.figures.append(
                CbsFigure(code, indicator, value, source, reference_date, table.table_id)
            )

    for row in table.rows:
        code = _row_code(row, code_fields)
        if code is None:
            continue
        for indicator, name in fields.items():
            add(code, indicator, number(row.get(name)), f"{base}, {name}")
        stock, share = number(row.get(stock_field)), number(row.get(share_field))
        social = None if stock is None or share is None else _whole(stock * share / 100)
        add(code, "social_rental", social, f"{base}, {stock_field} x {share_field} %")
    return result


def jobs_figures(table: CbsTable, *, year: int) -> Extraction:
    """Employee jobs per municipality where the job is, in December of the year before
    `year` (the nearest to 1 January of `year`). CBS gives them in thousands."""
    period = f"{year - 1}JJ00"
    measure = resolve_field(table, JOBS_FIELD)
    for name in (JOBS_CODE_FIELD, JOBS_PERIOD_FIELD, JOBS_INDUSTRY_FIELD):
        resolve_field(table, name)
    reference_date = date(year - 1, 12, 31)
    source = (
        f"{SOURCE_PREFIX} {table.table_id}, {table.title}, {measure} "
        f"(A-U alle economische activiteiten, {period}, x 1 000)"
    )
    result = Extraction()
    for row in table.rows:
        if str(row.get(JOBS_PERIOD_FIELD) or "").strip() != period:
            continue
        if str(row.get(JOBS_INDUSTRY_FIELD) or "").strip() != JOBS_ALL_INDUSTRIES:
            continue
        code = clean_code(row.get(JOBS_CODE_FIELD))
        if code is None:
            continue
        thousands = number(row.get(measure))
        if thousands is None:
            result.empty.append((code, "jobs"))
            continue
        result.figures.append(
            CbsFigure(
                code, "jobs", _whole(thousands * 1000), source, reference_date, table.table_id
            )
        )
    if not result.figures and not result.empty:
        raise CbsError(
            _(
                "Table %(table)s has no municipality rows for %(period)s "
                "(all economic activities, %(industry)s)."
            )
            % {"table": table.table_id, "period": period, "industry": JOBS_ALL_INDUSTRIES}
        )
    return result


# --- The sources -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One CBS table and the indicators it feeds."""

    key: str
    indicators: tuple[str, ...]
    default_table: Callable[[int], str | None]
    filters: Callable[[int], str]
    extract: Callable[..., Extraction]


SOURCES: dict[str, Source] = {
    "kwb": Source(
        key="kwb",
        indicators=("population", "households", "dwellings", "social_rental"),
        default_table=KWB_TABLES.get,
        filters=lambda year: "startswith(WijkenEnBuurten,'GM')",
        extract=kwb_figures,
    ),
    "jobs": Source(
        key="jobs",
        indicators=("jobs",),
        default_table=lambda year: JOBS_TABLE,
        filters=lambda year: (
            f"startswith(RegioS,'GM') and Perioden eq '{year - 1}JJ00' "
            f"and {JOBS_INDUSTRY_FIELD} eq '{JOBS_ALL_INDUSTRIES}'"
        ),
        extract=jobs_figures,
    ),
}
