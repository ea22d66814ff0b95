"""Server-side charts: valid SVG, Dutch numbers, every municipality placed on the tile map."""

import csv
from pathlib import Path

from reports.charts import TILE_LAYOUT, band_chart, bar_chart, tile_map

ROOT = Path(__file__).resolve().parents[2]
CODES = [
    r["cbs_code"]
    for r in csv.DictReader((ROOT / "fixtures" / "cbs_mra_municipalities_2024.csv").open())
]


def test_tile_layout_places_all_thirty_municipalities_once() -> None:
    assert set(TILE_LAYOUT) == set(CODES)
    assert len(set(TILE_LAYOUT.values())) == 30


def test_bar_chart_renders_svg_with_dutch_numbers() -> None:
    chart = bar_chart(
        [{"name": "Haarlem", "value": 12345.5}, {"name": "Zandvoort", "value": 2.25}],
        category="name",
        value="value",
        title="Per 1.000 inwoners",
        value_title="aantal",
        category_title="gemeente",
        description="Twee gemeenten.",
        reference=100.0,
        reference_title="MRA",
    )
    svg = chart.svg()
    assert svg.startswith("<svg")
    assert "Haarlem" in svg
    assert "12.000" in svg or "10.000" in svg  # axis ticks with a thousands dot
    assert chart.rows[0]["name"] == "Haarlem"


def test_tile_map_and_band_chart_render() -> None:
    rows = [{"code": c, "name": c, "value": i} for i, c in enumerate(CODES)]
    svg = tile_map(
        rows,
        code="code",
        label="name",
        value="value",
        title="Kaart",
        value_title="waarde",
        description="Kaart.",
    ).svg()
    assert svg.count("<text") >= 30
    bands = band_chart(
        [{"name": "A", "p5": 1, "p50": 2, "p95": 3}],
        category="name",
        low="p5",
        mid="p50",
        high="p95",
        title="Banden",
        value_title="aantal",
        category_title="gemeente",
        description="Banden.",
    )
    assert bands.svg().startswith("<svg")
