"""From the home page the next task is one click away, for every role of the demo (issue 13,
acceptance 1); the home page and the decision summary are axe clean (acceptance 5).

The state gives every role something to do: a round in review with a proposal (the steering
members decide, the chair follows who has not yet), a transfer that Amsterdam asks Haarlem to
answer (officers), and a next round collecting figures (the coordinator's completeness).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest

from agreements import services as review_services
from agreements.tests.fixtures import computed_run
from allocation.models import Round, RoundStatus, ScenarioRun
from municipalities.models import Municipality
from target_groups.models import TargetGroup

from .conftest import axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def state(loaded_transactional_db: None) -> dict[str, Any]:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    programme = users.get(username="programma")
    in_review = Round.objects.create(
        name="Afspraken 2026–2027",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2027, 12, 31),
        reference_year=2024,
        status=RoundStatus.COMPUTING,
    )
    computed_run(in_review)
    in_review = review_services.round_transition(
        round_=in_review, to_status=RoundStatus.IN_REVIEW, user=programme
    )
    proposal = review_services.proposal_create(
        round_=in_review, run=ScenarioRun.objects.get(scenario__round=in_review), user=programme
    )
    amsterdam = Municipality.objects.get(cbs_code="GM0363")
    review_services.transfer_propose(
        round_=in_review,
        group=TargetGroup.objects.get(code="urgent"),
        giver=Municipality.objects.get(cbs_code="GM0392"),
        taker=amsterdam,
        amount=2,
        initiator=amsterdam,
        user=users.get(username="beleid.amsterdam"),
        reason="Amsterdam heeft ruimte",
    )
    collecting = Round.objects.create(
        name="Afspraken 2028–2029",
        period_start=datetime.date(2028, 1, 1),
        period_end=datetime.date(2029, 12, 31),
        reference_year=2025,
        deadline=datetime.date(2027, 10, 1),
        status=RoundStatus.COLLECTING,
    )
    return {"review": in_review, "proposal": proposal, "collecting": collecting}


def _first_task(page: Any) -> Any:
    return page.locator("#todo a.todo-link").first


# username -> (the path the first to-do link opens, what proves it is the right page)
def _expected(state: dict[str, Any]) -> dict[str, tuple[str, str]]:
    review = f"/rondes/{state['review'].pk}/beoordeling/"
    return {
        "beleid.haarlem": (review + "#h-transfers", "#h-transfers"),
        "beleid2.haarlem": (review + "#h-transfers", "#h-transfers"),
        "beleid.amsterdam": ("/gemeenten/GM0363/cijfers/2025/bewerken/", "form"),
        "coordinator.zuid-kennemerland": ("/cijfers/compleetheid/", "h1"),
        "stuurgroep.zuid-kennemerland": (review + "#h-my-decision", "#h-my-decision"),
        "stuurgroep.ijmond": (review + "#h-my-decision", "#h-my-decision"),
        "voorzitter": (review + "#h-decisions", "#h-decisions"),
        "programma": (review + "#h-decisions", "#h-decisions"),
        "beheer": ("/beheer/", "#content"),
    }


@pytest.mark.parametrize(
    "username",
    [
        "beleid.haarlem",
        "beleid2.haarlem",
        "beleid.amsterdam",
        "coordinator.zuid-kennemerland",
        "stuurgroep.zuid-kennemerland",
        "stuurgroep.ijmond",
        "voorzitter",
        "programma",
        "beheer",
    ],
)
def test_the_next_task_is_one_click_from_the_home_page(
    page, app_url, login, state, username
) -> None:
    login(username)
    page.goto(f"{app_url}/")
    assert page.locator("#todo").is_visible()
    assert axe_violations(page) == [], f"home page of {username}"
    path, proof = _expected(state)[username]
    link = _first_task(page)
    assert link.get_attribute("href") == path
    link.click()
    page.wait_for_load_state()
    assert page.url == f"{app_url}{path}"
    assert page.locator(proof).first.is_visible()


def test_the_steering_member_reads_the_summary_then_decides(page, app_url, login, state) -> None:
    login("stuurgroep.zuid-kennemerland")
    page.goto(f"{app_url}/")
    assert page.locator("#todo .todo-summary").is_visible()  # her sub-region's numbers
    page.locator("#todo a", has_text=re.compile("Samenvatting|Summary")).first.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/rondes/{state['review'].pk}/samenvatting/zuid-kennemerland/")
    assert page.locator("#summary-table").is_visible()
    assert axe_violations(page) == [], "decision summary"
    # The whole table fits the first screen of a 1280×900 window.
    page.set_viewport_size({"width": 1280, "height": 900})
    box = page.locator("#summary-table").bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= 900 + page.evaluate("window.scrollY")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    # The technical explanation is one click further.
    page.locator("#summary-table a.summary-number").first.click()
    page.wait_for_load_state()
    assert re.search(r"/berekeningen/\d+/[a-z_]+/#uitleg-GM\d{4}$", page.url)
    # And the decision is one click from the summary.
    page.go_back()
    page.locator("#to-decision").click()
    page.wait_for_load_state()
    assert page.url.endswith("#h-my-decision")
    assert page.locator("#summary-link").is_visible()
