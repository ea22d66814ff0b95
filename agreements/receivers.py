"""Receivers: changes in lower apps void approvals whose inputs differ now (DOMAIN.md 6)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from allocation.models import Round
from allocation.signals import scenario_changed
from figures.signals import figures_changed
from municipalities.signals import municipal_figures_changed

from . import services


@receiver(figures_changed, dispatch_uid="agreements.figures_changed")
@receiver(municipal_figures_changed, dispatch_uid="agreements.municipal_figures_changed")
def _on_figures_changed(sender: Any, *, reference_year: int, **kwargs: Any) -> None:
    services.review_inputs_changed(reference_year=reference_year)


@receiver(scenario_changed, dispatch_uid="agreements.scenario_changed")
def _on_scenario_changed(sender: Any, *, round_: Round, **kwargs: Any) -> None:
    services.review_recheck(round_=round_)
