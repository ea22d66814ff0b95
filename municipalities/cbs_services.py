"""Writes of municipal figures loaded from CBS StatLine (`manage.py refresh_cbs`).

Figures from CBS are stored like the reference data in fixtures/reference.json: confirmed,
not illustrative, with the CBS table and field as source and the CBS reference date. A CBS
value replaces an illustrative demo value or an earlier CBS value; a figure that a
municipality entered itself (another source, or still in the four-eyes workflow) is kept
and reported. Every change is recorded by django-simple-history with the reason
`cbs:<table id>`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import FigureStatus

from . import locks
from .cbs import SOURCE_PREFIX, CbsError, CbsFigure
from .models import Indicator, MunicipalFigure, Municipality
from .signals import municipal_figures_changed

CREATE = "create"
UPDATE = "update"
UNCHANGED = "unchanged"
KEEP = "keep"

_RELATIONS = ["municipality", "indicator", "updated_by", "submitted_by", "confirmed_by"]


@dataclass(frozen=True)
class FigureChange:
    municipality: Municipality
    indicator: Indicator
    action: str
    new: CbsFigure
    old_value: Decimal | None = None
    # The stored figure (locked unless a dry run); written to by the refresh.
    existing: MunicipalFigure | None = None


@dataclass
class RefreshResult:
    year: int
    dry_run: bool
    changes: list[FigureChange] = field(default_factory=list)
    # CBS codes in the tables that are not municipalities in the database (ignored).
    unknown_codes: list[str] = field(default_factory=list)
    # (CBS code, indicator) of municipalities in the database that got no value from CBS.
    without_value: list[tuple[str, str]] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)

    @property
    def written(self) -> int:
        return 0 if self.dry_run else self.count(CREATE) + self.count(UPDATE)


def is_replaceable(figure: MunicipalFigure) -> bool:
    """A demo value or a confirmed earlier CBS value; not what a municipality entered."""
    return figure.illustrative or (
        figure.status == FigureStatus.CONFIRMED and figure.source.startswith(SOURCE_PREFIX)
    )


def _is_same(figure: MunicipalFigure, new: CbsFigure) -> bool:
    return (
        figure.value == new.value
        and figure.source == new.source
        and figure.reference_date == new.reference_date
        and figure.status == FigureStatus.CONFIRMED
        and not figure.illustrative
    )


def _plan(
    *, year: int, figures: Sequence[CbsFigure], indicators: Sequence[str], lock: bool
) -> RefreshResult:
    municipalities = {m.cbs_code: m for m in Municipality.objects.all()}
    by_code = {i.code: i for i in Indicator.objects.filter(code__in=indicators)}
    absent = [code for code in indicators if code not in by_code]
    if absent:
        raise CbsError(
            _("Indicator %(codes)s does not exist; run the migrations first.")
            % {"codes": ", ".join(absent)}
        )
    existing_qs = MunicipalFigure.objects.filter(year=year, indicator__code__in=indicators)
    if lock:
        existing_qs = existing_qs.select_for_update()
    existing = {(f.municipality_id, f.indicator_id): f for f in existing_qs}

    result = RefreshResult(year=year, dry_run=not lock)
    seen: set[tuple[str, str]] = set()
    unknown: set[str] = set()
    for new in figures:
        key = (new.cbs_code, new.indicator)
        if key in seen:
            raise CbsError(
                _("CBS gave %(indicator)s of %(code)s twice; nothing was changed.")
                % {"indicator": new.indicator, "code": new.cbs_code}
            )
        seen.add(key)
        municipality = municipalities.get(new.cbs_code)
        if municipality is None:
            unknown.add(new.cbs_code)
            continue
        indicator = by_code.get(new.indicator)
        if indicator is None:
            continue
        figure = existing.get((municipality.pk, indicator.pk))
        if figure is None:
            action = CREATE
        elif _is_same(figure, new):
            action = UNCHANGED
        elif is_replaceable(figure):
            action = UPDATE
        else:
            action = KEEP
        result.changes.append(
            FigureChange(
                municipality=municipality,
                indicator=indicator,
                action=action,
                new=new,
                old_value=figure.value if figure is not None else None,
                existing=figure,
            )
        )
    result.unknown_codes = sorted(unknown)
    result.without_value = [
        (code, indicator)
        for code in sorted(municipalities)
        for indicator in indicators
        if (code, indicator) not in seen
    ]
    result.changes.sort(key=lambda c: (c.municipality.name, c.indicator.position))
    return result


def _write(change: FigureChange, *, year: int) -> None:
    figure = change.existing or MunicipalFigure(
        municipality=change.municipality, indicator=change.indicator, year=year, version=0
    )
    figure.value = change.new.value
    figure.source = change.new.source
    figure.reference_date = change.new.reference_date
    figure.status = FigureStatus.CONFIRMED
    figure.illustrative = False
    figure.comment = ""
    figure.updated_by = None
    figure.submitted_by = None
    figure.confirmed_by = None
    figure.confirmed_at = timezone.now()
    figure.version += 1
    figure.full_clean(exclude=_RELATIONS)
    figure._change_reason = f"cbs:{change.new.table_id}"  # type: ignore[attr-defined]
    figure.save()


def cbs_figures_refresh(
    *,
    year: int,
    figures: Iterable[CbsFigure],
    indicators: Sequence[str],
    dry_run: bool = False,
) -> RefreshResult:
    """Store the CBS values of `indicators` for `year`, all or nothing.

    Only municipalities in the database are touched; other codes are listed in the result.
    A dry run plans the same changes and writes nothing. Raises CbsError, writing nothing,
    when an indicator is missing or CBS gave a value twice, and when the year is locked (a
    round with that reference year is computing or in review): the loader would change the
    inputs the steering group is looking at. A dry run of a locked year still shows the plan.
    """
    if not dry_run and year in locks.locked_years():
        raise CbsError(
            _(
                "The figures of %(year)s are locked: a round with this reference year is "
                "being computed or reviewed. Load CBS figures after the round, or look "
                "first with --dry-run."
            )
            % {"year": year}
        )
    items = list(figures)
    with transaction.atomic():
        result = _plan(year=year, figures=items, indicators=indicators, lock=not dry_run)
        if not dry_run:
            for change in result.changes:
                if change.action in (CREATE, UPDATE):
                    _write(change, year=year)
    if result.written:
        municipal_figures_changed.send(sender=MunicipalFigure, reference_year=year)
    return result
