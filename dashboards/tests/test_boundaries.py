"""import_boundaries: a CBS/PDOK GeoJSON file becomes one simplified outline per municipality,
and the map then draws the real outlines instead of tiles."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from dashboards.geo import normalise_code, read_boundaries, simplify_line
from dashboards.models import MunicipalityBoundary

pytestmark = pytest.mark.django_db


def square(x: float, y: float, size: float = 1000) -> list[list[list[float]]]:
    return [[[x, y], [x + size / 2, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]


def feature(code: Any, coordinates: Any, kind: str = "Polygon", key: str = "statcode") -> dict:
    return {
        "type": "Feature",
        "properties": {key: code, "statnaam": "x"},
        "geometry": {"type": kind, "coordinates": coordinates},
    }


def write(tmp_path: Path, data: Any) -> str:
    path = tmp_path / "gemeenten.geojson"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


def three_squares() -> dict:
    """Haarlem and Amsterdam (RD New metres) and Utrecht, which is not an MRA municipality."""
    return {
        "type": "FeatureCollection",
        "features": [
            feature("GM0392", square(100000, 488000)),
            feature("GM0363", square(120000, 486000)),
            feature("GM0344", square(136000, 455000)),
        ],
    }


def test_import_stores_outlines_of_our_municipalities_and_skips_others(tmp_path) -> None:
    out = StringIO()
    call_command("import_boundaries", write(tmp_path, three_squares()), stdout=out)
    stored = {b.municipality.cbs_code: b for b in MunicipalityBoundary.objects.all()}
    assert set(stored) == {"GM0392", "GM0363"}
    haarlem = stored["GM0392"].geometry
    assert haarlem["type"] == "Polygon"
    # Simplified: the point in the middle of the bottom edge is gone.
    assert len(haarlem["coordinates"][0]) == 5
    assert stored["GM0392"].source == "gemeenten.geojson"
    assert "Stored 2 outlines; skipped 1" in out.getvalue()
    assert stored["GM0392"].history.count() == 1


def test_import_again_replaces_the_outline(tmp_path) -> None:
    call_command("import_boundaries", write(tmp_path, three_squares()), stdout=StringIO())
    data = three_squares()
    data["features"][0] = feature(
        "392", [square(0, 0), square(5000, 0)], kind="MultiPolygon", key="gemeentecode"
    )
    call_command("import_boundaries", write(tmp_path, data), stdout=StringIO())
    haarlem = MunicipalityBoundary.objects.get(municipality__cbs_code="GM0392")
    assert haarlem.geometry["type"] == "MultiPolygon"
    assert MunicipalityBoundary.objects.count() == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON (line 1"),
        ({"type": "Feature"}, "not a GeoJSON FeatureCollection"),
        ({"type": "FeatureCollection", "features": []}, "has no features"),
        (
            {
                "type": "FeatureCollection",
                "features": [feature("GM0392", square(0, 0), key="naam")],
            },
            "feature 1 has no municipality code (looked for the property statcode",
        ),
        (
            {"type": "FeatureCollection", "features": [feature("Haarlem", square(0, 0))]},
            "feature 1: 'Haarlem' is not a CBS municipality code",
        ),
        (
            {"type": "FeatureCollection", "features": [feature("GM0392", [[1, 2]], kind="Point")]},
            "feature 1 (GM0392): geometry type 'Point' is not supported",
        ),
        (
            {"type": "FeatureCollection", "features": [feature("GM0392", [[[0, 0], [1, 1]]])]},
            "feature 1 (GM0392): a ring needs at least 4 positions",
        ),
        (
            {
                "type": "FeatureCollection",
                "features": [feature("GM0392", square(0, 0)), feature("GM0392", square(9, 9))],
            },
            "feature 2 (GM0392): the code appears more than once",
        ),
        (
            {"type": "FeatureCollection", "features": [feature("GM0344", square(0, 0))]},
            "none of the 1 codes in the file is one of our municipalities",
        ),
    ],
)
def test_a_bad_file_gets_a_clear_message_and_nothing_is_stored(tmp_path, content, message) -> None:
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("import_boundaries", write(tmp_path, content), stdout=StringIO())
    assert MunicipalityBoundary.objects.count() == 0


def test_a_missing_file_gets_a_clear_message(tmp_path) -> None:
    with pytest.raises(CommandError, match="file not found"):
        call_command("import_boundaries", str(tmp_path / "nope.geojson"))


def test_an_error_halfway_leaves_earlier_outlines_unchanged(tmp_path) -> None:
    call_command("import_boundaries", write(tmp_path, three_squares()), stdout=StringIO())
    before = MunicipalityBoundary.objects.get(municipality__cbs_code="GM0392").geometry
    data = three_squares()
    data["features"][0] = feature("GM0392", square(1, 1))
    data["features"].append({"type": "Feature", "properties": {"statcode": "GM0358"}})
    with pytest.raises(CommandError, match="has no geometry"):
        call_command("import_boundaries", write(tmp_path, data), stdout=StringIO())
    assert MunicipalityBoundary.objects.get(municipality__cbs_code="GM0392").geometry == before


def test_with_outlines_the_map_is_a_geoshape_map(client_for, mra, tmp_path) -> None:
    url = reverse("dashboards:overview_map", args=[mra.round.pk, mra.scenarios[0].pk])
    c = client_for("stuurgroep.amsterdam")
    tiles = c.get(url).context["map"]
    assert "layer" in tiles.spec
    assert tiles.spec["layer"][0]["mark"]["type"] == "rect"
    call_command("import_boundaries", write(tmp_path, three_squares()), stdout=StringIO())
    response = c.get(url)
    geo = response.context["map"]
    assert geo.spec["mark"]["type"] == "geoshape"
    assert geo.spec["projection"] == {"type": "identity", "reflectY": True}
    features = geo.spec["data"]["values"]["features"]
    assert sorted(f["properties"]["_label"] for f in features) == ["Amsterdam", "Haarlem"]
    # The table keeps all 30 municipalities, also those without an outline.
    assert len(geo.rows) == 30
    assert "<svg" in response.content.decode()


def test_codes_are_normalised() -> None:
    assert normalise_code("GM0363") == "GM0363"
    assert normalise_code("gm363") == "GM0363"
    assert normalise_code(363) == "GM0363"
    assert normalise_code("0363") == "GM0363"
    assert normalise_code("Amsterdam") is None


def test_simplification_keeps_corners_and_drops_near_straight_points() -> None:
    line = [[0.0, 0.0], [1.0, 0.01], [2.0, 0.0], [2.0, 2.0]]
    assert simplify_line(line, 0.1) == [[0.0, 0.0], [2.0, 0.0], [2.0, 2.0]]
    assert simplify_line(line, 0) == line


def test_degrees_are_kept_with_five_decimals() -> None:
    data = {
        "type": "FeatureCollection",
        "features": [feature("GM0392", square(4.6123456, 52.3654321, 0.05))],
    }
    geometry = read_boundaries(data)["GM0392"]
    assert geometry["coordinates"][0][0] == [4.61235, 52.36543]
