"""The fair-share model (DOMAIN.md section 4): :func:`allocate` runs every step exactly."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from allocation.engine.bounds import capacity, solve_bounded
from allocation.engine.credit import apply_credit
from allocation.engine.errors import Infeasible, InvalidInput, TieRefused
from allocation.engine.key import compute_key, indicator_totals
from allocation.engine.numbers import ceil_fraction, decimal_str, floor_fraction
from allocation.engine.rounding import apportion, as_float, check_integer_bounds, claim_str
from allocation.engine.types import (
    METHODS,
    POPULATION,
    AllocationInput,
    AllocationResult,
    Municipality,
    MunicipalityResult,
    Note,
    RoundingInfo,
    StatutoryTask,
    SubregionResult,
    Tie,
)

MUNICIPALITY_TIE_RULE = "larger exact quota first, then larger {secondary}, then CBS code ascending"
SUBREGION_TIE_RULE = "larger exact quota first, then larger {secondary}, then name ascending"


def validate_input(inp: AllocationInput) -> None:
    """Check the semantic contract; raise :class:`InvalidInput` naming the field."""
    if inp.method not in METHODS:
        raise InvalidInput(
            f"unknown method {inp.method!r}; use one of {', '.join(METHODS)}", field="method"
        )
    statutory = inp.method == "statutory"
    local = inp.method == "local"
    if inp.total is None and not (statutory or local):
        raise InvalidInput("the total is required", field="total")
    if inp.total is not None and inp.total < 0:
        raise InvalidInput("must be 0 or more", field="total")
    if inp.total == 0 and not (statutory or local):
        raise InvalidInput(
            "is 0: there is nothing to allocate (check the group's demand figures)",
            field="total",
            code="total_zero",
        )
    if not inp.municipalities:
        raise InvalidInput("at least one municipality is required", field="municipalities")

    # Method local uses no weights: any given are ignored (the app may pass the scenario's).
    weights = {} if local else inp.weights
    for name, alpha in weights.items():
        if alpha < 0:
            raise InvalidInput("a weight cannot be negative", field=f"weights.{name}")
    weight_sum = sum(weights.values(), Fraction(0))
    if not local and (not statutory or weights) and weight_sum != 1:
        raise InvalidInput(
            f"the weights must add up to exactly 1, they add up to {decimal_str(weight_sum)}",
            field="weights",
        )
    if not 0 <= inp.credit_factor <= 1:
        raise InvalidInput("must lie between 0 and 1", field="credit_factor")
    m = inp.max_credit_fraction
    if m is not None and not 0 <= m <= 1:
        raise InvalidInput("must lie between 0 and 1", field="max_credit_fraction")
    if inp.household_size is not None and inp.household_size <= 0:
        raise InvalidInput("must be more than 0", field="household_size")

    if statutory:
        _validate_statutory(inp)
    weighted = [name for name, alpha in weights.items() if alpha > 0]
    half_years = inp.statutory_half_years
    seen: dict[str, int] = {}
    for index, muni in enumerate(inp.municipalities):
        prefix = f"municipalities[{index}]"
        if not muni.code:
            raise InvalidInput("the code is required", field=f"{prefix}.code")
        if muni.code in seen:
            raise InvalidInput(
                f"duplicate code {muni.code!r} (also municipalities[{seen[muni.code]}])",
                field=f"{prefix}.code",
            )
        seen[muni.code] = index
        if inp.two_tier and not muni.subregion:
            raise InvalidInput(
                "two-tier needs a sub-region for every municipality", field=f"{prefix}.subregion"
            )
        # The figures are Fractions (Municipality converts them): the sign is the
        # numerator's, which is much cheaper to read than a Fraction comparison.
        for name, value in muni.indicators.items():
            if value.numerator < 0:
                raise InvalidInput("cannot be negative", field=f"{prefix}.indicators.{name}")
        for name in weighted:
            if name not in muni.indicators:
                raise InvalidInput(
                    f"the weighted indicator {name!r} is missing for {muni.code}",
                    field=f"{prefix}.indicators.{name}",
                )
        if muni.existing_effort.numerator < 0:
            raise InvalidInput("cannot be negative", field=f"{prefix}.existing_effort")
        if muni.lower is not None and muni.lower.numerator < 0:
            raise InvalidInput("cannot be negative", field=f"{prefix}.lower")
        if muni.upper is not None and muni.upper.numerator < 0:
            raise InvalidInput("cannot be negative", field=f"{prefix}.upper")
        if muni.lower is not None and muni.upper is not None and muni.lower > muni.upper:
            raise InvalidInput(
                f"the lower bound {decimal_str(muni.lower)} exceeds the upper bound "
                f"{decimal_str(muni.upper)}",
                field=f"{prefix}.lower",
            )
        if muni.demand is not None and muni.demand < 0:
            raise InvalidInput("cannot be negative", field=f"{prefix}.demand")
        if local and muni.demand is None:
            raise InvalidInput(
                f"method local needs the own demand of every municipality ({muni.code})",
                field=f"{prefix}.demand",
            )
        if statutory:
            if POPULATION not in muni.indicators:
                raise InvalidInput(
                    "method statutory needs the population of every municipality",
                    field=f"{prefix}.indicators.{POPULATION}",
                )
            for h, params in enumerate(half_years):
                if muni.indicators[POPULATION] > params.national_population:
                    where = f" of {statutory_field(inp, h)}" if inp.statutory_is_list else ""
                    raise InvalidInput(
                        f"exceeds the national population{where}",
                        field=f"{prefix}.indicators.{POPULATION}",
                    )
    if inp.subregion_weights and not (statutory or local):
        _validate_subregion_weights(inp)
    if local and inp.total is not None:
        demand = sum(m.demand or 0 for m in inp.municipalities)
        if inp.total != demand:
            raise InvalidInput(
                f"method local: the total must be the sum of the demands, {demand}, "
                f"not {inp.total} (or leave the total out)",
                field="total",
            )


def _validate_subregion_weights(inp: AllocationInput) -> None:
    """Two-tier maatwerk: every inner key names a known sub-region and is a proper key."""
    if not inp.two_tier:
        raise InvalidInput(
            "an inner key of a sub-region needs two_tier: true", field="subregion_weights"
        )
    if inp.max_credit_fraction is not None:
        raise InvalidInput(
            "an inner key of a sub-region cannot be combined with max_credit_fraction "
            "(its lower bound follows the region's key); leave one of them out",
            field="subregion_weights",
        )
    members: dict[str, list[int]] = {}
    for index, muni in enumerate(inp.municipalities):
        members.setdefault(muni.subregion, []).append(index)
    for region, weights in inp.subregion_weights.items():
        prefix = f"subregion_weights.{region}"
        if region not in members:
            raise InvalidInput(
                f"unknown sub-region {region!r}; known are {', '.join(sorted(members))}",
                field=prefix,
            )
        for name, alpha in weights.items():
            if alpha < 0:
                raise InvalidInput("a weight cannot be negative", field=f"{prefix}.{name}")
        weight_sum = sum(weights.values(), Fraction(0))
        if weight_sum != 1:
            raise InvalidInput(
                f"the weights must add up to exactly 1, they add up to {decimal_str(weight_sum)}",
                field=prefix,
            )
        for name, alpha in weights.items():
            if alpha == 0:
                continue
            for index in members[region]:
                muni = inp.municipalities[index]
                if name not in muni.indicators:
                    raise InvalidInput(
                        f"the indicator {name!r} of the inner key of sub-region {region!r} "
                        f"is missing for {muni.code}",
                        field=f"{prefix}.{name}",
                    )


def statutory_field(inp: AllocationInput, index: int, name: str = "") -> str:
    """The input path of half-year ``index``: ``statutory.x`` or ``statutory[index].x``."""
    base = f"statutory[{index}]" if inp.statutory_is_list else "statutory"
    return f"{base}.{name}" if name else base


def _validate_statutory(inp: AllocationInput) -> None:
    if inp.statutory is None:
        raise InvalidInput(
            "method statutory needs national_total and national_population", field="statutory"
        )
    if not inp.statutory_half_years:
        raise InvalidInput("give at least one half-year", field="statutory")
    labels: dict[str, int] = {}
    for h, params in enumerate(inp.statutory_half_years):
        if params.national_total < 0:
            raise InvalidInput("must be 0 or more", field=statutory_field(inp, h, "national_total"))
        if params.national_population <= 0:
            raise InvalidInput(
                "must be more than 0", field=statutory_field(inp, h, "national_population")
            )
        if params.label is not None:
            if params.label in labels:
                raise InvalidInput(
                    f"duplicate half-year {params.label!r} (also statutory[{labels[params.label]}])",
                    field=statutory_field(inp, h, "label"),
                )
            labels[params.label] = h


def _secondary_indicator(inp: AllocationInput) -> str | None:
    """Second tie-break key: population if everybody has it, else the first weighted one."""
    if all(POPULATION in m.indicators for m in inp.municipalities):
        return POPULATION
    weighted = sorted(name for name, alpha in inp.weights.items() if alpha > 0)
    return weighted[0] if weighted else None


def _tie_ranks(
    quotas: Sequence[Fraction], secondary: Sequence[Fraction], names: Sequence[str]
) -> list[int]:
    """Positions in the order: larger quota, then larger secondary, then name ascending.

    Two stable sorts (names ascending, then the numbers descending) give that order without
    negating a Fraction per key; float(x) < float(y) implies x < y, so the exact value is
    only compared when the floats are equal.
    """
    order = sorted(range(len(quotas)), key=names.__getitem__)
    order.sort(
        key=lambda i: (
            as_float(quotas[i]),
            quotas[i],
            as_float(secondary[i]),
            secondary[i],
        ),
        reverse=True,
    )
    rank = [0] * len(quotas)
    for position, i in enumerate(order):
        rank[i] = position
    return rank


def _population_figures(
    inp: AllocationInput, seats: Sequence[int], house: int
) -> tuple[
    list[Fraction | None], list[Fraction | None], list[Fraction | None], list[Fraction | None]
]:
    munis = inp.municipalities
    populations: list[Fraction | None] = [m.indicators.get(POPULATION) for m in munis]
    per_1000: list[Fraction | None] = []
    for p, n in zip(populations, seats, strict=True):
        per_1000.append(Fraction(1000 * n * p.denominator, p.numerator) if p else None)
    known = [p for p in populations if p is not None]
    share: list[Fraction | None] = [None] * len(munis)
    diff: list[Fraction | None] = [None] * len(munis)
    if len(known) == len(munis) and any(known):
        if all(p.denominator == 1 for p in known):
            total_int = sum(p.numerator for p in known)
            for i, p in enumerate(known):
                share[i] = Fraction(house * p.numerator, total_int)
                diff[i] = Fraction(seats[i] * total_int - house * p.numerator, total_int)
        else:
            total_pop = sum(known, Fraction(0))
            for i, p in enumerate(known):
                value = house * p / total_pop
                share[i] = value
                diff[i] = seats[i] - value
    return populations, per_1000, share, diff


def allocate(inp: AllocationInput) -> AllocationResult:
    """Run the fair-share model on one group and return every step, exactly."""
    validate_input(inp)
    if inp.method == "statutory":
        return _allocate_statutory(inp)
    if inp.method == "local":
        return _allocate_local(inp)
    assert inp.total is not None  # noqa: S101  (validate_input guarantees it)
    total = inp.total
    munis = inp.municipalities
    count = len(munis)
    codes = [m.code for m in munis]
    warnings: list[Note] = []

    keys, totals = compute_key(munis, inp.weights)
    others = sorted({name for m in munis for name in m.indicators} - set(totals))
    totals.update(indicator_totals(munis, others))
    credit = apply_credit(keys, [m.existing_effort for m in munis], inp.credit_factor, total)
    q = credit.corrected

    lower: list[Fraction] = []
    upper: list[Fraction | None] = []
    has_lower: list[bool] = []
    # l_i = (1 - m) * w_i * T: the factor (1 - m) * T once, not per municipality
    kept = None if inp.max_credit_fraction is None else (1 - inp.max_credit_fraction) * total
    for i, muni in enumerate(munis):
        lo = muni.lower
        if kept is not None:
            floor_share = kept * keys[i]
            lo = floor_share if lo is None else max(lo, floor_share)
        has_lower.append(lo is not None)
        lower.append(lo if lo is not None else Fraction(0))
        upper.append(muni.upper)
    try:
        _check_bounds(codes, q, lower, upper, total)
    except Infeasible as error:
        raise _with_field(error, codes) from None

    solved = solve_bounded(q, lower, upper, total)
    if solved is None:  # pragma: no cover - _check_bounds proved feasibility
        raise Infeasible("the bounds cannot be met", bound="upper", codes=codes)
    lam, region_quota = solved
    bound_hit: list[str | None] = []
    for i in range(count):
        hit: str | None = None
        if not _is_product(region_quota[i], lam, q[i]):
            hit = "lower" if region_quota[i] == lower[i] else "upper"
        bound_hit.append(hit)

    int_lower = [ceil_fraction(lo) for lo in lower]
    int_upper = [None if u is None else floor_fraction(u) for u in upper]
    try:
        check_integer_bounds(total, int_lower, int_upper, codes)
    except Infeasible as error:
        raise _with_field(error, codes) from None
    secondary_name = _secondary_indicator(inp)
    secondary = [
        m.indicators.get(secondary_name, Fraction(0)) if secondary_name else Fraction(0)
        for m in munis
    ]
    muni_rule = MUNICIPALITY_TIE_RULE.format(secondary=secondary_name or "indicator")
    sub_rule = SUBREGION_TIE_RULE.format(secondary=secondary_name or "indicator")

    seats = [0] * count
    quota = list(region_quota)
    infos: list[RoundingInfo | None] = [None] * count
    sub_hit: list[str | None] = [None] * count
    ties: list[Tie] = []
    groups = _subregions(munis)
    subregion_results: list[SubregionResult] = []
    inner_keys: list[Fraction | None] = [None] * count
    inner_corrected: list[Fraction | None] = [None] * count

    if not inp.two_tier:
        result = apportion(
            region_quota,
            total,
            inp.method,
            lower=int_lower,
            upper=int_upper,
            tie_rank=_tie_ranks(region_quota, secondary, codes),
            labels=codes,
            stage="municipalities",
            subregion=None,
            tie_rule=muni_rule,
        )
        seats = result.seats
        infos = list(result.info)
        ties.extend(result.ties)
        for name, members in groups:
            subregion_results.append(
                SubregionResult(
                    name=name,
                    codes=tuple(codes[i] for i in members),
                    quota=sum((region_quota[i] for i in members), Fraction(0)),
                    allocation=sum(seats[i] for i in members),
                    lower=sum(int_lower[i] for i in members),
                    upper=_sum_upper([int_upper[i] for i in members]),
                    lambda_=None,
                    rounding=None,
                )
            )
    else:
        names = [name for name, _ in groups]
        sub_quota = [sum((region_quota[i] for i in members), Fraction(0)) for _, members in groups]
        sub_lower = [sum(int_lower[i] for i in members) for _, members in groups]
        sub_upper = [_sum_upper([int_upper[i] for i in members]) for _, members in groups]
        sub_secondary = [sum((secondary[i] for i in members), Fraction(0)) for _, members in groups]
        top = apportion(
            sub_quota,
            total,
            inp.method,
            lower=sub_lower,
            upper=sub_upper,
            tie_rank=_tie_ranks(sub_quota, sub_secondary, names),
            labels=names,
            stage="subregions",
            subregion=None,
            tie_rule=sub_rule,
        )
        ties.extend(top.ties)
        for r, (name, members) in enumerate(groups):
            house = top.seats[r]
            own_weights = inp.subregion_weights.get(name)
            own_totals: dict[str, Fraction] | None = None
            own_rounds = 0
            if own_weights:
                # Two-tier maatwerk: the sub-region's own key spreads N_r (steps 1-2 inside).
                own_keys, own_totals = _inner_key(name, [munis[i] for i in members], own_weights)
                own_credit = apply_credit(
                    own_keys, [munis[i].existing_effort for i in members], inp.credit_factor, house
                )
                inner_q = own_credit.corrected
                own_rounds = own_credit.rounds
                for k, i in enumerate(members):
                    inner_keys[i] = own_keys[k]
                    inner_corrected[i] = inner_q[k]
                own_zeroed = [codes[i] for k, i in enumerate(members) if own_credit.zeroed[k]]
                if own_zeroed:
                    warnings.append(
                        Note(
                            "credit.zeroed_in_subregion",
                            {"subregion": name, "codes": tuple(own_zeroed)},
                            f"sub-region {name} (own key): already does more than its share "
                            "(credit brings its task to 0): " + ", ".join(own_zeroed),
                        )
                    )
            else:
                inner_q = [q[i] for i in members]
            inner_lower = [lower[i] for i in members]
            inner_upper = [upper[i] for i in members]
            inner_solved = solve_bounded(inner_q, inner_lower, inner_upper, house)
            inner_lam: Fraction | None = None
            if inner_solved is None:
                inner_quota = _fallback_inner(inner_q, inner_lower, inner_upper)
                warnings.append(
                    Note(
                        "bounds.subregion_not_scalable",
                        {"subregion": name, "allocation": house},
                        f"sub-region {name}: its quotas cannot be scaled to its whole number "
                        f"{house} because the municipalities with room under their upper bound "
                        "already do more than their share; the whole-number bounds decided the "
                        "rounding",
                    )
                )
            else:
                inner_lam, inner_quota = inner_solved
            for k, i in enumerate(members):
                quota[i] = inner_quota[k]
                if inner_lam is not None and not _is_product(inner_quota[k], inner_lam, inner_q[k]):
                    sub_hit[i] = "lower" if inner_quota[k] == lower[i] else "upper"
            inner = apportion(
                inner_quota,
                house,
                inp.method,
                lower=[int_lower[i] for i in members],
                upper=[int_upper[i] for i in members],
                tie_rank=_tie_ranks(
                    inner_quota, [secondary[i] for i in members], [codes[i] for i in members]
                ),
                labels=[codes[i] for i in members],
                stage="municipalities",
                subregion=name,
                tie_rule=muni_rule,
            )
            ties.extend(inner.ties)
            for k, i in enumerate(members):
                seats[i] = inner.seats[k]
                infos[i] = inner.info[k]
            subregion_results.append(
                SubregionResult(
                    name=name,
                    codes=tuple(codes[i] for i in members),
                    quota=sub_quota[r],
                    allocation=house,
                    lower=sub_lower[r],
                    upper=sub_upper[r],
                    lambda_=inner_lam,
                    rounding=top.info[r],
                    weights=dict(own_weights) if own_weights else None,
                    indicator_totals=own_totals,
                    credit_rounds=own_rounds,
                )
            )
        _quota_warnings(names, sub_quota, top.seats, inp.method, warnings, subregions=True)

    _quota_warnings(codes, quota, seats, inp.method, warnings)
    if inp.strict_ties and ties:
        raise TieRefused(_tie_message(ties), ties=ties, field="strict_ties")

    populations, per_1000, share, diff = _population_figures(inp, seats, total)
    results = []
    for i, muni in enumerate(munis):
        info = infos[i]
        assert info is not None  # noqa: S101
        results.append(
            MunicipalityResult(
                code=muni.code,
                name=muni.name,
                subregion=muni.subregion,
                indicators=muni.indicators,
                key=keys[i],
                uncorrected=Fraction(keys[i].numerator * total, keys[i].denominator),
                existing_effort=muni.existing_effort,
                credit=credit.credit[i],
                corrected=q[i],
                zeroed=credit.zeroed[i],
                respread_round=credit.respread_round[i],
                lower=lower[i] if has_lower[i] else None,
                upper=upper[i],
                bound_hit=bound_hit[i],
                region_quota=region_quota[i],
                quota=quota[i],
                subregion_bound_hit=sub_hit[i],
                rounding=info,
                allocation=seats[i],
                backlog=muni.backlog,
                total_with_backlog=max(0, seats[i] + muni.backlog),
                population=populations[i],
                per_1000=per_1000[i],
                population_share=share[i],
                difference_from_population_share=diff[i],
                within_quota=floor_fraction(quota[i]) <= seats[i] <= ceil_fraction(quota[i]),
                inner_key=inner_keys[i],
                inner_credit=inner_corrected[i],
            )
        )
    zeroed = [codes[i] for i in range(count) if credit.zeroed[i]]
    if zeroed:
        warnings.append(
            Note(
                "credit.zeroed",
                {"codes": tuple(zeroed)},
                "already does more than its share (credit brings its task to 0): "
                + ", ".join(zeroed),
            )
        )
    return AllocationResult(
        input=inp,
        total=total,
        allocated_total=sum(seats),
        method=inp.method,
        two_tier=inp.two_tier,
        weights=dict(inp.weights),
        indicator_totals=totals,
        lambda_=lam,
        credit_rounds=credit.rounds,
        municipalities=tuple(results),
        subregions=tuple(subregion_results),
        ties=tuple(ties),
        warnings=tuple(w.text for w in warnings),
        notes=tuple(warnings),
    )


def _inner_key(
    region: str, members: Sequence[Municipality], weights: Mapping[str, Fraction]
) -> tuple[list[Fraction], dict[str, Fraction]]:
    """The sub-region's own key w_i^r over its members; errors name subregion_weights."""
    try:
        return compute_key(members, weights)
    except InvalidInput as error:
        name = (error.field or "").removeprefix("weights.")
        raise InvalidInput(
            error.message.replace("regional total", f"total in sub-region {region!r}"),
            field=f"subregion_weights.{region}.{name}",
        ) from None


