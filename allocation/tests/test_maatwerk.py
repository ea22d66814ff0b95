"""Maatwerk per group and one time base (issue 10), with the demo data.

Acceptance 1: with the demo data and each group's default settings, students and caravan
dwellers get their own demand for the period, every municipality's status-holder task is the
statutory formula summed over the round's half-years, and labour migrants follow the jobs
indicator. The expected numbers are computed here by hand, in integers.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError

from allocation import selectors, services
from allocation.models import ScenarioRun
from municipalities.models import MunicipalFigure
from target_groups.models import GroupFigure, TargetGroup

from .factories import scenario_for

pytestmark = pytest.mark.django_db

HALF_YEARS = {"2026-H1": 13000, "2026-H2": 13000, "2027-H1": 12000, "2027-H2": 12000}
P_NL = 17_942_942


def set_half_years(round_) -> None:
    services.round_settings_update(
        round_=round_,
        fallback_pct=Decimal(15),
        statutory_urgent_groups=["homeless", "urgent", "institution_leavers"],
        half_years=[
            services.HalfYearInput(label, total, P_NL, estimate=True)
            for label, total in HALF_YEARS.items()
        ],
        user=None,
    )


def compute(scenario) -> ScenarioRun:
    run = ScenarioRun.objects.create(scenario=scenario, celery_task_id=f"t-{scenario.pk}")
    done = services.run_execute(run_id=run.pk)
    assert done is not None
    assert done.status == "succeeded", done.error_message
    return done


@pytest.fixture
def standard_run(round_) -> ScenarioRun:
    """The default scenario: every group with its own mode and key."""
    services.round_half_years_ensure(round_=round_)
    set_half_years(round_)
    scenario = services.scenario_create(
        round_=round_,
        name="Standaard",
        options=services.ScenarioOptions(sensitivity_draws=100),
        user=None,
    )
    return compute(scenario)


def allocations(run: ScenarioRun, group: str) -> dict[str, dict]:
    return {a["code"]: a for a in run.results["groups"][group]["result"]["allocations"]}


def demand_2024(group: str) -> dict[str, int]:
    return {
        code: demand or 0
        for code, demand in GroupFigure.objects.filter(group__code=group, year=2024).values_list(
            "municipality__cbs_code", "demand"
        )
    }


def figures(indicator: str) -> dict[str, int]:
    return {
        code: int(value)
        for code, value in MunicipalFigure.objects.filter(
            indicator__code=indicator, year=2024
        ).values_list("municipality__cbs_code", "value")
    }


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


# --- acceptance 1 -------------------------------------------------------------------------


def test_the_round_has_two_years_and_four_half_years(standard_run) -> None:
    assert standard_run.scenario_settings["round"]["years"] == [2026, 2027]
    assert [h["label"] for h in standard_run.scenario_settings["round"]["half_years"]] == list(
        HALF_YEARS
    )


@pytest.mark.parametrize("group", ["students", "caravan_dwellers"])
def test_local_groups_get_their_own_demand_for_the_period(standard_run, group) -> None:
    demand = demand_2024(group)
    result = allocations(standard_run, group)
    assert len(result) == 30
    for code, a in result.items():
        assert a["allocation"] == demand[code] * 2, code
    assert standard_run.results["groups"][group]["result"]["method"] == "local"
    # Bloemendaal's student demand stays Bloemendaal's: a few units, not a share of the MRA.
    assert result["GM0377"]["allocation"] == demand["GM0377"] * 2 <= 10


def test_status_holders_get_the_statutory_task_summed_over_the_half_years(standard_run) -> None:
    population = figures("population")
    result = allocations(standard_run, "status_holders")
    for code, a in result.items():
        expected = sum(ceil_div(vg * population[code], P_NL) for vg in HALF_YEARS.values())
        assert a["allocation"] == expected, code
    # Haarlem, by hand: 13000 x 167636 / 17942942 = 121.45..., so 122 per half-year of
    # 2026; 12000 x 167636 / 17942942 = 112.11..., so 113 in 2027: 122 + 122 + 113 + 113.
    assert result["GM0392"]["allocation"] == 470
    assert standard_run.results["groups"]["status_holders"]["result"]["method"] == "statutory"


def test_labour_migrants_follow_the_jobs_indicator(standard_run) -> None:
    jobs = figures("jobs")
    total = sum(demand_2024("labour_migrants").values()) * 2
    result = allocations(standard_run, "labour_migrants")
    assert standard_run.results["groups"]["labour_migrants"]["result"]["total"] == total
    all_jobs = sum(jobs.values())
    for code, a in result.items():
        quota = Fraction(total * jobs[code], all_jobs)
        assert Fraction(a["steps"]["quota_exact"]) == quota, code
        assert (
            quota.numerator // quota.denominator
            <= a["allocation"]
            <= -(-quota.numerator // quota.denominator)
        )
    # Haarlemmermeer (Schiphol) has more jobs than Haarlem, with fewer inhabitants.
    assert result["GM0394"]["allocation"] > result["GM0392"]["allocation"]


def test_homeless_people_get_credit_for_existing_shelter_places(standard_run) -> None:
    shelter = figures("shelter_places")
    scenario = selectors.run_group_input(standard_run, "homeless")
    assert scenario["weights"] == {"mutations": "0.500000", "social_rental": "0.500000"}
    assert scenario["credit_factor"] == "0.5000"
    for m in scenario["municipalities"]:
        assert m["existing_effort"] == shelter[m["code"]]


def test_the_default_scenario_has_no_maatwerk_warnings(standard_run) -> None:
    assert selectors.maatwerk_warnings(standard_run) == []
    assert selectors.maatwerk_warnings(standard_run.scenario) == []


def test_mutation_pressure_counts_only_groups_housed_from_mutations(standard_run) -> None:
    overall = standard_run.results["overall"]
    assert overall["mutation_groups"] == [
        "homeless",
        "institution_leavers",
        "status_holders",
        "urgent",
    ]
    flagged = [m for m in overall["municipalities"] if m["over_threshold"]]
    assert 0 < len(flagged) < 30
    # The share is per year: the period's dwellings over the period's mutations.
    mutations = figures("mutations")
    row = next(m for m in overall["municipalities"] if m["code"] == "GM0392")
    assert Fraction(row["share_of_mutations"]) == pytest.approx(
        Fraction(row["mutation_dwellings"]) / (2 * mutations["GM0392"]), rel=1e-9
    )


# --- maatwerk warnings ------------------------------------------------------------------------


def test_spreading_a_group_that_spreading_does_not_suit_is_warned_everywhere(
    round_, client_for
) -> None:
    scenario = scenario_for(round_, groups=("students", "urgent"))
    warnings = selectors.maatwerk_warnings(scenario)
    assert [(w.code, w.group) for w in warnings] == [("spread_not_suitable", "students")]
    assert "spreiden past minder" in warnings[0].message
    run = compute(scenario)
    assert [(w.code, w.group) for w in selectors.maatwerk_warnings(run)] == [
        ("spread_not_suitable", "students")
    ]
    c = client_for("voorzitter")
    for url in (
        scenario.get_absolute_url(),
        run.get_absolute_url(),
        f"{run.get_absolute_url()}students/",
    ):
        body = c.get(url).content.decode()
        assert 'data-warning-code="spread_not_suitable"' in body, url
        assert "Studenten: spreiden past minder bij deze groep" in body, url


def test_computing_the_statutory_group_another_way_is_warned(round_) -> None:
    scenario = scenario_for(round_, groups=("status_holders",))
    assert [w.code for w in selectors.maatwerk_warnings(scenario)] == ["statutory_overridden"]
    assert (
        "wettelijke taakstelling blijft gelden" in selectors.maatwerk_warnings(scenario)[0].message
    )


def test_a_run_keeps_its_warnings_when_the_group_changes_later(round_) -> None:
    run = compute(scenario_for(round_, groups=("students",)))
    TargetGroup.objects.filter(code="students").update(
        spreading_suitable=True, allocation_mode="spread"
    )
    assert [w.code for w in selectors.maatwerk_warnings(run)] == ["spread_not_suitable"]


def test_mode_labels_are_plain_dutch() -> None:
    assert selectors.mode_label("local") == "eigen vraag (waar de vraag ontstaat)"
    assert selectors.mode_label("statutory") == "wettelijke taakstelling"
    assert selectors.mode_label("spread") == "verdeeld met sleutel"
    assert selectors.mode_label("hamilton") == "verdeeld met sleutel"


# --- group defaults ---------------------------------------------------------------------------


def test_a_new_scenario_starts_from_each_groups_defaults(round_) -> None:
    scenario = services.scenario_create(round_=round_, name="Leeg", user=None)
    settings = {s.group.code: s for s in scenario.settings.select_related("effort_indicator")}
    assert settings["students"].mode == "local"
    assert settings["status_holders"].mode == "statutory"
    labour = settings["labour_migrants"]
    assert {w.indicator.code: w.weight for w in labour.weights.all()} == {"jobs": Decimal(1)}
    assert settings["homeless"].effort_indicator.code == "shelter_places"
    assert settings["homeless"].credit_factor == Decimal("0.5")


def test_the_editor_of_a_new_scenario_shows_the_group_defaults(client_for, round_) -> None:
    from django.urls import reverse

    page = (
        client_for("programma")
        .get(reverse("allocation:scenario_create", args=[round_.pk]))
        .content.decode()
    )
    assert 'name="students-mode" value="local"' in page
    local = page.index('name="students-mode" value="local"')
    assert "checked" in page[local : page.index(">", local)]
    assert 'name="labour_migrants-weight_jobs" value="100"' in page


def test_a_group_that_spreading_does_not_suit_cannot_be_spread_by_default() -> None:
    students = TargetGroup.objects.get(code="students")
    students.allocation_mode = "spread"
    students.default_weights = {"population": "1"}
    with pytest.raises(ValidationError) as info:
        students.full_clean()
    assert "Spreiden past niet bij deze groep" in str(info.value)


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"population": "0.5"}, "precies 1"),
        ({"nonsense": "1"}, "Onbekende indicator"),
        ({"population": "x"}, "geen getal"),
        ([], "Geef de gewichten"),
    ],
)
def test_default_weights_are_checked(weights, message) -> None:
    group = TargetGroup.objects.get(code="urgent")
    group.default_weights = weights
    with pytest.raises(ValidationError) as info:
        group.full_clean()
    assert message in str(info.value)


def test_the_results_pages_explain_local_and_statutory_in_dutch(client_for, standard_run) -> None:
    from django.urls import reverse

    c = client_for("beleid.haarlem")
    body = c.get(reverse("allocation:run_detail", args=[standard_run.pk])).content.decode()
    assert "eigen vraag (waar de vraag ontstaat)" in body
    assert "wettelijke taakstelling" in body
    assert "verdeeld met sleutel" in body
    assert "Vergeleken met de terugvalregel" in body
    students = c.get(
        reverse("allocation:run_group", args=[standard_run.pk, "students"])
    ).content.decode()
    assert "1. Eigen vraag, waar de vraag ontstaat" in students
    assert 'Eigen vraag <span class="unit">per jaar</span>' in students
    holders = c.get(
        reverse("allocation:run_group", args=[standard_run.pk, "status_holders"])
    ).content.decode()
    assert "Wettelijke taakstelling van Haarlem per halfjaar" in holders
    assert "2026-H1 (schatting)" in holders
    assert "13.000 × 167.636 / 17.942.942 = 121,4554" in holders


def test_the_fall_back_comparison_of_a_run_is_per_year_in_homes(standard_run) -> None:
    comparison = selectors.fallback_comparison(standard_run)
    assert comparison.pct == Fraction(15, 100)
    assert [code for code, _ in comparison.groups] == [
        "homeless",
        "urgent",
        "institution_leavers",
    ]
    assert comparison.years == (2026, 2027)
    mutations = figures("mutations")
    haarlem = comparison.line("GM0392")
    assert haarlem.fallback == Fraction(15, 100) * mutations["GM0392"]
    expected = Fraction(0)
    for code, size in (("homeless", Fraction(11, 10)), ("urgent", 1), ("institution_leavers", 1)):
        total = allocations(standard_run, code)["GM0392"]["total_with_backlog"]
        expected += Fraction(selectors.phase(total, 2)[0]) / size
    assert haarlem.agreed_per_year[0] == expected
    assert haarlem.difference_per_year[0] == expected - haarlem.fallback
