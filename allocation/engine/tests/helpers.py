"""Small builders shared by the engine tests."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from allocation.engine import AllocationInput, AllocationResult, Municipality, allocate


def population_input(
    populations: Mapping[str, int], total: int, method: str, **settings: Any
) -> AllocationInput:
    """A one-indicator input: the key is the population share."""
    municipalities = tuple(
        Municipality(code=name, name=name, subregion="all", indicators={"population": pop})
        for name, pop in populations.items()
    )
    return AllocationInput(
        total=total,
        municipalities=municipalities,
        weights={"population": Fraction(1)},
        method=method,
        **settings,
    )


def apportion_population(
    populations: Mapping[str, int], total: int, method: str, **settings: Any
) -> dict[str, int]:
    """Whole numbers per name for a pure population key."""
    result: AllocationResult = allocate(population_input(populations, total, method, **settings))
    return result.allocations()
