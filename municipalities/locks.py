"""Which reference years are locked, for writers in this app (the CBS loader).

A year is locked while a round with that reference year is computing or in review: its
figures are the inputs the steering group is looking at. Rounds live in the allocation app,
far above this one, so allocation registers its answer when it starts
(``AllocationConfig.ready``). Without a registration no year is locked.
"""

from __future__ import annotations

from collections.abc import Callable

_locked_years: Callable[[], set[int]] | None = None


def locked_years_register(source: Callable[[], set[int]]) -> None:
    global _locked_years  # noqa: PLW0603 - the one registration at start
    _locked_years = source


def locked_years() -> set[int]:
    return _locked_years() if _locked_years is not None else set()
