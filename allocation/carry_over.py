"""What a run needs for the carry-over (DOMAIN.md 4, step 6) from the apps above allocation.

The agreed numbers and the realised numbers of the previous round live in the agreements and
monitoring apps, which import allocation; they plug in their answers when they start
(``MonitoringConfig.ready``), so that allocation never imports them. Without a source,
nothing is carried over.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .models import Round


class CarryOverSource(Protocol):
    def agreed_numbers(self, round_: Round) -> dict[str, dict[str, int]]:
        """Per group code and CBS code, what the round agreed (including a carried backlog)."""
        ...

    def realised_numbers(self, round_: Round) -> dict[tuple[str, str], int]:
        """Per (group code, CBS code), what was realised over the round's period."""
        ...


_source: CarryOverSource | None = None


def source_register(source: CarryOverSource) -> None:
    global _source
    _source = source


def agreed_numbers(round_: Round) -> dict[str, dict[str, int]]:
    return _source.agreed_numbers(round_) if _source is not None else {}


def realised_numbers(round_: Round) -> dict[tuple[str, str], int]:
    return _source.realised_numbers(round_) if _source is not None else {}
