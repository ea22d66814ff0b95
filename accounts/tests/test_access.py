"""The access module, role by role, on both sides of every line."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError

from accounts import access
from accounts.models import Membership, Role
from municipalities.models import Municipality, SubRegion

pytestmark = pytest.mark.django_db

ALL_ACCOUNTS = [
    "beleid.haarlem",
    "beleid2.haarlem",
    "beleid.amsterdam",
    "coordinator.zuid-kennemerland",
    "stuurgroep.amsterdam",
    "stuurgroep.zuid-kennemerland",
    "voorzitter",
    "programma",
    "beheer",
]


@pytest.fixture
def haarlem() -> Municipality:
    return Municipality.objects.get(cbs_code="GM0392")


@pytest.fixture
def amsterdam() -> Municipality:
    return Municipality.objects.get(cbs_code="GM0363")


# Who may read Haarlem's drafts: Haarlem's officers, its sub-region, region-wide roles.
HAARLEM_DRAFT_READERS = {
    "beleid.haarlem",
    "beleid2.haarlem",
    "coordinator.zuid-kennemerland",
    "stuurgroep.zuid-kennemerland",
    "voorzitter",
    "programma",
    "beheer",
}


@pytest.mark.parametrize("username", ALL_ACCOUNTS)
def test_who_reads_haarlem_drafts(username, user_named, haarlem) -> None:
    expected = username in HAARLEM_DRAFT_READERS
    assert access.can_view_municipality_drafts(user_named(username), haarlem) is expected


@pytest.mark.parametrize("username", ALL_ACCOUNTS)
def test_only_haarlem_officers_edit_haarlem_figures(username, user_named, haarlem) -> None:
    expected = username in {"beleid.haarlem", "beleid2.haarlem"}
    assert access.can_edit_municipality_figures(user_named(username), haarlem) is expected


@pytest.mark.parametrize("username", ALL_ACCOUNTS)
def test_only_amsterdam_officer_edits_amsterdam_figures(username, user_named, amsterdam) -> None:
    expected = username == "beleid.amsterdam"
    assert access.can_edit_municipality_figures(user_named(username), amsterdam) is expected


def test_four_eyes_the_submitter_cannot_confirm_own_figures(user_named, haarlem) -> None:
    first, second = user_named("beleid.haarlem"), user_named("beleid2.haarlem")
    assert not access.can_confirm_municipality_figures(first, haarlem, submitted_by_id=first.pk)
    assert access.can_confirm_municipality_figures(second, haarlem, submitted_by_id=first.pk)
    assert access.can_confirm_municipality_figures(
        user_named("programma"), haarlem, submitted_by_id=first.pk
    )
    assert not access.can_confirm_municipality_figures(
        user_named("beleid.amsterdam"), haarlem, submitted_by_id=first.pk
    )
    assert not access.can_confirm_municipality_figures(
        user_named("coordinator.zuid-kennemerland"), haarlem, submitted_by_id=first.pk
    )


@pytest.mark.parametrize("username", ALL_ACCOUNTS)
def test_only_the_programme_team_manages_rounds(username, user_named) -> None:
    assert access.can_manage_rounds(user_named(username)) is (username == "programma")


@pytest.mark.parametrize("username", ALL_ACCOUNTS)
def test_subregion_details_for_its_own_people_and_region_wide_roles(username, user_named) -> None:
    zk = SubRegion.objects.get(slug="zuid-kennemerland")
    expected = username in {
        "coordinator.zuid-kennemerland",
        "stuurgroep.zuid-kennemerland",
        "voorzitter",
        "programma",
        "beheer",
    }
    assert access.can_view_subregion_details(user_named(username), zk) is expected


def test_anonymous_and_roleless_users_get_nothing(django_user_model, haarlem) -> None:
    roleless = django_user_model.objects.create_user("zonder.rol", password="x")
    for user in (AnonymousUser(), roleless):
        assert not access.can_view_public(user)
        assert not access.can_view_municipality_drafts(user, haarlem)
        assert not access.can_edit_municipality_figures(user, haarlem)
        assert not access.can_manage_rounds(user)


def test_inactive_user_loses_access(user_named, haarlem) -> None:
    user = user_named("beleid.haarlem")
    user.is_active = False
    user.save()
    assert not access.can_edit_municipality_figures(user, haarlem)


def test_database_refuses_an_officer_without_municipality(django_user_model) -> None:
    user = django_user_model.objects.create_user("kapot", password="x")
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=user, role=Role.OFFICER)


def test_database_refuses_a_steering_member_with_a_municipality(django_user_model) -> None:
    user = django_user_model.objects.create_user("kapot2", password="x")
    with pytest.raises(IntegrityError):
        Membership.objects.create(
            user=user,
            role=Role.STEERING,
            subregion=SubRegion.objects.first(),
            municipality=Municipality.objects.first(),
        )
