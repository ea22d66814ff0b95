"""Excel and CSV exports hold exactly the run's stored numbers, in Dutch conventions."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from reports import exports

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(rounds_for_views):
    return rounds_for_views["adopted"].agreed_run


def _by_code(run, group: str) -> dict[str, dict]:
    return {a["code"]: a for a in run.results["groups"][group]["result"]["allocations"]}


def test_the_workbook_has_a_sheet_per_group_and_a_method_sheet(run) -> None:
    workbook = load_workbook(io.BytesIO(exports.run_workbook(run)))
    names = [run.scenario_settings["groups"][code]["name"] for code in run.results["groups"]]
    assert workbook.sheetnames == [n[:31] for n in names] + ["Methode"]


def test_every_sheet_holds_the_runs_numbers_exactly(run) -> None:
    workbook = load_workbook(io.BytesIO(exports.run_workbook(run)))
    for code in run.results["groups"]:
        name = run.scenario_settings["groups"][code]["name"][:31]
        sheet = workbook[name]
        rows = list(sheet.iter_rows(values_only=True))
        header = rows[0]
        assert header[:7] == (
            "CBS-code",
            "Gemeente",
            "Deelregio",
            "Exact aandeel (hele periode)",
            "Eerlijk deel (hele periode)",
            "Achterstand (hele periode)",
            "Totaal (hele periode)",
        )
        stored = _by_code(run, code)
        assert len(rows) - 1 == len(stored) == 30
        for row in rows[1:]:
            a = stored[row[0]]
            assert row[1] == a["name"]
            assert row[2] == a["subregion"]
            assert Decimal(str(row[3])) == pytest.approx(Decimal(a["quota"]), abs=Decimal("1e-9"))
            assert (row[4], row[5], row[6]) == (
                a["allocation"],
                a["backlog"],
                a["total_with_backlog"],
            )
        assert sum(r[6] for r in rows[1:]) == sum(a["total_with_backlog"] for a in stored.values())


def test_every_number_column_says_its_time_and_the_total_is_phased_per_year(run) -> None:
    text = exports.run_csv(run).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = rows[0]
    years = [
        str(y)
        for y in range(run.scenario.round.period_start.year, run.scenario.round.period_end.year + 1)
    ]
    per_year = [f"Totaal in {y}" for y in years]
    assert all(h in header for h in per_year)
    timeless = {
        "Doelgroep",
        "CBS-code",
        "Gemeente",
        "Deelregio",
        "Sleutel w",
        "Grens bereikt",
        "Heel deel",
        "Rest",
        "Rang",
        "Erbij door afronden",
    }
    for name in header:
        assert (
            name in timeless or "hele periode" in name or name in per_year or ("peildatum" in name)
        ), name
    total, first = header.index("Totaal (hele periode)"), header.index(per_year[0])
    for row in rows[1:]:
        assert sum(int(row[header.index(h)]) for h in per_year) == int(row[total])
        assert abs(int(row[first]) - int(row[header.index(per_year[-1])])) <= 1
    assert "remainder" not in text.lower()
    assert "largest" not in text.lower()


def test_the_method_sheet_holds_settings_weights_sources_and_the_digest(run) -> None:
    workbook = load_workbook(io.BytesIO(exports.run_workbook(run)))
    cells = [
        c for row in workbook["Methode"].iter_rows(values_only=True) for c in row if c is not None
    ]
    assert run.digest in cells
    assert "Gewicht" in cells
    assert "Sociale huurwoningen (corporatiebezit)" in cells
    assert Decimal("0.5") in [Decimal(str(c)) for c in cells if isinstance(c, (int, float))]
    assert any(isinstance(c, str) and c.startswith("Illustratief") for c in cells)
    assert any(isinstance(c, str) and "CBS" in c for c in cells)  # a source


def test_the_csv_uses_semicolons_decimal_commas_and_utf8_with_bom(run) -> None:
    content = exports.run_csv(run)
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:5] == [
        "Doelgroep",
        "CBS-code",
        "Gemeente",
        "Deelregio",
        "Exact aandeel (hele periode)",
    ]
    assert len(rows) == 1 + 7 * 30
    names = {run.scenario_settings["groups"][c]["name"]: c for c in run.results["groups"]}
    for row in rows[1:]:
        a = _by_code(run, names[row[0]])[row[1]]
        assert "." not in row[4]
        assert Decimal(row[4].replace(",", ".")) == Decimal(a["quota"])
        assert (int(row[5]), int(row[6]), int(row[7])) == (
            a["allocation"],
            a["backlog"],
            a["total_with_backlog"],
        )
    assert any("," in row[4] for row in rows[1:])
    assert "\r\n" in text
    # Dutch names survive the encoding.
    assert any("Zuid-Kennemerland" in row for row in rows)


def test_the_download_names_carry_the_run_and_its_digest(run, client_for) -> None:
    response = client_for("programma").get(f"/berekeningen/{run.pk}/export.csv")
    assert f"berekening-{run.pk}-{run.digest[:12]}.csv" in response["Content-Disposition"]
    assert response["Content-Type"].startswith("text/csv")
    assert response.content == exports.run_csv(run)


def test_exports_are_in_dutch_whatever_language_is_active(run) -> None:
    from django.utils import translation

    with translation.override("en"):
        content = exports.run_csv(run)
        workbook = load_workbook(io.BytesIO(exports.run_workbook(run)))
    assert content.decode("utf-8-sig").startswith("Doelgroep;CBS-code;Gemeente")
    first = workbook[workbook.sheetnames[0]]
    assert first["A1"].value == "CBS-code"


def test_a_bound_that_was_hit_is_named_in_dutch() -> None:
    from django.utils import translation

    with translation.override("nl"):
        columns = dict(exports._columns())
        name = columns["Grens bereikt"]
        assert name({"steps": {"bounds": {"bound_hit": "upper"}}}) == "bovengrens"
        assert name({"steps": {"bounds": {"bound_hit": "lower"}}}) == "ondergrens"
        assert name({"steps": {"bounds": {"bound_hit": None}}}) is None