def _is_product(value: Fraction, factor: Fraction, base: Fraction) -> bool:
    """value == factor * base, by cross-multiplying (no Fraction for the product)."""
    return (
        value.numerator * factor.denominator * base.denominator
        == factor.numerator * base.numerator * value.denominator
    )


def _subregions(munis: Sequence[Municipality]) -> list[tuple[str, list[int]]]:
    """Sub-regions in order of first appearance, with their members' positions."""
    groups: dict[str, list[int]] = {}
    for i, muni in enumerate(munis):
        groups.setdefault(muni.subregion, []).append(i)
    return list(groups.items())


def _with_field(error: Infeasible, codes: Sequence[str]) -> Infeasible:
    """Name the input field of an infeasible bound: one municipality, or all of them."""
    side = "upper" if error.bound == "upper" else "lower"
    field = f"municipalities[*].{side}"
    if len(error.codes) == 1 and error.codes[0] in codes:
        field = f"municipalities[{codes.index(error.codes[0])}].{side}"
    return Infeasible(error.message, bound=error.bound, codes=error.codes, field=field)


def _sum_upper(values: Sequence[int | None]) -> int | None:
    if any(v is None for v in values):
        return None
    return sum(v or 0 for v in values)


def _fallback_inner(
    base: Sequence[Fraction], lower: Sequence[Fraction], upper: Sequence[Fraction | None]
) -> list[Fraction]:
    """Quotas at lambda -> infinity (every municipality with q_i > 0 at its upper bound)."""
    out = []
    for b, lo, up in zip(base, lower, upper, strict=True):
        out.append(up if b > 0 and up is not None else lo)
    return out


