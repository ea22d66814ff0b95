"""Plain dataclasses in and out of the engine. All amounts are exact ``Fraction``s.

Imports only :mod:`allocation.engine.numbers` (and through it ``errors``) from the engine.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from allocation.engine.numbers import decimal_str, to_fraction, to_int

METHODS = ("hamilton", "sainte-lague", "dhondt", "huntington-hill", "statutory", "local")
"""Methods the engine knows: four rounding methods, the statutory task and ``local``.

``local`` (*waar de vraag ontstaat*) gives every municipality its own demand, no
redistribution (DOMAIN.md 3)."""

DIVISOR_METHODS = ("sainte-lague", "dhondt", "huntington-hill")

POPULATION = "population"
"""Indicator name used for per-1,000 figures, the population share and ``statutory``."""

MUTATIONS = "mutations"
"""Indicator name of the yearly vacated social rental dwellings (fairness read-outs)."""

Priority = tuple[int, Fraction]
"""A rounding claim: ``(1, 0)`` is infinite (Huntington-Hill's first seat), else ``(0, v)``."""


NoteValue = int | str | Fraction | tuple[str, ...] | None
"""A note's parameter: exact (a ``Fraction``, never a float), a name or a list of names."""


@dataclass(frozen=True)
class Note:
    """A warning or the account of a rounding decision as a stable code with its parameters.

    ``code`` never changes meaning (the web app renders it in Dutch or English from the code
    and ``params``); ``text`` is the English sentence of the batch output, kept as it was.
    """

    code: str
    params: Mapping[str, NoteValue]
    text: str

    def __str__(self) -> str:
        return self.text

    def to_dict(self) -> dict[str, object]:
        """``{"code": ..., "params": {...}}`` as plain JSON values: a ``Fraction`` as a decimal
        string with 10 decimals, a tuple as a list."""
        params: dict[str, object] = {}
        for key, value in sorted(self.params.items()):
            if isinstance(value, Fraction):
                params[key] = decimal_str(value)
            elif isinstance(value, tuple):
                params[key] = list(value)
            else:
                params[key] = value
        return {"code": self.code, "params": params}


def _frac_or_none(value: object, field_name: str) -> Fraction | None:
    return None if value is None else to_fraction(value, field=field_name)


@dataclass(frozen=True)
class Municipality:
    """One municipality's figures for one group and round.

    Numbers may be given as ``int``, ``Decimal``, decimal ``str``, ``float`` or
    ``Fraction``; they are stored as ``Fraction``.
    """

    code: str
    name: str
    subregion: str = ""
    indicators: Mapping[str, Fraction] = field(default_factory=dict)
    existing_effort: Fraction = Fraction(0)
    lower: Fraction | None = None
    upper: Fraction | None = None
    backlog: int = 0
    demand: int | None = None
    """The municipality's own demand for the period (whole number); method ``local``."""

    def __post_init__(self) -> None:
        prefix = f"municipality {self.code}"
        indicators = {
            str(name): to_fraction(value, field=f"{prefix}.indicators.{name}")
            for name, value in dict(self.indicators).items()
        }
        object.__setattr__(self, "indicators", indicators)
        object.__setattr__(
            self,
            "existing_effort",
            to_fraction(self.existing_effort, field=f"{prefix}.existing_effort"),
        )
        object.__setattr__(self, "lower", _frac_or_none(self.lower, f"{prefix}.lower"))
        object.__setattr__(self, "upper", _frac_or_none(self.upper, f"{prefix}.upper"))
        object.__setattr__(self, "backlog", to_int(self.backlog, field=f"{prefix}.backlog"))
        if self.demand is not None:
            object.__setattr__(self, "demand", to_int(self.demand, field=f"{prefix}.demand"))


@dataclass(frozen=True)
class StatutoryParams:
    """Huisvestingswet 2014 art. 29 for one half-year: national total and national population.

    ``label`` names the half-year (``"2026-H1"``); ``estimate`` marks a national total that
    is not yet published.
    """

    national_total: int
    national_population: int
    label: str | None = None
    estimate: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "national_total", to_int(self.national_total, field="statutory.national_total")
        )
        object.__setattr__(
            self,
            "national_population",
            to_int(self.national_population, field="statutory.national_population"),
        )


