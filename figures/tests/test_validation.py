"""The rules of figures.validation, one by one, without a database."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from figures import validation as v

D = Decimal

LABELS = {
    "population": "Inwoners",
    "households": "Huishoudens",
    "dwellings": "Woningvoorraad",
    "social_rental": "Sociale huurwoningen",
    "mutations": "Mutaties",
    "planned_social_new_build": "Geplande sociale nieuwbouw",
    "homeless": "Dak- en thuislozen",
    "homeless.demand": "Dak- en thuislozen – vraag",
    "homeless.existing_effort": "Dak- en thuislozen – bestaande inzet",
    "homeless.realised": "Dak- en thuislozen – gerealiseerd",
}
GOOD = {
    "population": D(100000),
    "households": D(46000),
    "dwellings": D(47000),
    "social_rental": D(15000),
    "mutations": D(800),
    "planned_social_new_build": D(500),
    "homeless.demand": D(60),
    "homeless.existing_effort": D(20),
    "homeless.realised": D(10),
}


def ctx(**kwargs) -> v.Context:
    return v.Context(year=2025, labels=LABELS, **kwargs)


def codes(issues) -> list[str]:
    return sorted(i.code for i in issues)


def check(values, **kwargs) -> list[str]:
    return codes(v.check_set(values, ctx=ctx(**kwargs.pop("context", {})), **kwargs))


def test_plausible_figures_raise_nothing() -> None:
    assert check(GOOD, for_submission=True, context={"required": ("population",)}) == []


def test_every_rule_has_a_unique_code_message_and_action() -> None:
    rules = v.rules_table()
    assert len({r.code for r in rules}) == len(rules)
    for rule in rules:
        assert rule.code[0] == "V"
        assert len(rule.code) == 4
        assert str(rule.message)
        assert str(rule.action)
        assert str(rule.title)
        assert (rule.severity == v.Severity.WARNING) == rule.code.startswith("V1")


@pytest.mark.parametrize(
    ("raw", "notation", "expected"),
    [
        ("12.500", "nl", D(12500)),
        ("12,5", "nl", D("12.5")),
        ("1.234,56", "nl", D("1234.56")),
        ("12,500", "en", D(12500)),
        ("12.5", "en", D("12.5")),
        ("12500.5", "plain", D("12500.5")),
        (12500, "plain", D(12500)),
        (12.25, "plain", D("12.25")),
        (" 7 ", "nl", D(7)),
    ],
)
def test_numbers_are_read_in_the_notation_of_the_channel(raw, notation, expected) -> None:
    assert v.parse_number(raw, key="population", notation=notation) == (expected, [])


@pytest.mark.parametrize(
    ("raw", "key", "code"),
    [
        ("veel", "population", "V001"),
        ("=SUM(A1)", "population", "V001"),
        (True, "population", "V001"),
        (float("nan"), "population", "V001"),
        ("-5", "population", "V002"),
        ("12,5", "homeless.demand", "V003"),
        ("1,234", "population", "V004"),
        ("9999999999999", "population", "V004"),
        ("3000000000", "homeless.demand", "V004"),
    ],
)
def test_a_value_that_cannot_be_saved_is_an_error(raw, key, code) -> None:
    value, issues = v.parse_number(raw, key=key, notation="nl")
    assert value is None
    assert codes(issues) == [code]
    assert issues[0].is_error


def test_empty_input_is_no_figure() -> None:
    assert v.parse_number("", key="population") == (None, [])
    assert v.parse_number(None, key="population") == (None, [])


@pytest.mark.parametrize(
    "raw", ["2025-01-01", "1-1-2025", "01-01-2025", "1/1/2025", date(2025, 1, 1)]
)
def test_reference_dates_in_common_notations(raw) -> None:
    assert v.parse_date(raw, row="population") == (date(2025, 1, 1), [])


@pytest.mark.parametrize("raw", ["morgen", "2025-13-01", "31-02-2025", "1-1-1850"])
def test_a_wrong_reference_date_is_v008(raw) -> None:
    assert codes(v.parse_date(raw, row="population")[1]) == ["V008"]


def test_source_is_required_and_limited() -> None:
    assert codes(v.check_source("", row="population")) == ["V007"]
    assert codes(v.check_source("x" * 301, row="population")) == ["V014"]
    assert v.check_source("BRP", row="population") == []


def test_rows_need_source_and_date_and_a_date_near_the_year() -> None:
    rows = {
        "population": v.RowMeta("", None),
        "dwellings": v.RowMeta("CBS", date(2019, 1, 1)),
        "homeless": v.RowMeta("GGD", date(2025, 1, 1)),
    }
    assert codes(v.check_rows(rows, ctx=ctx())) == ["V007", "V008", "V108"]


def test_required_figures_are_checked_when_submitting_only() -> None:
    values = {"population": D(100)}
    required = {"required": ("population", "dwellings", "homeless.demand")}
    assert check(values, for_submission=False, context=required) == []
    assert check(values, for_submission=True, context=required) == ["V005", "V005"]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"social_rental": D(50000)}, ["V009"]),
        ({"homeless.demand": D(100001)}, ["V010"]),
        ({"households": D(100001)}, ["V011"]),
        ({"mutations": D(16000)}, ["V103"]),
        ({"homeless.realised": D(61)}, ["V104"]),
        ({"mutations": D(2500)}, ["V105"]),
        ({"social_rental": D(1000), "mutations": D(50)}, ["V106"]),
        ({"dwellings": D(25000)}, ["V107"]),
        ({"planned_social_new_build": D(5000)}, ["V109"]),
    ],
)
def test_each_combination_rule(changes, expected) -> None:
    assert check({**GOOD, **changes}, for_submission=False) == expected


def test_demand_above_population_uses_the_latest_known_population() -> None:
    values = {"homeless.demand": D(600)}
    assert check(values, for_submission=False, context={"population_fallback": D(500)}) == ["V010"]


def test_a_change_of_more_than_25_percent_against_last_year_is_a_warning() -> None:
    previous = {"previous": {"population": D(100000), "homeless.demand": D(50)}}
    assert check({**GOOD, "population": D(125000)}, for_submission=False, context=previous) == []
    assert check({**GOOD, "population": D(125001)}, for_submission=False, context=previous) == [
        "V101"
    ]
    drop = check({**GOOD, "homeless.demand": D(37)}, for_submission=False, context=previous)
    assert drop == ["V101"]


def test_no_change_warning_against_zero_last_year() -> None:
    previous = {"previous": {"homeless.demand": D(0)}}
    assert check(GOOD, for_submission=False, context=previous) == []


def test_more_than_three_times_the_regional_median_per_1000_is_a_warning() -> None:
    # 60 per 100,000 inhabitants = 0.6 per 1,000.
    assert (
        check(GOOD, for_submission=False, context={"medians": {"homeless.demand": D("0.2")}}) == []
    )
    assert check(
        GOOD, for_submission=False, context={"medians": {"homeless.demand": D("0.19")}}
    ) == ["V102"]


def test_median_needs_enough_municipalities() -> None:
    pairs = [(D(10), D(1000))] * 4
    assert v.median_per_thousand(pairs) is None
    assert v.median_per_thousand([*pairs, (D(20), D(1000))]) == D(10)


def test_only_issues_of_changed_figures_count() -> None:
    issues = v.check_set({**GOOD, "social_rental": D(50000)}, ctx=ctx(), for_submission=False)
    assert codes(v.relevant(issues, {"dwellings"})) == ["V009"]
    assert codes(v.relevant(issues, {"homeless.demand"})) == []


def test_a_warning_fingerprint_follows_the_values() -> None:
    first = v.check_set({**GOOD, "mutations": D(16000)}, ctx=ctx(), for_submission=False)[0]
    second = v.check_set({**GOOD, "mutations": D(17000)}, ctx=ctx(), for_submission=False)[0]
    assert first.key == second.key == ("V103", "mutations")
    assert first.fingerprint != second.fingerprint


def test_messages_are_dutch_on_pages_and_english_in_the_api() -> None:
    issue = v.check_set({**GOOD, "social_rental": D(50000)}, ctx=ctx(), for_submission=False)[0]
    with translation.override("nl"):
        assert "mag niet groter zijn dan de woningvoorraad" in issue.message
        assert issue.as_dict()["code"] == "V009"
    with translation.override("en"):
        assert issue.as_dict()["message"] == (
            "The social rental stock cannot be larger than the dwelling stock."
        )


def test_numbers_in_messages_follow_the_language() -> None:
    issue = v.Issue(
        "V010", "homeless.demand", params={"label": "x", "value": D(1234567), "population": D(100)}
    )
    with translation.override("nl"):
        assert "1.234.567" in issue.message
    with translation.override("en"):
        assert "1,234,567" in issue.message


def test_issues_survive_json() -> None:
    issue = v.Issue(
        "V001",
        "population",
        params={"raw": "veel"},
        location=v.Location("Cijfers", 3, "G", "Waarde"),
    )
    assert v.Issue.from_json(issue.to_json()).as_dict() == issue.as_dict()
