from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from accounts.models import Membership, Role
from allocation.models import Round
from monitoring import services
from monitoring.validation import quarter_end
from municipalities.models import Municipality


def officer_of(code: str) -> Any:
    """An extra policy officer of a municipality (the demo has them for Haarlem only)."""
    municipality = Municipality.objects.get(cbs_code=code)
    user, _ = get_user_model().objects.get_or_create(username=f"officer.{code.lower()}")
    Membership.objects.get_or_create(
        user=user, defaults={"role": Role.OFFICER, "municipality": municipality}
    )
    return user


def confirmed(
    round_: Round, code: str, year: int, quarter: int, values: dict[str, int], users: Any = None
) -> None:
    """Enter, submit and confirm one quarter: an officer enters, the programme team confirms."""
    municipality = Municipality.objects.get(cbs_code=code)
    first, second = users or (
        officer_of(code),
        get_user_model().objects.get(username="programma"),
    )
    kwargs = {"round_": round_, "municipality": municipality, "year": year, "quarter": quarter}
    when = quarter_end(year, quarter)
    services.realisations_save_draft(
        values={
            g: services.RealisationInput(realised=str(n), source="Registratie", reference_date=when)
            for g, n in values.items()
        },
        user=first,
        **kwargs,
    )
    services.realisations_submit(user=first, **kwargs)
    services.realisations_confirm(user=second, **kwargs)
