"""Charts render once and come from the cache afterwards."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from dashboards import rendering
from reports.charts import bar_chart


def test_the_same_chart_is_rendered_once(monkeypatch) -> None:
    cache.clear()
    calls = []

    def fake_render(spec, language="nl"):
        calls.append((spec, language))
        return "<svg></svg>"

    monkeypatch.setattr(rendering, "render_svg", fake_render)
    chart = bar_chart(
        [{"name": "Haarlem", "value": 1.5}],
        category="name",
        value="value",
        title="t",
        value_title="v",
        category_title="c",
        description="d",
    )
    assert rendering.chart_svg(chart) == "<svg></svg>"
    assert rendering.chart_svg(chart) == "<svg></svg>"
    assert len(calls) == 1


@pytest.mark.parametrize("value", [1.5, 2.5])
def test_a_different_spec_has_a_different_key(value) -> None:
    chart = bar_chart(
        [{"name": "Haarlem", "value": value}],
        category="name",
        value="value",
        title="t",
        value_title="v",
        category_title="c",
        description="d",
    )
    other = bar_chart(
        [{"name": "Haarlem", "value": value + 1}],
        category="name",
        value="value",
        title="t",
        value_title="v",
        category_title="c",
        description="d",
    )
    assert rendering.spec_key(chart) != rendering.spec_key(other)


def test_the_svg_has_the_number_formats_of_the_active_language() -> None:
    """English pages show 1,000.0 and Dutch pages 1.000,0; the cache keeps both apart."""
    from django.utils import translation

    cache.clear()
    chart = bar_chart(
        [{"name": "Haarlem", "value": 1137.5}],
        category="name",
        value="value",
        title="t",
        value_title="v",
        category_title="c",
        description="d",
    )
    with translation.override("nl"):
        dutch = str(rendering.chart_svg(chart))
    with translation.override("en"):
        english = str(rendering.chart_svg(chart))
    assert ">1.000,0<" in dutch
    assert ">1,000.0<" not in dutch
    assert ">1,000.0<" in english
    assert ">1.000,0<" not in english
    assert rendering.spec_key(chart, "nl") != rendering.spec_key(chart, "en")
