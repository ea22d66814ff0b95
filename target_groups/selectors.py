"""Reads of target groups and their figures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from core.models import FigureStatus

from .models import GroupFigure, TargetGroup

if TYPE_CHECKING:
    from municipalities.models import Municipality


def target_group_list(*, active_only: bool = True) -> QuerySet[TargetGroup]:
    qs = TargetGroup.objects.all()
    if active_only:
        qs = qs.filter(active=True)
    return qs.order_by("position", "code")


def group_figures_for_municipality(
    *, municipality: Municipality, include_unconfirmed: bool
) -> QuerySet[GroupFigure]:
    qs = GroupFigure.objects.filter(municipality=municipality).select_related("group")
    if not include_unconfirmed:
        qs = qs.filter(status=FigureStatus.CONFIRMED)
    return qs.order_by("-year", "group__position")
