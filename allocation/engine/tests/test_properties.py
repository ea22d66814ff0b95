"""Property tests (hypothesis) for the invariants of the model."""

from __future__ import annotations

import json
from dataclasses import replace
from fractions import Fraction

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from allocation.engine import (
    DIVISOR_METHODS,
    AllocationInput,
    Infeasible,
    Municipality,
    allocate,
    result_to_dict,
)
from allocation.engine.numbers import ceil_fraction, floor_fraction

ROUNDING = ("hamilton", *DIVISOR_METHODS)
SUBREGIONS = ("North", "South", "East")


@st.composite
def municipalities(draw, min_size=1, max_size=9, effort=False, bounds=False, total=100):
    count = draw(st.integers(min_value=min_size, max_value=max_size))
    out = []
    for i in range(count):
        lower = upper = None
        if bounds:
            if draw(st.booleans()):
                lower = Fraction(draw(st.integers(0, 90)), 100) * total / count
            if draw(st.booleans()):
                upper = (lower or 0) + Fraction(draw(st.integers(0, 200)), 100) * total / count
        out.append(
            Municipality(
                code=f"GM{i:04d}",
                name=f"M{i}",
                subregion=draw(st.sampled_from(SUBREGIONS)),
                indicators={
                    "population": draw(st.integers(1, 1_000_000)),
                    "social_rental": draw(st.integers(0, 100_000)),
                },
                existing_effort=draw(st.integers(0, 40)) if effort else 0,
                lower=lower,
                upper=upper,
            )
        )
    return tuple(out)


weights = st.integers(0, 10).map(
    lambda k: {"population": Fraction(k, 10), "social_rental": Fraction(10 - k, 10)}
)


def with_rental_everywhere(munis):
    """Make sure the regional social rental total is not 0."""
    first = munis[0]
    indicators = dict(first.indicators, social_rental=first.indicators["social_rental"] + 1)
    return (replace(first, indicators=indicators), *munis[1:])


@st.composite
def scenarios(draw, effort=True, bounds=True, two_tier=None, methods=ROUNDING):
    total = draw(st.integers(1, 150))  # a total of 0 is refused (code total_zero)
    munis = with_rental_everywhere(
        draw(municipalities(effort=effort, bounds=bounds, total=max(total, 1)))
    )
    return AllocationInput(
        total=total,
        municipalities=munis,
        weights=draw(weights),
        method=draw(st.sampled_from(methods)),
        two_tier=draw(st.booleans()) if two_tier is None else two_tier,
        credit_factor=Fraction(draw(st.integers(0, 4)), 4) if effort else 0,
        max_credit_fraction=draw(st.sampled_from([None, Fraction(1, 2), Fraction(1, 4)]))
        if effort and bounds
        else None,
    )


def run(inp):
    try:
        return allocate(inp)
    except Infeasible:
        assume(False)
        raise


@given(scenarios())
@settings(max_examples=150, deadline=None)
def test_the_sum_equals_the_task(inp):
    result = run(inp)
    assert sum(m.allocation for m in result.municipalities) == inp.total
    assert result.allocated_total == inp.total
    assert sum(s.allocation for s in result.subregions) == inp.total


@given(scenarios())
@settings(max_examples=150, deadline=None)
def test_regional_quotas_add_up_to_the_task_and_respect_bounds(inp):
    result = run(inp)
    assert sum(m.region_quota for m in result.municipalities) == inp.total
    for m in result.municipalities:
        if m.lower is not None:
            assert m.region_quota >= m.lower
        if m.upper is not None:
            assert m.region_quota <= m.upper


@given(scenarios(bounds=False, two_tier=False, methods=("hamilton",)))
@settings(max_examples=150, deadline=None)
def test_hamilton_keeps_the_quota_rule(inp):
    result = run(inp)
    for m in result.municipalities:
        assert floor_fraction(m.quota) <= m.allocation <= ceil_fraction(m.quota)
        assert m.within_quota


@given(scenarios(bounds=True))
@settings(max_examples=200, deadline=None)
def test_bounds_stay_hard_after_rounding(inp):
    result = run(inp)
    for m in result.municipalities:
        if m.lower is not None:
            assert m.allocation >= ceil_fraction(m.lower)
        if m.upper is not None:
            assert m.allocation <= floor_fraction(m.upper)


