"""Hand-computed examples for each step of the model."""

from __future__ import annotations

from fractions import Fraction

import pytest

from allocation.engine import (
    AllocationInput,
    Infeasible,
    InvalidInput,
    Municipality,
    StatutoryParams,
    TieRefused,
    allocate,
    result_to_dict,
)


def muni(code, population, rental=0, **extra):
    return Municipality(
        code=code,
        name=code.title(),
        subregion=extra.pop("subregion", "R"),
        indicators={"population": population, "social_rental": rental},
        **extra,
    )


def run(total, munis, method="hamilton", **settings):
    weights = settings.pop("weights", {"population": 1})
    return allocate(
        AllocationInput(
            total=total, municipalities=tuple(munis), weights=weights, method=method, **settings
        )
    )


# Population 1 : 1 : 2 gives the key 1/4, 1/4, 1/2.
def test_key_mixes_indicators_by_weight():
    result = run(
        12,
        [muni("a", 1, 3), muni("b", 1, 1), muni("c", 2, 0)],
        weights={"population": "0.5", "social_rental": 0.5},
    )
    # w_a = 1/2 * 1/4 + 1/2 * 3/4 = 1/2; w_b = 1/8 + 1/8 = 1/4; w_c = 1/4 + 0 = 1/4
    assert [m.key for m in result.municipalities] == [
        Fraction(1, 2),
        Fraction(1, 4),
        Fraction(1, 4),
    ]
    assert result.allocations() == {"a": 6, "b": 3, "c": 3}


def test_a_weighted_indicator_with_zero_total_is_an_error():
    with pytest.raises(InvalidInput) as err:
        run(5, [muni("a", 1), muni("b", 1)], weights={"population": "0.5", "social_rental": "0.5"})
    assert err.value.field == "weights.social_rental"


def test_an_unweighted_indicator_with_zero_total_is_fine():
    result = run(4, [muni("a", 1), muni("b", 1)], weights={"population": 1, "social_rental": 0})
    assert result.allocations() == {"a": 2, "b": 2}


def test_credit_lowers_the_task_of_who_already_does_more():
    # B = 10 + 1 * 6 = 16; q = 16/4, 16/4, 16/2 - 6 = 4, 4, 2
    result = run(10, [muni("a", 1), muni("b", 1), muni("c", 2, existing_effort=6)], credit_factor=1)
    assert [m.corrected for m in result.municipalities] == [4, 4, 2]
    assert result.allocations() == {"a": 4, "b": 4, "c": 2}


def test_credit_zeroes_and_respreads():
    # B = 10 + 12 = 22; q_c = 11 - 12 < 0 -> 0; again over {a, b}: B = 10, q = 5, 5
    result = run(
        10, [muni("a", 1), muni("b", 1), muni("c", 2, existing_effort=12)], credit_factor=1
    )
    c = result.by_code()["c"]
    assert c.zeroed
    assert c.respread_round == 1
    assert c.corrected == 0
    assert c.allocation == 0
    assert result.allocations() == {"a": 5, "b": 5, "c": 0}
    assert result.credit_rounds == 2
    assert any("already does more than its share" in w and "c" in w for w in result.warnings)


def test_credit_needs_a_second_respread_round():
    # round 1: B = 20 + 0.5 * (20 + 14) = 37, w = 1/4 each: q = 9.25, 9.25, 9.25 - 10 < 0,
    # 9.25 - 7 = 2.25 -> c leaves. round 2: P = {a, b, d}, W = 3/4, B = 20 + 7 = 27,
    # q_d = 27/3 - 7 = 2 > 0; q_a = q_b = 9; sum = 20.
    munis = [
        muni("a", 1),
        muni("b", 1),
        muni("c", 1, existing_effort=20),
        muni("d", 1, existing_effort=14),
    ]
    result = run(20, munis, credit_factor="0.5")
    assert [m.corrected for m in result.municipalities] == [9, 9, 0, 2]
    assert result.credit_rounds == 2


