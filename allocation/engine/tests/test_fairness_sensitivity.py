"""Fairness read-outs and the weight sensitivity."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import pytest

from allocation.engine import (
    AllocationInput,
    GroupResult,
    InvalidInput,
    Municipality,
    StatutoryParams,
    allocate,
    fairness,
    fairness_groups,
    fairness_to_dict,
    sensitivity,
    sensitivity_to_dict,
)


def muni(code, population, mutations, rental=1, subregion="R"):
    return Municipality(
        code=code,
        name=code,
        subregion=subregion,
        indicators={"population": population, "mutations": mutations, "social_rental": rental},
    )


def group(total, munis, weights=None, **settings):
    return allocate(
        AllocationInput(
            total=total,
            municipalities=tuple(munis),
            weights=weights or {"population": 1},
            **settings,
        )
    )


def test_burden_per_1000_and_spread():
    # populations 1000, 3000: n = 2, 6 -> burden 2 per 1000 each, no spread
    result = group(8, [muni("a", 1000, 10), muni("b", 3000, 40)])
    report = fairness(result)
    assert [r.per_1000 for r in report.municipalities] == [2, 2]
    assert report.cv_per_1000 == 0
    assert report.max_min_ratio == 1


def test_spread_when_the_key_is_not_population():
    # all weight on mutations: a gets 4 of 8 with 1000 inhabitants, b 4 with 3000
    result = group(8, [muni("a", 1000, 10), muni("b", 3000, 10)], weights={"mutations": 1})
    report = fairness(result)
    assert [r.per_1000 for r in report.municipalities] == [4, Fraction(4, 3)]
    assert report.max_min_ratio == 3
    # mean 8/3, deviations +-4/3 -> sd 4/3 -> cv 1/2
    assert report.cv_per_1000 == Decimal("0.5")


def test_mutation_share_warns_above_the_threshold():
    result = group(8, [muni("a", 1000, 3), muni("b", 3000, 40)])
    report = fairness(result)
    a, b = report.municipalities
    assert a.share_of_mutations == Fraction(2, 3)
    assert a.over_threshold
    assert b.share_of_mutations == Fraction(6, 40)
    assert not b.over_threshold
    assert len(report.warnings) == 1
    assert "66.7%" in report.warnings[0]
    relaxed = fairness(result, mutation_threshold=Fraction(3, 4))
    assert relaxed.warnings == ()


def test_several_groups_in_dwellings_with_household_size():
    munis = [muni("a", 1000, 100), muni("b", 3000, 100)]
    persons = group(8, munis)  # 2 and 6 persons
    urgent = group(4, munis)  # 1 and 3 households
    report = fairness_groups(
        {"homeless": GroupResult(persons, Fraction(2)), "urgent": GroupResult(urgent)}
    )
    a, b = report.municipalities
    assert a.dwellings == 2
    assert b.dwellings == 6
    assert a.urgent_allocation == 1
    assert a.urgent_fallback == 15
    assert a.urgent_difference == -14
    assert report.groups == ("homeless", "urgent")
    assert fairness_to_dict(report)["municipalities"][0]["dwellings"] == "2.0000000000"


def test_share_of_mutations_counts_only_groups_housed_from_mutations():
    # homeless: 2 and 6 persons, 2 persons a dwelling -> 1 and 3 dwellings (from mutations)
    # students: 8 units on the same key -> 2 and 6 units, not housed from mutations
    munis = [muni("a", 1000, 10), muni("b", 3000, 60)]
    groups = {
        "homeless": GroupResult(group(8, munis), Fraction(2)),
        "students": GroupResult(group(8, munis)),
    }
    everything = fairness_groups(groups)
    only_mutations = fairness_groups(groups, mutation_groups={"homeless", "not_computed"})
    a_all, b_all = everything.municipalities
    a, b = only_mutations.municipalities
    assert (a_all.share_of_mutations, b_all.share_of_mutations) == (
        Fraction(3, 10),
        Fraction(9, 60),
    )
    assert (a.mutation_dwellings, b.mutation_dwellings) == (1, 3)
    assert (a.share_of_mutations, b.share_of_mutations) == (Fraction(1, 10), Fraction(3, 60))
    # the burden per 1,000 still counts every group, in dwellings
    assert (a.dwellings, a.per_1000) == (3, 3)
    assert only_mutations.mutation_groups == ("homeless",)
    assert everything.mutation_groups == ("homeless", "students")
    out = fairness_to_dict(only_mutations)
    assert out["mutation_groups"] == ["homeless"]
    assert out["municipalities"][0]["mutation_dwellings"] == "1.0000000000"
    assert out["municipalities"][0]["dwellings"] == "3.0000000000"


def test_a_group_not_housed_from_mutations_neither_warns_nor_counts():
    result = group(8, [muni("a", 1000, 3), muni("b", 3000, 0)])
    counted = fairness(result)
    assert counted.municipalities[0].over_threshold
    assert any("a task but no yearly mutations" in w for w in counted.warnings)
    free = fairness(result, from_mutations=False)
    assert free.municipalities[0].share_of_mutations == 0
    assert free.warnings == ()
    assert free.mutation_groups == ()


def test_by_default_every_group_counts_as_before():
    munis = [muni("a", 1000, 100), muni("b", 3000, 100)]
    groups = {"x": GroupResult(group(8, munis)), "y": GroupResult(group(4, munis), Fraction(2))}
    report = fairness_groups(groups)
    # x: 2 and 6 dwellings; y: 1 and 3 persons, 2 a dwelling -> 1/2 and 3/2 dwellings
    assert [r.share_of_mutations for r in report.municipalities] == [
        Fraction(2 + Fraction(1, 2), 100),
        Fraction(6 + Fraction(3, 2), 100),
    ]
    assert [r.mutation_dwellings for r in report.municipalities] == [
        r.dwellings for r in report.municipalities
    ]


def test_urgent_comparison_for_a_single_group():
    result = group(30, [muni("a", 1000, 100), muni("b", 1000, 60)], weights={"mutations": 1})
    report = fairness(result, urgent=True, urgent_fallback_pct=Fraction(1, 10))
    a, b = report.municipalities
    assert (a.urgent_fallback, a.urgent_allocation) == (10, 19)
    assert (b.urgent_fallback, b.urgent_allocation) == (6, 11)


def test_no_population_means_no_burden():
    result = group(
        4,
        [
            Municipality(code="a", name="a", indicators={"dwellings": 1}),
            Municipality(code="b", name="b", indicators={"dwellings": 3}),
        ],
        weights={"dwellings": 1},
    )
    report = fairness(result)
    assert report.cv_per_1000 is None
    assert report.municipalities[0].per_1000 is None


def mra_like(count=30, regions=7):
    munis = []
    for i in range(count):
        munis.append(
            Municipality(
                code=f"GM{i:04d}",
                name=f"M{i}",
                subregion=f"R{i % regions}",
                indicators={
                    "population": 10000 + (i * 7919) % 200000,
                    "social_rental": 2000 + (i * 104729) % 40000,
                    "mutations": 100 + (i * 1299709) % 3000,
                },
                existing_effort=(i * 31) % 25,
            )
        )
    return AllocationInput(
        total=700,
        municipalities=tuple(munis),
        weights={"population": "0.4", "social_rental": "0.4", "mutations": "0.2"},
        credit_factor="0.5",
        max_credit_fraction="0.5",
        two_tier=True,
    )


def test_sensitivity_is_repeatable_with_a_seed():
    inp = mra_like()
    one = sensitivity_to_dict(sensitivity(inp, draws=500, seed=7))
    two = sensitivity_to_dict(sensitivity(inp, draws=500, seed=7))
    other = sensitivity_to_dict(sensitivity(inp, draws=500, seed=8))
    assert one == two
    assert one != other


def test_sensitivity_percentiles_are_ordered():
    result = sensitivity(mra_like(), draws=2000, concentration=20.0, seed=1)
    for m in result.municipalities:
        assert m.p5 <= m.p50 <= m.p95
        assert m.quota_p5 <= m.quota_p50 <= m.quota_p95
        assert 1 <= m.rank_min <= m.rank <= m.rank_max <= 30 or m.rank_min <= m.rank_max


def test_all_weight_on_one_indicator_gives_the_exact_answer():
    inp = replace(mra_like(), weights={"population": 1})
    exact = allocate(inp).allocations()
    result = sensitivity(inp, draws=300, concentration=1e6, seed=3)
    for m in result.municipalities:
        assert m.p5 == m.p50 == m.p95 == exact[m.code]
        assert m.rank_min == m.rank_max == m.rank


def test_large_concentration_concentrates_on_the_chosen_weights():
    inp = replace(mra_like(), two_tier=False, credit_factor=0, max_credit_fraction=None)
    exact = allocate(inp)
    result = sensitivity(inp, draws=300, concentration=1e9, seed=4)
    for m, e in zip(result.municipalities, exact.municipalities, strict=True):
        assert m.quota_p5 == pytest.approx(float(e.quota), abs=1e-3)
        assert m.quota_p95 == pytest.approx(float(e.quota), abs=1e-3)
        assert m.p50 == e.allocation


def test_sensitivity_spreads_with_small_concentration():
    result = sensitivity(mra_like(), draws=2000, concentration=5.0, seed=2)
    assert any(m.p95 - m.p5 >= 2 for m in result.municipalities)


def test_sensitivity_draws_sum_to_the_task():
    # every rounded draw adds up to the total: the medians cannot all be off by much
    result = sensitivity(mra_like(), draws=1000, seed=5)
    assert abs(sum(m.p50 for m in result.municipalities) - 700) <= 30


def test_ten_thousand_draws_give_a_band_for_every_municipality():
    # speed is measured in bench/bench_engine.py, not here
    inp = mra_like()
    result = sensitivity(inp, draws=10_000, seed=0, exact=allocate(inp))
    assert len(result.municipalities) == len(inp.municipalities)
    assert all(m.p5 <= m.p50 <= m.p95 for m in result.municipalities)


def test_sensitivity_refuses_statutory():
    inp = AllocationInput(
        total=None,
        municipalities=(muni("a", 10, 1),),
        method="statutory",
        statutory=StatutoryParams(national_total=10, national_population=100),
    )
    with pytest.raises(InvalidInput):
        sensitivity(inp)
