"""Partners' answers to signals of lower apps (registered in `PartnersConfig.ready`).

Lower apps do not import partners: figures sends `figures_confirmed` inside the
confirmation's transaction, and a care provider's confirmed clients ready to move on become
a group's demand here (issue 15). Receivers only call services.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from municipalities.models import Municipality

from . import care_services


def care_clients_become_demand(
    sender: Any,
    *,
    municipality: Municipality,
    year: int,
    user: Any,
    figures: list[Any],
    at: datetime,
    **kwargs: Any,
) -> None:
    """Confirmed clients ready to move on become the demand of the homeless and
    institution-leaver groups (an error undoes the whole confirmation)."""
    care_services.care_demand_feed(
        municipality=municipality, year=year, figures=figures, user=user, at=at
    )