def test_max_credit_fraction_puts_a_floor_under_the_credit():
    # l_c = (1 - 1/2) * 1/2 * 10 = 2.5 > q_c = 0 -> a_c = 2.5; lambda * (5 + 5) = 7.5
    munis = [muni("a", 1), muni("b", 1), muni("c", 2, existing_effort=12)]
    result = run(10, munis, credit_factor=1, max_credit_fraction="0.5")
    by = result.by_code()
    assert result.lambda_ == Fraction(3, 4)
    assert [m.region_quota for m in result.municipalities] == [
        Fraction(15, 4),
        Fraction(15, 4),
        Fraction(5, 2),
    ]
    assert by["c"].bound_hit == "lower"
    assert by["c"].lower == Fraction(5, 2)
    # ceil(2.5) = 3 is hard; a and b tie at remainder 0.75 for the last seat: code a first
    assert result.allocations() == {"a": 4, "b": 3, "c": 3}
    assert len(result.ties) == 1
    assert result.ties[0].winners == ("a",)
    assert result.ties[0].losers == ("b",)


def test_upper_bound_is_solved_exactly():
    # u_c = 3 binds: lambda * 2.5 * 2 = 7 -> lambda = 7/5, a = 3.5, 3.5, 3
    munis = [muni("a", 1), muni("b", 1), muni("c", 2, upper=3)]
    result = run(10, munis)
    assert result.lambda_ == Fraction(7, 5)
    assert [m.region_quota for m in result.municipalities] == [Fraction(7, 2), Fraction(7, 2), 3]
    assert result.by_code()["c"].bound_hit == "upper"
    assert result.allocations()["c"] == 3


def test_bounds_over_several_segments():
    # q = 1, 2, 3, 4 (T = 10); l_a = 2, u_d = 3 -> a_a = 2, a_d = 3, lambda * 5 = 5 -> 1
    # then a_b = 2, a_c = 3: sum 10
    munis = [muni("a", 1, lower=2), muni("b", 2), muni("c", 3), muni("d", 4, upper=3)]
    result = run(10, munis)
    assert [m.region_quota for m in result.municipalities] == [2, 2, 3, 3]
    assert result.lambda_ == 1


def test_infeasible_upper_bounds_name_the_bound():
    with pytest.raises(Infeasible) as err:
        run(10, [muni("a", 1, upper=4), muni("b", 1, upper=5)])
    assert err.value.bound == "upper"
    assert err.value.field == "municipalities[*].upper"
    assert set(err.value.codes) == {"a", "b"}
    assert "upper bounds bind" in str(err.value)


def test_infeasible_lower_bounds_name_the_bound():
    with pytest.raises(Infeasible) as err:
        run(10, [muni("a", 1, lower=6), muni("b", 1, lower=5)])
    assert err.value.bound == "lower"
    assert "lower bounds bind" in err.value.message


def test_whole_number_bounds_can_clash():
    with pytest.raises(Infeasible) as err:
        run(5, [muni("a", 1, lower="2.5", upper="2.5"), muni("b", 1)])
    assert err.value.bound == "integer"
    assert err.value.codes == ("a",)
    assert err.value.field == "municipalities[0].lower"


def test_rounded_up_lower_bounds_can_exceed_the_total():
    with pytest.raises(Infeasible) as err:
        run(1, [muni("a", 1, lower="0.5"), muni("b", 1, lower="0.5")])
    assert err.value.bound == "lower"


def test_credit_floor_above_the_upper_bound_is_infeasible():
    munis = [muni("a", 1), muni("b", 3, existing_effort=50, upper=1)]
    with pytest.raises(Infeasible) as err:
        run(8, munis, credit_factor=1, max_credit_fraction="0.5")
    assert err.value.codes == ("b",)


def test_hamilton_bounds_are_hard_even_against_the_quota_rule():
    # quotas 0.1 each for a, b, c whose lower bound 0.1 is rounded up to 1; d has 2.7
    munis = [muni(c, 1, lower="0.1") for c in "abc"]
    result = run(3, [*munis, muni("d", 27)])
    assert result.allocations() == {"a": 1, "b": 1, "c": 1, "d": 0}
    assert any("quota rule broken" in w and "d" in w for w in result.warnings)


