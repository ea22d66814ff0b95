"""Receivers: an adopted round gets its PDF agreements scheduled."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from agreements.signals import round_adopted

from . import services


@receiver(round_adopted, dispatch_uid="reports.round_adopted")
def _on_round_adopted(sender: Any, *, round_id: int, **kwargs: Any) -> None:
    services.agreements_schedule(round_id=round_id)
