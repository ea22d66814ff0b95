"""Engine input built from the database: figures of the reference year, totals, bounds, backlog."""

from __future__ import annotations

import datetime
import math
from decimal import Decimal

import pytest

from allocation import selectors, services
from allocation.models import RoundStatus, ScenarioRun
from allocation.selectors import MunicipalityData, RunInputError, group_scenario
from core.models import FigureStatus
from municipalities.models import MunicipalFigure
from target_groups.models import GroupFigure

from .factories import RoundFactory, scenario_for

SETTINGS = {
    "weights": {"population": "1"},
    "method": "hamilton",
    "task_source": "demand",
    "entered_total": None,
    "upper_bound_mutations_pct": None,
    "credit_factor": "0",
    "max_credit_fraction": None,
    "two_tier": False,
    "strict_ties": False,
    "carry_over": False,
}

MUNIS = [
    MunicipalityData(
        code="GM0001",
        name="Een",
        subregion="Noord",
        indicators={"population": Decimal("1000.00"), "mutations": Decimal("40.00")},
        demand=7,
        existing_effort=2,
        agreed=5,
        realised=3,
    ),
    MunicipalityData(
        code="GM0002",
        name="Twee",
        subregion="Zuid",
        indicators={"population": Decimal("3000.00"), "mutations": Decimal("10.50")},
        demand=None,
        existing_effort=None,
    ),
]


def build(*, years=1, half_years=(), **settings):
    return group_scenario(
        group_code="urgent",
        group_name="Urgenten",
        household_size=Decimal("2.00"),
        settings={**SETTINGS, **settings},
        municipalities=MUNIS,
        indicator_names={"social_rental": "Sociale huurwoningen"},
        description="test",
        reference_year=2024,
        backlog_source="Afspraken 2024–2025 (computation 1)",
        years=years,
        half_years=half_years,
    )


def test_demand_total_counts_missing_demand_as_zero_and_says_so() -> None:
    scenario, provenance = build()
    assert scenario["total"] == 7
    assert provenance["demand_missing"] == ["GM0002"]
    assert scenario["municipalities"][0]["indicators"] == {"mutations": 40, "population": 1000}
    assert scenario["municipalities"][1]["existing_effort"] == 0


def test_entered_total_is_used_as_given() -> None:
    scenario, _ = build(task_source="entered", entered_total=120)
    assert scenario["total"] == 120


HALF_YEARS = [
    {"label": "2026-H1", "national_total": 13000, "national_population": 17942942},
    {"label": "2026-H2", "national_total": 12000, "national_population": 18044027},
]


def test_statutory_total_is_the_sum_of_rounded_up_national_shares_per_half_year() -> None:
    scenario, provenance = build(task_source="statutory", half_years=HALF_YEARS, years=1)
    expected = sum(
        math.ceil(vg * p / pnl)
        for p in (1000, 3000)
        for vg, pnl in ((13000, 17942942), (12000, 18044027))
    )
    assert scenario["total"] == expected
    assert scenario["statutory"] is None  # spread: the method stays hamilton
    assert provenance["half_years"][1]["label"] == "2026-H2"


def test_mode_statutory_passes_the_half_years_as_the_engines_list() -> None:
    scenario, provenance = build(mode="statutory", half_years=HALF_YEARS, years=1)
    assert scenario["method"] == "statutory"
    assert scenario["statutory"] == [{**h, "estimate": False} for h in HALF_YEARS]
    assert scenario["weights"] == {}
    assert provenance["mode"] == "statutory"


def test_statutory_without_a_national_total_is_a_dutch_error_naming_the_half_year() -> None:
    with pytest.raises(RunInputError) as info:
        build(
            mode="statutory",
            half_years=[{**HALF_YEARS[0], "national_total": None}, HALF_YEARS[1]],
        )
    assert "2026-H1" in info.value.message
    assert "2026-H2" not in info.value.message
    with pytest.raises(RunInputError):
        build(mode="statutory", half_years=[])


def test_mode_local_gives_each_municipality_its_demand_times_the_years() -> None:
    scenario, provenance = build(mode="local", years=2, upper_bound_mutations_pct="10.00")
    assert scenario["method"] == "local"
    assert [m["demand"] for m in scenario["municipalities"]] == [14, 0]
    assert scenario["total"] == 14
    assert [m["upper"] for m in scenario["municipalities"]] == [None, None]
    assert provenance["demand_missing"] == ["GM0002"]
    assert provenance["demand_per_year"] == 7


def test_demand_task_is_the_yearly_demand_times_the_years() -> None:
    scenario, provenance = build(years=2)
    assert scenario["total"] == 14
    assert provenance["years"] == 2


def test_an_entered_total_per_year_is_multiplied_by_the_years() -> None:
    scenario, _ = build(
        task_source="entered", entered_total=120, entered_total_basis="per_year", years=2
    )
    assert scenario["total"] == 240
    scenario, _ = build(task_source="entered", entered_total=120, entered_total_basis="period")
    assert scenario["total"] == 120


def test_upper_bound_is_a_share_of_mutations_times_household_size() -> None:
    scenario, provenance = build(upper_bound_mutations_pct="10.00")
    assert [m["upper"] for m in scenario["municipalities"]] == ["8", "2.1"]
    assert provenance["upper_bound"] == {
        "mutations_pct": "10.00",
        "household_size": "2.00",
        "years": 1,
    }


def test_upper_bound_scales_with_the_years_of_the_period() -> None:
    scenario, _ = build(upper_bound_mutations_pct="10.00", years=2)
    # 10% x 40 mutations x household size 2 x 2 years = 16; 10% x 10.5 x 2 x 2 = 4.2
    assert [m["upper"] for m in scenario["municipalities"]] == ["16", "4.2"]