def test_exact_tie_is_broken_by_code_and_listed():
    result = run(1, [muni("GM0002", 5), muni("GM0001", 5)])
    assert result.allocations() == {"GM0002": 0, "GM0001": 1}
    (tie,) = result.ties
    assert tie.tied == ("GM0001", "GM0002")
    assert tie.winners == ("GM0001",)
    assert tie.losers == ("GM0002",)
    assert tie.seats == 1
    assert tie.measure == "remainder"
    assert tie.value == (0, Fraction(1, 2))
    assert "CBS code ascending" in tie.rule
    assert result_to_dict(result)["ties"][0]["value"] == "0.5000000000"


def test_tie_rule_prefers_the_larger_quota():
    # quotas 1.5 and 2.5: equal remainders, the larger quota gets the seat
    result = run(4, [muni("a", 3), muni("b", 5)])
    assert result.allocations() == {"a": 1, "b": 3}
    assert result.ties[0].winners == ("b",)


def test_tie_rule_then_prefers_the_larger_population():
    # equal keys (1/2 each) from different indicators; b has more inhabitants
    munis = [muni("a", 1, 3), muni("b", 3, 1)]
    result = run(1, munis, weights={"population": "0.5", "social_rental": "0.5"})
    assert result.allocations() == {"a": 0, "b": 1}
    assert "larger population" in result.ties[0].rule


@pytest.mark.parametrize("method", ["dhondt", "sainte-lague", "huntington-hill"])
def test_divisor_ties_are_listed(method):
    result = run(3, [muni("a", 1), muni("b", 1)], method=method)
    assert result.allocations() == {"a": 2, "b": 1}
    (tie,) = result.ties
    assert tie.measure == "priority"
    assert tie.winners == ("a",)
    assert tie.losers == ("b",)


def test_huntington_hill_first_seats_are_infinite_and_can_tie():
    result = run(2, [muni("a", 1), muni("b", 1), muni("c", 1)], method="huntington-hill")
    assert result.allocations() == {"a": 1, "b": 1, "c": 0}
    (tie,) = result.ties
    assert tie.value == (1, Fraction(0))
    assert tie.seats == 2
    assert result_to_dict(result)["ties"][0]["value"] == "infinity"


def test_strict_mode_refuses_a_deciding_tie():
    with pytest.raises(TieRefused) as err:
        run(1, [muni("a", 5), muni("b", 5)], strict_ties=True)
    assert err.value.ties[0].tied == ("a", "b")
    assert "steering group" in str(err.value)


def test_strict_mode_accepts_a_tie_that_decides_nothing():
    result = run(2, [muni("a", 5), muni("b", 5)], strict_ties=True)
    assert result.allocations() == {"a": 1, "b": 1}
    assert result.ties == ()


def test_divisor_quota_violation_is_a_warning():
    # D'Hondt favours the large unit: 9 seats for quota 8.4 (Jefferson, Balinski & Young)
    result = run(10, [muni("big", 84), muni("s1", 8), muni("s2", 8)], method="dhondt")
    assert result.allocations() == {"big": 10, "s1": 0, "s2": 0}
    assert any(w.startswith("quota rule broken (dhondt): big") for w in result.warnings)


def test_two_tier_rounds_subregions_first():
    # quotas 2.4 + 2.4 (North) and 2.6 + 2.6 (South), T = 10: N = 5 and 5; one-tier gives
    # 2, 2, 3, 3; two-tier keeps North at 5 = 2.5 + 2.5 -> tie inside North.
    munis = [
        muni("n1", 24, subregion="North"),
        muni("n2", 24, subregion="North"),
        muni("s1", 26, subregion="South"),
        muni("s2", 26, subregion="South"),
    ]
    one = run(10, munis)
    two = run(10, munis, two_tier=True)
    assert one.allocations() == {"n1": 2, "n2": 2, "s1": 3, "s2": 3}
    assert [(s.name, s.allocation) for s in two.subregions] == [("North", 5), ("South", 5)]
    assert sum(two.allocations()[c] for c in ("n1", "n2")) == 5
    north = [m for m in two.municipalities if m.subregion == "North"]
    assert [m.quota for m in north] == [Fraction(5, 2), Fraction(5, 2)]
    assert [(t.stage, t.subregion) for t in two.ties] == [
        ("municipalities", "North"),
        ("municipalities", "South"),
    ]


