"""The engine's messages in the interface language with its number notation (issue 13):
stored codes are rendered, runs stored before the codes are re-derived from their English."""

from __future__ import annotations

from fractions import Fraction

from django.utils import translation

from allocation.engine import AllocationInput, Municipality, allocate
from allocation.engine.fairness import fairness, fairness_to_dict
from allocation.engine.io import result_to_dict
from allocation.messages import general_sentence, render_decision, render_warnings

OLD_WARNING = "GM0034 Almere: the tasks need 92.2% of its yearly mutations (threshold 30.0%)"
OLD_DECISION = (
    "floor 1250; remainder 0.6085839982 ranks 17 of 30; 15 seat(s) go to the largest "
    "remainders; it gets none: n = 1250"
)


def _result():
    munis = (
        Municipality(
            code="GM0034",
            name="Almere",
            subregion="Almere-Lelystad",
            indicators={"population": 3, "mutations": 10},
        ),
        Municipality(
            code="GM0995",
            name="Lelystad",
            subregion="Almere-Lelystad",
            indicators={"population": 1, "mutations": 100000},
        ),
    )
    inp = AllocationInput(
        total=4003, municipalities=munis, weights={"population": Fraction(1)}, method="hamilton"
    )
    return allocate(inp)


def test_stored_codes_render_with_dutch_numbers() -> None:
    stored = fairness_to_dict(fairness(_result(), household_size=Fraction(1)))
    (message,) = render_warnings(stored)
    assert message.code == "fairness.mutation_share_over_threshold"
    # 3002 dwellings over 10 mutations: 30.020%, written the Dutch way.
    assert "30.020" in message.text
    assert "Almere" in message.text
    assert "the tasks need" in message.original


def test_the_same_message_in_english_uses_english_numbers() -> None:
    stored = fairness_to_dict(fairness(_result(), household_size=Fraction(1)))
    with translation.override("en"):
        (message,) = render_warnings(stored)
    assert "30,020%" in message.text


def test_a_stored_decision_renders_from_its_code() -> None:
    steps = result_to_dict(_result())["allocations"][0]["steps"]
    rendered = render_decision(steps["rounding"])
    assert rendered is not None
    assert rendered.code in {"rounding.hamilton_one", "rounding.hamilton_none"}
    assert "3.002" in rendered.text  # the whole number with a thousands separator
    assert "floor" not in rendered.text


def test_old_runs_without_codes_are_re_derived_from_their_english() -> None:
    (warning,) = render_warnings({"warnings": [OLD_WARNING]}, {"GM0034": "Almere"})
    assert warning.code == "fairness.mutation_share_over_threshold"
    assert "92,2" in warning.text
    assert "92.2" not in warning.text
    assert "30%" in warning.text
    decision = render_decision({"decision": OLD_DECISION})
    assert decision is not None
    assert decision.code == "rounding.hamilton_none"
    assert "1.250" in decision.text
    assert "0,6086" in decision.text
    assert "floor" not in decision.text


def test_an_unknown_english_sentence_gives_the_general_sentence_not_english() -> None:
    (warning,) = render_warnings({"warnings": ["something new the engine says"]})
    assert warning.text == general_sentence()
    assert warning.original == "something new the engine says"
