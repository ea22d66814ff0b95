"""Typed errors of the allocation engine.

Every error is a ``ValueError`` with a ``field`` (the input path it is about, or ``None``)
and an English ``message``. ``str(error)`` gives one line: ``"<field>: <message>"``.

This module is the bottom layer of the engine: it imports nothing from the engine, so that
every other module may import it (``errors`` <- ``numbers`` <- ``types`` <- the rest).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Protocol


class TieLike(Protocol):
    """What :class:`TieRefused` needs of a tie; :class:`allocation.engine.types.Tie` fits.

    A protocol rather than an import of ``types.Tie``, so that this module stays at the
    bottom of the engine's layers.
    """

    @property
    def stage(self) -> str: ...
    @property
    def subregion(self) -> str | None: ...
    @property
    def method(self) -> str: ...
    @property
    def measure(self) -> str: ...
    @property
    def value(self) -> tuple[int, Fraction]: ...
    @property
    def tied(self) -> tuple[str, ...]: ...
    @property
    def winners(self) -> tuple[str, ...]: ...
    @property
    def losers(self) -> tuple[str, ...]: ...
    @property
    def seats(self) -> int: ...
    @property
    def rule(self) -> str: ...


class EngineError(ValueError):
    """Base class of every error the engine raises on purpose."""

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
        """A stable code for the app to explain the error in its own words, or None."""

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class InvalidInput(EngineError):
    """The input breaks the contract (missing field, wrong type, negative number, ...)."""


class Infeasible(EngineError):
    """The bounds cannot be met with the given total.

    ``bound`` is ``"lower"``, ``"upper"`` or ``"integer"`` (the whole-number bounds
    ceil(l_i) and floor(u_i) clash); ``codes`` names the municipalities (or sub-regions)
    involved.
    """

    def __init__(
        self,
        message: str,
        *,
        bound: str,
        codes: Sequence[str] = (),
        field: str | None = None,
    ) -> None:
        super().__init__(message, field=field)
        self.bound = bound
        self.codes = tuple(codes)


class TieRefused(EngineError):
    """Strict mode: an exact tie decides a seat, so the engine refuses to pick a winner."""

    def __init__(self, message: str, *, ties: Sequence[TieLike], field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.ties: tuple[TieLike, ...] = tuple(ties)