def test_two_tier_needs_subregions():
    with pytest.raises(InvalidInput) as err:
        run(4, [muni("a", 1, subregion=""), muni("b", 1)], two_tier=True)
    assert err.value.field == "municipalities[0].subregion"


def test_backlog_is_shown_separately_and_never_below_zero():
    munis = [muni("a", 1, backlog=3), muni("b", 1, backlog=-10)]
    result = run(8, munis)
    a, b = result.municipalities
    assert (a.allocation, a.total_with_backlog) == (4, 7)
    assert (b.allocation, b.total_with_backlog) == (4, 0)


def test_statutory_rule_hand_computed():
    # vg = 100, P_NL = 1000: 100 * 123 / 1000 = 12.3 -> 13; 25 -> 25; 0.7 -> 1
    munis = [muni("a", 123), muni("b", 250), muni("c", 7)]
    result = run(
        38,
        munis,
        method="statutory",
        weights={},
        statutory=StatutoryParams(national_total=100, national_population=1000),
    )
    assert result.allocations() == {"a": 13, "b": 25, "c": 1}
    assert result.allocated_total == 39
    assert result.total == 38
    assert any("add up to 39, not to the total 38" in w for w in result.warnings)


def test_statutory_rule_for_amsterdam():
    # 13,000 * 931,298 / 17,942,942 = 674.7429... -> 675 (Huisvestingswet 2014 art. 29)
    result = run(
        None,
        [muni("GM0363", 931298)],
        method="statutory",
        weights={},
        statutory=StatutoryParams(national_total=13000, national_population=17942942),
    )
    m = result.municipalities[0]
    assert m.quota == Fraction(6053437000, 8971471)
    assert m.allocation == 675
    assert result.warnings == ()


def test_explanation_figures():
    munis = [muni("a", 1000, 10), muni("b", 3000, 30)]
    result = run(8, munis, weights={"population": "0.25", "social_rental": "0.75"})
    a = result.by_code()["a"]
    assert a.uncorrected == 2
    assert a.allocation == 2
    assert a.per_1000 == 2
    assert a.population_share == 2
    assert a.difference_from_population_share == 0
    steps = result_to_dict(result)["allocations"][0]["steps"]
    assert steps["indicators"]["population"] == {
        "value": "1000.0000000000",
        "regional_total": "4000.0000000000",
        "share": "0.2500000000",
        "weight": "0.2500000000",
    }
    assert steps["key"] == "0.2500000000"
    assert steps["per_1000_inhabitants"] == "2.0000000000"
    assert set(steps) >= {
        "indicators",
        "key",
        "uncorrected_share",
        "credit",
        "bounds",
        "quota",
        "rounding",
        "allocation",
        "per_1000_inhabitants",
        "difference_from_population_share",
    }


def test_a_total_of_zero_is_refused_with_a_code_not_computed_silently():
    with pytest.raises(InvalidInput) as caught:
        run(0, [muni("a", 1, existing_effort=3), muni("b", 2)], credit_factor=1)
    assert caught.value.field == "total"
    assert caught.value.code == "total_zero"
    assert "nothing to allocate" in str(caught.value)


def test_two_tier_subregion_of_only_zeroed_municipalities_is_warned_about():
    # z already does more than its share (q = 0) but m = 0.5 keeps l_z = 0.5 * 0.26 * 10 =
    # 1.3, rounded up to a hard 2; its sub-region B gets N = 2, which no lambda can reach
    # inside B (1.3 stays 1.3): the whole-number bound decides and a warning says so.
    munis = [
        muni("a", 37, subregion="A"),
        muni("z", 13, subregion="B", existing_effort=100),
    ]
    result = run(10, munis, two_tier=True, credit_factor=1, max_credit_fraction="0.5")
    assert result.allocations() == {"a": 8, "z": 2}
    assert [(s.name, s.allocation, s.lambda_) for s in result.subregions][1] == ("B", 2, None)
    assert any("sub-region B" in w and "cannot be scaled" in w for w in result.warnings)
    rounding = result.subregions[1].rounding
    assert rounding is not None
    assert rounding.forced == "lower"