@given(municipalities(), st.integers(1, 300), st.sampled_from(ROUNDING))
@settings(max_examples=100, deadline=None)
def test_population_only_key_reproduces_population_shares(munis, total, method):
    result = allocate(
        AllocationInput(total=total, municipalities=munis, weights={"population": 1}, method=method)
    )
    population = sum(m.indicators["population"] for m in munis)
    for muni, res in zip(munis, result.municipalities, strict=True):
        assert res.quota == total * muni.indicators["population"] / population
        assert res.population_share == res.quota


@given(scenarios(), st.randoms(use_true_random=False))
@settings(max_examples=100, deadline=None)
def test_result_does_not_depend_on_the_order_of_municipalities(inp, rnd):
    result = run(inp)
    shuffled = list(inp.municipalities)
    rnd.shuffle(shuffled)
    again = allocate(replace(inp, municipalities=tuple(shuffled)))
    assert again.allocations() == result.allocations()
    first, second = result.by_code(), again.by_code()
    assert {c: m.quota for c, m in first.items()} == {c: m.quota for c, m in second.items()}


@given(scenarios(), st.integers(1, 1000), st.sampled_from(["population", "social_rental"]))
@settings(max_examples=100, deadline=None)
def test_scaling_an_indicator_changes_nothing(inp, factor, name):
    result = run(inp)
    scaled = tuple(
        replace(m, indicators=dict(m.indicators, **{name: m.indicators[name] * factor}))
        for m in inp.municipalities
    )
    again = allocate(replace(inp, municipalities=scaled))
    assert again.allocations() == result.allocations()
    assert [m.quota for m in again.municipalities] == [m.quota for m in result.municipalities]


@given(
    municipalities(),
    weights,
    st.integers(1, 120),
    st.sampled_from(DIVISOR_METHODS),
    st.booleans(),
)
@settings(max_examples=150, deadline=None)
def test_divisor_methods_are_house_monotone(munis, alpha, total, method, two_tier):
    munis = with_rental_everywhere(munis)
    base = AllocationInput(
        total=total, municipalities=munis, weights=alpha, method=method, two_tier=False
    )
    smaller = allocate(base).allocations()
    larger = allocate(replace(base, total=total + 1)).allocations()
    assert all(larger[code] >= smaller[code] for code in smaller)
    assert sum(larger.values()) == sum(smaller.values()) + 1


@given(scenarios(effort=True, bounds=True, two_tier=False), st.data())
@settings(max_examples=200, deadline=None)
def test_more_existing_effort_never_raises_the_quota(inp, data):
    assume(inp.credit_factor > 0)
    result = run(inp)
    index = data.draw(st.integers(0, len(inp.municipalities) - 1))
    extra = data.draw(st.integers(1, 50))
    munis = list(inp.municipalities)
    munis[index] = replace(munis[index], existing_effort=munis[index].existing_effort + extra)
    try:
        again = allocate(replace(inp, municipalities=tuple(munis)))
    except Infeasible:
        assume(False)
        raise
    before, after = result.municipalities[index], again.municipalities[index]
    assert after.corrected <= before.corrected
    assert after.region_quota <= before.region_quota


@given(scenarios(two_tier=True))
@settings(max_examples=150, deadline=None)
def test_two_tier_sums_per_subregion(inp):
    result = run(inp)
    assert sum(s.allocation for s in result.subregions) == inp.total
    for sub in result.subregions:
        members = [m for m in result.municipalities if m.subregion == sub.name]
        assert sum(m.allocation for m in members) == sub.allocation
        assert sub.quota == sum(m.region_quota for m in members)


@given(scenarios(bounds=False, effort=False, two_tier=True, methods=("hamilton",)))
@settings(max_examples=100, deadline=None)
def test_two_tier_hamilton_rounds_subregions_within_quota(inp):
    result = run(inp)
    for sub in result.subregions:
        assert floor_fraction(sub.quota) <= sub.allocation <= ceil_fraction(sub.quota)