def _check_bounds(
    codes: Sequence[str],
    q: Sequence[Fraction],
    lower: Sequence[Fraction],
    upper: Sequence[Fraction | None],
    total: int,
) -> None:
    clash = [
        codes[i] for i in range(len(codes)) if (upper[i] is not None and lower[i] > (upper[i] or 0))
    ]
    if clash:
        raise Infeasible(
            "the lower bound (explicit or from max_credit_fraction) exceeds the upper bound for "
            + ", ".join(clash),
            bound="lower",
            codes=clash,
        )
    low_sum = sum(lower, Fraction(0))
    if low_sum > total:
        names = [codes[i] for i in range(len(codes)) if lower[i] > 0]
        raise Infeasible(
            f"the lower bounds bind: they add up to {decimal_str(low_sum)}, more than the total "
            f"{total} (municipalities with a lower bound: {', '.join(names)})",
            bound="lower",
            codes=names,
        )
    cap = capacity(q, lower, upper)
    if cap is not None and cap < total:
        capped = [codes[i] for i in range(len(codes)) if upper[i] is not None]
        up_sum = sum((u for u in upper if u is not None), Fraction(0))
        if up_sum < total:
            message = (
                f"the upper bounds bind: they add up to {decimal_str(up_sum)}, less than the "
                f"total {total} (municipalities: {', '.join(capped)})"
            )
        else:
            message = (
                f"the upper bounds bind: the municipalities that still have a share can take at "
                f"most {decimal_str(cap)}, less than the total {total}; the others already do "
                "more than their share and stay at their lower bound"
            )
        raise Infeasible(message, bound="upper", codes=capped)


