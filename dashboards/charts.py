"""The dashboards' charts: a spec from reports.charts, its SVG and its table alternative."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from reports import charts

from .rendering import chart_svg
from .selectors import Measure


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    digits: int | None = None
    """None: text; otherwise the number of decimals shown."""
    header: bool = False


@dataclass
class ChartBlock:
    """What a page shows: the SVG, the text alternative and the same rows as a table."""

    id: str
    title: str
    description: str
    svg: SafeString
    columns: list[Column]
    rows: list[dict[str, Any]]
    spec: dict[str, Any]

    @property
    def cells(self) -> list[list[tuple[Column, Any]]]:
        return [[(c, row.get(c.key)) for c in self.columns] for row in self.rows]


def _block(chart_id: str, title: str, chart: charts.Chart, columns: list[Column]) -> ChartBlock:
    return ChartBlock(
        id=chart_id,
        title=title,
        description=chart.description,
        svg=chart_svg(chart),
        columns=columns,
        rows=chart.rows,
        spec=chart.spec,
    )


def _describe_extremes(rows: Sequence[Mapping[str, Any]], unit: str) -> str:
    known = [r for r in rows if r.get("value") is not None]
    if not known:
        return _("No values to show.")
    high = max(known, key=lambda r: r["value"])
    low = min(known, key=lambda r: r["value"])
    return _("Highest: %(high)s (%(hv)s %(unit)s); lowest: %(low)s (%(lv)s %(unit)s).") % {
        "high": high["name"],
        "hv": _fmt(high["value"]),
        "low": low["name"],
        "lv": _fmt(low["value"]),
        "unit": unit,
    }


def _fmt(value: float) -> str:
    from django.utils.formats import number_format

    return number_format(round(value, 2), decimal_pos=2, use_l10n=True, force_grouping=True)


def map_block(
    rows: list[dict[str, Any]], measure: Measure, geometries: Mapping[str, Any]
) -> ChartBlock:
    """The municipalities coloured by the measure: real outlines if imported, else tiles."""
    title = measure.label
    description = (
        _("Map of the municipalities coloured by %(measure)s.") % {"measure": measure.label}
        + " "
        + _describe_extremes(rows, measure.unit)
    )
    common = {
        "code": "code",
        "label": "name",
        "value": "value",
        "title": title,
        "value_title": measure.unit,
        "description": description,
        "value_format": measure.value_format,
    }
    if geometries:
        chart = charts.geo_map(rows, dict(geometries), **common)
    else:
        chart = tile_map(rows, **common)
    return _block(
        "kaart",
        title,
        chart,
        [
            Column("name", _("Municipality"), header=True),
            Column("subregion", _("Sub-region")),
            Column("value", measure.unit, digits=2),
        ],
    )


TILE_WIDTH = 118
TILE_HEIGHT = 74
LABEL_SIZE = 12


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
) -> charts.Chart:
    """The 30 municipalities as tiles laid out like the region (`reports.charts.TILE_LAYOUT`),
    large enough for each name and its value in the tile, with the whole legend below.

    Rows without a tile (a municipality outside the layout) stay in the table rows."""
    data = []
    for r in rows:
        position = charts.TILE_LAYOUT.get(str(r[code]))
        if position is not None:
            data.append({**r, "_col": position[0], "_row": position[1]})
    columns = 1 + max((c for c, _ in charts.TILE_LAYOUT.values()), default=0)
    lines = 1 + max((r for _, r in charts.TILE_LAYOUT.values()), default=0)
    known = [float(d[value]) for d in data if d.get(value) is not None]
    dark_from = min(known) + 0.72 * (max(known) - min(known)) if known else 0.0
    text_colour = {
        # white text only on the darkest part of the colour scale (contrast at least 4.5:1
        # either way at the switch)
        "condition": {"test": f"datum['{value}'] > {dark_from}", "value": "white"},
        "value": "black",
    }
    spec = {
        "$schema": charts.VEGA_LITE_SCHEMA,
        "title": {"text": title, "anchor": "start", "font": charts.FONT, "fontSize": 15},
        "description": description,
        "width": columns * TILE_WIDTH,
        "height": lines * TILE_HEIGHT,
        "background": "white",
        "padding": 8,
        "config": {"font": charts.FONT, "view": {"stroke": None}},
        "data": {"values": data},
        "encoding": {
            "x": {
                "field": "_col",
                "type": "ordinal",
                "axis": None,
                "scale": {"domain": list(range(columns))},
            },
            "y": {
                "field": "_row",
                "type": "ordinal",
                "axis": None,
                "scale": {"domain": list(range(lines))},
            },
        },
        "layer": [
            {
                "mark": {"type": "rect", "stroke": "white", "strokeWidth": 3},
                "encoding": {
                    "color": {
                        "field": value,
                        "type": "quantitative",
                        "title": value_title,
                        "scale": {"scheme": "blues"},
                        "legend": {
                            "format": value_format,
                            "orient": "bottom",
                            "direction": "horizontal",
                            "gradientLength": 420,
                            "gradientThickness": 14,
                            "titleLimit": 0,
                            "labelLimit": 0,
                            "titleFontSize": 13,
                            "labelFontSize": 12,
                            "titleFont": charts.FONT,
                            "labelFont": charts.FONT,
                        },
                    }
                },
            },
            {
                "mark": {"type": "text", "fontSize": LABEL_SIZE, "baseline": "middle", "dy": -9},
                "encoding": {"text": {"field": label, "type": "nominal"}, "color": text_colour},
            },
            {
                "mark": {
                    "type": "text",
                    "fontSize": LABEL_SIZE,
                    "fontWeight": "bold",
                    "baseline": "middle",
                    "dy": 10,
                },
                "encoding": {
                    "text": {"field": value, "type": "quantitative", "format": value_format},
                    "color": text_colour,
                },
            },
        ],
    }
    return charts.Chart(spec=spec, description=description, rows=[dict(r) for r in rows])


def mutations_block(overall: Mapping[str, Any]) -> ChartBlock:
    """Share of yearly mutations that all tasks together need, with the warning threshold."""
    rows = [
        {
            "name": r["name"],
            "subregion": r["subregion"],
            "value": None if r["share_pct"] is None else round(float(r["share_pct"]), 2),
            "warning": _("above the threshold") if r["over_threshold"] else "",
        }
        for r in overall["rows"]
    ]
    threshold = float(overall["threshold_pct"])
    title = _("Share of yearly mutations needed by all tasks together")
    description = (
        _(
            "Bar chart: per municipality the percentage of its yearly vacated social rental "
            "dwellings that all tasks together need; the dashed line is the warning threshold "
            "of %(threshold)s%%."
        )
        % {"threshold": _fmt(threshold)}
        + " "
        + _describe_extremes(rows, "%")
    )
    chart = charts.bar_chart(
        [r for r in rows if r["value"] is not None],
        category="name",
        value="value",
        title=title,
        value_title=_("percentage of yearly mutations"),
        category_title=_("Municipality"),
        description=description,
        reference=threshold,
        reference_title=_("warning threshold"),
    )
    chart.rows = rows
    return _block(
        "mutaties",
        title,
        chart,
        [
            Column("name", _("Municipality"), header=True),
            Column("subregion", _("Sub-region")),
            Column("value", _("percentage of yearly mutations"), digits=1),
            Column("warning", _("Warning")),
        ],
    )


def neighbours_block(
    rows: Sequence[Mapping[str, Any]], *, subregion: str, mean: float | None
) -> ChartBlock:
    """Dwellings per 1,000 inhabitants (all groups) of the municipalities of one sub-region."""
    data = [
        {
            "name": r["name"],
            "value": None if r["per_1000"] is None else round(float(r["per_1000"]), 3),
        }
        for r in rows
    ]
    title = _("Dwellings needed per 1,000 inhabitants in %(subregion)s") % {"subregion": subregion}
    description = (
        _(
            "Bar chart: dwellings needed per 1,000 inhabitants, all groups together, for the "
            "municipalities of %(subregion)s; the dashed line is the MRA average."
        )
        % {"subregion": subregion}
        + " "
        + _describe_extremes(data, _("per 1,000 inhabitants"))
    )
    chart = charts.bar_chart(
        [r for r in data if r["value"] is not None],
        category="name",
        value="value",
        title=title,
        value_title=_("dwellings per 1,000 inhabitants"),
        category_title=_("Municipality"),
        description=description,
        reference=mean,
        reference_title=_("MRA average"),
        value_format=",.2f",
    )
    chart.rows = data
    return _block(
        "deelregio",
        title,
        chart,
        [
            Column("name", _("Municipality"), header=True),
            Column("value", _("dwellings per 1,000 inhabitants"), digits=2),
        ],
    )
