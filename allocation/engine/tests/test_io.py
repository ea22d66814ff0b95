"""The batch JSON contract: every validation error, the output shape, determinism."""

from __future__ import annotations

import copy
import json
from fractions import Fraction

import pytest

from allocation.engine import Infeasible, InvalidInput, allocate, parse_scenario, result_to_dict


def scenario():
    return {
        "total": 120,
        "method": "hamilton",
        "two_tier": False,
        "strict_ties": False,
        "weights": {"population": 0.5, "social_rental": 0.5},
        "credit_factor": 0,
        "max_credit_fraction": None,
        "statutory": None,
        "municipalities": [
            {
                "code": "GM0363",
                "name": "Amsterdam",
                "subregion": "Amsterdam",
                "indicators": {"population": 931298, "social_rental": 186500},
                "existing_effort": 0,
                "lower": None,
                "upper": None,
            },
            {
                "code": "GM0034",
                "name": "Almere",
                "subregion": "Almere-Lelystad",
                "indicators": {"population": 226500, "social_rental": 30000},
                "existing_effort": 0,
                "lower": None,
                "upper": None,
                "backlog": -2,
            },
            {
                "code": "GM0995",
                "name": "Lelystad",
                "subregion": "Almere-Lelystad",
                "indicators": {"population": 84080, "social_rental": 14000},
            },
        ],
    }


def error_for(data):
    with pytest.raises(InvalidInput) as err:
        parse_scenario(data)
    return err.value


def changed(path, value, *, delete=False):
    data = scenario()
    target = data
    for key in path[:-1]:
        target = target[key]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


def test_domain_example_round_trip():
    inp = parse_scenario(scenario())
    assert inp.weights == {"population": Fraction(1, 2), "social_rental": Fraction(1, 2)}
    out = result_to_dict(allocate(inp))
    assert set(out) >= {"total", "method", "allocations", "subregions", "ties", "warnings"}
    assert out["total"] == 120
    assert out["method"] == "hamilton"
    first = out["allocations"][0]
    assert set(first) >= {"code", "name", "subregion", "quota", "allocation", "steps"}
    assert len(first["quota"].split(".")[1]) >= 6
    assert sum(a["allocation"] for a in out["allocations"]) == 120
    assert [s["name"] for s in out["subregions"]] == ["Amsterdam", "Almere-Lelystad"]
    assert out["allocations"][1]["backlog"] == -2
    json.dumps(out)  # serialisable


def test_output_is_byte_identical_for_the_same_input():
    one = json.dumps(result_to_dict(allocate(parse_scenario(scenario()))), sort_keys=True)
    two = json.dumps(result_to_dict(allocate(parse_scenario(scenario()))), sort_keys=True)
    assert one == two


def test_float_weights_are_read_as_decimals():
    data = changed(["weights"], {"population": 0.1, "social_rental": 0.2, "dwellings": 0.7})
    for m in data["municipalities"]:
        m["indicators"]["dwellings"] = 10
    inp = parse_scenario(data)
    assert inp.weights["population"] == Fraction(1, 10)
    assert sum(inp.weights.values()) == 1


