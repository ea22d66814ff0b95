"""Exports of a computation's results and their explanation: Excel and CSV (Dutch conventions).

A computation's export is built from the run's stored results (never recomputed). The export
of an adopted round adds the agreed numbers from `agreements.selectors.agreed_result` (the
approved run plus the accepted transfers, per year): the columns "Overdracht", "Afgesproken"
and one per year, and the approved digest. Excel: one sheet per target group plus a sheet
"Methode" with the settings, weights, sources and digests; numbers are real numbers (exact
decimals). CSV: one table for all groups, semicolon separated, decimal comma, UTF-8 with a
byte-order mark so that Excel opens it correctly in Dutch. Every row goes through
core.spreadsheet: round, scenario, group and municipality names and sources that start like a
formula are written as text with a leading quote. openpyxl is imported inside the function so
that web start-up stays fast.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from agreements.selectors import AgreedResult
from allocation.models import ScenarioRun
from allocation.selectors import phase, run_years
from core import spreadsheet
from municipalities.models import Indicator

from .selectors import figure_sources, nl_date

Cell = int | Decimal | str | None


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _per_year(index: int) -> Callable[[Mapping[str, Any]], Cell]:
    def get(a: Mapping[str, Any]) -> Cell:
        return int(a["agreed_line"].per_year[index])

    return get


def _bound_name(get: Callable[[Mapping[str, Any]], Cell]) -> Callable[[Mapping[str, Any]], Cell]:
    """The engine names a bound it hit "lower" or "upper"; the export says it in words."""
    names = {"lower": _("lower bound"), "upper": _("upper bound")}

    def name(a: Mapping[str, Any]) -> Cell:
        value = get(a)
        return names.get(value, value) if isinstance(value, str) else value

    return name


def _columns(
    agreed: AgreedResult | None = None, years: tuple[int, ...] = ()
) -> list[tuple[str, Callable[[Mapping[str, Any]], Cell]]]:
    """(header, value) per column; the value reads one stored allocation (with, for an
    adopted round, its agreed line under the key "agreed_line")."""

    def step(*path: str) -> Callable[[Mapping[str, Any]], Cell]:
        def get(a: Mapping[str, Any]) -> Cell:
            value: Any = a["steps"]
            for key in path:
                value = value.get(key) if isinstance(value, Mapping) else None
            if isinstance(value, bool):
                return _("yes") if value else _("no")
            if isinstance(value, str):
                try:
                    return Decimal(value)
                except ArithmeticError:
                    return value
            return value  # type: ignore[no-any-return]

        return get

    head: list[tuple[str, Callable[[Mapping[str, Any]], Cell]]] = [
        (_("CBS code"), lambda a: a["code"]),
        (_("Municipality"), lambda a: a["name"]),
        (_("Sub-region"), lambda a: a["subregion"]),
        (_("Quota (whole period)"), lambda a: _dec(a["quota"])),
        (_("Fair share (whole period)"), lambda a: a["allocation"]),
        (_("Backlog (whole period)"), lambda a: a["backlog"]),
    ]
    if agreed is None:
        head.append((_("Total (whole period)"), lambda a: a["total_with_backlog"]))
        for i, year in enumerate(years):
            head.append((_("Total in %(year)s") % {"year": year}, _phased(i, len(years))))
    else:
        head.append((_("Computed (whole period)"), lambda a: a["agreed_line"].computed))
        head.append((_("Transfer (whole period)"), lambda a: a["agreed_line"].transfer))
        head.append((_("Agreed (whole period)"), lambda a: a["agreed_line"].agreed))
        for i, year in enumerate(agreed.years):
            head.append((_("Agreed in %(year)s") % {"year": year}, _per_year(i)))
    return [
        *head,
        (_("Per 1,000 inhabitants (whole period)"), step("per_1000_inhabitants")),
        (_("Key w"), step("key")),
        (_("Uncorrected share (whole period)"), step("uncorrected_share")),
        (_("Existing effort (on the reference date)"), step("credit", "existing_effort")),
        (_("Credit (whole period)"), step("credit", "credit")),
        (_("Corrected quota (whole period)"), step("credit", "corrected_quota")),
        (_("Lower bound (whole period)"), step("bounds", "lower")),
        (_("Upper bound (whole period)"), step("bounds", "upper")),
        (_("Bound reached"), _bound_name(step("bounds", "bound_hit"))),
        (_("Whole part"), step("rounding", "floor")),
        (_("Remainder"), step("rounding", "remainder")),
        (_("Rank"), step("rounding", "rank")),
        (_("Added by rounding"), _added_by_rounding),
        (_("Population share (whole period)"), step("population_share")),
        (
            _("Difference from population share (whole period)"),
            step("difference_from_population_share"),
        ),
    ]


def _added_by_rounding(a: Mapping[str, Any]) -> Cell:
    floor = (a["steps"].get("rounding") or {}).get("floor")
    return None if floor is None else int(a["allocation"]) - int(floor)


def _phased(index: int, years: int) -> Callable[[Mapping[str, Any]], Cell]:
    def get(a: Mapping[str, Any]) -> Cell:
        return phase(int(a["total_with_backlog"]), years)[index]

    return get


def _groups(
    run: ScenarioRun, agreed: AgreedResult | None = None
) -> Iterator[tuple[str, str, list[Mapping[str, Any]]]]:
    """(code, Dutch name, allocations sorted by name) per computed group; for an adopted
    round each allocation carries its agreed line ("agreed_line")."""
    settings = (run.scenario_settings or {}).get("groups", {})
    for code, data in (run.results or {}).get("groups", {}).items():
        name = settings.get(code, {}).get("name") or code
        allocations = sorted(data["result"]["allocations"], key=lambda a: (a["name"], a["code"]))
        if agreed is not None:
            group = agreed.groups.get(code)
            if group is None:
                continue
            lines = {line.code: line for line in group.lines}
            allocations = [{**a, "agreed_line": lines[a["code"]]} for a in allocations]
        yield code, name, allocations


def export_filename(run: ScenarioRun, extension: str, agreed: AgreedResult | None = None) -> str:
    if agreed is not None:
        return f"afspraken-ronde-{agreed.round_id}-{agreed.digest[:12]}.{extension}"
    return f"berekening-{run.pk}-{run.digest[:12]}.{extension}"


# --- Excel ------------------------------------------------------------------------------


def _sheet_title(name: str, used: set[str]) -> str:
    # Excel refuses sheet names with []:*?/\, control characters or a quote at either end.
    title = "".join(c for c in name if c not in "[]:*?/\\" and c.isprintable())
    title = title.strip().strip("'")[:31] or "Groep"
    base, n = title, 2
    while title in used:
        suffix = f" {n}"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(title)
    return title


def _method_rows(run: ScenarioRun, agreed: AgreedResult | None = None) -> list[list[Cell]]:
    settings = run.scenario_settings or {}
    round_ = settings.get("round", {})
    scenario = settings.get("scenario", {})
    names = {i.code: i.name_nl for i in Indicator.objects.all()}
    rows: list[list[Cell]] = [
        [_("Round"), round_.get("name")],
        [_("Scenario"), scenario.get("name")],
        [_("Computation"), run.pk],
        [_("Digest (SHA-256)"), run.digest],
    ]
    if agreed is not None:
        rows.append([_("Approved digest (controlecode)"), agreed.digest])
        rows.append([_("Years of the period"), ", ".join(str(y) for y in agreed.years)])
        for t in agreed.transfers:
            rows.append(
                [
                    _("Transfer"),
                    _("%(group)s: %(giver)s hands %(amount)s over to %(taker)s")
                    % {
                        "group": t["group"],
                        "giver": t["from"],
                        "amount": t["amount"],
                        "taker": t["to"],
                    },
                ]
            )
    rows += [
        [_("Reference year"), round_.get("reference_year")],
        [_("Version"), round_.get("version")],
        [_("Computed on"), nl_date(run.finished_at.date()) if run.finished_at else None],
    ]
    illustrative: set[str] = set()
    for entry in (run.inputs or {}).values():
        illustrative.update(entry.get("provenance", {}).get("illustrative", []))
    if illustrative:
        rows.append(
            [
                _("Illustrative figures"),
                _("Illustrative, replace with your own figures: %(names)s")
                % {"names": ", ".join(sorted(names.get(c, c) for c in illustrative))},
            ]
        )
    rows.append([])
    rows.append(
        [
            _("Target group"),
            _("Regional task"),
            _("Task source"),
            _("Rounding method"),
            _("Credit factor c"),
            _("Credit cuts at most (fraction m)"),
            _("Upper bound (percentage of yearly mutations)"),
            _("Two tiers"),
            _("Carry over the backlog"),
            _("Household size"),
        ]
    )
    used: set[str] = {"population"}
    results = (run.results or {}).get("groups", {})
    for code, group in settings.get("groups", {}).items():
        if code not in results:
            continue
        used.update(group.get("weights", {}))
        rows.append(
            [
                group.get("name"),
                results[code]["result"]["total"],
                group.get("task_source"),
                group.get("method"),
                _dec(group.get("credit_factor")),
                _dec(group.get("max_credit_fraction")),
                _dec(group.get("upper_bound_mutations_pct")),
                _("yes") if group.get("two_tier") else _("no"),
                _("yes") if group.get("carry_over") else _("no"),
                _dec(group.get("household_size")),
            ]
        )
    rows.append([])
    rows.append([_("Target group"), _("Indicator"), _("Weight")])
    for code, group in settings.get("groups", {}).items():
        if code not in results:
            continue
        for indicator, weight in group.get("weights", {}).items():
            rows.append([group.get("name"), names.get(indicator, indicator), _dec(weight)])
    rows.append([])
    rows.append([_("Figure"), _("Source"), _("Reference date")])
    year = round_.get("reference_year")
    if year:
        for s in figure_sources(int(year), used):
            rows.append([s.indicator, s.source, s.reference_date])
    return rows


def run_workbook(run: ScenarioRun, agreed: AgreedResult | None = None) -> bytes:
    """The results of a run as an .xlsx workbook (Dutch headers, as the agreements); with
    `agreed` (an adopted round), the agreed numbers after transfers and per year."""
    with translation.override("nl"):
        return _run_workbook(run, agreed)


def _run_workbook(run: ScenarioRun, agreed: AgreedResult | None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    default = workbook.active
    columns = _columns(agreed, run_years(run))
    used: set[str] = {"Methode"}
    for _code, name, allocations in _groups(run, agreed):
        sheet = workbook.create_sheet(_sheet_title(name, used))
        spreadsheet.append_row(sheet, [header for header, _get in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for a in allocations:
            spreadsheet.append_row(sheet, [get(a) for _header, get in columns])
        sheet.freeze_panes = "C2"
    method = workbook.create_sheet("Methode")
    for row in _method_rows(run, agreed):
        spreadsheet.append_row(method, row)
    method.column_dimensions["A"].width = 32
    method.column_dimensions["B"].width = 70
    if default is not None:
        workbook.remove(default)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- CSV --------------------------------------------------------------------------------


def _csv_value(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = (
            format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
        )
        return text.replace(".", ",")
    return str(value)


def run_csv(run: ScenarioRun, agreed: AgreedResult | None = None) -> bytes:
    """The results of a run as one CSV table: semicolons, decimal comma, UTF-8 with BOM;
    with `agreed` (an adopted round), the agreed numbers after transfers and per year."""
    with translation.override("nl"):
        return _run_csv(run, agreed)


def _run_csv(run: ScenarioRun, agreed: AgreedResult | None) -> bytes:
    columns = _columns(agreed, run_years(run))
    rows = (
        [name, *(get(a) for _header, get in columns)]
        for _code, name, allocations in _groups(run, agreed)
        for a in allocations
    )
    return spreadsheet.write_csv(
        rows, header=[_("Target group"), *(header for header, _get in columns)], to_text=_csv_value
    )
