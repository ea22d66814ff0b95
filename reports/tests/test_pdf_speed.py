"""The speed-ups of reports.pdf keep the PDF the same (issue 14)."""

from __future__ import annotations

import pydyf

from reports import pdf


def test_cached_page_references_equal_pydyfs_own_and_follow_new_pages() -> None:
    pdf._cache_page_references()
    document = pydyf.PDF()
    for _ in range(3):
        document.add_page(pydyf.Dictionary({"Type": "/Page"}))
    first = document.page_references
    assert first == tuple(f"{n} 0 R".encode("ascii") for n in document.pages["Kids"][::3])
    assert document.page_references is first  # built once per page count
    document.add_page(pydyf.Dictionary({"Type": "/Page"}))
    again = document.page_references
    assert len(again) == 4
    assert again[:3] == first


def _allocation(code: str, name: str, key: str, effort: int, quota: str, rank: int, n: int) -> dict:
    floor = int(float(quota))
    return {
        "code": code,
        "name": name,
        "subregion": "Zuid-Kennemerland",
        "allocation": n,
        "backlog": 0,
        "steps": {
            "indicators": {},
            "key": key,
            "credit": {"factor": "0.5", "existing_effort": str(effort), "credit": str(effort / 2)},
            "bounds": {"lower": None, "upper": None},
            "quota": quota,
            "rounding": {"floor": floor, "remainder": str(float(quota) - floor), "rank": rank},
        },
    }


def test_the_calculation_table_has_the_steps_that_matter_in_plain_dutch() -> None:
    from reports import wording as w

    # T = 10, B = 10 + 0.5 * (4 + 0) = 12: a = w * B - 0.5 * e.
    one = _allocation("GM1", "Eendorp", "0.5", 4, "4.0", 2, 4)
    two = _allocation("GM2", "Tweestad", "0.5", 0, "6.0", 1, 6)
    result = {"total": 10, "method": "hamilton", "allocations": [one, two]}
    parts = w.calculation_table(
        result,
        [
            w.CalculationInput("Eendorp", one, transfer=0, agreed=4),
            w.CalculationInput("Tweestad", two, transfer=2, agreed=8),
        ],
        method="hamilton",
        unit="persons",
        indicator_names={},
        key_column=False,
    )
    assert parts.columns == [
        "Bestaande inzet",
        "Aandeel volgens de sleutel a",
        "Plaats van de rest",
        "n",
        "Overdracht",
        "Afgesproken (hele periode)",
    ]
    assert parts.rows[1] == ("Tweestad", ["0", "6,000000", "1", "6", "+2", "8"])
    assert "B = 10 + 0,5 × 4 = 12 personen" in " ".join(parts.specific)
    text = " ".join(parts.general + parts.specific)
    assert "Quotum" not in text
    assert "quotum" not in text
    assert "." not in "".join(c for _name, row in parts.rows for c in row)  # decimal comma


def test_statutory_and_own_demand_groups_get_their_own_columns() -> None:
    from reports import wording as w

    statutory = {
        "code": "GM1",
        "name": "Eendorp",
        "allocation": 3,
        "steps": {
            "statutory": {
                "population": "1000",
                "half_years": [
                    {
                        "label": "2026-H1",
                        "national_total": 100,
                        "national_population": 50000,
                        "quota": "2.0",
                        "task": 2,
                    },
                    {
                        "label": "2026-H2",
                        "national_total": 50,
                        "national_population": 50000,
                        "quota": "1.0",
                        "task": 1,
                    },
                ],
            }
        },
    }
    parts = w.calculation_table(
        {"total": 3, "method": "statutory", "allocations": [statutory]},
        [w.CalculationInput("Eendorp", statutory, transfer=0, agreed=3)],
        method="statutory",
        unit="persons",
        indicator_names={},
    )
    assert parts.columns[0] == "Inwoners"
    assert parts.columns[-1] == "n"
    assert parts.rows == [("Eendorp", ["1.000", "2,0000", "2", "1,0000", "1", "3"])]
    assert "Eerste halfjaar 2026: landelijk 100 personen" in " ".join(parts.specific)
    local = {"code": "GM1", "name": "Eendorp", "allocation": 5, "steps": {"local": {"demand": 5}}}
    parts = w.calculation_table(
        {"total": 5, "method": "local", "allocations": [local]},
        [w.CalculationInput("Eendorp", local, transfer=0, agreed=5)],
        method="local",
        unit="pitches",
        indicator_names={},
    )
    assert parts.columns == ["Eigen vraag n"]
    assert parts.rows == [("Eendorp", ["5"])]


def test_the_share_chart_is_a_small_svg_with_dutch_numbers() -> None:
    from reports.charts import print_bars_svg

    svg = print_bars_svg(
        [("Dak- en thuislozen", 9.3, "9,3%"), ("Studenten & co", 9.2, "9,2%")],
        reference=9.1,
        reference_label="aandeel in de inwoners 9,1%",
    )
    assert svg.startswith("<svg")
    assert svg.endswith("</svg>")
    assert "9,3%" in svg
    assert "Studenten &amp; co" in svg
    assert svg.count("<rect") == 2
