"""Factories for rounds and scenarios. Scenarios go through the service, as in the app."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import factory

from allocation import services
from allocation.models import Round, Scenario


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    name = factory.Sequence(lambda n: f"Afspraken test {n}")
    period_start = datetime.date(2026, 1, 1)
    period_end = datetime.date(2027, 12, 31)
    reference_year = 2024


def scenario_for(
    round_: Round,
    *,
    name: str = "Inwoners",
    groups: tuple[str, ...] | None = None,
    user: Any = None,
    **group_settings: Any,
) -> Scenario:
    """A scenario with the given settings for `groups` (default: every active group).

    Groups left out of `groups` are not computed. `weights` are fractions (Decimal("0.5")).
    """
    from target_groups.models import TargetGroup

    codes = list(TargetGroup.objects.filter(active=True).values_list("code", flat=True))
    chosen = set(codes if groups is None else groups)
    group_settings.setdefault("weights", {"population": Decimal(1)})
    settings = [
        services.GroupSettingInput(group_code=code, included=code in chosen, **group_settings)
        for code in codes
    ]
    return services.scenario_create(round_=round_, name=name, settings=settings, user=user)
