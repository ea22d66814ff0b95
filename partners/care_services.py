"""Writes for a care provider's figures (issue 15).

A care provider (zorgaanbieder) works in one sub-region. Per municipality of that sub-region
it enters its beds in shelter (MO) and places in sheltered housing (BW) at locations in the
municipality, and the clients ready to move on (uitstroomklare cliënten) who come from the
municipality (municipality of origin), with a source and a reference date. They are
municipal figures (`municipalities.MunicipalFigure`) like a corporation's: saved through the
rules of the figures app, submitted at once, and confirmed by an officer of the municipality
on its year page (`figures.services.figures_confirm`: four eyes across organisations, as the
care provider's person entered and submitted them).

What feeds what (docs/model.md, "Care providers' figures"): when the municipality's officer
confirms the clients ready to move on, `care_demand_feed` (called by `partners.receivers` on
figures' `figures_confirmed` signal, inside the confirmation's transaction) writes them as
the confirmed demand of a target group in that municipality and year: clients from shelter
(MO) for the homeless, clients from sheltered housing (BW) for the institution leavers. The
number on the reference date counts as the demand per year. A round whose regional task is
the sum of the municipalities' demand then reads it. Figures that are not confirmed never
count.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from core.models import FigureStatus
from figures import selectors as figure_selectors
from figures import services as figure_services
from figures.entries import ChangeRequest, IndicatorInput
from figures.selectors import Evaluation
from figures.signals import figures_changed
from municipalities.models import Indicator, MunicipalFigure, Municipality
from target_groups.models import GroupFigure, TargetGroup

log = logging.getLogger(__name__)

SHELTER_BEDS = "shelter_beds"
SHELTERED_HOUSING_PLACES = "sheltered_housing_places"
CLIENTS_READY_SHELTER = "clients_ready_shelter"
CLIENTS_READY_SHELTERED_HOUSING = "clients_ready_sheltered_housing"
CARE_INDICATORS = (
    SHELTER_BEDS,
    SHELTERED_HOUSING_PLACES,
    CLIENTS_READY_SHELTER,
    CLIENTS_READY_SHELTERED_HOUSING,
)
"""What a care provider enters per municipality of its sub-region: places at the location's
municipality, clients ready to move on at their municipality of origin."""

FEEDS: dict[str, str] = {
    CLIENTS_READY_SHELTER: "homeless",
    CLIENTS_READY_SHELTERED_HOUSING: "institution_leavers",
}
"""Which group's demand a confirmed number of clients ready to move on becomes."""
FED_GROUPS = tuple(FEEDS.values())

# Dutch, as every stored source: the clients' origin in the demand figure's source.
_FROM = {
    CLIENTS_READY_SHELTER: "uit de maatschappelijke opvang",
    CLIENTS_READY_SHELTERED_HOUSING: "uit het beschermd wonen",
}

_RELATIONS = ["municipality", "indicator", "updated_by", "submitted_by", "confirmed_by"]


def can_enter_care_figures(user: Any, municipality: Municipality) -> bool:
    """Enter and submit a care provider's figures: its people, for the municipalities of
    its sub-region only. (Built from accounts.access's partner rules; a candidate for
    accounts.access itself.)"""
    return access.has_role(user, access.Role.CARE_PROVIDER) and access.is_in_partner_area(
        user, municipality
    )


@dataclass(frozen=True)
class CareFigures:
    """One municipality's figures of a care provider: whole numbers, with their source."""

    shelter_beds: Decimal
    sheltered_housing_places: Decimal
    clients_ready_shelter: Decimal
    clients_ready_sheltered_housing: Decimal
    source: str
    reference_date: date
    explanation: str = ""  # acknowledges the rules' warnings, as an officer's comment does

    def values(self) -> dict[str, Decimal]:
        return {
            SHELTER_BEDS: self.shelter_beds,
            SHELTERED_HOUSING_PLACES: self.sheltered_housing_places,
            CLIENTS_READY_SHELTER: self.clients_ready_shelter,
            CLIENTS_READY_SHELTERED_HOUSING: self.clients_ready_sheltered_housing,
        }


def care_figures_submit(
    *, municipality: Municipality, year: int, figures: CareFigures, user: Any
) -> Evaluation:
    """A care provider enters and submits its figures for one municipality of its
    sub-region: saved through the same rules as an officer's form (all or nothing;
    FiguresRejected on an error, a locked year or a warning without an explanation), then
    these figures are submitted at once. An officer of the municipality confirms them.
    Who and when stay in the figures' history; the source is the care provider's."""
    if not can_enter_care_figures(user, municipality):
        raise PermissionDenied
    request = ChangeRequest(
        indicators=[
            IndicatorInput(
                code=code,
                value=value,
                source=figures.source,
                reference_date=figures.reference_date,
            )
            for code, value in figures.values().items()
        ]
    )
    explanation = figures.explanation.strip()
    if explanation:
        preview, _snapshot = figure_selectors.evaluate_one(
            municipality=municipality, year=year, request=request
        )
        request.acknowledgements = {(i.code, i.field): explanation for i in preview.warnings}
    with transaction.atomic():
        evaluation = figure_services.figures_save_draft(
            municipality=municipality, year=year, request=request, user=user, origin="partner"
        )
        drafts: Any = MunicipalFigure.objects.select_for_update().filter(
            municipality=municipality,
            year=year,
            indicator__code__in=CARE_INDICATORS,
            status=FigureStatus.DRAFT,
            updated_by=user,
        )
        for figure in drafts:  # typed Any: history attributes are set on the instance
            figure.status = FigureStatus.SUBMITTED
            figure.submitted_by = user
            figure.version += 1
            figure.full_clean(exclude=_RELATIONS)
            figure._history_user = user
            figure._change_reason = "submit:partner"
            figure.save()
    figures_changed.send(sender=CareFigures, reference_year=year)
    log.info(
        "care figures of %s %s submitted by %s", municipality.cbs_code, year, user.get_username()
    )
    return evaluation