@given(scenarios())
@settings(max_examples=60, deadline=None)
def test_same_input_gives_byte_identical_output(inp):
    first = json.dumps(result_to_dict(run(inp)), sort_keys=True)
    second = json.dumps(result_to_dict(allocate(inp)), sort_keys=True)
    assert first == second


@given(scenarios(effort=True, bounds=False, two_tier=False))
@settings(max_examples=100, deadline=None)
def test_credit_keeps_the_total_and_zeroes_only_those_doing_more(inp):
    result = run(inp)
    assert sum(m.corrected for m in result.municipalities) == inp.total
    for m in result.municipalities:
        assert m.corrected >= 0
        if m.zeroed:
            assert m.corrected == 0
            assert m.credit > 0


@given(scenarios(effort=True, bounds=False, two_tier=False, methods=DIVISOR_METHODS), st.data())
@settings(max_examples=200, deadline=None)
def test_more_existing_effort_never_raises_a_divisor_allocation(inp, data):
    """Without bounds the other quotas can only rise when e_i rises, and divisor methods
    are population monotone, so n_i cannot rise. (Hamilton is not population monotone:
    for it only the quota statement above is guaranteed.)"""
    assume(inp.credit_factor > 0)
    result = allocate(inp)
    index = data.draw(st.integers(0, len(inp.municipalities) - 1))
    munis = list(inp.municipalities)
    munis[index] = replace(
        munis[index], existing_effort=munis[index].existing_effort + data.draw(st.integers(1, 50))
    )
    again = allocate(replace(inp, municipalities=tuple(munis)))
    assert again.municipalities[index].allocation <= result.municipalities[index].allocation
    for k, (before, after) in enumerate(
        zip(result.municipalities, again.municipalities, strict=True)
    ):
        if k != index:
            assert after.corrected >= before.corrected


def reference_credit(keys, effort, factor, total):
    """Straightforward Fraction version of the credit step (DOMAIN.md 4.2)."""
    active = set(range(len(keys)))
    while True:
        ratio = (total + factor * sum(effort[i] for i in active)) / sum(keys[i] for i in active)
        q = {i: keys[i] * ratio - factor * effort[i] for i in active}
        dropped = {i for i, v in q.items() if v <= 0}
        if not dropped:
            return [q.get(i, Fraction(0)) for i in range(len(keys))]
        active -= dropped


@given(
    st.lists(st.integers(1, 1000), min_size=1, max_size=12),
    st.data(),
    st.integers(1, 500),
    st.fractions(min_value=0, max_value=1, max_denominator=20),
)
@settings(max_examples=200, deadline=None)
def test_integer_credit_matches_the_plain_fraction_formula(raw_keys, data, total, factor):
    from allocation.engine.credit import apply_credit

    keys = [Fraction(k, sum(raw_keys)) for k in raw_keys]
    effort = [Fraction(data.draw(st.integers(0, 300)), data.draw(st.integers(1, 4))) for _ in keys]
    outcome = apply_credit(keys, effort, factor, total)
    assert outcome.corrected == reference_credit(keys, effort, factor, total)
    assert sum(outcome.corrected) == total


@given(
    st.lists(
        st.tuples(
            st.fractions(min_value=0, max_value=50, max_denominator=7),
            st.fractions(min_value=0, max_value=20, max_denominator=5),
            st.one_of(st.none(), st.fractions(min_value=0, max_value=60, max_denominator=3)),
        ),
        min_size=1,
        max_size=10,
    ),
    st.integers(0, 200),
)
@settings(max_examples=300, deadline=None)
def test_float_guided_lambda_equals_the_exact_sweep(units, total):
    from allocation.engine.bounds import clamp, solve_bounded, solve_lambda

    base = [b for b, _, _ in units]
    lower = [lo for _, lo, _ in units]
    upper = [None if up is None else max(up, lo) for _, lo, up in units]
    exact = solve_lambda(base, lower, upper, total)
    fast = solve_bounded(base, lower, upper, total)
    if exact is None:
        assert fast is None
        return
    assert fast is not None
    lam, quotas = fast
    assert sum(quotas) == total
    assert quotas == [
        clamp(exact * b, lo, up) for b, lo, up in zip(base, lower, upper, strict=True)
    ]
    assert quotas == [clamp(lam * b, lo, up) for b, lo, up in zip(base, lower, upper, strict=True)]