@dataclass(frozen=True)
class AllocationInput:
    """One allocation run: the regional task, the municipalities and the settings."""

    total: int | None
    municipalities: tuple[Municipality, ...]
    weights: Mapping[str, Fraction] = field(default_factory=dict)
    method: str = "hamilton"
    two_tier: bool = False
    strict_ties: bool = False
    credit_factor: Fraction = Fraction(0)
    max_credit_fraction: Fraction | None = None
    statutory: StatutoryParams | Sequence[StatutoryParams] | None = None
    """One half-year (an object), or one per half-year of the period (stored as a tuple)."""
    household_size: Fraction | None = None
    subregion_weights: Mapping[str, Mapping[str, Fraction]] = field(default_factory=dict)
    """Two-tier maatwerk: a sub-region's own inner key {sub-region: {indicator: weight}}.

    The region's key sets the sub-region totals N_r; a sub-region listed here spreads its
    N_r over its municipalities with its own key (without one, the region's key is used)."""

    def __post_init__(self) -> None:
        if isinstance(self.statutory, Sequence):
            object.__setattr__(self, "statutory", tuple(self.statutory))
        if self.total is not None:
            object.__setattr__(self, "total", to_int(self.total, field="total"))
        object.__setattr__(self, "municipalities", tuple(self.municipalities))
        weights = {
            str(name): to_fraction(value, field=f"weights.{name}")
            for name, value in dict(self.weights).items()
        }
        object.__setattr__(self, "weights", weights)
        object.__setattr__(
            self, "credit_factor", to_fraction(self.credit_factor, field="credit_factor")
        )
        object.__setattr__(
            self,
            "max_credit_fraction",
            _frac_or_none(self.max_credit_fraction, "max_credit_fraction"),
        )
        object.__setattr__(
            self, "household_size", _frac_or_none(self.household_size, "household_size")
        )
        inner = {
            str(region): {
                str(name): to_fraction(value, field=f"subregion_weights.{region}.{name}")
                for name, value in dict(region_weights).items()
            }
            for region, region_weights in dict(self.subregion_weights).items()
        }
        object.__setattr__(self, "subregion_weights", inner)

    @property
    def statutory_half_years(self) -> tuple[StatutoryParams, ...]:
        """The statutory parameters as a tuple of half-years (empty when there are none)."""
        if self.statutory is None:
            return ()
        if isinstance(self.statutory, StatutoryParams):
            return (self.statutory,)
        return tuple(self.statutory)

    @property
    def statutory_is_list(self) -> bool:
        """True when ``statutory`` was given as a list of half-years."""
        return self.statutory is not None and not isinstance(self.statutory, StatutoryParams)


@dataclass(frozen=True)
class Tie:
    """An exact tie at the cut that decided who got the last seat(s) of a rounding stage."""

    stage: str
    """``"subregions"`` (two-tier upper stage) or ``"municipalities"``."""
    subregion: str | None
    """The sub-region rounded inside (two-tier), else ``None``."""
    method: str
    measure: str
    """``"remainder"`` (hamilton) or ``"priority"`` (divisor methods)."""
    value: Priority
    tied: tuple[str, ...]
    """Every unit with a claim at the tied value, in tie-break order."""
    winners: tuple[str, ...]
    losers: tuple[str, ...]
    seats: int
    """How many seats were handed out among the tied claims."""
    rule: str


@dataclass(frozen=True)
class RoundingInfo:
    """How one unit's whole number came about."""

    floor: int
    """floor of the quota."""
    remainder: Fraction
    """quota - floor(quota)."""
    last_priority: Priority | None
    """Claim of the last seat the unit got in the free part (above its lower bound)."""
    next_priority: Priority | None
    """Claim of the seat it would get next (None at its upper bound)."""
    rank: int
    """Hamilton: rank of the remainder (1 = largest); divisor methods: rank of the next claim."""
    forced: str | None
    """``"lower"`` or ``"upper"`` when a whole-number bound fixed the result."""
    decision: str
    reason: Note | None = None
    """The decision as a code with its parameters (``decision`` is its English text)."""


