"""The region overview in a real browser (issues 13 and 14): at 1280 x 900 the first screen
shows the whole matrix municipality x group, no page is wider than the window, the tabs
are links that work with the keyboard (htmx swaps the tab area and the URL follows), and
every tab passes axe."""

from __future__ import annotations

import os
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from allocation.models import Scenario
from allocation.tests.factories import scenario_for
from dashboards.tests.factories import computed, mra_region

from .conftest import axe_violations

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 1280, 900

GEOMETRY_JS = """
() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return {
    top: r.top + window.scrollY, bottom: r.bottom + window.scrollY, left: r.left, right: r.right }; };
  const matrix = document.querySelector('table.matrix');
  return {
    matrix: matrix ? box(matrix) : null,
    rows: matrix ? matrix.tBodies.length && Array.from(matrix.tBodies).reduce((n, b) => n + b.rows.length, 0) : 0,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  };
}
"""


def _all_groups_scenario():
    region = mra_region()
    everything = scenario_for(region.round, name="Alle groepen")
    Scenario.objects.filter(pk=everything.pk).update(sensitivity_draws=100)  # faster
    computed(everything)
    return region.round, everything


def _not_wider_than_the_window(page, where: str) -> None:
    found = page.evaluate(GEOMETRY_JS)
    assert found["scrollWidth"] <= found["innerWidth"], where


def test_the_first_screen_answers_who_takes_on_what(page, app_url, login) -> None:
    cache.clear()
    round_, scenario = _all_groups_scenario()
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    login("stuurgroep.zuid-kennemerland")
    overview = reverse("dashboards:overview", args=[round_.pk, scenario.pk])
    page.goto(app_url + overview)

    found = page.evaluate(GEOMETRY_JS)
    if os.environ.get("DASH_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["DASH_SCREENSHOTS"], "overview.png"))
    assert found["rows"] == 30
    matrix = found["matrix"]
    assert matrix["top"] >= 0
    assert matrix["bottom"] <= HEIGHT, f"the matrix ends at {matrix['bottom']} px"
    assert matrix["left"] >= 0
    assert matrix["right"] <= WIDTH
    assert found["scrollWidth"] <= found["innerWidth"]
    header = page.locator("table.matrix thead").inner_text()
    assert "personen" in header
    assert "standplaatsen" in header
    assert axe_violations(page) == [], "overview"

    # The tabs with the keyboard only: htmx swaps the tab area, the URL and focus follow.
    tabs = page.get_by_role("navigation", name=re.compile("overzicht|overview", re.I))
    # (The names in Dutch, or in English until the new texts are translated.)
    expected = [
        ("Kaart|Map", r"/kaart/$", "figure.chart"),
        ("Alle doelgroepen samen|All groups together", r"/mutaties/$", "figure.chart"),
        ("Per doelgroep|Per target group", r"/doelgroepen/[\w-]+/$", "table.results"),
    ]
    for name, url, content in expected:
        link = tabs.get_by_role("link", name=re.compile(f"^({name})$"))
        link.focus()
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(url))
        page.locator(content).first.wait_for()
        assert link.get_attribute("aria-current") in ("page", "true")
        focused = page.evaluate("() => document.activeElement.textContent.trim()")
        assert re.fullmatch(name, focused), focused
        _not_wider_than_the_window(page, name)
        assert axe_violations(page) == [], name

    # Another target group through the sub-navigation, then back with the browser.
    groups = page.get_by_role("navigation", name="Doelgroepen")
    links = groups.get_by_role("link")
    assert links.count() == 7
    third = links.nth(2).get_attribute("href")
    links.nth(2).click()
    page.wait_for_url(re.compile(re.escape(third) + "$"))
    page.locator(f'.subtabs a[href="{third}"][aria-current="page"]').wait_for()
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == third
    page.go_back()
    page.go_back()
    page.wait_for_url(re.compile(r"/mutaties/$"))
    page.locator("figure.chart").first.wait_for()

    # Each tab is a page of its own: opened directly, it is the whole page.
    page.goto(app_url + reverse("dashboards:overview_map", args=[round_.pk, scenario.pk]))
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.locator("#kaart-kop").is_visible()
    _not_wider_than_the_window(page, "map opened directly")


def test_the_tile_map_is_readable(page, app_url, login) -> None:
    cache.clear()
    region = mra_region()
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    login("stuurgroep.amsterdam")
    url = reverse("dashboards:overview_map", args=[region.round.pk, region.scenarios[0].pk])
    page.goto(app_url + url)
    svg = page.locator("#grafiek-kaart svg")
    if os.environ.get("DASH_SCREENSHOTS"):
        svg.screenshot(path=os.path.join(os.environ["DASH_SCREENSHOTS"], "map.png"))
    box = svg.bounding_box()
    assert box is not None
    assert box["width"] >= 900  # tiles big enough for their names
    assert box["x"] + box["width"] <= WIDTH
    labels = page.evaluate(
        "() => Array.from(document.querySelectorAll('#grafiek-kaart svg text')).map(t => t.textContent)"
    )
    for name in ("Haarlemmermeer", "Amsterdam", "Edam-Volendam", "Ouder-Amstel"):
        assert name in labels, name
    # The whole legend: its title and its numbers are inside the drawing.
    legend = page.evaluate(
        """() => {
      const svg = document.querySelector('#grafiek-kaart svg').getBoundingClientRect();
      const legend = document.querySelector('#grafiek-kaart svg .role-legend');
      if (!legend) { return null; }
      const r = legend.getBoundingClientRect();
      return {inside: r.left >= svg.left - 1 && r.right <= svg.right + 1 && r.bottom <= svg.bottom + 1,
              text: legend.textContent};
    }"""
    )
    assert legend is not None
    assert legend["inside"]
    assert re.search(r"per 1[.,]000 (inwoners|inhabitants)", legend["text"])
    _not_wider_than_the_window(page, "map")
    assert axe_violations(page) == [], "map"
