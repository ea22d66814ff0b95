"""Reads for the figures workflow: what changes and what the rules say about it, the year
page, the completeness overview and the audit trail. No writes here."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Role
from core.models import FigureStatus
from municipalities.models import Indicator, MunicipalFigure, Municipality
from target_groups.models import GroupFigure, TargetGroup
from target_groups.selectors import group_figures_for_municipality

from . import rounds
from . import validation as v
from .entries import UNSET, ChangeRequest
from .models import FigureUnlock, PendingImport, ReminderLog, WarningAcknowledgement
from .rounds import RoundInfo

STATUS_ORDER = {"missing": 0, FigureStatus.DRAFT: 1, FigureStatus.SUBMITTED: 2, "confirmed": 3}


def _field_label(field_name: str) -> str:
    return {
        "demand": _("demand"),
        "existing_effort": _("existing effort"),
        "realised": _("realised"),
    }[field_name]


def group_field_label(group: TargetGroup, field_name: str) -> str:
    return _("%(group)s – %(field)s") % {"group": group.name, "field": _field_label(field_name)}


def locked_years() -> set[int]:
    """Reference years whose confirmed figures are locked (a round computes or is in review)."""
    return rounds.locked_years()


def current_round() -> RoundInfo | None:
    """The round collecting figures now (the newest), else the newest round at all."""
    return rounds.current_round()


def entry_year(info: RoundInfo | None = None) -> int:
    """The year officers enter figures for: the collecting round's, else the current year."""
    info = info or current_round()
    return info.reference_year if info is not None else timezone.localdate().year


def indicator_list() -> list[Indicator]:
    return list(Indicator.objects.order_by("position", "code"))


def active_groups() -> list[TargetGroup]:
    return list(TargetGroup.objects.filter(active=True).order_by("position", "code"))


# --- Snapshot: everything the rules need, in a fixed number of queries ---------------------