@dataclass(frozen=True)
class StatutoryTask:
    """One half-year's statutory task for one municipality: ceil(vg * p_i / P_NL)."""

    label: str | None
    estimate: bool
    """The half-year's national total is an estimate (not yet published)."""
    national_total: int
    national_population: int
    quota: Fraction
    """vg * p_i / P_NL, exact."""
    task: int
    """ceil(quota): the half-year rounded by itself, as the law does."""


@dataclass(frozen=True)
class MunicipalityResult:
    """Every step for one municipality, exact."""

    code: str
    name: str
    subregion: str
    indicators: Mapping[str, Fraction]
    key: Fraction
    """w_i = sum_k alpha_k x_ik / X_k."""
    uncorrected: Fraction
    """w_i * T."""
    existing_effort: Fraction
    credit: Fraction
    """c * e_i."""
    corrected: Fraction
    """q_i after credit and re-spreading (0 when zeroed)."""
    zeroed: bool
    """True when the municipality already does more than its share (q_i <= 0 -> 0)."""
    respread_round: int | None
    """Credit round in which it was set to 0 (1 = first pass)."""
    lower: Fraction | None
    """Effective lower bound l_i (explicit and/or max_credit_fraction)."""
    upper: Fraction | None
    bound_hit: str | None
    """``"lower"``/``"upper"`` when a_i sits on that bound at the regional step."""
    region_quota: Fraction
    """a_i from the regional step (Sigma = T)."""
    quota: Fraction
    """The quota that was rounded (two-tier: the quota inside the sub-region)."""
    subregion_bound_hit: str | None
    rounding: RoundingInfo
    allocation: int
    backlog: int
    total_with_backlog: int
    population: Fraction | None
    per_1000: Fraction | None
    population_share: Fraction | None
    """T * p_i / Sigma p (a pure population key)."""
    difference_from_population_share: Fraction | None
    within_quota: bool
    """floor(quota) <= n_i <= ceil(quota)."""
    demand: int | None = None
    """The municipality's own demand (method ``local``: n_i = demand)."""
    statutory_tasks: tuple[StatutoryTask, ...] = ()
    """Method ``statutory``: the task per half-year; n_i is their sum."""
    inner_key: Fraction | None = None
    """Two-tier with an inner key of its sub-region: w_i^r = sum_k alpha^r_k x_ik / X^r_k."""
    inner_credit: Fraction | None = None
    """Two-tier with an inner key: the quota inside the sub-region after credit (Sigma = N_r)."""


@dataclass(frozen=True)
class SubregionResult:
    """A sub-region's quota and whole number."""

    name: str
    codes: tuple[str, ...]
    quota: Fraction
    """A_r = sum of the regional a_i."""
    allocation: int
    lower: int
    """Whole-number lower bound used when rounding A_r (two-tier)."""
    upper: int | None
    lambda_: Fraction | None
    """lambda inside the sub-region (two-tier), else None."""
    rounding: RoundingInfo | None
    weights: Mapping[str, Fraction] | None = None
    """The sub-region's own inner key (two-tier maatwerk), else None (the region's key)."""
    indicator_totals: Mapping[str, Fraction] | None = None
    """With an inner key: the sub-region's total of each weighted indicator."""
    credit_rounds: int = 0
    """With an inner key: the credit rounds inside the sub-region."""


@dataclass(frozen=True)
class AllocationResult:
    """The outcome of :func:`allocation.engine.allocate`."""

    input: AllocationInput
    total: int | None
    allocated_total: int
    method: str
    two_tier: bool
    weights: Mapping[str, Fraction]
    indicator_totals: Mapping[str, Fraction]
    lambda_: Fraction | None
    credit_rounds: int
    municipalities: tuple[MunicipalityResult, ...]
    subregions: tuple[SubregionResult, ...]
    ties: tuple[Tie, ...]
    warnings: tuple[str, ...]
    notes: tuple[Note, ...] = ()
    """The warnings as codes with parameters, in the same order as ``warnings``."""

    def by_code(self) -> dict[str, MunicipalityResult]:
        """Municipality results keyed by code."""
        return {m.code: m for m in self.municipalities}

    def allocations(self) -> dict[str, int]:
        """Whole numbers keyed by code."""
        return {m.code: m.allocation for m in self.municipalities}
