"""The live what-if in a browser: move a weight, see the numbers change within a second.

Also the shorter scenario form: collapsed sections per target group, opened by keyboard, and
no page wider than the window. Celery runs eagerly; the numbers come from the live server.
"""

from __future__ import annotations

import re

import pytest

from allocation import services
from allocation.models import Scenario, ScenarioRun

from .conftest import axe_violations

pytestmark = pytest.mark.browser

# Time stamps in the page: the last input event and the first change of the numbers after it.
WATCH = """() => {
  window.__whatif = {input: null, updated: null};
  document.addEventListener('input', () => {
    window.__whatif.input = performance.now(); window.__whatif.updated = null;
  }, true);
  const target = document.getElementById('whatif-results');
  new MutationObserver(() => {
    if (window.__whatif.input !== null && window.__whatif.updated === null) {
      window.__whatif.updated = performance.now();
    }
  }).observe(target, {childList: true, subtree: true, characterData: true});
}"""


def _not_wider_than_the_window(page, where: str) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{where}: page {widths[0]} px wide in a {widths[1]} px window"


@pytest.fixture
def gemengd(app_url) -> Scenario:
    round_ = services.demo_round_ensure()
    return Scenario.objects.get(round=round_, name="Gemengd")


def test_moving_a_weight_updates_the_numbers_within_a_second(page, app_url, login, gemengd) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    login("programma")
    page.goto(f"{app_url}/scenarios/{gemengd.pk}/")
    page.get_by_role("link", name=re.compile("Wat-als|what-if", re.IGNORECASE)).first.click()
    page.wait_for_url(re.compile(r"/wat-als/$"))
    assert axe_violations(page) == [], "what-if page"
    _not_wider_than_the_window(page, "what-if page")

    homeless = page.locator("#groep-homeless")
    assert homeless.get_attribute("open") is not None  # the first group starts open
    cell = page.locator("#whatif-GM0363 td").first  # Amsterdam, first group
    before = cell.inner_text()
    assert re.fullmatch(r"[\d.]+", before), before
    page.evaluate(WATCH)

    homeless.get_by_label("Sociale huurwoningen (corporatiebezit)").fill("10")
    homeless.get_by_label("Inwoners", exact=True).fill("90")
    page.wait_for_function("() => window.__whatif.updated !== null", timeout=5000)
    timing = page.evaluate("() => window.__whatif")
    elapsed = timing["updated"] - timing["input"]
    print(f"what-if in the browser: input to numbers {elapsed:.0f} ms (250 ms of it debounce)")
    assert elapsed < 1000, f"{elapsed:.0f} ms"
    after = cell.inner_text()
    assert after != before
    assert "(" in after  # the difference with the basis is shown
    assert page.locator("#whatif-status").inner_text() != ""
    assert axe_violations(page) == [], "what-if page after a change"
    _not_wider_than_the_window(page, "what-if page after a change")

    # A sum that is not 100% gives a message instead of numbers, and no error page.
    homeless.get_by_label("Inwoners", exact=True).fill("50")
    errors = page.locator("#whatif-errors")
    errors.wait_for(timeout=5000)
    assert "nu is het samen 60%" in errors.inner_text()
    assert page.locator("#whatif-numbers").count() == 0
    homeless.get_by_label("Inwoners", exact=True).fill("90")
    page.locator("#whatif-numbers").wait_for(timeout=5000)
    assert cell.inner_text() == after

    # Save as a scenario: a normal scenario and a background run with the same numbers.
    page.locator("#id_opslaan-name").fill("Daklozen 90/10")
    page.locator("button[formaction$='/wat-als/opslaan/']").click()
    page.wait_for_url(re.compile(r"/berekeningen/\d+/$"))
    run = ScenarioRun.objects.get(scenario__name="Daklozen 90/10")
    assert run.status == "succeeded", run.error_message
    amsterdam = next(
        a
        for a in run.results["groups"]["homeless"]["result"]["allocations"]
        if a["code"] == "GM0363"
    )
    shown = int(re.match(r"[\d.]+", after).group(0).replace(".", ""))
    assert shown == amsterdam["total_with_backlog"]


def test_the_scenario_form_is_short_and_opens_by_keyboard(page, app_url, login, gemengd) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    login("programma")
    page.goto(f"{app_url}/scenarios/{gemengd.pk}/bewerken/")
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert height < 2600, f"the scenario form is {height} px high"
    _not_wider_than_the_window(page, "scenario form")
    assert axe_violations(page) == [], "scenario form"

    urgent = page.locator("#groep-urgent")
    summary = urgent.locator("summary")
    assert "Inwoners 50%" in summary.inner_text()  # the key shows while closed
    assert not urgent.get_by_label("Inwoners", exact=True).is_visible()
    summary.focus()
    page.keyboard.press("Enter")
    assert urgent.get_by_label("Inwoners", exact=True).is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('#groep-urgent') !== null")
    assert axe_violations(page) == [], "scenario form with a group open"

    page.set_viewport_size({"width": 375, "height": 800})
    _not_wider_than_the_window(page, "scenario form, narrow")
    page.goto(f"{app_url}/scenarios/{gemengd.pk}/wat-als/")
    _not_wider_than_the_window(page, "what-if page, narrow")