def test_weights_as_decimal_strings():
    inp = parse_scenario(changed(["weights"], {"population": "0.25", "social_rental": "0.75"}))
    assert inp.weights["social_rental"] == Fraction(3, 4)


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        (changed(["method"], "webster"), "method", "unknown method"),
        (changed(["method"], 3), "method", "expected a string"),
        (changed(["total"], -5), "total", "negative"),
        (changed(["total"], 12.5), "total", "whole number"),
        (changed(["total"], "many"), "total", "number"),
        (changed(["total"], True), "total", "whole number"),
        (changed(["total"], None, delete=True), "total", "required"),
        (changed(["weights"], None, delete=True), "weights", "required"),
        (changed(["weights"], [0.5]), "weights", "object"),
        (changed(["weights", "population"], 0.6), "weights", "add up to exactly 1"),
        (changed(["weights", "population"], -0.5), "weights.population", "negative"),
        (changed(["weights", "population"], "half"), "weights.population", "number"),
        (changed(["credit_factor"], 1.5), "credit_factor", "between 0 and 1"),
        (changed(["max_credit_fraction"], -0.1), "max_credit_fraction", "between 0 and 1"),
        (changed(["two_tier"], "yes"), "two_tier", "true or false"),
        (changed(["strict_ties"], 1), "strict_ties", "true or false"),
        (changed(["municipalities"], None, delete=True), "municipalities", "required"),
        (changed(["municipalities"], {}), "municipalities", "list"),
        (changed(["municipalities"], []), "municipalities", "at least one"),
        (changed(["municipalities", 1], "GM0034"), "municipalities[1]", "object"),
        (
            changed(["municipalities", 1, "code"], None, delete=True),
            "municipalities[1].code",
            "required",
        ),
        (changed(["municipalities", 1, "code"], 34), "municipalities[1].code", "string"),
        (
            changed(["municipalities", 1, "code"], "GM0363"),
            "municipalities[1].code",
            "duplicate code",
        ),
        (changed(["municipalities", 1, "name"], 5), "municipalities[1].name", "string"),
        (
            changed(["municipalities", 1, "indicators"], None, delete=True),
            "municipalities[1].indicators",
            "required",
        ),
        (
            changed(["municipalities", 1, "indicators"], [1, 2]),
            "municipalities[1].indicators",
            "object",
        ),
        (
            changed(["municipalities", 2, "indicators", "population"], None, delete=True),
            "municipalities[2].indicators.population",
            "missing",
        ),
        (
            changed(["municipalities", 2, "indicators", "population"], -1),
            "municipalities[2].indicators.population",
            "negative",
        ),
        (
            changed(["municipalities", 2, "indicators", "population"], None),
            "municipalities[2].indicators.population",
            "null",
        ),
        (
            changed(["municipalities", 1, "existing_effort"], -3),
            "municipalities[1].existing_effort",
            "negative",
        ),
        (changed(["municipalities", 1, "lower"], -1), "municipalities[1].lower", "negative"),
        (changed(["municipalities", 1, "upper"], "lots"), "municipalities[1].upper", "number"),
        (
            changed(["municipalities", 1, "backlog"], 1.5),
            "municipalities[1].backlog",
            "whole number",
        ),
        (
            changed(["municipalities", 1, "colour"], "red"),
            "municipalities[1].colour",
            "unknown field",
        ),
        (changed(["colour"], "red"), "colour", "unknown field"),
        (changed(["household_size"], 0), "household_size", "more than 0"),
        (changed(["method"], "statutory"), "statutory", "national_total"),
        (
            changed(["statutory"], {"national_total": 10}),
            "statutory.national_population",
            "required",
        ),
        (changed(["statutory"], 5), "statutory", "object"),
        (
            changed(["two_tier"], True)
            | {
                "municipalities": [
                    {"code": "A", "indicators": {"population": 1, "social_rental": 1}}
                ]
            },
            "municipalities[0].subregion",
            "sub-region",
        ),
    ],
)
def test_validation_errors_name_the_field(data, field, words):
    error = error_for(data)
    assert error.field == field
    assert words in error.message
    assert str(error).startswith(f"{field}: ")


def test_lower_above_upper_is_refused():
    data = scenario()
    data["municipalities"][0].update(lower=10, upper=5)
    error = error_for(data)
    assert error.field == "municipalities[0].lower"
    assert "exceeds the upper bound" in error.message


def test_the_root_must_be_an_object():
    assert error_for([1, 2]).field == "(root)"


def test_statutory_scenario():
    data = changed(["method"], "statutory")
    data["weights"] = None
    data["total"] = None
    data["statutory"] = {"national_total": 13000, "national_population": 17942942}
    out = result_to_dict(allocate(parse_scenario(data)))
    assert out["method"] == "statutory"
    assert out["total"] is None
    assert out["allocations"][0]["allocation"] == 675
    assert out["allocated_total"] == sum(a["allocation"] for a in out["allocations"])


def test_statutory_population_above_national_is_refused():
    data = changed(["method"], "statutory")
    data["statutory"] = {"national_total": 13000, "national_population": 1000}
    assert error_for(data).field == "municipalities[0].indicators.population"


def test_infeasible_bounds_from_a_scenario():
    data = scenario()
    for m in data["municipalities"]:
        m["upper"] = 30
    inp = parse_scenario(data)
    with pytest.raises(Infeasible) as err:
        allocate(inp)
    assert err.value.bound == "upper"
    assert "GM0363" in str(err.value)


def test_parse_does_not_change_its_input():
    data = scenario()
    before = copy.deepcopy(data)
    parse_scenario(data)
    assert data == before
