"""Partners reading and talking (issue 15): which rounds, results, threads and monitoring a
corporation, a care provider and a province see, on both sides of every line.

A corporation (Haarlem and Zandvoort) and a care provider (Zuid-Kennemerland) follow a round
from the review on, only its proposed or agreed computation, per municipality only their
working area, and write in its threads; a province (Noord-Holland) sees adopted material only
and writes nothing. Nobody of them sees a round in draft, collecting or computing.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from accounts import access
from agreements.models import Comment
from agreements.tests.fixtures import computed_run, proposal, review_round  # noqa: F401
from allocation.models import Round, RoundStatus, ScenarioRun
from allocation.tests.factories import RoundFactory
from municipalities.models import Municipality, SubRegion
from reports.tests.factories import adopted_round

pytestmark = pytest.mark.django_db

CORPORATION = "corporatie.kennemerland"
CARE = "zorg.zuid-kennemerland"
PROVINCE = "provincie.noord-holland"
FLEVOLAND = "provincie.flevoland"
PARTNERS = [CORPORATION, CARE, PROVINCE]
WRITERS = [CORPORATION, CARE]

HAARLEM, ZANDVOORT, HEEMSTEDE, AMSTERDAM, ALMERE = (
    "GM0392",
    "GM0473",
    "GM0397",
    "GM0363",
    "GM0034",
)


def muni(code: str) -> Municipality:
    return Municipality.objects.get(cbs_code=code)


def sub(slug: str) -> SubRegion:
    return SubRegion.objects.get(slug=slug)


@pytest.fixture
def in_review(proposal: Any) -> Round:  # noqa: F811 - the fixture
    return proposal.round


@pytest.fixture
def adopted(db: Any) -> Round:
    return adopted_round(name="Afspraken vastgesteld")


# --- the access layer ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "statuses"),
    [
        (CORPORATION, {"in_review", "agreed", "superseded"}),
        (CARE, {"in_review", "agreed", "superseded"}),
        (PROVINCE, {"agreed", "superseded"}),
        ("beleid.haarlem", None),
        ("programma", None),
    ],
)
def test_which_rounds_a_partner_follows(user_named, username, statuses) -> None:
    got = access.partner_round_statuses(user_named(username))
    assert (set(got) if got is not None else None) == statuses


@pytest.mark.parametrize("status", ["draft", "collecting", "computing"])
@pytest.mark.parametrize("username", PARTNERS)
def test_no_partner_sees_a_round_in_preparation(user_named, username, status) -> None:
    user = user_named(username)
    round_ = RoundFactory(status=status)
    assert not access.can_view_round(user, round_)
    assert not access.can_comment_on_round(user, round_)
    assert not access.can_view_municipality_thread(user, round_, muni(HAARLEM))
    assert not access.can_view_results_of(user, round_, muni(HAARLEM), published=True)
    assert not access.can_view_subregion_summary(user, round_, sub("zuid-kennemerland"))
    # Everyone else still does.
    assert access.can_view_round(user_named("beleid.haarlem"), round_)


def test_the_province_sees_no_round_in_review(user_named) -> None:
    user = user_named(PROVINCE)
    round_ = RoundFactory(status=RoundStatus.IN_REVIEW)
    assert not access.can_view_round(user, round_)
    assert not access.can_view_results_of(user, round_, muni(HAARLEM), published=True)
    for status in (RoundStatus.AGREED, RoundStatus.SUPERSEDED):
        round_.status = status
        assert access.can_view_round(user, round_)
        assert access.can_view_results_of(user, round_, muni(HAARLEM), published=True)
        # Its municipalities only: Almere is in Flevoland.
        assert not access.can_view_results_of(user, round_, muni(ALMERE), published=True)
        # Adopted material is read, never written.
        assert not access.can_comment_on_round(user, round_)
        assert not access.can_comment_on_municipality(user, muni(HAARLEM), round_)


@pytest.mark.parametrize("username", WRITERS)
def test_corporation_and_care_provider_write_in_their_area(user_named, username) -> None:
    user = user_named(username)
    round_ = RoundFactory(status=RoundStatus.IN_REVIEW)
    assert access.can_view_round(user, round_)
    assert access.can_comment_on_round(user, round_)
    assert access.can_comment_on_municipality(user, muni(HAARLEM), round_)
    assert not access.can_comment_on_municipality(user, muni(AMSTERDAM), round_)
    assert not access.can_view_municipality_thread(user, round_, muni(AMSTERDAM))
    # Only the published computation, never an alternative scenario.
    assert access.can_view_results_of(user, round_, muni(HAARLEM), published=True)
    assert not access.can_view_results_of(user, round_, muni(HAARLEM), published=False)
    assert not access.can_view_results_of(user, round_, muni(AMSTERDAM), published=True)
    assert access.can_view_subregion_summary(user, round_, sub("zuid-kennemerland"))
    assert not access.can_view_subregion_summary(user, round_, sub("amsterdam"))


def test_the_working_area_is_exact(user_named) -> None:
    round_ = RoundFactory(status=RoundStatus.IN_REVIEW)
    corporation, care = user_named(CORPORATION), user_named(CARE)
    # Heemstede: same sub-region, not the corporation's working area; the care provider's.
    assert not access.can_view_municipality_thread(corporation, round_, muni(HEEMSTEDE))
    assert access.can_view_municipality_thread(care, round_, muni(HEEMSTEDE))
    assert access.can_view_municipality_thread(corporation, round_, muni(ZANDVOORT))


def test_monitoring_of_the_working_area_confirmed_only(user_named) -> None:
    for username in PARTNERS:
        user = user_named(username)
        assert access.can_view_monitoring(user)
        assert access.can_view_monitoring_of(user, muni(HAARLEM))
        assert access.monitoring_confirmed_only(user)
        assert not access.can_enter_realisations(user, muni(HAARLEM))
        assert not access.can_view_monitoring_region_total(user)
    assert not access.can_view_monitoring_of(user_named(CORPORATION), muni(AMSTERDAM))
    assert access.can_view_monitoring_of(user_named(PROVINCE), muni(AMSTERDAM))
    assert not access.can_view_monitoring_of(user_named(PROVINCE), muni(ALMERE))
    assert access.can_view_monitoring_subregion_total(user_named(CARE), sub("zuid-kennemerland"))
    assert not access.can_view_monitoring_subregion_total(user_named(CARE), sub("amsterdam"))
    assert not access.can_view_monitoring_subregion_total(
        user_named(CORPORATION), sub("zuid-kennemerland")
    )
    assert not access.monitoring_confirmed_only(user_named("beleid.haarlem"))


def test_other_roles_keep_what_they_had(user_named) -> None:
    round_ = RoundFactory(status=RoundStatus.DRAFT)
    officer = user_named("beleid.haarlem")
    assert access.can_view_round(officer, round_)
    assert not access.can_comment_on_round(officer, round_)
    assert access.can_comment_on_municipality(officer, muni(HAARLEM), round_)
    assert not access.can_comment_on_municipality(officer, muni(AMSTERDAM), round_)
    assert access.can_comment_on_round(user_named("stuurgroep.zuid-kennemerland"), round_)
    assert access.can_view_results_of(officer, round_, muni(AMSTERDAM), published=False)


# --- the pages -------------------------------------------------------------------------------------


def _no_dead_links(client: Any, html: str) -> None:
    """Every link of the page opens for this user: a partner is offered no page that would
    answer 403."""
    for href in set(re.findall(r'href="(/[^"#?]*)', html)):
        if href.startswith(("/static/", "/media/")):
            continue
        assert client.get(href).status_code != 403, href


def _dashboard(round_: Round, scenario_pk: int, code: str) -> str:
    return reverse(
        "dashboards:municipality",
        kwargs={"round_pk": round_.pk, "scenario_pk": scenario_pk, "code": code},
    )


@pytest.mark.parametrize("username", WRITERS)
def test_review_page_of_a_round_in_review(client_for, username, in_review) -> None:
    response = client_for(username).get(
        reverse("agreements:round_review", kwargs={"pk": in_review.pk})
    )
    assert response.status_code == 200
    html = response.content.decode()
    # The round's thread with a form; the threads of the working area only.
    assert 'name="action" value="comment"' in html
    assert reverse("agreements:municipality_thread", args=[in_review.pk, HAARLEM]) in html
    assert reverse("agreements:municipality_thread", args=[in_review.pk, AMSTERDAM]) not in html
    # No links to pages a partner may not open: computations, history, round settings.
    assert reverse("agreements:round_history", args=[in_review.pk]) not in html
    assert f'href="{in_review.get_absolute_url()}"' not in html
    assert f'href="{reverse("allocation:round_list")}"' not in html
    for name in ("transition", "propose", "decide", "adopt", "correct", "transfer"):
        assert f'value="{name}"' not in html, name
    _no_dead_links(client_for(username), html)


def test_province_review_page_only_once_adopted(client_for, in_review, adopted) -> None:
    client = client_for(PROVINCE)
    review = "agreements:round_review"
    assert client.get(reverse(review, kwargs={"pk": in_review.pk})).status_code == 403
    response = client.get(reverse(review, kwargs={"pk": adopted.pk}))
    assert response.status_code == 200
    assert 'value="comment"' not in response.content.decode()


# The care provider too once agreements.Comment.author_role holds 13 characters
# ("care_provider"; max_length 12 today): add CARE here with that migration.
@pytest.mark.parametrize("username", [CORPORATION])
def test_partner_posts_in_the_round_thread(client_for, user_named, username, in_review) -> None:
    url = reverse("agreements:round_review", kwargs={"pk": in_review.pk})
    response = client_for(username).post(
        url, {"action": "comment", "comment-body": "Wij kunnen 12 woningen per jaar leveren."}
    )
    assert response.status_code == 302
    comment = Comment.objects.get(round=in_review, municipality=None)
    assert comment.author == user_named(username)
    assert comment.author_role == access.role_of(user_named(username))
    # Written on behalf of the organisation.
    assert comment.author_scope == str(user_named(username).membership.organisation)


def test_province_cannot_post(client_for, adopted, in_review) -> None:
    client = client_for(PROVINCE)
    for round_ in (in_review, adopted):
        response = client.post(
            reverse("agreements:round_review", kwargs={"pk": round_.pk}),
            {"action": "comment", "comment-body": "Hallo"},
        )
        assert response.status_code == 403
        response = client.post(
            reverse("agreements:municipality_thread", args=[round_.pk, HAARLEM]),
            {"comment-body": "Hallo"},
        )
        assert response.status_code == 403
    assert not Comment.objects.exists()


def test_corporation_in_municipality_threads(client_for, user_named, in_review) -> None:
    client = client_for(CORPORATION)
    own = reverse("agreements:municipality_thread", args=[in_review.pk, HAARLEM])
    other = reverse("agreements:municipality_thread", args=[in_review.pk, HEEMSTEDE])
    assert client.get(own).status_code == 200
    assert client.get(other).status_code == 403
    assert client.post(other, {"comment-body": "Niet van ons"}).status_code == 403
    response = client.post(own, {"comment-body": "Mutaties Haarlem: 1.450 woningen per jaar."})
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.municipality == muni(HAARLEM)
    assert comment.author == user_named(CORPORATION)
    # The officer of Haarlem reads it in the same thread.
    officer_page = client_for("beleid.haarlem").get(own).content.decode()
    assert "Mutaties Haarlem" in officer_page


def test_no_partner_page_of_a_round_in_preparation(client_for) -> None:
    round_ = RoundFactory(status=RoundStatus.COMPUTING)
    run = computed_run(round_)
    for username in PARTNERS:
        client = client_for(username)
        for url in (
            reverse("agreements:round_review", kwargs={"pk": round_.pk}),
            reverse("agreements:municipality_thread", args=[round_.pk, HAARLEM]),
            reverse("agreements:summary", args=[round_.pk, "zuid-kennemerland"]),
            reverse("agreements:summary_default", args=[round_.pk]),
            _dashboard(round_, run.scenario_id, HAARLEM),
        ):
            assert client.get(url).status_code == 403, (username, url)


@pytest.mark.parametrize("username", WRITERS)
def test_results_of_the_working_area_in_review(client_for, username, in_review) -> None:
    client = client_for(username)
    scenario_pk = in_review.proposals.get().run.scenario_id
    response = client.get(_dashboard(in_review, scenario_pk, HAARLEM))
    assert response.status_code == 200
    html = response.content.decode()
    # No links to the region-wide dashboards a partner cannot open.
    assert f'href="{reverse("dashboards:index")}"' not in html
    assert f'href="{reverse("dashboards:overview", args=[in_review.pk, scenario_pk])}"' not in html
    _no_dead_links(client, html)
    assert client.get(_dashboard(in_review, scenario_pk, AMSTERDAM)).status_code == 403


def test_an_alternative_scenario_stays_hidden(client_for, in_review) -> None:
    # A second computed scenario of the round, not proposed (made while still computing).
    run = ScenarioRun.objects.filter(scenario__round=in_review).first()
    assert run is not None
    Round.objects.filter(pk=in_review.pk).update(status=RoundStatus.COMPUTING)
    alternative = computed_run(Round.objects.get(pk=in_review.pk), name="Alternatief")
    Round.objects.filter(pk=in_review.pk).update(status=RoundStatus.IN_REVIEW)
    response = client_for(CORPORATION).get(_dashboard(in_review, alternative.scenario_id, HAARLEM))
    assert response.status_code == 403
    # The officer of Haarlem compares scenarios as before.
    response = client_for("beleid.haarlem").get(
        _dashboard(in_review, alternative.scenario_id, HAARLEM)
    )
    assert response.status_code == 200


def test_province_results_of_adopted_rounds_in_its_province(client_for, adopted) -> None:
    assert adopted.agreed_run is not None
    scenario_pk = adopted.agreed_run.scenario_id
    assert client_for(PROVINCE).get(_dashboard(adopted, scenario_pk, HAARLEM)).status_code == 200
    assert client_for(PROVINCE).get(_dashboard(adopted, scenario_pk, ALMERE)).status_code == 403
    assert client_for(FLEVOLAND).get(_dashboard(adopted, scenario_pk, ALMERE)).status_code == 200


def test_summaries_of_the_partner_sub_regions(client_for, in_review) -> None:
    client = client_for(CARE)
    own = reverse("agreements:summary", args=[in_review.pk, "zuid-kennemerland"])
    other = reverse("agreements:summary", args=[in_review.pk, "amsterdam"])
    response = client.get(own)
    assert response.status_code == 200
    assert other not in response.content.decode()  # the list of sub-regions: its own only
    assert client.get(other).status_code == 403
    # The default summary goes to its one sub-region.
    response = client.get(reverse("agreements:summary_default", args=[in_review.pk]))
    assert response.status_code == 302
    assert response["Location"] == own


def test_partner_pages_change_nothing(client_for, in_review) -> None:
    """The partners' read pages offer no action: every POST but a comment is refused."""
    url = reverse("agreements:round_review", kwargs={"pk": in_review.pk})
    status_before = in_review.status
    for username in PARTNERS:
        client = client_for(username)
        for action in ("transition", "propose", "decide", "adopt", "correct", "transfer"):
            response = client.post(url, {"action": action, "transition-to_status": "computing"})
            assert response.status_code in (400, 403), (username, action, response.status_code)
    in_review.refresh_from_db()
    assert in_review.status == status_before


