"""Port: partners' acknowledgements of an adopted agreement, for the PDF's party list.

The partners app (above reports) registers its source at start (partners.apps); reports
never imports it. Without a source the party list shows no acknowledgements.
"""

from __future__ import annotations

from typing import Any, Protocol


class Source(Protocol):
    def for_round(self, round_: Any, subregion_id: int | None) -> dict[str, str]:
        """Per party name, the line that says who acknowledged the agreement and when."""
        ...


_source: Source | None = None


def source_register(source: Source) -> None:
    global _source  # noqa: PLW0603 - the one registration at start
    _source = source


def for_round(round_: Any, subregion_id: int | None) -> dict[str, str]:
    return _source.for_round(round_, subregion_id) if _source is not None else {}