def _quota_warnings(
    labels: Sequence[str],
    quota: Sequence[Fraction],
    seats: Sequence[int],
    method: str,
    warnings: list[Note],
    *,
    subregions: bool = False,
) -> None:
    for label, a, n in zip(labels, quota, seats, strict=True):
        low, high = floor_fraction(a), ceil_fraction(a)
        if not low <= n <= high:
            shown = f"sub-region {label}" if subregions else label
            warnings.append(
                Note(
                    "rounding.quota_rule_broken",
                    {
                        "method": method,
                        "unit": label,
                        "subregion": subregions,
                        "allocation": n,
                        "quota": a,
                        "low": low,
                        "high": high,
                    },
                    f"quota rule broken ({method}): {shown} gets {n}, its quota "
                    f"{decimal_str(a)} allows {low}..{high}",
                )
            )


def _tie_message(ties: Sequence[Tie]) -> str:
    parts = []
    for tie in ties:
        where = f" in {tie.subregion}" if tie.subregion else ""
        parts.append(
            f"{tie.stage}{where}: {', '.join(tie.tied)} tie at {tie.measure} "
            f"{claim_str(tie.method, tie.value)} for {tie.seats} seat(s)"
        )
    return "an exact tie decides a seat; the steering group must decide: " + "; ".join(parts)