def test_allocation_pages_stay_closed(client_for, in_review) -> None:
    run = ScenarioRun.objects.filter(scenario__round=in_review).first()
    assert run is not None
    for username in PARTNERS:
        client = client_for(username)
        for url in (
            reverse("allocation:round_list"),
            in_review.get_absolute_url(),
            run.get_absolute_url(),
            reverse("agreements:round_history", args=[in_review.pk]),
            reverse("dashboards:index"),
            reverse("dashboards:round", args=[in_review.pk]),
        ):
            assert client.get(url).status_code == 403, (username, url)


# --- monitoring ---------------------------------------------------------------------------------


def _draft(round_: Round, code: str, value: int, user: Any) -> None:
    from monitoring import services
    from monitoring.validation import quarter_end

    year = round_.period_start.year
    services.realisations_save_draft(
        values={
            "urgent": services.RealisationInput(
                realised=str(value), source="Registratie", reference_date=quarter_end(year, 1)
            )
        },
        round_=round_,
        municipality=muni(code),
        year=year,
        quarter=1,
        user=user,
    )


def test_monitoring_dashboard_of_the_working_area(client_for, adopted) -> None:
    client = client_for(CORPORATION)
    assert client.get(reverse("monitoring:index")).status_code == 200
    response = client.get(reverse("monitoring:dashboard", args=[adopted.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    year = adopted.period_start.year
    haarlem = reverse("monitoring:quarter", args=[adopted.pk, HAARLEM, year, 1])
    amsterdam = reverse("monitoring:quarter", args=[adopted.pk, AMSTERDAM, year, 1])
    assert haarlem in html
    assert amsterdam not in html
    _no_dead_links(client, html)
    assert client.get(haarlem).status_code == 200
    assert client.get(amsterdam).status_code == 403


def test_monitoring_quarter_confirmed_only_and_read_only(client_for, user_named, adopted) -> None:
    officer = user_named("beleid.haarlem")
    _draft(adopted, HAARLEM, 9137, officer)
    year = adopted.period_start.year
    url = reverse("monitoring:quarter", args=[adopted.pk, HAARLEM, year, 1])
    for username in PARTNERS:
        client = client_for(username)
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        # The draft stays hidden.
        assert "9137" not in html, username
        assert "9.137" not in html, username
        assert 'name="action"' not in html
        for action in ("save", "submit"):
            assert client.post(url, {"action": action}).status_code == 403


# --- home page and navigation ----------------------------------------------------------------------


def test_corporation_home(client_for, in_review, adopted) -> None:
    response = client_for(CORPORATION).get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Woonstichting Kennemerland" in html
    scenario_pk = in_review.proposals.get().run.scenario_id
    assert _dashboard(in_review, scenario_pk, HAARLEM) in html
    assert _dashboard(in_review, scenario_pk, ZANDVOORT) in html
    assert _dashboard(in_review, scenario_pk, HEEMSTEDE) not in html
    assert reverse("agreements:round_review", args=[in_review.pk]) in html
    assert reverse("monitoring:dashboard", args=[adopted.pk]) in html
    # Navigation: its pages, not the ones that would answer 403.
    assert reverse("partners:corporation_home") in html
    assert reverse("partners:agreements") in html
    assert reverse("monitoring:index") in html
    assert f'href="{reverse("allocation:round_list")}"' not in html
    assert f'href="{reverse("dashboards:index")}"' not in html
    # To-do: co-sign the adopted agreement of Zuid-Kennemerland (the link to the page).
    assert html.count(reverse("partners:agreements")) >= 2
    _no_dead_links(client_for(CORPORATION), html)


def test_province_home_shows_adopted_only(client_for, in_review, adopted) -> None:
    response = client_for(PROVINCE).get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("partners:province") in html
    assert reverse("agreements:round_review", args=[adopted.pk]) in html
    assert reverse("agreements:round_review", args=[in_review.pk]) not in html
    assert in_review.name not in html
    assert reverse("partners:agreements") not in html  # a province does not co-sign
    _no_dead_links(client_for(PROVINCE), html)


def test_care_provider_home(client_for, in_review) -> None:
    response = client_for(CARE).get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("agreements:summary", args=[in_review.pk, "zuid-kennemerland"]) in html
    assert reverse("partners:corporation_home") not in html
    _no_dead_links(client_for(CARE), html)
