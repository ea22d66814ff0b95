"""Charts as Vega-Lite specifications, rendered to SVG on the server (no browser, no CDN).

Every chart comes with the rows it draws, so that a page or PDF shows the same numbers as an
accessible table. Specs are plain dicts; `render_svg` turns one into an SVG string with the
number formats of a language (Dutch 1.137 and 0,6 by default, for the PDFs; English 1,137 and
0.6). vl-convert is imported inside the function so that web start-up stays fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
FONT = "DejaVu Sans"
BLUE = "#154273"
ORANGE = "#a65e00"

# Tile map of the 30 MRA municipalities: (column, row), laid out roughly like the region
# (north at the top, the coast on the left, Flevoland on the right).
TILE_LAYOUT: dict[str, tuple[int, int]] = {
    "GM0450": (1, 0),  # Uitgeest
    "GM0880": (3, 0),  # Wormerland
    "GM0439": (4, 0),  # Purmerend
    "GM0385": (5, 0),  # Edam-Volendam
    "GM0995": (8, 0),  # Lelystad
    "GM0396": (0, 1),  # Heemskerk
    "GM0375": (1, 1),  # Beverwijk
    "GM0479": (2, 1),  # Zaanstad
    "GM0431": (3, 1),  # Oostzaan
    "GM0415": (4, 1),  # Landsmeer
    "GM0852": (5, 1),  # Waterland
    "GM0034": (7, 1),  # Almere
    "GM0377": (0, 2),  # Bloemendaal
    "GM0453": (1, 2),  # Velsen
    "GM0363": (3, 2),  # Amsterdam
    "GM0384": (4, 2),  # Diemen
    "GM1942": (5, 2),  # Gooise Meren
    "GM0406": (6, 2),  # Huizen
    "GM0376": (7, 2),  # Blaricum
    "GM0473": (0, 3),  # Zandvoort
    "GM0392": (1, 3),  # Haarlem
    "GM0394": (2, 3),  # Haarlemmermeer
    "GM0362": (3, 3),  # Amstelveen
    "GM0437": (4, 3),  # Ouder-Amstel
    "GM1696": (5, 3),  # Wijdemeren
    "GM0402": (6, 3),  # Hilversum
    "GM0417": (7, 3),  # Laren
    "GM0397": (1, 4),  # Heemstede
    "GM0358": (2, 4),  # Aalsmeer
    "GM0451": (3, 4),  # Uithoorn
}


@dataclass
class Chart:
    """A rendered chart: the SVG, a one-sentence text alternative and the rows it draws."""

    spec: dict[str, Any]
    description: str
    rows: list[dict[str, Any]] = field(default_factory=list)

    def svg(self, language: str = "nl") -> str:
        """The SVG with the number formats of `language` (Dutch unless told otherwise)."""
        return render_svg(self.spec, language)

    def page_svg(self) -> str:
        """The SVG with the number formats of the active language (for a web page)."""
        from django.utils.translation import get_language

        return render_svg(self.spec, get_language() or "nl")


# vl-convert's number format locales per interface language.
FormatLocale = Literal["nl-NL", "en-US"]
FORMAT_LOCALES: dict[str, FormatLocale] = {"nl": "nl-NL", "en": "en-US"}


def format_locale(language: str | None) -> FormatLocale:
    """The vl-convert format locale of a language code ("en", "en-gb", "nl"); Dutch if unknown."""
    return FORMAT_LOCALES.get((language or "nl").split("-")[0].lower(), "nl-NL")


def render_svg(spec: dict[str, Any], language: str = "nl") -> str:
    import vl_convert

    svg: str = vl_convert.vegalite_to_svg(spec, format_locale=format_locale(language))
    return svg


def _base(title: str, description: str, width: int = 640) -> dict[str, Any]:
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": {"text": title, "anchor": "start", "font": FONT, "fontSize": 14},
        "description": description,
        "width": width,
        "background": "white",
        "config": {
            "font": FONT,
            "axis": {
                "labelFont": FONT,
                "titleFont": FONT,
                "labelFontSize": 11,
                "titleFontSize": 12,
            },
            "legend": {"labelFont": FONT, "titleFont": FONT},
            "view": {"stroke": None},
        },
    }


def bar_chart(
    rows: Sequence[dict[str, Any]],
    *,
    category: str,
    value: str,
    title: str,
    value_title: str,
    category_title: str,
    description: str,
    reference: float | None = None,
    reference_title: str = "",
    value_format: str = ",.1f",
) -> Chart:
    """Horizontal bars, one per category, sorted by value, with an optional reference line."""
    data = [dict(r) for r in rows]
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "bar", "color": BLUE},
            "encoding": {
                "y": {"field": category, "type": "nominal", "sort": "-x", "title": category_title},
                "x": {
                    "field": value,
                    "type": "quantitative",
                    "title": value_title,
                    "axis": {"format": value_format},
                },
                "tooltip": [
                    {"field": category, "type": "nominal", "title": category_title},
                    {
                        "field": value,
                        "type": "quantitative",
                        "title": value_title,
                        "format": value_format,
                    },
                ],
            },
        }
    ]
    if reference is not None:
        layers.append(
            {
                "data": {"values": [{"reference": reference, "label": reference_title}]},
                "mark": {"type": "rule", "color": ORANGE, "strokeWidth": 2, "strokeDash": [6, 3]},
                "encoding": {"x": {"field": "reference", "type": "quantitative"}},
            }
        )
    spec = {
        **_base(title, description),
        "height": {"step": 16},
        "data": {"values": data},
        "layer": layers,
    }
    return Chart(spec=spec, description=description, rows=data)


def band_chart(
    rows: Sequence[dict[str, Any]],
    *,
    category: str,
    low: str,
    mid: str,
    high: str,
    title: str,
    value_title: str,
    category_title: str,
    description: str,
) -> Chart:
    """A range (low–high) with a point (mid) per category: sensitivity bands."""
    data = [dict(r) for r in rows]
    spec = {
        **_base(title, description),
        "height": {"step": 16},
        "data": {"values": data},
        "layer": [
            {
                "mark": {"type": "rule", "color": BLUE, "strokeWidth": 3},
                "encoding": {
                    "y": {
                        "field": category,
                        "type": "nominal",
                        "sort": None,
                        "title": category_title,
                    },
                    "x": {"field": low, "type": "quantitative", "title": value_title},
                    "x2": {"field": high},
                },
            },
            {
                "mark": {"type": "point", "filled": True, "color": ORANGE, "size": 50},
                "encoding": {
                    "y": {"field": category, "type": "nominal", "sort": None},
                    "x": {"field": mid, "type": "quantitative"},
                },
            },
        ],
    }
    return Chart(spec=spec, description=description, rows=data)


def tile_map(
    rows: Sequence[dict[str, Any]],
    *,
    code: str,
    label: str,
    value: str,
    title: str,
    value_title: str,
    description: str,
    value_format: str = ",.1f",
) -> Chart:
    """The 30 municipalities as tiles laid out like the region, coloured by `value`.

    Rows whose code has no tile (a municipality outside the MRA layout) are left off the map
    but stay in the table rows.
    """
    data = []
    for r in rows:
        position = TILE_LAYOUT.get(str(r[code]))
        if position is None:
            continue
        data.append({**r, "_col": position[0], "_row": position[1], "_short": str(r[label])})
    spec = {
        **_base(title, description, width=9 * 88),
        "height": 5 * 56,
        "data": {"values": data},
        "encoding": {
            "x": {
                "field": "_col",
                "type": "ordinal",
                "axis": None,
                "scale": {"domain": list(range(9))},
            },
            "y": {
                "field": "_row",
                "type": "ordinal",
                "axis": None,
                "scale": {"domain": list(range(5))},
            },
        },
        "layer": [
            {
                "mark": {"type": "rect", "stroke": "white", "strokeWidth": 2},
                "encoding": {
                    "color": {
                        "field": value,
                        "type": "quantitative",
                        "title": value_title,
                        "scale": {"scheme": "blues"},
                        "legend": {"format": value_format, "orient": "bottom"},
                    },
                    "tooltip": [
                        {"field": label, "type": "nominal"},
                        {
                            "field": value,
                            "type": "quantitative",
                            "format": value_format,
                            "title": value_title,
                        },
                    ],
                },
            },
            {
                "mark": {"type": "text", "fontSize": 8.5, "baseline": "middle"},
                "encoding": {
                    "text": {"field": "_short", "type": "nominal"},
                    "color": {
                        "condition": {
                            # white text only on the darker part of the colour scale, which
                            # runs from the lowest to the highest value
                            "test": f"datum['{value}'] > {_dark_from(data, value)}",
                            "value": "white",
                        },
                        "value": "black",
                    },
                },
            },
        ],
    }
    return Chart(spec=spec, description=description, rows=[dict(r) for r in rows])


def _dark_from(data: Sequence[dict[str, Any]], key: str) -> float:
    """The value above which a tile is dark enough for white text (60% up the scale)."""
    values = [float(d[key]) for d in data if d.get(key) is not None]
    if not values:
        return 0.0
    low, high = min(values), max(values)
    return low + 0.6 * (high - low)


def geo_map(
    rows: Sequence[dict[str, Any]],
    geometries: dict[str, Any],
    *,
    code: str,
    label: str,
    value: str,
    title: str,
    value_title: str,
    description: str,
    value_format: str = ",.1f",
) -> Chart:
    """Municipalities drawn with their real outlines (GeoJSON geometries by code).

    Coordinates in metres (RD New, EPSG:28992, as CBS/PDOK publish them) are drawn as they
    are (identity projection, north up); longitude/latitude with a Mercator projection.
    Rows without an outline are left off the map but stay in the table rows.
    """
    features = []
    extent = 0.0
    for r in rows:
        geometry = geometries.get(str(r[code]))
        if geometry is None:
            continue
        extent = max(extent, _largest_coordinate(geometry["coordinates"]))
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "_label": str(r[label]),
                    "_value": r.get(value),
                },
            }
        )
    projection = {"type": "identity", "reflectY": True} if extent > 360 else {"type": "mercator"}
    spec = {
        **_base(title, description, width=640),
        "height": 480,
        "data": {
            "values": {"type": "FeatureCollection", "features": features},
            "format": {"type": "json", "property": "features"},
        },
        "projection": projection,
        "mark": {"type": "geoshape", "stroke": "white", "strokeWidth": 0.8},
        "encoding": {
            "color": {
                "field": "properties._value",
                "type": "quantitative",
                "title": value_title,
                "scale": {"scheme": "blues"},
                "legend": {"format": value_format, "orient": "bottom"},
            },
            "tooltip": [
                {"field": "properties._label", "type": "nominal"},
                {
                    "field": "properties._value",
                    "type": "quantitative",
                    "format": value_format,
                    "title": value_title,
                },
            ],
        },
    }
    return Chart(spec=spec, description=description, rows=[dict(r) for r in rows])


def _largest_coordinate(coordinates: Any) -> float:
    """The largest absolute number in a (nested) GeoJSON coordinate array."""
    if isinstance(coordinates, int | float):
        return abs(float(coordinates))
    return max((_largest_coordinate(c) for c in coordinates), default=0.0)


def print_bars_svg(
    rows: Sequence[tuple[str, float, str]],
    *,
    reference: float | None = None,
    reference_label: str = "",
    value_title: str = "",
) -> str:
    """A small horizontal bar chart as plain SVG, for the PDFs: one bar per (label, value,
    value as printed), largest first, with an optional dashed reference line. Written here
    rather than through vl-convert: no renderer call, and a handful of shapes for WeasyPrint
    to draw (a Vega-Lite chart brings axes, ticks and grid lines it must lay out)."""
    from xml.sax.saxutils import escape

    bars = sorted(rows, key=lambda r: -r[1])
    label_width, bar_left, bar_width, step, top = 196.0, 204.0, 250.0, 20.0, 24.0
    largest = max([r[1] for r in bars] + [reference or 0.0, 0.000001]) * 1.08
    height = top + step * len(bars) + 26

    def x(value: float) -> float:
        return bar_left + bar_width * value / largest

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="520" height="{height:.0f}" '
        f'viewBox="0 0 520 {height:.0f}" font-family="{FONT}" font-size="10">'
    ]
    for i, (label, value, printed) in enumerate(bars):
        y = top + i * step
        parts.append(
            f'<text x="{label_width:.0f}" y="{y + 13:.0f}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{bar_left:.0f}" y="{y + 3:.0f}" width="{x(value) - bar_left:.1f}" '
            f'height="{step - 6:.0f}" fill="{BLUE}"/>'
            f'<text x="{x(value) + 4:.1f}" y="{y + 13:.0f}">{escape(printed)}</text>'
        )
    bottom = top + step * len(bars)
    parts.append(
        f'<line x1="{bar_left:.0f}" y1="{top:.0f}" x2="{bar_left:.0f}" y2="{bottom:.0f}" '
        'stroke="#333" stroke-width="1"/>'
    )
    if reference is not None:
        parts.append(
            f'<line x1="{x(reference):.1f}" y1="{top - 6:.0f}" x2="{x(reference):.1f}" '
            f'y2="{bottom:.0f}" stroke="{ORANGE}" stroke-width="2" stroke-dasharray="6 3"/>'
            f'<text x="{x(reference):.1f}" y="{top - 10:.0f}" text-anchor="middle" '
            f'fill="{ORANGE}">{escape(reference_label)}</text>'
        )
    if value_title:
        parts.append(
            f'<text x="{bar_left + bar_width / 2:.0f}" y="{bottom + 18:.0f}" '
            f'text-anchor="middle">{escape(value_title)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
