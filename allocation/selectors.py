"""Reads of rounds, scenarios and results."""

from __future__ import annotations

from .models import FIGURE_LOCKING_STATUSES, Round


def locked_reference_years() -> set[int]:
    """Reference years whose confirmed figures are locked: a round is computing or in review."""
    return set(
        Round.objects.filter(status__in=FIGURE_LOCKING_STATUSES).values_list(
            "reference_year", flat=True
        )
    )
