"""One time base (issue 10, acceptance 2): a two-year round, worked out by hand.

Three municipalities A, B and C with 2,000, 3,000 and 5,000 inhabitants and 40, 10 and 50
vacated social rental dwellings (mutations) per year. The task is entered as 6 per year; the
round covers 2026 and 2027, so the task for the period is 6 x 2 = 12. The key is population
alone; the upper bound is 10% of the yearly mutations (household size 1) times 2 years:

    uncorrected share   A 12 x 0.2 = 2.4    B 12 x 0.3 = 3.6    C 12 x 0.5 = 6
    upper bound         A 0.1 x 40 x 2 = 8  B 0.1 x 10 x 2 = 2  C 0.1 x 50 x 2 = 10

B's share (3.6) is above its bound: B gets 2, and the other 10 go to A and C in the ratio
2.4 : 6 (lambda = 10 / 8.4): A 2.857..., C 7.142.... Largest remainder: the whole parts
2 + 2 + 7 = 11, one more to A (remainder 0.857 against C's 0.143): A 3, B 2, C 7.
Per year (even split, remainder to the first year): A 2 + 1, B 1 + 1, C 4 + 3; the region
7 in 2026 and 5 in 2027.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from fractions import Fraction
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from allocation import selectors, services
from allocation.engine import allocate, parse_scenario, years_in_period
from allocation.models import ScenarioRun
from allocation.selectors import MunicipalityData, group_scenario

from .factories import RoundFactory, scenario_for

SETTINGS = {
    "mode": "spread",
    "weights": {"population": "1"},
    "method": "hamilton",
    "task_source": "entered",
    "entered_total": 6,
    "entered_total_basis": "per_year",
    "upper_bound_mutations_pct": "10",
    "credit_factor": "0",
    "max_credit_fraction": None,
    "effort_indicator": None,
    "two_tier": False,
    "strict_ties": False,
    "carry_over": False,
}
MUNIS = [
    MunicipalityData(
        code=code,
        name=name,
        subregion="Regio",
        indicators={"population": Decimal(pop), "mutations": Decimal(mut)},
        demand=None,
    )
    for code, name, pop, mut in (
        ("GM0001", "A", 2000, 40),
        ("GM0002", "B", 3000, 10),
        ("GM0003", "C", 5000, 50),
    )
]


def hand_example():
    years = years_in_period(date(2026, 1, 1), date(2027, 12, 31))
    scenario, provenance = group_scenario(
        group_code="urgent",
        group_name="Urgenten",
        household_size=Decimal(1),
        settings=SETTINGS,
        municipalities=MUNIS,
        indicator_names={},
        description="hand",
        reference_year=2024,
        backlog_source=None,
        years=len(years),
    )
    return years, scenario, provenance, allocate(parse_scenario(scenario))


def test_the_period_task_is_the_yearly_task_times_the_years() -> None:
    years, scenario, provenance, result = hand_example()
    assert years == [2026, 2027]
    assert scenario["total"] == 12
    assert provenance["years"] == 2
    assert result.allocated_total == 12


def test_the_bounds_scale_with_the_years() -> None:
    _, scenario, _, result = hand_example()
    assert [m["upper"] for m in scenario["municipalities"]] == ["8", "2", "10"]
    by_code = result.by_code()
    assert by_code["GM0002"].bound_hit == "upper"
    assert by_code["GM0001"].region_quota == Fraction(20, 7)  # 10 / 8.4 x 2.4
    assert by_code["GM0003"].region_quota == Fraction(50, 7)  # 10 / 8.4 x 6
    assert {code: m.allocation for code, m in by_code.items()} == {
        "GM0001": 3,
        "GM0002": 2,
        "GM0003": 7,
    }


def test_the_period_is_phased_over_the_years_with_an_exact_sum() -> None:
    _, _, _, result = hand_example()
    phased = {m.code: selectors.phase(m.total_with_backlog, 2) for m in result.municipalities}
    assert phased == {"GM0001": [2, 1], "GM0002": [1, 1], "GM0003": [4, 3]}
    assert [sum(year) for year in zip(*phased.values(), strict=True)] == [7, 5]


# --- the results page: every number says its time unit --------------------------------------


class _Headers(HTMLParser):
    """Collects the column headers of numeric columns (class num) and their text."""

    def __init__(self) -> None:
        super().__init__()
        self.headers: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "th" and a.get("scope") == "col" and "num" in (a.get("class") or "").split():
            self._open, self._text = a, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "th" and self._open is not None:
            self.headers.append((self._open, " ".join("".join(self._text).split())))
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)


UNITS = ("voor de hele periode", "per jaar")


def numeric_headers(html: str) -> list[tuple[dict[str, str | None], str]]:
    parser = _Headers()
    parser.feed(html)
    return parser.headers


@pytest.fixture
def two_year_run(db):
    round_ = RoundFactory(
        name="Afspraken 2026–2027 (tijdbasis)",
        period_start=date(2026, 1, 1),
        period_end=date(2027, 12, 31),
    )
    scenario = scenario_for(
        round_,
        groups=("urgent", "students"),
        task_source="entered",
        entered_total=6,
        entered_total_basis="per_year",
        upper_bound_mutations_pct=Decimal(10),
    )
    run = ScenarioRun.objects.create(scenario=scenario, celery_task_id="tijd")
    done = services.run_execute(run_id=run.pk)
    assert done.status == "succeeded", done.error_message
    return done


@pytest.mark.django_db
def test_the_app_takes_the_entered_yearly_task_times_two(two_year_run) -> None:
    result = two_year_run.results["groups"]["urgent"]["result"]
    assert result["total"] == 12
    assert result["allocated_total"] == 12
    view = selectors.run_group_view(two_year_run, "urgent")
    assert view["years"] == (2026, 2027)
    assert sum(n for _, n in view["per_year_totals"]) == 12
    for row in view["rows"]:
        assert sum(row["per_year"]) == row["total_with_backlog"]
        assert max(row["per_year"]) - min(row["per_year"]) <= 1


@pytest.mark.django_db
# Not called "page": that name is pytest-playwright's browser fixture, and a test that
# names it is grouped with the browser tests (which flush the database).
@pytest.mark.parametrize("view_name", ["run_detail", "run_group"])
def test_every_number_on_the_results_page_carries_its_time_unit(
    client_for, two_year_run, view_name
) -> None:
    args = [two_year_run.pk] if view_name == "run_detail" else [two_year_run.pk, "urgent"]
    html = (
        client_for("voorzitter").get(reverse(f"allocation:{view_name}", args=args)).content.decode()
    )
    headers = numeric_headers(html)
    assert headers
    for attrs, text in headers:
        if attrs.get("data-unit") == "none":  # counts, ranks, shares: no quantity of homes
            continue
        if attrs.get("data-unit") == "indicator":  # an input, in the indicator's own unit
            continue
        assert any(unit in text for unit in UNITS), text
    assert "In 2026" in html
    assert "In 2027" in html
    if view_name == "run_group":
        assert re.search(r"12 huishoudens <span class=\"unit\">voor de hele periode</span>", html)
        assert "6 per jaar × 2 jaar" in html
    # Dutch numbers: no decimal point (1.234 is a thousands separator, 0.5 is English).
    assert not re.search(r"<td class=\"num\">[^<]*\d\.\d{1,2}(?!\d)", html)