# --- Confirmed clients ready to move on become a group's demand ---------------------------------


_FED_MARK = "uitstroomklare cliënten"  # in every source `demand_source` writes
_EFFORT_NOTE = "Bron van bestaande inzet en gerealiseerd:"


def _person(user: Any) -> str:
    if user is None:
        return "onbekend"
    return str(user.get_full_name() or user.get_username())


def _entered_by(user: Any) -> str:
    """Who entered the figure: "Zorgaanbieder <organisation>" for a care provider's person;
    else (an officer entered the clients in the figures form) the person."""
    membership = access.membership_of(user) if user is not None else None
    organisation = getattr(membership, "organisation", None) if membership else None
    if organisation is not None:
        return f"Zorgaanbieder {organisation.name}"
    return f"Ingevoerd door {_person(user)}"


def demand_source(
    figure: MunicipalFigure, *, code: str, confirmed_by: Any, confirmed_at: datetime
) -> str:
    """The demand figure's source: the care provider, the clients' origin and who confirmed
    when (Dutch, as every stored source)."""
    entered_by = figure.updated_by or figure.submitted_by
    when = timezone.localtime(confirmed_at).date()
    text = (
        f"{_entered_by(entered_by)}: {_FED_MARK} "
        f"{_FROM[code]} (bevestigd door {_person(confirmed_by)}, "
        f"{when.day}-{when.month}-{when.year})"
    )
    return text[:300]


def care_demand_feed(
    *, municipality: Municipality, year: int, figures: Iterable[Any], user: Any, at: datetime
) -> list[GroupFigure]:
    """The confirmed clients ready to move on among `figures` (just confirmed by `user`)
    become the confirmed demand of their group in this municipality and year: clients from
    shelter for the homeless, from sheltered housing for the institution leavers. The number
    on the reference date counts as the demand per year.

    Runs inside the confirmation's transaction (all or nothing). A demand figure the
    municipality entered itself is replaced (its history keeps the old value and source);
    its existing effort and realised numbers stay, with their source in the comment (and
    an illustrative mark, when they are demo values). A
    draft figure of the group is the officers' unfinished work: the confirmation is refused
    (WorkflowError) until they submit or finish it, so nothing unchecked gets confirmed."""
    codes = dict(Indicator.objects.filter(code__in=list(FEEDS)).values_list("pk", "code"))
    clients = [
        (codes[f.indicator_id], f)
        for f in figures
        if isinstance(f, MunicipalFigure)
        and f.status == FigureStatus.CONFIRMED
        and f.indicator_id in codes
    ]
    if not clients:
        return []
    groups = {g.code: g for g in TargetGroup.objects.filter(code__in=list(FEEDS.values()))}
    written: list[GroupFigure] = []
    for code, figure in clients:
        group = groups.get(FEEDS[code])
        if group is None:  # the group was removed: nothing to feed
            continue
        demand: Any = (
            GroupFigure.objects.select_for_update()
            .filter(municipality=municipality, group=group, year=year)
            .first()
        )
        if demand is not None and demand.status == FigureStatus.DRAFT:
            raise figure_services.WorkflowError(
                _(
                    "The figures of %(group)s of %(year)s are a draft. Submit them first: "
                    "confirming the clients ready to move on replaces their demand."
                )
                % {"group": group.name, "year": year}
            )
        source = demand_source(figure, code=code, confirmed_by=user, confirmed_at=at)
        if demand is None:
            demand = GroupFigure(
                municipality=municipality, group=group, year=year, version=0, comment=""
            )
        keeps_numbers = demand.existing_effort is not None or demand.realised is not None
        if keeps_numbers and _FED_MARK not in demand.source:
            # The municipality's own numbers stay; their source goes to the comment.
            demand.comment = f"{_EFFORT_NOTE} {demand.source}"
        demand.demand = int(figure.value)
        demand.source = source
        demand.reference_date = figure.reference_date
        demand.status = FigureStatus.CONFIRMED
        # Illustrative numbers that stay (demo existing effort) keep the row marked.
        demand.illustrative = demand.illustrative and keeps_numbers
        demand.updated_by = figure.updated_by
        demand.submitted_by = figure.submitted_by
        demand.confirmed_by = user
        demand.confirmed_at = at
        demand.version += 1
        demand.full_clean(exclude=[*_RELATIONS, "group"])
        demand._history_user = user
        demand._change_reason = "confirm:zorgaanbieder"
        demand.save()
        written.append(demand)
        log.info(
            "demand of %s in %s %s fed from confirmed clients ready to move on: %s",
            group.code,
            municipality.cbs_code,
            year,
            demand.demand,
        )
    return written