class FigureSnapshot:
    """The figures of some municipalities and years, with last year's values, the regional
    medians, acknowledged warnings, unlocks and locks. About a dozen queries, however many
    municipalities an upload holds. With `for_update`, the figures' rows are locked."""

    def __init__(
        self, *, municipalities: Iterable[Municipality], years: Iterable[int], for_update: bool
    ) -> None:
        self.municipalities = {m.pk: m for m in municipalities}
        self.years = set(years)
        ids = list(self.municipalities)
        self.indicators = {i.code: i for i in indicator_list()}
        self.groups = {g.code: g for g in active_groups()}

        municipal = MunicipalFigure.objects.filter(
            municipality_id__in=ids, year__in=self.years
        ).select_related("indicator", "updated_by")
        grouped = GroupFigure.objects.filter(
            municipality_id__in=ids, year__in=self.years
        ).select_related("group", "updated_by")
        if for_update:
            municipal = municipal.select_for_update(of=("self",))
            grouped = grouped.select_for_update(of=("self",))
        self.municipal: dict[tuple[int, int], dict[str, MunicipalFigure]] = defaultdict(dict)
        for f in municipal:
            self.municipal[(f.municipality_id, f.year)][f.indicator.code] = f
        self.grouped: dict[tuple[int, int], dict[str, GroupFigure]] = defaultdict(dict)
        for g in grouped:
            self.grouped[(g.municipality_id, g.year)][g.group.code] = g

        max_year = max(self.years) if self.years else 0
        # Own figures of earlier years (any status): last year's values and population.
        self.own_history: dict[int, dict[int, dict[str, Decimal]]] = defaultdict(
            lambda: defaultdict(dict)
        )
        for mid, code, year, value in MunicipalFigure.objects.filter(
            municipality_id__in=ids, year__lt=max_year
        ).values_list("municipality_id", "indicator__code", "year", "value"):
            self.own_history[mid][year][code] = value
        for mid, code, year, *numbers in GroupFigure.objects.filter(
            municipality_id__in=ids, year__lt=max_year
        ).values_list("municipality_id", "group__code", "year", *v.GROUP_FIELDS):
            for name, number in zip(v.GROUP_FIELDS, numbers, strict=True):
                if number is not None:
                    self.own_history[mid][year][f"{code}.{name}"] = Decimal(number)

        # Confirmed figures of all municipalities, for the regional medians.
        self.confirmed: dict[int, dict[int, dict[str, Decimal]]] = defaultdict(
            lambda: defaultdict(dict)
        )
        for mid, code, year, value in MunicipalFigure.objects.filter(
            status=FigureStatus.CONFIRMED, year__lte=max_year
        ).values_list("municipality_id", "indicator__code", "year", "value"):
            self.confirmed[mid][year][code] = value
        for mid, code, year, *numbers in GroupFigure.objects.filter(
            status=FigureStatus.CONFIRMED, year__lte=max_year
        ).values_list("municipality_id", "group__code", "year", *v.GROUP_FIELDS):
            for name, number in zip(v.GROUP_FIELDS, numbers, strict=True):
                if number is not None:
                    self.confirmed[mid][year][f"{code}.{name}"] = Decimal(number)
        self._latest_cache: dict[int, dict[int, dict[str, Decimal]]] = {}

        self.acknowledgements: dict[tuple[int, int], dict[tuple[str, str], Any]] = defaultdict(dict)
        for ack in WarningAcknowledgement.objects.filter(
            municipality_id__in=ids, year__in=self.years
        ):
            self.acknowledgements[(ack.municipality_id, ack.year)][(ack.code, ack.field)] = ack
        self.open_unlocks = {
            (u.municipality_id, u.year): u
            for u in FigureUnlock.objects.filter(
                municipality_id__in=ids, year__in=self.years, closed_at__isnull=True
            )
        }
        self.locked_years = locked_years() & self.years

    # Labels and context -------------------------------------------------------------------

    def labels(self) -> dict[str, str]:
        labels = {code: i.name for code, i in self.indicators.items()}
        for code, g in self.groups.items():
            labels[code] = g.name
            for name in v.GROUP_FIELDS:
                labels[f"{code}.{name}"] = group_field_label(g, name)
        return labels

    def required(self) -> tuple[str, ...]:
        return tuple(c for c, i in self.indicators.items() if i.required) + tuple(
            f"{g}.demand" for g in self.groups
        )

    def _latest_confirmed(self, year: int) -> dict[int, dict[str, Decimal]]:
        """Per municipality: the newest confirmed value of each field up to `year`."""
        if year not in self._latest_cache:
            result: dict[int, dict[str, Decimal]] = {}
            for mid, by_year in self.confirmed.items():
                latest: dict[str, Decimal] = {}
                for y in sorted(k for k in by_year if k <= year):
                    latest.update(by_year[y])
                result[mid] = latest
            self._latest_cache[year] = result
        return self._latest_cache[year]

    def context(self, municipality: Municipality, year: int) -> v.Context:
        latest = self._latest_confirmed(year)
        others = [values for mid, values in latest.items() if mid != municipality.pk]
        keys = {k for values in others for k in values}
        medians: dict[str, Decimal] = {}
        for key in keys:
            median = v.median_per_thousand(
                (values[key], values["population"])
                for values in others
                if key in values and "population" in values
            )
            if median is not None:
                medians[key] = median
        own = self.own_history.get(municipality.pk, {})
        population_fallback = None
        for y in sorted((k for k in own if k <= year), reverse=True):
            if "population" in own[y]:
                population_fallback = own[y]["population"]
                break
        return v.Context(
            year=year,
            labels=self.labels(),
            required=self.required(),
            previous=dict(own.get(year - 1, {})),
            medians=medians,
            population_fallback=population_fallback,
        )

    def current_values(self, municipality: Municipality, year: int) -> dict[str, Decimal]:
        values: dict[str, Decimal] = {}
        for code, f in self.municipal.get((municipality.pk, year), {}).items():
            values[code] = f.value
        for code, g in self.grouped.get((municipality.pk, year), {}).items():
            for name in v.GROUP_FIELDS:
                number = getattr(g, name)
                if number is not None:
                    values[f"{code}.{name}"] = Decimal(number)
        return values

    def is_locked(self, municipality: Municipality, year: int) -> bool:
        return year in self.locked_years and (municipality.pk, year) not in self.open_unlocks

    def state_digest(self, pairs: Iterable[tuple[int, int]]) -> str:
        """A short fingerprint of the figures' versions: changes when anyone saves."""
        parts = []
        for key in sorted(set(pairs)):
            for code, f in sorted(self.municipal.get(key, {}).items()):
                parts.append(f"{key}:{code}:{f.version}")
            for code, g in sorted(self.grouped.get(key, {}).items()):
                parts.append(f"{key}:{code}:{g.version}")
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


# --- Evaluating a change ---------------------------------------------------------------------


@dataclass
class FieldChange:
    key: str
    label: str
    old: Decimal | None
    new: Decimal | None


