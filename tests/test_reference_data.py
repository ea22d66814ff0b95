"""The fixtures hold the exact CBS 2024 figures and the seven target groups of DOMAIN.md 3."""

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from core.models import FigureStatus
from municipalities.models import MunicipalFigure, Municipality, SubRegion
from target_groups.models import GroupFigure, TargetGroup

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
SHARED_CSV = ROOT.parent / "shared" / "reference" / "mra_municipalities_2024.csv"
PROJECT_CSV = ROOT / "fixtures" / "cbs_mra_municipalities_2024.csv"


def _cbs_figures(code: str) -> dict[str, Decimal]:
    return {
        f.municipality.cbs_code: f.value
        for f in MunicipalFigure.objects.filter(indicator__code=code, year=2024).select_related(
            "municipality"
        )
    }


def test_thirty_municipalities_in_seven_subregions() -> None:
    assert Municipality.objects.count() == 30
    counts = {s.name: s.municipalities.count() for s in SubRegion.objects.all()}
    assert counts == {
        "Amsterdam": 1,
        "Amstelland-Meerlanden": 6,
        "Almere-Lelystad": 2,
        "Gooi en Vechtstreek": 6,
        "IJmond": 4,
        "Zaanstreek-Waterland": 7,
        "Zuid-Kennemerland": 4,
    }


def test_population_and_dwellings_are_the_exact_cbs_2024_totals() -> None:
    assert sum(_cbs_figures("population").values()) == 2_607_523
    assert sum(_cbs_figures("dwellings").values()) == 1_222_775


def test_fixture_values_equal_the_reference_table_row_by_row() -> None:
    source = SHARED_CSV if SHARED_CSV.exists() else PROJECT_CSV
    rows = list(csv.DictReader(source.open(encoding="utf-8")))
    population, dwellings = _cbs_figures("population"), _cbs_figures("dwellings")
    names = dict(Municipality.objects.values_list("cbs_code", "name"))
    for row in rows:
        assert names[row["cbs_code"]] == row["name"]
        assert population[row["cbs_code"]] == Decimal(row["population"])
        assert dwellings[row["cbs_code"]] == Decimal(row["dwellings"])
    assert len(rows) == 30


def test_cbs_figures_cite_their_source_and_are_not_illustrative() -> None:
    for f in MunicipalFigure.objects.filter(indicator__code__in=["population", "dwellings"]):
        assert "85984NED" in f.source
        assert not f.illustrative
        assert f.status == FigureStatus.CONFIRMED
        assert f.reference_date.isoformat() == "2024-01-01"


def test_demo_values_are_marked_illustrative() -> None:
    others = MunicipalFigure.objects.exclude(indicator__code__in=["population", "dwellings"])
    # social rental, mutations, planned new build, and the indicators of the maatwerk keys
    # (jobs, shelter places, caravan pitches, student units, study places): 8 x 30
    assert others.count() == 240
    assert not others.filter(illustrative=False).exists()
    assert all("Illustratief" in f.source for f in others)
    assert GroupFigure.objects.count() == 210
    assert not GroupFigure.objects.filter(illustrative=False).exists()


def test_demo_social_stock_is_plausible() -> None:
    social = _cbs_figures("social_rental")
    dwellings = _cbs_figures("dwellings")
    shares = {code: social[code] / dwellings[code] for code in social}
    assert all(s < 1 for s in shares.values())
    assert sum(1 for s in shares.values() if s < Decimal("0.30")) == 13
    for low in [
        "GM0417",
        "GM0376",
        "GM0385",
        "GM0377",
    ]:  # Laren, Blaricum, Edam-Volendam, Bloemendaal
        assert shares[low] < Decimal("0.20")
    assert abs(social["GM0363"] - 186_500) < 1_000  # Amsterdam's corporations: about 186,500


def test_seven_target_groups_from_the_domain_guide() -> None:
    groups = {g.code: g for g in TargetGroup.objects.all()}
    assert set(groups) == {
        "homeless",
        "status_holders",
        "urgent",
        "institution_leavers",
        "labour_migrants",
        "students",
        "caravan_dwellers",
    }
    assert groups["caravan_dwellers"].unit == "pitches"
    assert groups["urgent"].unit == "households"
    assert groups["labour_migrants"].unit == "beds"
    assert all(g.household_size > 0 and g.definition_nl for g in groups.values())
