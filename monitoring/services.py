"""Writes of monitoring: save realised numbers as draft, submit, confirm (four eyes), import.

Keyword-only, atomic, validated with the figures' validation module (through
monitoring.validation) and audited in the same transaction: django-simple-history records
every realisation with `_history_user` and `_change_reason`. Bad input raises
`RealisationsRejected` with numbered issues and saves nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from allocation.models import Round
from core.models import FigureStatus
from figures import importing
from figures import validation as v
from municipalities.models import Municipality
from target_groups.models import TargetGroup

from . import selectors
from . import validation as mv
from .models import Realisation

_RELATIONS = ["round", "municipality", "group", "updated_by", "submitted_by", "confirmed_by"]


class RealisationsRejected(Exception):
    """Nothing was saved: the issues say what to correct (figures.validation.Issue)."""

    def __init__(self, issues: list[v.Issue]) -> None:
        super().__init__("; ".join(i.message for i in issues))
        self.issues = issues


class WorkflowError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RealisationInput:
    """One realised number as entered: raw text or a number, with its source and date."""

    realised: Any
    source: str
    reference_date: Any


@dataclass(frozen=True)
class CheckedValue:
    group: TargetGroup
    realised: int
    source: str
    reference_date: date


def quarter_values_check(
    *,
    round_: Round,
    year: int,
    quarter: int,
    values: Mapping[str, RealisationInput],
    groups: Sequence[TargetGroup] | None = None,
) -> tuple[list[CheckedValue], list[v.Issue]]:
    """Check what was entered for one quarter: the quarter lies in the round's period, each
    code is one of `groups` (default: the round's agreed groups), each number is a whole
    number with a source and a reference date. Returns the checked values, or the issues."""
    issues = mv.check_quarter_in_period(year, quarter, selectors.round_quarters(round_))
    by_code = {g.code: g for g in (selectors.agreed_groups(round_) if groups is None else groups)}
    checked: list[CheckedValue] = []
    for code, entry in values.items():
        if code not in by_code:
            issues.append(v.Issue("M003", code, params={"raw": code}))
            continue
        key = mv.field_key(code)
        number, number_issues = v.parse_number(entry.realised, key=key)
        issues += number_issues
        if number is None and not number_issues:
            issues.append(v.Issue("M004", key, fields=(key,)))
        source = (entry.source or "").strip()
        issues += v.check_source(source, row=code)
        reference_date, date_issues = v.parse_date(entry.reference_date, row=code)
        if reference_date is None and not date_issues:
            date_issues = [v.Issue("V008", code, part="reference_date", fields=(code,))]
        issues += date_issues
        if number is not None and reference_date is not None and not issues:
            checked.append(CheckedValue(by_code[code], int(number), source, reference_date))
    return checked, issues


def _history(obj: Realisation, *, user: Any, reason: str) -> None:
    obj._history_user = user  # type: ignore[attr-defined]
    obj._change_reason = reason  # type: ignore[attr-defined]


def realisations_save_draft(
    *,
    round_: Round,
    municipality: Municipality,
    year: int,
    quarter: int,
    values: Mapping[str, RealisationInput],
    user: Any,
    reason: str = "edit",
) -> int:
    """Save the realised numbers of one quarter as draft; returns how many changed.

    `values` maps group codes to what was entered; groups left out stay as they are. A
    changed number (or source or date) becomes a draft again and needs four eyes anew.
    """
    if not access.can_enter_realisations(user, municipality):
        raise PermissionDenied
    checked, issues = quarter_values_check(round_=round_, year=year, quarter=quarter, values=values)
    if issues:
        raise RealisationsRejected(issues)
    changed = 0
    with transaction.atomic():
        existing = {
            r.group_id: r
            for r in Realisation.objects.select_for_update().filter(
                round=round_, municipality=municipality, year=year, quarter=quarter
            )
        }
        for item in checked:
            obj = existing.get(item.group.pk)
            if obj is not None and (obj.realised, obj.source, obj.reference_date) == (
                item.realised,
                item.source,
                item.reference_date,
            ):
                continue
            if obj is None:
                obj = Realisation(
                    round=round_,
                    municipality=municipality,
                    group=item.group,
                    year=year,
                    quarter=quarter,
                    version=0,
                )
            obj.realised = item.realised
            obj.source = item.source
            obj.reference_date = item.reference_date
            obj.status = FigureStatus.DRAFT
            obj.updated_by = user
            obj.submitted_by = None
            obj.confirmed_by = None
            obj.confirmed_at = None
            obj.version += 1
            obj.full_clean(exclude=_RELATIONS)
            _history(obj, user=user, reason=reason)
            obj.save()
            changed += 1
    return changed


def _quarter_for_update(
    round_: Round, municipality: Municipality, year: int, quarter: int
) -> list[Realisation]:
    return list(
        Realisation.objects.select_for_update().filter(
            round=round_, municipality=municipality, year=year, quarter=quarter
        )
    )


def realisations_submit(
    *, round_: Round, municipality: Municipality, year: int, quarter: int, user: Any
) -> int:
    """Submit a quarter's draft numbers for confirmation by a colleague."""
    if not access.can_enter_realisations(user, municipality):
        raise PermissionDenied
    with transaction.atomic():
        drafts = [
            r
            for r in _quarter_for_update(round_, municipality, year, quarter)
            if r.status == FigureStatus.DRAFT
        ]
        if not drafts:
            raise WorkflowError(_("There are no draft numbers to submit."))
        for obj in drafts:
            obj.status = FigureStatus.SUBMITTED
            obj.submitted_by = user
            obj.version += 1
            obj.full_clean(exclude=_RELATIONS)
            _history(obj, user=user, reason="submit")
            obj.save()
    return len(drafts)


def realisations_confirm(
    *, round_: Round, municipality: Municipality, year: int, quarter: int, user: Any
) -> int:
    """Confirm a quarter's submitted numbers: four eyes, not by who entered or submitted."""
    with transaction.atomic():
        submitted = [
            r
            for r in _quarter_for_update(round_, municipality, year, quarter)
            if r.status == FigureStatus.SUBMITTED
        ]
        if not submitted:
            raise WorkflowError(_("There are no submitted numbers to confirm."))
        for obj in submitted:
            if not access.can_confirm_realisations(
                user,
                municipality,
                submitted_by_id=obj.submitted_by_id,
                updated_by_id=obj.updated_by_id,
            ):
                raise PermissionDenied(
                    _("Four eyes: someone else than who entered or submitted must confirm.")
                )
        now = timezone.now()
        for obj in submitted:
            obj.status = FigureStatus.CONFIRMED
            obj.confirmed_by = user
            obj.confirmed_at = now
            obj.version += 1
            obj.full_clean(exclude=_RELATIONS)
            _history(obj, user=user, reason="confirm")
            obj.save()
    return len(submitted)


# --- import -----------------------------------------------------------------------------------

IMPORT_COLUMNS = [
    importing.Column("cbs", "CBS-code", True, ("cbs_code", "gemeentecode")),
    importing.Column("name", "Gemeente", False, ("municipality",)),
    importing.Column("year", "Jaar", True, ("year",)),
    importing.Column("quarter", "Kwartaal", True, ("quarter",)),
    importing.Column("code", "Doelgroep", True, ("group", "code")),
    importing.Column("value", "Gerealiseerd", True, ("realised", "waarde", "value")),
    importing.Column("source", "Bron", True, ("source",)),
    importing.Column("reference_date", "Peildatum", True, ("reference_date",)),
]


def realisations_import(
    *, round_: Round, filename: str, data: bytes, user: Any, size: int | None = None
) -> int:
    """Read a CSV or Excel file of realised numbers and save them as drafts.

    All or nothing: one wrong row and nothing is saved (RealisationsRejected, every issue
    with its sheet, row and column). Officers import their own municipality only.
    """
    if not access.can_import_realisations(user):
        raise PermissionDenied
    result, table, columns, rows = importing.read_table(
        filename=filename, data=data, columns=IMPORT_COLUMNS, size=size
    )
    if result.fatal or table is None:
        raise RealisationsRejected(result.errors)
    issues: list[v.Issue] = list(result.errors)
    municipalities = {m.cbs_code: m for m in Municipality.objects.all()}
    quarters = selectors.round_quarters(round_)
    headers = {
        key: (importing.column_letter(i), importing.cell_text(table.rows[0][1][i]))
        for key, i in columns.items()
        if table.rows
    }
    batches: dict[tuple[str, int, int], dict[str, RealisationInput]] = {}
    seen: dict[tuple[str, int, int, str], int] = {}
    for number, cells in rows:

        def cell(key: str, cells: list[Any] = cells) -> Any:
            index = columns.get(key)
            return cells[index] if index is not None and index < len(cells) else None

        def where(key: str, number: int = number) -> v.Location:
            letter, header = headers.get(key, ("", ""))
            return v.Location(table.sheet, number, letter, header)

        row_issues: list[v.Issue] = []
        cbs = importing.cell_text(cell("cbs")).upper()
        municipality = municipalities.get(cbs)
        if municipality is None:
            row_issues.append(
                v.Issue("V209", part="file", params={"raw": cbs or "–"}).located(where("cbs"))
            )
        elif not access.can_enter_realisations(user, municipality):
            row_issues.append(
                v.Issue("V210", part="file", params={"name": municipality.name}).located(
                    where("cbs")
                )
            )
        year = importing.cell_year(cell("year"))
        if year is None:
            row_issues.append(
                v.Issue(
                    "V215", part="file", params={"raw": importing.cell_text(cell("year")) or "–"}
                ).located(where("year"))
            )
        quarter, quarter_issues = mv.parse_quarter(cell("quarter"))
        row_issues += [i.located(where("quarter")) for i in quarter_issues]
        if year is not None and quarter is not None:
            row_issues += [
                i.located(where("quarter"))
                for i in mv.check_quarter_in_period(year, quarter, quarters)
            ]
        code = importing.cell_text(cell("code"))
        if row_issues or year is None or quarter is None:
            issues += row_issues
            continue
        identity = (cbs, year, quarter, code)
        if identity in seen:
            issues.append(
                v.Issue("V212", code, params={"other_row": seen[identity]}).located(where("code"))
            )
            continue
        seen[identity] = number
        entry = RealisationInput(
            realised=cell("value"),
            source=importing.cell_text(cell("source")),
            reference_date=cell("reference_date"),
        )
        _checked, entry_issues = quarter_values_check(
            round_=round_, year=year, quarter=quarter, values={code: entry}
        )
        for issue in entry_issues:
            part = {"source": "source", "reference_date": "reference_date"}.get(issue.part)
            column = part or ("code" if issue.code == "M003" else "value")
            issues.append(issue.located(where(column)))
        batches.setdefault((cbs, year, quarter), {})[code] = entry
    if issues:
        raise RealisationsRejected(issues)
    changed = 0
    with transaction.atomic():
        for (cbs, year, quarter), values in batches.items():
            changed += realisations_save_draft(
                round_=round_,
                municipality=municipalities[cbs],
                year=year,
                quarter=quarter,
                values=values,
                user=user,
                reason="import",
            )
    return changed