@dataclass
class RowChange:
    """One indicator or target-group row that a request changes."""

    key: str
    kind: str  # "indicator" or "group"
    label: str
    target: Indicator | TargetGroup
    figure: MunicipalFigure | GroupFigure | None
    fields: list[FieldChange]
    new_values: dict[str, Decimal | None]
    old_source: str
    new_source: str
    old_date: date | None
    new_date: date | None
    comment: str = ""

    @property
    def is_new(self) -> bool:
        return self.figure is None

    @property
    def source_changed(self) -> bool:
        return self.figure is not None and self.old_source != self.new_source

    @property
    def date_changed(self) -> bool:
        return self.figure is not None and self.old_date != self.new_date


@dataclass
class Conflict:
    """A figure someone else saved after the form or file was opened."""

    key: str
    label: str
    figure: MunicipalFigure | GroupFigure

    @property
    def shown_value(self) -> str:
        from django.utils import formats

        f = self.figure
        if isinstance(f, MunicipalFigure):
            return formats.number_format(f.value.normalize(), use_l10n=True, force_grouping=True)
        return " / ".join(
            "–" if getattr(f, n) is None else formats.number_format(getattr(f, n), use_l10n=True)
            for n in v.GROUP_FIELDS
        )


@dataclass
class Evaluation:
    municipality: Municipality
    year: int
    changes: list[RowChange] = field(default_factory=list)
    issues: list[v.Issue] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    unacknowledged: list[v.Issue] = field(default_factory=list)
    acknowledged: dict[tuple[str, str], str] = field(default_factory=dict)  # from the request
    locked: bool = False

    @property
    def errors(self) -> list[v.Issue]:
        return [i for i in self.issues if i.is_error]

    @property
    def warnings(self) -> list[v.Issue]:
        return [i for i in self.issues if i.is_warning]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.conflicts and not self.unacknowledged

    @property
    def changed_count(self) -> int:
        return len(self.changes)


def _version_conflicts(expected: Any, figure: Any) -> bool:
    """The caller saw another version (None: the figure did not exist yet) than there is."""
    if expected is UNSET:
        return False
    return bool(expected != figure.version)


def _conflict_issue(key: str, label: str, figure: Any, conflict: Conflict) -> v.Issue:
    who = figure.updated_by.get_full_name() if figure.updated_by else "?"
    return v.Issue(
        "V013",
        key,
        params={
            "label": label,
            "who": who or figure.updated_by.username,
            "when": timezone.localtime(figure.updated_at),
            "value": conflict.shown_value,
        },
        fields=(key,),
    )


