"""Every warning and rounding decision carries a stable code and exact parameters beside its
English text (issue 13): the web app renders the code, the batch output keeps the text."""

from __future__ import annotations

from fractions import Fraction

from allocation.engine import AllocationInput, Municipality, allocate
from allocation.engine.fairness import fairness, fairness_to_dict
from allocation.engine.io import result_to_dict


def _muni(code: str, population: int, **extra: object) -> Municipality:
    return Municipality(
        code=code,
        name=code.title(),
        subregion="R",
        indicators={"population": population, "mutations": extra.pop("mutations", 100)},
        **extra,  # type: ignore[arg-type]
    )


def test_hamilton_decisions_carry_code_and_exact_parameters() -> None:
    result = allocate(
        AllocationInput(
            total=10,
            municipalities=(_muni("a", 1), _muni("b", 2)),
            weights={"population": Fraction(1)},
            method="hamilton",
        )
    )
    a, b = result.municipalities
    assert a.rounding.reason is not None
    assert a.rounding.reason.code == "rounding.hamilton_none"
    assert a.rounding.reason.params["remainder"] == Fraction(1, 3)
    assert a.rounding.reason.text == a.rounding.decision
    assert b.rounding.reason is not None
    assert b.rounding.reason.code == "rounding.hamilton_one"
    assert b.rounding.reason.params["floor"] == 6
    assert b.rounding.reason.params["allocation"] == 7
    out = result_to_dict(result)["allocations"][0]["steps"]["rounding"]
    assert out["decision_code"] == "rounding.hamilton_none"
    assert out["decision_params"]["remainder"] == "0.3333333333"
    assert out["decision"].startswith("floor 3; remainder 0.3333333333 ranks 2 of 2")


def test_warnings_and_their_notes_line_up_in_the_output() -> None:
    result = allocate(
        AllocationInput(
            total=10,
            municipalities=(_muni("a", 1, existing_effort=50), _muni("b", 2)),
            weights={"population": Fraction(1)},
            method="hamilton",
            credit_factor=Fraction(1),
        )
    )
    assert [n.code for n in result.notes] == ["credit.zeroed"]
    assert [n.text for n in result.notes] == list(result.warnings)
    out = result_to_dict(result)
    assert out["messages"] == [{"code": "credit.zeroed", "params": {"codes": ["a"]}}]


def test_the_mutation_warning_keeps_the_exact_share() -> None:
    result = allocate(
        AllocationInput(
            total=90,
            municipalities=(_muni("a", 1, mutations=3), _muni("b", 2, mutations=1000)),
            weights={"population": Fraction(1)},
            method="hamilton",
        )
    )
    report = fairness(result, household_size=Fraction(1))
    note = report.notes[0]
    assert note.code == "fairness.mutation_share_over_threshold"
    assert note.params["share"] == Fraction(30, 3)
    assert note.text == report.warnings[0]
    assert "the tasks need 1000.0% of its yearly mutations" in note.text
    assert fairness_to_dict(report)["messages"][0]["params"]["share"] == "10.0000000000"
