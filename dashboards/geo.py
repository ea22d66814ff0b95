"""Reading municipal outlines from a CBS/PDOK GeoJSON file and simplifying them. Pure Python.

`read_boundaries` takes the parsed JSON of a FeatureCollection and returns a simplified
Polygon or MultiPolygon per CBS code (GM0363). It raises `BoundaryFileError` with a message
in English (the command line's language) naming the feature and the field.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

CODE_PROPERTIES = ("statcode", "gemeentecode", "gm_code", "code", "cbs_code")
_CODE = re.compile(r"^(GM)?(\d{1,4})$", re.IGNORECASE)

Point = list[float]


class BoundaryFileError(ValueError):
    pass


def normalise_code(value: Any) -> str | None:
    """'GM0363', 'gm363', '363' or 363 -> 'GM0363'; None if it is no municipality code."""
    match = _CODE.match(str(value).strip())
    if match is None:
        return None
    return f"GM{int(match.group(2)):04d}"


def _point(value: Any, where: str) -> Point:
    if (
        not isinstance(value, list)
        or len(value) < 2
        or not all(isinstance(c, int | float) and math.isfinite(c) for c in value[:2])
    ):
        raise BoundaryFileError(f"{where}: a position must be a list of two numbers")
    return [float(value[0]), float(value[1])]


def _ring(value: Any, where: str) -> list[Point]:
    if not isinstance(value, list) or len(value) < 4:
        raise BoundaryFileError(f"{where}: a ring needs at least 4 positions")
    return [_point(p, where) for p in value]


def _polygon(value: Any, where: str) -> list[list[Point]]:
    if not isinstance(value, list) or not value:
        raise BoundaryFileError(f"{where}: a polygon needs at least one ring")
    return [_ring(r, where) for r in value]


def _distance_to_segment(p: Point, a: Point, b: Point) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    if dx == 0 and dy == 0:
        return math.hypot(p[0] - a[0], p[1] - a[1])
    t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)))
    return math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)


def simplify_line(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker: drop points closer than `tolerance` to the simplified line."""
    if len(points) < 3 or tolerance <= 0:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, -1
        for i in range(first + 1, last):
            d = _distance_to_segment(points[i], points[first], points[last])
            if d > best:
                best, index = d, i
        if index >= 0 and best > tolerance:
            keep[index] = True
            stack.extend([(first, index), (index, last)])
    return [p for p, k in zip(points, keep, strict=True) if k]


def simplify_ring(ring: Sequence[Point], tolerance: float, digits: int) -> list[Point]:
    simplified = simplify_line(ring, tolerance)
    if len(simplified) < 4:
        simplified = list(ring)
    return [[round(x, digits), round(y, digits)] for x, y in simplified]


def _extent(polygons: Sequence[Sequence[Sequence[Point]]]) -> float:
    xs = [p[0] for poly in polygons for ring in poly for p in ring]
    ys = [p[1] for poly in polygons for ring in poly for p in ring]
    return max(max(xs) - min(xs), max(ys) - min(ys)) if xs else 0.0


def read_boundaries(
    data: Any, *, code_property: str | None = None, tolerance: float | None = None
) -> dict[str, dict[str, Any]]:
    """Simplified geometries by CBS code from a parsed GeoJSON FeatureCollection.

    The code is read from `code_property`, or else the first of CODE_PROPERTIES present.
    The default tolerance is 1/1000 of the file's extent. Coordinates are rounded to whole
    metres (RD New) or 5 decimals (degrees).
    """
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise BoundaryFileError("the file is not a GeoJSON FeatureCollection")
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise BoundaryFileError("the FeatureCollection has no features")
    parsed: dict[str, list[list[list[Point]]]] = {}
    for number, feature in enumerate(features, start=1):
        where = f"feature {number}"
        if not isinstance(feature, dict):
            raise BoundaryFileError(f"{where} is not an object")
        properties = feature.get("properties") or {}
        keys = (code_property,) if code_property else CODE_PROPERTIES
        lowered = {str(k).lower(): v for k, v in properties.items()}
        raw = next((lowered[k.lower()] for k in keys if k.lower() in lowered), None)
        if raw is None:
            raise BoundaryFileError(
                f"{where} has no municipality code (looked for the property {' or '.join(keys)})"
            )
        code = normalise_code(raw)
        if code is None:
            raise BoundaryFileError(f"{where}: {raw!r} is not a CBS municipality code")
        where = f"{where} ({code})"
        if code in parsed:
            raise BoundaryFileError(f"{where}: the code appears more than once")
        geometry = feature.get("geometry")
        if not isinstance(geometry, dict):
            raise BoundaryFileError(f"{where} has no geometry")
        kind, coordinates = geometry.get("type"), geometry.get("coordinates")
        if kind == "Polygon":
            parsed[code] = [_polygon(coordinates, where)]
        elif kind == "MultiPolygon":
            if not isinstance(coordinates, list) or not coordinates:
                raise BoundaryFileError(f"{where}: a MultiPolygon needs at least one polygon")
            parsed[code] = [_polygon(p, where) for p in coordinates]
        else:
            raise BoundaryFileError(
                f"{where}: geometry type {kind!r} is not supported (Polygon or MultiPolygon)"
            )
    extent = _extent([poly for polys in parsed.values() for poly in polys])
    degrees = extent <= 360
    digits = 5 if degrees else 0
    tol = extent / 1000 if tolerance is None else tolerance
    result = {}
    for code, polygons in parsed.items():
        simplified = [[simplify_ring(r, tol, digits) for r in poly] for poly in polygons]
        result[code] = (
            {"type": "Polygon", "coordinates": simplified[0]}
            if len(simplified) == 1
            else {"type": "MultiPolygon", "coordinates": simplified}
        )
    return result