def evaluate_changes(
    snapshot: FigureSnapshot,
    *,
    municipality: Municipality,
    year: int,
    request: ChangeRequest,
) -> Evaluation:
    """What the request would change, and every error and warning the rules find in it."""
    ev = Evaluation(municipality=municipality, year=year, issues=list(request.issues))
    existing_m = snapshot.municipal.get((municipality.pk, year), {})
    existing_g = snapshot.grouped.get((municipality.pk, year), {})
    labels = snapshot.labels()
    locked = snapshot.is_locked(municipality, year)
    ev.locked = locked
    after = snapshot.current_values(municipality, year)
    changed: set[str] = set()
    metas: dict[str, v.RowMeta] = {}

    def guard(key: str, figure: Any, label: str) -> bool:
        """Lock and concurrent-edit checks for a row that changes; False stops the row."""
        if locked and figure is not None and figure.status == FigureStatus.CONFIRMED:
            ev.issues.append(
                v.Issue("V012", key, params={"label": label, "year": str(year)}, fields=(key,))
            )
            return False
        return True

    for item in request.indicators:
        indicator = snapshot.indicators.get(item.code)
        if indicator is None:
            ev.issues.append(v.Issue("V211", item.code, params={"raw": item.code}))
            continue
        label = labels[item.code]
        figure = existing_m.get(item.code)
        if item.value is None:
            if figure is not None:
                ev.issues.append(v.Issue("V006", item.code, params={"label": label}))
            continue
        if (
            figure is not None
            and figure.value == item.value
            and figure.source == item.source
            and figure.reference_date == item.reference_date
        ):
            continue
        if figure is not None and _version_conflicts(item.expected_version, figure):
            conflict = Conflict(item.code, label, figure)
            ev.conflicts.append(conflict)
            ev.issues.append(_conflict_issue(item.code, label, figure, conflict))
            continue
        if not guard(item.code, figure, label):
            continue
        old = figure.value if figure is not None else None
        ev.changes.append(
            RowChange(
                key=item.code,
                kind="indicator",
                label=label,
                target=indicator,
                figure=figure,
                fields=[FieldChange(item.code, label, old, item.value)]
                if old != item.value
                else [],
                new_values={"value": item.value},
                old_source=figure.source if figure else "",
                new_source=item.source,
                old_date=figure.reference_date if figure else None,
                new_date=item.reference_date,
                comment=request.comments.get(item.code, ""),
            )
        )
        after[item.code] = item.value
        changed.add(item.code)
        metas[item.code] = v.RowMeta(item.source, item.reference_date)

    for gitem in request.groups:
        group = snapshot.groups.get(gitem.code)
        if group is None:
            ev.issues.append(v.Issue("V211", gitem.code, params={"raw": gitem.code}))
            continue
        label = labels[gitem.code]
        gfigure = existing_g.get(gitem.code)
        old_values = {
            n: (Decimal(getattr(gfigure, n)) if getattr(gfigure, n) is not None else None)
            if gfigure is not None
            else None
            for n in v.GROUP_FIELDS
        }
        new_values = dict(old_values)
        emptied = False
        for name, number in gitem.values.items():
            if number is None and old_values[name] is not None:
                ev.issues.append(
                    v.Issue(
                        "V006",
                        f"{gitem.code}.{name}",
                        params={"label": labels[f"{gitem.code}.{name}"]},
                    )
                )
                emptied = True
            elif number is not None:
                new_values[name] = number
        if emptied:
            continue
        if gfigure is None and all(n is None for n in new_values.values()):
            continue
        if (
            gfigure is not None
            and new_values == old_values
            and gfigure.source == gitem.source
            and gfigure.reference_date == gitem.reference_date
        ):
            continue
        if gfigure is not None and _version_conflicts(gitem.expected_version, gfigure):
            conflict = Conflict(gitem.code, label, gfigure)
            ev.conflicts.append(conflict)
            ev.issues.append(_conflict_issue(gitem.code, label, gfigure, conflict))
            continue
        if not guard(gitem.code, gfigure, label):
            continue
        field_changes = []
        for name in v.GROUP_FIELDS:
            key = f"{gitem.code}.{name}"
            if new_values[name] != old_values[name]:
                field_changes.append(
                    FieldChange(key, labels[key], old_values[name], new_values[name])
                )
                changed.add(key)
            if new_values[name] is not None:
                after[key] = new_values[name]  # type: ignore[assignment]
        ev.changes.append(
            RowChange(
                key=gitem.code,
                kind="group",
                label=label,
                target=group,
                figure=gfigure,
                fields=field_changes,
                new_values=new_values,
                old_source=gfigure.source if gfigure else "",
                new_source=gitem.source,
                old_date=gfigure.reference_date if gfigure else None,
                new_date=gitem.reference_date,
                comment=request.comments.get(gitem.code, ""),
            )
        )
        changed.add(gitem.code)
        metas[gitem.code] = v.RowMeta(gitem.source, gitem.reference_date)

    ctx = snapshot.context(municipality, year)
    # Input errors were found already for these rows; do not report a missing source twice.
    reported = {(i.code, i.field) for i in ev.issues}
    for issue in v.check_rows(metas, ctx=ctx):
        if (issue.code, issue.field) not in reported:
            ev.issues.append(issue)
    ev.issues += v.relevant(v.check_set(after, ctx=ctx, for_submission=False), changed)

    stored = snapshot.acknowledgements.get((municipality.pk, year), {})
    for issue in ev.warnings:
        comment = (request.acknowledgements.get(issue.key) or "").strip()
        if comment:
            ev.acknowledged[issue.key] = comment
            continue
        ack = stored.get(issue.key)
        if ack is not None and ack.fingerprint == issue.fingerprint:
            continue
        ev.unacknowledged.append(issue)
    return ev


def evaluate_one(
    *, municipality: Municipality, year: int, request: ChangeRequest, for_update: bool = False
) -> tuple[Evaluation, FigureSnapshot]:
    snapshot = FigureSnapshot(municipalities=[municipality], years=[year], for_update=for_update)
    return (
        evaluate_changes(snapshot, municipality=municipality, year=year, request=request),
        snapshot,
    )


def submission_issues(
    snapshot: FigureSnapshot, *, municipality: Municipality, year: int
) -> list[v.Issue]:
    """The errors that stop submitting: required figures missing, impossible combinations."""
    ctx = snapshot.context(municipality, year)
    values = snapshot.current_values(municipality, year)
    return [i for i in v.check_set(values, ctx=ctx, for_submission=True) if i.is_error]


# --- The year page ---------------------------------------------------------------------------


@dataclass
class IndicatorRow:
    indicator: Indicator
    figure: MunicipalFigure | None
    previous: Decimal | None


@dataclass
class GroupRow:
    group: TargetGroup
    figure: GroupFigure | None
    previous: dict[str, Decimal | None]


