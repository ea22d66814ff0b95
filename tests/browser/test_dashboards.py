"""Dashboards in a real browser: every page passes axe, every chart has a table alternative,
the map's measure can be chosen with the keyboard, and the pages print."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from dashboards.tests.factories import mra_region

from .conftest import axe_violations

pytestmark = pytest.mark.browser

# For every chart: a text alternative (role=img with a label, and a figcaption) and the same
# numbers as a table with a caption and column headers, in a <details> right after it.
CHARTS_JS = """
() => Array.from(document.querySelectorAll('figure.chart')).map(figure => {
  const img = figure.querySelector('[role="img"]');
  const details = figure.nextElementSibling;
  const table = details && details.tagName === 'DETAILS' ? details.querySelector('table') : null;
  return {
    label: img ? img.getAttribute('aria-label') : null,
    svg: !!figure.querySelector('svg'),
    figcaption: (figure.querySelector('figcaption') || {}).textContent || '',
    caption: table && table.caption ? table.caption.textContent : null,
    headers: table ? table.querySelectorAll('th[scope="col"]').length : 0,
    rows: table ? table.tBodies[0].rows.length : 0,
  };
})
"""


def _check_page(page, where: str, *, charts: int) -> None:
    assert axe_violations(page) == [], where
    found = page.evaluate(CHARTS_JS)
    assert len(found) == charts, where
    for chart in found:
        assert chart["label"], where
        assert chart["svg"], where
        assert chart["figcaption"].strip(), where
        assert chart["caption"], where
        assert chart["headers"] >= 2, where
        assert chart["rows"] > 0, where


def test_steering_group_member_reads_every_dashboard(page, app_url, login) -> None:
    cache.clear()
    region = mra_region()
    r, (inwoners, gemengd) = region.round, region.scenarios
    login("stuurgroep.zuid-kennemerland")

    page.goto(f"{app_url}/dashboard/")
    _check_page(page, "index", charts=0)
    page.get_by_role("link", name=r.name).click()
    page.wait_for_url(re.compile(rf"/dashboard/rondes/{r.pk}/$"))
    _check_page(page, "round", charts=0)

    page.get_by_role("link", name="Overzicht van Gemengd").click()
    page.wait_for_url(re.compile(rf"/scenarios/{gemengd.pk}/$"))
    assert "Gemengd" in page.get_by_role("heading", level=1).inner_text()
    _check_page(page, "overview", charts=0)  # the first screen: the matrix only
    assert page.locator("table.matrix").is_visible()
    overview_url = page.url

    # The map is one tab away.
    page.get_by_role("link", name=re.compile("^(Kaart|Map)$")).click()
    page.wait_for_url(re.compile(rf"/scenarios/{gemengd.pk}/kaart/$"))
    page.locator("#grafiek-kaart").wait_for()
    _check_page(page, "map", charts=1)

    # Choose another measure with the keyboard only.
    select = page.get_by_label("Kleur de kaart naar")
    select.focus()
    select.select_option("mutaties")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/kaart/\?kaart=mutaties$"))
    assert page.locator("#tabel-kaart").inner_text().startswith("Benodigd deel van de mutaties")
    _check_page(page, "map with another measure", charts=1)

    # Print: the map form and the tabs disappear, the tables stay.
    page.emulate_media(media="print")
    assert not page.locator("form.map-form").is_visible()
    assert not page.locator("nav.tabs").is_visible()
    assert page.locator("#tabel-kaart").is_visible()
    page.emulate_media(media="screen")

    page.goto(overview_url)
    page.get_by_role("link", name="Haarlem", exact=True).first.click()
    page.wait_for_url(re.compile(r"/gemeenten/GM0392/$"))
    assert "Haarlem" in page.get_by_role("heading", level=1).inner_text()
    _check_page(page, "municipality", charts=1)
    page.locator("#groep-urgent summary").first.click()
    assert page.locator("#groep-urgent").get_by_text("1. Verdeelsleutel").is_visible()

    page.goto(f"{app_url}/dashboard/rondes/{r.pk}/")
    page.get_by_label("Inwoners").check()
    page.get_by_label("Gemengd").check()
    page.get_by_role("button", name="Vergelijken").click()
    page.wait_for_url(re.compile(r"/vergelijken/\?scenario="))
    assert page.locator("table.compare").count() == 2
    assert page.locator(".diff--more, .diff--less").count() > 0
    _check_page(page, "comparison", charts=0)

    # Too few scenarios: a clear message linked to the choice.
    page.goto(f"{app_url}/dashboard/rondes/{r.pk}/vergelijken/?scenario={inwoners.pk}")
    assert page.locator("#scenario-fouten").is_visible()
    _check_page(page, "comparison with an error", charts=0)
