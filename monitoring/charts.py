"""The dashboard's chart and map, from reports.charts, with their rows for the tables."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.numbers import format_number
from reports.charts import Chart, bar_chart, tile_map

from .selectors import Dashboard


def _rows(board: Dashboard) -> list[dict[str, object]]:
    return [
        {"code": line.code, "name": line.label, "fulfilment": line.fulfilment_pct}
        for line in board.lines
        if line.fulfilment_pct is not None
    ]


def fulfilment_chart(board: Dashboard) -> Chart:
    assert board.group is not None  # noqa: S101 - the view checks this
    name = board.group.name
    return bar_chart(
        _rows(board),
        category="name",
        value="fulfilment",
        title=_("Fulfilment per municipality: %(group)s") % {"group": name},
        value_title=_("realised as a percentage of agreed"),
        category_title=_("Municipality"),
        description=_(
            "Bars: realised as a percentage of the agreed number for %(group)s per "
            "municipality. The dashed line is the percentage expected by now (%(expected)s%%). "
            "The table below gives the same numbers."
        )
        % {"group": name, "expected": format_number(board.fraction, 1)},
        reference=board.fraction,
        reference_title=_("expected by now"),
        value_format=",.0f",
    )


def fulfilment_map(board: Dashboard) -> Chart:
    assert board.group is not None  # noqa: S101 - the view checks this
    name = board.group.name
    return tile_map(
        _rows(board),
        code="code",
        label="name",
        value="fulfilment",
        title=_("Map of fulfilment: %(group)s") % {"group": name},
        value_title=_("fulfilment (%)"),
        description=_(
            "Map of the municipalities, darker means a higher fulfilment for %(group)s. "
            "The table below gives the same numbers."
        )
        % {"group": name},
        value_format=",.0f",
    )