@dataclass
class YearFigures:
    municipality: Municipality
    year: int
    indicators: list[IndicatorRow]
    groups: list[GroupRow]
    acknowledgements: list[WarningAcknowledgement]
    locked: bool
    year_locked: bool
    unlock: FigureUnlock | None

    def figures(self) -> list[MunicipalFigure | GroupFigure]:
        return [r.figure for r in self.indicators if r.figure] + [
            r.figure for r in self.groups if r.figure
        ]

    def count(self, status: str) -> int:
        return sum(1 for f in self.figures() if f.status == status)

    @property
    def draft_count(self) -> int:
        return self.count(FigureStatus.DRAFT)

    @property
    def submitted_count(self) -> int:
        return self.count(FigureStatus.SUBMITTED)

    @property
    def confirmed_count(self) -> int:
        return self.count(FigureStatus.CONFIRMED)

    @property
    def missing(self) -> list[str]:
        names = [r.indicator.name for r in self.indicators if r.indicator.required and not r.figure]
        names += [r.group.name for r in self.groups if not r.figure or r.figure.demand is None]
        return names

    def submitted(self) -> list[MunicipalFigure | GroupFigure]:
        return [f for f in self.figures() if f.status == FigureStatus.SUBMITTED]


def year_figures(*, municipality: Municipality, year: int) -> YearFigures:
    """The figures of one municipality and year with last year's values (7 queries)."""
    indicators = indicator_list()
    groups = active_groups()
    municipal = {
        f.indicator_id: f
        for f in MunicipalFigure.objects.filter(
            municipality=municipality, year=year
        ).select_related("updated_by", "submitted_by", "confirmed_by")
    }
    grouped = {
        g.group_id: g
        for g in GroupFigure.objects.filter(municipality=municipality, year=year).select_related(
            "updated_by", "submitted_by", "confirmed_by"
        )
    }
    previous_m = dict(
        MunicipalFigure.objects.filter(municipality=municipality, year=year - 1).values_list(
            "indicator_id", "value"
        )
    )
    previous_g = {
        gid: dict(zip(v.GROUP_FIELDS, numbers, strict=True))
        for gid, *numbers in GroupFigure.objects.filter(
            municipality=municipality, year=year - 1
        ).values_list("group_id", *v.GROUP_FIELDS)
    }
    unlock = (
        FigureUnlock.objects.filter(municipality=municipality, year=year, closed_at__isnull=True)
        .select_related("unlocked_by")
        .first()
    )
    year_locked = year in locked_years()
    labels = {i.code: i.name for i in indicators}
    for g in groups:
        labels[g.code] = g.name
        labels.update({f"{g.code}.{n}": group_field_label(g, n) for n in v.GROUP_FIELDS})
    acknowledgements = list(
        WarningAcknowledgement.objects.filter(municipality=municipality, year=year).select_related(
            "acknowledged_by"
        )
    )
    for ack in acknowledgements:
        ack.label = labels.get(ack.field, ack.field)  # type: ignore[attr-defined]
    return YearFigures(
        municipality=municipality,
        year=year,
        indicators=[IndicatorRow(i, municipal.get(i.pk), previous_m.get(i.pk)) for i in indicators],
        groups=[GroupRow(g, grouped.get(g.pk), previous_g.get(g.pk, {})) for g in groups],
        acknowledgements=acknowledgements,
        locked=year_locked and unlock is None,
        year_locked=year_locked,
        unlock=unlock,
    )


# --- Completeness ----------------------------------------------------------------------------


@dataclass
class CompletenessRow:
    municipality: Municipality
    general: str
    groups: list[str]

    @property
    def overall(self) -> str:
        return min([self.general, *self.groups], key=lambda s: STATUS_ORDER[s])

    @property
    def complete(self) -> bool:
        return self.overall == FigureStatus.CONFIRMED


@dataclass
class Completeness:
    year: int
    groups: list[TargetGroup]
    rows: list[CompletenessRow]
    round: RoundInfo | None
    last_reminder: ReminderLog | None

    def totals(self) -> dict[str, int]:
        counts = {s: 0 for s in STATUS_ORDER}
        for row in self.rows:
            counts[row.overall] += 1
        return counts

    @property
    def incomplete(self) -> list[CompletenessRow]:
        return [r for r in self.rows if not r.complete]


def _weakest(statuses: Iterable[str]) -> str:
    return min(statuses, key=lambda s: STATUS_ORDER[s], default="missing")