def test_existing_effort_can_come_from_an_indicator() -> None:
    munis = [
        MunicipalityData(
            code=m.code,
            name=m.name,
            subregion=m.subregion,
            indicators={**m.indicators, "shelter_places": Decimal(5 * (i + 1))},
            demand=m.demand,
            existing_effort=m.existing_effort,
        )
        for i, m in enumerate(MUNIS)
    ]
    scenario, provenance = group_scenario(
        group_code="homeless",
        group_name="Daklozen",
        household_size=Decimal("1.10"),
        settings={**SETTINGS, "effort_indicator": "shelter_places", "credit_factor": "0.5"},
        municipalities=munis,
        indicator_names={},
        description="test",
        reference_year=2024,
        backlog_source=None,
    )
    assert [m["existing_effort"] for m in scenario["municipalities"]] == [5, 10]
    assert scenario["municipalities"][0]["indicators"]["shelter_places"] == 5
    assert provenance["effort_indicator"] == "shelter_places"


def test_backlog_is_agreed_minus_realised_when_carry_over_is_on() -> None:
    scenario, provenance = build(carry_over=True)
    assert [m["backlog"] for m in scenario["municipalities"]] == [2, 0]
    assert provenance["backlog_missing"] == ["GM0002"]
    scenario, _ = build(carry_over=False)
    assert [m["backlog"] for m in scenario["municipalities"]] == [0, 0]


def test_a_missing_weighted_indicator_is_a_dutch_error_naming_group_and_place() -> None:
    with pytest.raises(RunInputError) as info:
        build(weights={"social_rental": "1"})
    assert info.value.group == "urgent"
    assert info.value.field == "indicators.social_rental"
    assert "Urgenten" in info.value.message
    assert "Sociale huurwoningen" in info.value.message
    assert "Een, Twee" in info.value.message


@pytest.mark.django_db
def test_inputs_use_only_confirmed_figures_of_the_reference_year(round_) -> None:
    haarlem = MunicipalFigure.objects.get(
        municipality__cbs_code="GM0392", indicator__code="population", year=2024
    )
    MunicipalFigure.objects.create(
        municipality=haarlem.municipality,
        indicator=haarlem.indicator,
        year=2025,
        value=999999,
        source="test",
        reference_date=datetime.date(2025, 1, 1),
        status=FigureStatus.CONFIRMED,
    )
    scenario = selectors.scenario_get(pk=scenario_for(round_, groups=("urgent",)).pk)
    prepared = selectors.run_inputs_build(scenario=scenario)
    (group,) = prepared.groups
    row = next(m for m in group.scenario["municipalities"] if m["code"] == "GM0392")
    assert row["indicators"]["population"] == int(haarlem.value)
    demand = GroupFigure.objects.filter(year=2024, group__code="urgent").values_list(
        "demand", flat=True
    )
    assert group.scenario["total"] == sum(demand) * 2  # two years of yearly demand
    assert len(group.scenario["municipalities"]) == 30
    assert group.provenance["illustrative"]


@pytest.mark.django_db
def test_carry_over_takes_the_backlog_of_the_previous_agreed_round(user_named) -> None:
    previous = RoundFactory(
        name="Afspraken 2024–2025",
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        reference_year=2023,
    )
    MunicipalFigure.objects.filter(year=2024).update(year=2023)
    GroupFigure.objects.filter(year=2024).update(year=2023)
    old = scenario_for(previous, groups=("urgent",))
    run = ScenarioRun.objects.create(scenario=old, celery_task_id="x")
    run = services.run_execute(run_id=run.pk)
    agreed = {
        a["code"]: a["allocation"] for a in run.results["groups"]["urgent"]["result"]["allocations"]
    }
    previous.status = RoundStatus.AGREED
    previous.agreed_run = run
    previous.save()
    GroupFigure.objects.filter(year=2023).update(year=2024)
    MunicipalFigure.objects.filter(year=2023).update(year=2024)
    GroupFigure.objects.filter(
        group__code="urgent", year=2024, municipality__cbs_code="GM0392"
    ).update(realised=3)
    GroupFigure.objects.filter(
        group__code="urgent", year=2025, municipality__cbs_code="GM0392"
    ).delete()

    current = RoundFactory(name="Afspraken 2026–2027")
    scenario = scenario_for(current, groups=("urgent",), carry_over=True)
    prepared = selectors.run_inputs_build(scenario=selectors.scenario_get(pk=scenario.pk))
    (group,) = prepared.groups
    haarlem = next(m for m in group.scenario["municipalities"] if m["code"] == "GM0392")
    assert haarlem["backlog"] == agreed["GM0392"] - 3
    assert group.provenance["backlog_source"].startswith("Afspraken 2024–2025")
    assert "GM0363" in group.provenance["backlog_missing"]  # no realised figure entered
    result = services.run_execute(
        run_id=ScenarioRun.objects.create(scenario=scenario, celery_task_id="y").pk
    )
    row = next(
        a
        for a in result.results["groups"]["urgent"]["result"]["allocations"]
        if a["code"] == "GM0392"
    )
    assert row["total_with_backlog"] == max(0, row["allocation"] + agreed["GM0392"] - 3)


@pytest.mark.django_db
def test_without_a_previous_agreed_round_the_backlog_is_zero(round_) -> None:
    scenario = scenario_for(round_, groups=("urgent",), carry_over=True)
    prepared = selectors.run_inputs_build(scenario=selectors.scenario_get(pk=scenario.pk))
    (group,) = prepared.groups
    assert {m["backlog"] for m in group.scenario["municipalities"]} == {0}
    assert group.provenance["backlog_source"] is None
