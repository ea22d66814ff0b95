"""Reads of target groups and their figures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from core.models import FigureStatus
from municipalities.models import Indicator

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


def groups_with_keys() -> list[TargetGroup]:
    """The active groups, each with ``default_key``: (indicator name, weight in percent)
    of its default weights, for the groups page (2 queries)."""
    names = {i.code: i.name for i in Indicator.objects.all()}
    groups = list(target_group_list().select_related("default_effort_indicator"))
    for group in groups:
        group.default_key = [  # type: ignore[attr-defined]
            (names.get(code, code), weight * 100)
            for code, weight in group.default_weight_fractions().items()
        ]
    return groups