def completeness(
    *, year: int, subregion_id: int | None = None, round_info: RoundInfo | None = None
) -> Completeness:
    """Per municipality: general figures and each group missing / draft / submitted /
    confirmed (7 queries)."""
    municipalities = Municipality.objects.select_related("subregion").order_by("name")
    if subregion_id is not None:
        municipalities = municipalities.filter(subregion_id=subregion_id)
    municipality_list = list(municipalities)
    indicators = indicator_list()
    required = {i.code for i in indicators if i.required}
    groups = active_groups()
    general: dict[int, dict[str, str]] = defaultdict(dict)
    for mid, code, status in MunicipalFigure.objects.filter(year=year).values_list(
        "municipality_id", "indicator__code", "status"
    ):
        general[mid][code] = status
    grouped: dict[int, dict[int, str]] = defaultdict(dict)
    for mid, gid, status in GroupFigure.objects.filter(year=year, demand__isnull=False).values_list(
        "municipality_id", "group_id", "status"
    ):
        grouped[mid][gid] = status
    rows = []
    for m in municipality_list:
        statuses = general.get(m.pk, {})
        general_status = "missing" if not required <= set(statuses) else _weakest(statuses.values())
        rows.append(
            CompletenessRow(
                municipality=m,
                general=general_status,
                groups=[grouped.get(m.pk, {}).get(g.pk, "missing") for g in groups],
            )
        )
    return Completeness(
        year=year,
        groups=groups,
        rows=rows,
        round=round_info or current_round(),
        last_reminder=ReminderLog.objects.filter(year=year).select_related("sent_by").first(),
    )


def officers_of(municipality_ids: Iterable[int]) -> dict[int, list[Any]]:
    """The policy officers (active, with an e-mail address) per municipality id."""
    result: dict[int, list[Any]] = defaultdict(list)
    for membership in Membership.objects.filter(
        role=Role.OFFICER,
        municipality_id__in=list(municipality_ids),
        user__is_active=True,
    ).select_related("user"):
        if membership.user.email and membership.municipality_id is not None:
            result[membership.municipality_id].append(membership.user)
    return result


# --- Audit trail -----------------------------------------------------------------------------


@dataclass
class AuditEntry:
    when: datetime
    who: str
    label: str
    year: int
    row_key: str
    action: str
    changes: list[tuple[str, str, str]]  # (what, old, new)
    comment: str
    reason: str


def _name(user: Any) -> str:
    if user is None:
        return _("system")
    return str(user.get_full_name() or user.username)


def _fmt(value: Any) -> str:
    from django.utils import formats

    if value is None or value == "":
        return "–"
    if isinstance(value, Decimal):
        return str(formats.number_format(value.normalize(), use_l10n=True, force_grouping=True))
    if isinstance(value, int):
        return str(formats.number_format(value, use_l10n=True, force_grouping=True))
    if isinstance(value, date):
        return str(formats.date_format(value, "SHORT_DATE_FORMAT"))
    return str(value)


def describe_reason(reason: str | None) -> str:
    """The stored change reason (a short code, see figures.services) in words."""
    if not reason:
        return ""
    kind, _sep, detail = reason.partition(":")
    texts = {
        "form": _("entered in the form"),
        "api": _("entered through the API"),
        "import": _("imported from %(file)s"),
        "submit": _("submitted"),
        "confirm": _("confirmed (four eyes)"),
        "return": _("sent back: %(file)s"),
    }
    text = texts.get(kind)
    if text is None:
        return reason
    return text % {"file": detail.strip()} if "%(file)s" in text else text


def _status_label(status: str) -> str:
    return str(FigureStatus(status).label) if status in FigureStatus.values else status


