"""The home page is a to-do list per role (issue 13): what is waiting, by when, one click to it."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.urls import reverse

from agreements import services as review_services
from agreements.tests.fixtures import STEERING, approve_all
from allocation.models import RoundStatus
from core.models import FigureStatus
from home.todo import round_progress
from municipalities.models import MunicipalFigure

pytestmark = pytest.mark.django_db

TODO_LINK = re.compile(r'class="[^"]*todo-link" href="([^"]+)"')


def _home(client: Any) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    # The to-do list is the first thing under the page's heading.
    assert html.index('id="todo"') < html.index('class="lead"')
    return html


def _todo(html: str) -> str:
    start = html.index('id="todo"')
    return html[start : html.index("</section>", start)]


def _first_link(html: str) -> str:
    found = TODO_LINK.search(_todo(html))
    assert found is not None, _todo(html)
    return found.group(1)


def _opens(client: Any, link: str) -> None:
    response = client.get(link.split("#", 1)[0], follow=True)
    assert response.status_code == 200, link


@pytest.mark.parametrize(
    "username",
    [
        "beleid.haarlem",
        "coordinator.zuid-kennemerland",
        "stuurgroep.zuid-kennemerland",
        "voorzitter",
        "programma",
        "beheer",
    ],
)
def test_every_roles_next_task_is_one_working_link_away(proposal, client_for, username) -> None:
    client = client_for(username)
    html = _home(client)
    for link in TODO_LINK.findall(_todo(html)):
        _opens(client, link)


def test_the_steering_member_sees_her_decision_with_the_sub_regions_numbers(
    proposal, client_for, user_named
) -> None:
    client = client_for("stuurgroep.zuid-kennemerland")
    html = _home(client)
    todo = _todo(html)
    assert "Zuid-Kennemerland" in todo
    assert _first_link(html) == (
        reverse("agreements:round_review", kwargs={"pk": proposal.round.pk}) + "#h-my-decision"
    )
    assert 'class="todo-summary"' in todo  # the numbers of her sub-region, per group
    assert (
        reverse("agreements:summary", kwargs={"pk": proposal.round.pk, "slug": "zuid-kennemerland"})
        in todo
    )
    # Once she approved, nothing waits for her.
    user = user_named("stuurgroep.zuid-kennemerland")
    review_services.approval_decide(
        proposal=proposal, subregion=user.membership.subregion, user=user, decision="approve"
    )
    html = _home(client)
    assert "#h-my-decision" not in _todo(html)
    assert 'id="todo-empty"' in html


def test_the_chair_sees_who_has_not_decided_and_then_the_adoption(
    proposal, client_for, user_named
) -> None:
    client = client_for("voorzitter")
    todo = _todo(_home(client))
    assert "IJmond" in todo and "Zuid-Kennemerland" in todo  # noqa: PT018 - one list
    approve_all(proposal, user_named)
    html = _home(client)
    assert _first_link(html).startswith(
        reverse("agreements:round_review", kwargs={"pk": proposal.round.pk})
    )
    assert "IJmond" not in _todo(html)
    assert len(STEERING) == 7


def test_the_programme_team_sees_the_steps_of_the_round_and_the_next_one(
    round_, client_for
) -> None:
    client = client_for("programma")
    html = _home(client)
    todo = _todo(html)
    assert todo.count('class="steps-line__step') == 5
    assert 'aria-current="step"' in todo
    assert _first_link(html) == (
        reverse("agreements:round_review", kwargs={"pk": round_.pk}) + "#h-status"
    )
    steps = round_progress(round_).steps
    assert [s.status for s in steps] == [
        RoundStatus.DRAFT,
        RoundStatus.COLLECTING,
        RoundStatus.COMPUTING,
        RoundStatus.IN_REVIEW,
        RoundStatus.AGREED,
    ]
    assert [s.state for s in steps] == ["current", "todo", "todo", "todo", "todo"]


def test_the_programme_team_is_told_to_propose_once_the_round_is_in_review(
    review_round, client_for
) -> None:
    html = _home(client_for("programma"))
    assert _first_link(html) == (
        reverse("agreements:round_review", kwargs={"pk": review_round.pk}) + "#h-proposal"
    )
    assert [s.state for s in round_progress(review_round).steps] == [
        "done",
        "done",
        "done",
        "current",
        "todo",
    ]


def test_officers_submit_and_a_colleague_confirms_four_eyes(round_, client_for, user_named) -> None:
    round_.status = RoundStatus.COLLECTING
    round_.deadline = datetime.date(2099, 1, 31)
    round_.save()
    figures = MunicipalFigure.objects.filter(municipality__cbs_code="GM0392", year=2024)
    figures.update(status=FigureStatus.DRAFT)
    html = _home(client_for("beleid.haarlem"))
    assert _first_link(html) == "/gemeenten/GM0392/cijfers/2024/"
    assert "31 januari 2099" in _todo(html) or "31 January 2099" in _todo(html)
    figures.update(
        status=FigureStatus.SUBMITTED,
        submitted_by=user_named("beleid.haarlem"),
        updated_by=user_named("beleid.haarlem"),
    )
    # Who submitted waits; the colleague confirms.
    assert "todo-item--next" not in _todo(_home(client_for("beleid.haarlem")))
    html = _home(client_for("beleid2.haarlem"))
    assert _first_link(html) == "/gemeenten/GM0392/cijfers/2024/"
    assert "todo-item--next" in _todo(html)


def test_the_coordinator_sees_the_completeness_of_her_sub_region(round_, client_for) -> None:
    round_.status = RoundStatus.COLLECTING
    round_.save()
    MunicipalFigure.objects.filter(municipality__cbs_code="GM0473", year=2024).update(
        status=FigureStatus.DRAFT
    )
    html = _home(client_for("coordinator.zuid-kennemerland"))
    assert _first_link(html) == reverse("figures:completeness")
    assert "Zandvoort" in _todo(html)


def test_an_officer_answers_a_transfer_that_another_municipality_proposed(
    proposal, client_for, user_named
) -> None:
    from municipalities.models import Municipality
    from target_groups.models import TargetGroup

    review_services.transfer_propose(
        round_=proposal.round,
        group=TargetGroup.objects.get(code="urgent"),
        giver=Municipality.objects.get(cbs_code="GM0392"),
        taker=Municipality.objects.get(cbs_code="GM0363"),
        amount=2,
        initiator=Municipality.objects.get(cbs_code="GM0392"),
        user=user_named("beleid.haarlem"),
        reason="Wij hebben geen plek",
    )
    html = _home(client_for("beleid.amsterdam"))
    assert _first_link(html) == (
        reverse("agreements:round_review", kwargs={"pk": proposal.round.pk}) + "#h-transfers"
    )
    assert "Haarlem" in _todo(html)
    assert "#h-transfers" not in _todo(_home(client_for("beleid.haarlem")))


def test_the_home_page_takes_a_bounded_number_of_queries(
    proposal, client_for, django_assert_max_num_queries
) -> None:
    client = client_for("stuurgroep.zuid-kennemerland")
    with django_assert_max_num_queries(45):
        client.get(reverse("home"))