def _ignored_settings(inp: AllocationInput) -> list[Note]:
    """Warnings for the settings that the methods without redistribution do not use."""
    munis = inp.municipalities
    warnings: list[Note] = []
    if inp.credit_factor and any(m.existing_effort for m in munis):
        warnings.append(
            Note(
                "settings.credit_ignored",
                {"method": inp.method},
                f"method {inp.method} ignores credit for existing effort",
            )
        )
    if inp.max_credit_fraction is not None or any(
        m.lower is not None or m.upper is not None for m in munis
    ):
        warnings.append(
            Note(
                "settings.bounds_ignored",
                {"method": inp.method},
                f"method {inp.method} ignores bounds",
            )
        )
    return warnings


def _direct_results(
    inp: AllocationInput,
    *,
    quotas: Sequence[Fraction],
    seats: Sequence[int],
    keys: Sequence[Fraction],
    decisions: Sequence[Note],
    house: int,
    statutory_tasks: Sequence[tuple[StatutoryTask, ...]] | None = None,
) -> tuple[list[MunicipalityResult], list[SubregionResult]]:
    """Results of a method without redistribution (statutory, local): n_i is given."""
    munis = inp.municipalities
    populations, per_1000, share, diff = _population_figures(inp, seats, house)
    results = []
    for i, muni in enumerate(munis):
        a = quotas[i]
        info = RoundingInfo(
            floor=floor_fraction(a),
            remainder=a - floor_fraction(a),
            last_priority=None,
            next_priority=None,
            rank=0,
            forced=None,
            decision=decisions[i].text,
            reason=decisions[i],
        )
        results.append(
            MunicipalityResult(
                code=muni.code,
                name=muni.name,
                subregion=muni.subregion,
                indicators=muni.indicators,
                key=keys[i],
                uncorrected=a,
                existing_effort=muni.existing_effort,
                credit=Fraction(0),
                corrected=a,
                zeroed=False,
                respread_round=None,
                lower=None,
                upper=None,
                bound_hit=None,
                region_quota=a,
                quota=a,
                subregion_bound_hit=None,
                rounding=info,
                allocation=seats[i],
                backlog=muni.backlog,
                total_with_backlog=max(0, seats[i] + muni.backlog),
                population=populations[i],
                per_1000=per_1000[i],
                population_share=share[i],
                difference_from_population_share=diff[i],
                # local: n_i = quota exactly; statutory: every half-year is ceil(quota_h),
                # so the quota rule holds per half-year (the sum may pass ceil(sum of quotas)).
                within_quota=True,
                demand=muni.demand,
                statutory_tasks=statutory_tasks[i] if statutory_tasks else (),
            )
        )
    subregions = []
    for name, members in _subregions(munis):
        subregions.append(
            SubregionResult(
                name=name,
                codes=tuple(munis[i].code for i in members),
                quota=sum((quotas[i] for i in members), Fraction(0)),
                allocation=sum(seats[i] for i in members),
                lower=0,
                upper=None,
                lambda_=None,
                rounding=None,
            )
        )
    return results, subregions