def audit_trail(
    *, municipality: Municipality, year: int | None = None, row_key: str | None = None
) -> list[AuditEntry]:
    """Every change to the figures of a municipality (optionally one year and one figure),
    newest first: who, when, old and new value, source, comment and reason (5 queries)."""
    entries: list[AuditEntry] = []
    labels: dict[str, str] = {i.code: i.name for i in indicator_list()}
    hm = MunicipalFigure.history.model.objects.filter(municipality_id=municipality.pk)  # type: ignore[attr-defined]
    hg = GroupFigure.history.model.objects.filter(municipality_id=municipality.pk)  # type: ignore[attr-defined]
    if year is not None:
        hm, hg = hm.filter(year=year), hg.filter(year=year)
    if row_key is not None:
        hm, hg = hm.filter(indicator__code=row_key), hg.filter(group__code=row_key)
    tracked_m = [
        ("value", _("value")),
        ("source", _("source")),
        ("reference_date", _("reference date")),
    ]
    tracked_g = [
        ("demand", _("demand")),
        ("existing_effort", _("existing effort")),
        ("realised", _("realised")),
        ("source", _("source")),
        ("reference_date", _("reference date")),
    ]
    for records, tracked, key_attr in (
        (
            hm.select_related("history_user", "indicator").order_by(
                "id", "history_date", "history_id"
            ),
            tracked_m,
            "indicator",
        ),
        (
            hg.select_related("history_user", "group").order_by("id", "history_date", "history_id"),
            tracked_g,
            "group",
        ),
    ):
        previous: dict[int, Any] = {}
        for record in records:
            related = getattr(record, key_attr)
            prev = previous.get(record.id)
            changes = []
            for attr, what in tracked:
                old = getattr(prev, attr) if prev is not None else None
                new = getattr(record, attr)
                if prev is None and new in (None, ""):
                    continue
                if prev is None or old != new:
                    changes.append((str(what), _fmt(old), _fmt(new)))
            if prev is not None and prev.status != record.status:
                changes.append(
                    (str(_("status")), _status_label(prev.status), _status_label(record.status))
                )
            if record.history_type == "+":
                action = _("created")
            elif record.history_type == "-":
                action = _("deleted")
            elif prev is not None and prev.status != record.status:
                action = {
                    FigureStatus.SUBMITTED: _("submitted"),
                    FigureStatus.CONFIRMED: _("confirmed"),
                    FigureStatus.DRAFT: _("back to draft"),
                }.get(record.status, _("changed"))
                if record.status == FigureStatus.DRAFT and any(
                    c[0] not in (str(_("status")),) for c in changes
                ):
                    action = _("changed")
            else:
                action = _("changed")
            entries.append(
                AuditEntry(
                    when=record.history_date,
                    who=_name(record.history_user),
                    label=related.name if related is not None else "?",
                    year=record.year,
                    row_key=related.code if related is not None else "",
                    action=str(action),
                    changes=changes,
                    comment=record.comment,
                    reason=describe_reason(record.history_change_reason),
                )
            )
            previous[record.id] = record
    if row_key is None:
        unlocks = FigureUnlock.objects.filter(municipality=municipality).select_related(
            "unlocked_by"
        )
        if year is not None:
            unlocks = unlocks.filter(year=year)
        for unlock in unlocks:
            entries.append(
                AuditEntry(
                    when=unlock.unlocked_at,
                    who=_name(unlock.unlocked_by),
                    label=_("all figures"),
                    year=unlock.year,
                    row_key="",
                    action=str(_("unlocked")),
                    changes=[],
                    comment=unlock.reason,
                    reason="",
                )
            )
    acks = WarningAcknowledgement.objects.filter(municipality=municipality).select_related(
        "acknowledged_by"
    )
    if year is not None:
        acks = acks.filter(year=year)
    for ack in acks:
        ack_row = v.row_of(ack.field)
        if row_key is not None and ack_row != row_key:
            continue
        entries.append(
            AuditEntry(
                when=ack.acknowledged_at,
                who=_name(ack.acknowledged_by),
                label=labels.get(ack_row, ack_row),
                year=ack.year,
                row_key=ack_row,
                action=str(_("warning %(code)s checked") % {"code": ack.code}),
                changes=[],
                comment=ack.comment,
                reason="",
            )
        )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


# --- Export and pending uploads ---------------------------------------------------------------


def export_figures(
    *, municipalities: list[Municipality], year: int
) -> tuple[list[Indicator], list[TargetGroup], dict[tuple[int, str], Any]]:
    """The figures for a template: indicators, groups and figures by (municipality, row key)."""
    indicators = indicator_list()
    groups = active_groups()
    ids = [m.pk for m in municipalities]
    figures: dict[tuple[int, str], Any] = {}
    for f in MunicipalFigure.objects.filter(municipality_id__in=ids, year=year).select_related(
        "indicator"
    ):
        figures[(f.municipality_id, f.indicator.code)] = f
    for g in GroupFigure.objects.filter(municipality_id__in=ids, year=year).select_related("group"):
        figures[(g.municipality_id, g.group.code)] = g
    return indicators, groups, figures


def pending_import_get(*, pk: int, user: Any) -> PendingImport | None:
    """A user's own upload that waits for confirmation; None for anyone else's."""
    return PendingImport.objects.filter(pk=pk, uploaded_by=user).first()


def municipalities_by_code() -> dict[str, Municipality]:
    return {m.cbs_code: m for m in Municipality.objects.select_related("subregion")}


def subregion_municipalities(subregion_id: int) -> QuerySet[Municipality]:
    return Municipality.objects.filter(subregion_id=subregion_id).order_by("name")


# --- Preview of an upload ---------------------------------------------------------------------