def _statutory_decision(pop: Fraction, tasks: Sequence[StatutoryTask], total: int) -> Note:
    return Note(
        "rounding.statutory",
        {"allocation": total, "half_years": len(tasks)},
        _statutory_text(pop, tasks, total),
    )


def _statutory_text(pop: Fraction, tasks: Sequence[StatutoryTask], total: int) -> str:
    parts = [
        f"ceil({t.national_total} x {pop} / {t.national_population}) = "
        f"ceil({decimal_str(t.quota)}) = {t.task}"
        for t in tasks
    ]
    if len(tasks) == 1 and tasks[0].label is None:
        return f"{parts[0]} (Huisvestingswet 2014 art. 29)"
    labelled = [
        f"{t.label or f'half-year {h + 1}'}{' (estimate)' if t.estimate else ''}: {part}"
        for h, (t, part) in enumerate(zip(tasks, parts, strict=True))
    ]
    return (
        "; ".join(labelled) + f"; each half-year rounded by itself, n = the sum = {total} "
        "(Huisvestingswet 2014 art. 29)"
    )


def _allocate_statutory(inp: AllocationInput) -> AllocationResult:
    """Huisvestingswet 2014 art. 29: n_i = sum over the half-years h of ceil(vg_h p_i / P_h)."""
    half_years = inp.statutory_half_years
    munis = inp.municipalities
    warnings = _ignored_settings(inp)
    pops = [m.indicators[POPULATION] for m in munis]
    tasks: list[tuple[StatutoryTask, ...]] = []
    for p in pops:
        row = []
        for params in half_years:
            a = params.national_total * p / params.national_population
            row.append(
                StatutoryTask(
                    label=params.label,
                    estimate=params.estimate,
                    national_total=params.national_total,
                    national_population=params.national_population,
                    quota=a,
                    task=ceil_fraction(a),
                )
            )
        tasks.append(tuple(row))
    quotas = [sum((t.quota for t in row), Fraction(0)) for row in tasks]
    seats = [sum(t.task for t in row) for row in tasks]
    estimated = [
        params.label or statutory_field(inp, h)
        for h, params in enumerate(half_years)
        if params.estimate
    ]
    if estimated:
        warnings.append(
            Note(
                "statutory.estimate",
                {"half_years": tuple(estimated)},
                "the national total is an estimate (not yet published) for " + ", ".join(estimated),
            )
        )
    allocated = sum(seats)
    if inp.total is not None and allocated != inp.total:
        warnings.append(
            Note(
                "statutory.sum_differs",
                {"allocated": allocated, "total": inp.total},
                f"the statutory tasks add up to {allocated}, not to the total {inp.total} "
                "(art. 29(2) lets municipalities redistribute as long as the sum stays the "
                "same)",
            )
        )
    # The national population share p_i / P_NL (averaged over the half-years).
    keys = [
        sum((p / params.national_population for params in half_years), Fraction(0))
        / len(half_years)
        for p in pops
    ]
    results, subregions = _direct_results(
        inp,
        quotas=quotas,
        seats=seats,
        keys=keys,
        decisions=[
            _statutory_decision(p, row, n) for p, row, n in zip(pops, tasks, seats, strict=True)
        ],
        house=inp.total if inp.total is not None else allocated,
        statutory_tasks=tasks,
    )
    names = sorted({name for m in munis for name in m.indicators})
    return AllocationResult(
        input=inp,
        total=inp.total,
        allocated_total=allocated,
        method="statutory",
        two_tier=inp.two_tier,
        weights=dict(inp.weights),
        indicator_totals=indicator_totals(munis, names),
        lambda_=None,
        credit_rounds=0,
        municipalities=tuple(results),
        subregions=tuple(subregions),
        ties=(),
        warnings=tuple(w.text for w in warnings),
        notes=tuple(warnings),
    )


def _allocate_local(inp: AllocationInput) -> AllocationResult:
    """Method local (DOMAIN.md 3): n_i = the municipality's own demand, no redistribution."""
    munis = inp.municipalities
    demands = [m.demand or 0 for m in munis]  # validate_input: every demand is given
    total = sum(demands)
    keys = [Fraction(d, total) if total else Fraction(0) for d in demands]
    results, subregions = _direct_results(
        inp,
        quotas=[Fraction(d) for d in demands],
        seats=demands,
        keys=keys,
        decisions=[
            Note(
                "rounding.local",
                {"allocation": d},
                f"own demand (mode local): n = demand = {d}; no redistribution",
            )
            for d in demands
        ],
        house=total,
    )
    names = sorted({name for m in munis for name in m.indicators})
    ignored = _ignored_settings(inp)
    return AllocationResult(
        input=inp,
        total=total,
        allocated_total=total,
        method="local",
        two_tier=inp.two_tier,
        weights={},
        indicator_totals=indicator_totals(munis, names),
        lambda_=None,
        credit_rounds=0,
        municipalities=tuple(results),
        subregions=tuple(subregions),
        ties=(),
        warnings=tuple(w.text for w in ignored),
        notes=tuple(ignored),
    )