@dataclass
class PreviewWarning:
    cbs: str
    year: int
    issue: v.Issue
    comment: str  # from the column Toelichting, as a first suggestion
    acknowledged: bool  # earlier, with the same values

    @property
    def name(self) -> str:
        return f"ack-{self.cbs}-{self.year}-{self.issue.code}-{self.issue.field}"


@dataclass
class PreviewChange:
    municipality: Municipality
    year: int
    change: RowChange
    location: v.Location | None


@dataclass
class UploadPreview:
    issues: list[v.Issue]
    warnings: list[PreviewWarning]
    changes: list[PreviewChange]
    digest: str
    municipality_count: int

    @property
    def errors(self) -> list[v.Issue]:
        return [i for i in self.issues if i.is_error]

    @property
    def open_warnings(self) -> list[PreviewWarning]:
        return [w for w in self.warnings if not w.acknowledged]

    @property
    def ok_to_store(self) -> bool:
        """No errors: the upload can wait for its confirmation (warnings need comments)."""
        return not self.errors


def _sort_key(issue: v.Issue) -> tuple[str, int, int, str]:
    loc = issue.location or v.Location("")
    return (loc.sheet, loc.row or 0, len(loc.column), loc.column)


def upload_preview(
    *,
    rows: list[Any],
    file_issues: list[v.Issue],
    acknowledgements: dict[tuple[str, int], dict[tuple[str, str], str]] | None = None,
) -> UploadPreview:
    """Every change an upload would make (old → new), with all its errors and warnings by
    sheet, row and column. A fixed number of queries, however many municipalities."""
    from .importing import build_requests, locate

    by_code = municipalities_by_code()
    groups = {g.code: g.name for g in active_groups()}
    requests = build_requests(rows, labels=groups)
    targets = [(by_code[cbs], year) for cbs, year in requests.by_target]
    snapshot = FigureSnapshot(
        municipalities=[m for m, _y in targets], years={y for _m, y in targets}, for_update=False
    )
    issues = list(file_issues)
    warnings: list[PreviewWarning] = []
    changes: list[PreviewChange] = []
    for (cbs, year), request in requests.by_target.items():
        request.acknowledgements = (acknowledgements or {}).get((cbs, year), {})
        municipality = by_code[cbs]
        ev = evaluate_changes(snapshot, municipality=municipality, year=year, request=request)
        located = [locate(i, cbs=cbs, year=year, locations=requests.locations) for i in ev.issues]
        issues += located
        open_keys = {i.key for i in ev.unacknowledged}
        for issue in located:
            if issue.is_warning:
                warnings.append(
                    PreviewWarning(
                        cbs,
                        year,
                        issue,
                        ev.acknowledged.get(issue.key)
                        or requests.comments.get((cbs, year, v.row_of(issue.field)), ""),
                        # Explained earlier for the same values: no new comment needed.
                        acknowledged=issue.key not in open_keys
                        and issue.key not in ev.acknowledged,
                    )
                )
        for change in ev.changes:
            changes.append(
                PreviewChange(
                    municipality,
                    year,
                    change,
                    requests.locations.get((cbs, year, change.key, "value")),
                )
            )
    issues.sort(key=_sort_key)
    warnings.sort(key=lambda w: _sort_key(w.issue))
    return UploadPreview(
        issues=issues,
        warnings=warnings,
        changes=changes,
        digest=snapshot.state_digest((m.pk, y) for m, y in targets),
        municipality_count=len(targets),
    )


@dataclass
class MunicipalityYear:
    year: int
    indicators: list[MunicipalFigure]
    groups: list[Any]


def municipality_figures_by_year(
    *, municipality: Municipality, include_unconfirmed: bool
) -> list[MunicipalityYear]:
    """All figures of one municipality grouped by year, newest first (2 queries).

    Unconfirmed (draft or submitted) figures are left out unless the caller may see them.
    """
    figures = MunicipalFigure.objects.filter(municipality=municipality).select_related("indicator")
    if not include_unconfirmed:
        figures = figures.filter(status=FigureStatus.CONFIRMED)
    group_rows = group_figures_for_municipality(
        municipality=municipality, include_unconfirmed=include_unconfirmed
    )
    years: dict[int, MunicipalityYear] = {}
    for f in figures.order_by("-year", "indicator__position"):
        years.setdefault(f.year, MunicipalityYear(f.year, [], [])).indicators.append(f)
    for g in group_rows:
        years.setdefault(g.year, MunicipalityYear(g.year, [], [])).groups.append(g)
    return [years[y] for y in sorted(years, reverse=True)]
