"""Partner roles (issue 15): each sees only its working area, on both sides of the line."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts import access
from accounts.models import Membership, Role
from accounts.services import membership_assign
from municipalities.models import Municipality, SubRegion
from partners.models import PartnerOrganisation

pytestmark = pytest.mark.django_db

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


def codes(user: Any) -> set[str]:
    ids = access.partner_municipality_ids(user)
    return set(Municipality.objects.filter(pk__in=ids).values_list("cbs_code", flat=True))


def test_corporation_works_in_haarlem_and_zandvoort_only(user_named) -> None:
    user = user_named("corporatie.kennemerland")
    assert codes(user) == {HAARLEM, ZANDVOORT}
    assert access.can_enter_partner_figures(user, muni(HAARLEM))
    assert access.can_enter_partner_figures(user, muni(ZANDVOORT))
    # Same sub-region, not in its working area; and another sub-region.
    assert not access.can_enter_partner_figures(user, muni(HEEMSTEDE))
    assert not access.can_enter_partner_figures(user, muni(AMSTERDAM))


def test_care_provider_covers_its_sub_region(user_named) -> None:
    user = user_named("zorg.zuid-kennemerland")
    assert codes(user) == set(
        Municipality.objects.filter(subregion__slug="zuid-kennemerland").values_list(
            "cbs_code", flat=True
        )
    )
    assert HEEMSTEDE in codes(user)
    assert AMSTERDAM not in codes(user)
    # A care provider does not enter a corporation's figures.
    assert not access.can_enter_partner_figures(user, muni(HAARLEM))


def test_provinces_split_the_region(user_named) -> None:
    noord_holland = codes(user_named("provincie.noord-holland"))
    flevoland = codes(user_named("provincie.flevoland"))
    assert flevoland == {ALMERE, "GM0995"}
    assert len(noord_holland) == 28
    assert not noord_holland & flevoland
    assert access.province_of(user_named("provincie.flevoland")) == "FL"
    assert access.province_of(user_named("programma")) is None


@pytest.mark.parametrize(
    ("username", "allowed", "refused"),
    [
        ("corporatie.kennemerland", ["zuid-kennemerland"], ["amsterdam", "almere-lelystad"]),
        ("zorg.zuid-kennemerland", ["zuid-kennemerland"], ["ijmond", "amsterdam"]),
        (
            "provincie.noord-holland",
            ["zuid-kennemerland", "amsterdam", "ijmond"],
            ["almere-lelystad"],
        ),
        ("provincie.flevoland", ["almere-lelystad"], ["zuid-kennemerland", "amsterdam"]),
    ],
)
def test_partners_download_adopted_agreements_of_their_area_only(
    user_named, username, allowed, refused
) -> None:
    user = user_named(username)
    for slug in allowed:
        assert access.can_download_agreement(user, sub(slug)), slug
    for slug in refused:
        assert not access.can_download_agreement(user, sub(slug)), slug
    # The MRA-wide agreement is for the steering group and the region-wide roles.
    assert not access.can_download_agreement(user, None)


@pytest.mark.parametrize(
    "username", ["corporatie.kennemerland", "zorg.zuid-kennemerland", "provincie.noord-holland"]
)
def test_partners_are_refused_where_they_have_no_business(user_named, username) -> None:
    user = user_named(username)
    haarlem = muni(HAARLEM)
    # Not the rounds' working pages, scenarios and computations; what they do read of a round
    # (review, threads, published results) is in test_reading.py, per round.
    assert not access.can_view_rounds(user)
    assert not access.can_manage_rounds(user)
    assert not access.can_export_results(user)
    assert not access.can_comment_on_round(user)
    assert not access.can_comment_on_municipality(user, haarlem)
    # Not a municipality's own figures before they are confirmed; monitoring read-only.
    assert not access.can_view_municipality_drafts(user, haarlem)
    assert not access.can_edit_municipality_figures(user, haarlem)
    assert not access.can_confirm_municipality_figures(user, haarlem, submitted_by_id=None)
    assert not access.can_enter_realisations(user, haarlem)
    assert not access.can_view_completeness(user)
    assert not access.can_import_any_figures(user)
    assert not access.can_view_fallback(user)
    assert not access.can_manage_partners(user)
    assert not access.must_use_two_factor(user)


def test_only_the_province_loses_the_reference_data(user_named) -> None:
    assert access.can_view_public(user_named("corporatie.kennemerland"))
    assert access.can_view_public(user_named("zorg.zuid-kennemerland"))
    assert not access.can_view_public(user_named("provincie.noord-holland"))
    # Existing roles keep what they had.
    assert access.can_view_rounds(user_named("beleid.haarlem"))
    assert access.can_view_public(user_named("beleid.haarlem"))


def test_an_inactive_organisation_closes_its_working_area(user_named) -> None:
    user = user_named("corporatie.kennemerland")
    PartnerOrganisation.objects.filter(slug="woonstichting-kennemerland").update(active=False)
    user = get_user_model().objects.get(pk=user.pk)  # a fresh user: no cached membership
    assert access.partner_municipality_ids(user) == frozenset()
    assert not access.can_enter_partner_figures(user, muni(HAARLEM))
    assert not access.can_download_agreement(user, sub("zuid-kennemerland"))


def test_the_database_ties_partner_roles_to_an_organisation(django_user_model) -> None:
    user = django_user_model.objects.create(username="iemand")
    organisation = PartnerOrganisation.objects.get(slug="woonstichting-kennemerland")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=Role.CORPORATION)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=user, role=Role.OFFICER, municipality=muni(HAARLEM), organisation=organisation
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=user,
            role=Role.CORPORATION,
            organisation=organisation,
            municipality=muni(HAARLEM),
        )


def test_the_role_must_fit_the_kind_of_organisation(django_user_model) -> None:
    user = django_user_model.objects.create(username="iemand")
    province = PartnerOrganisation.objects.get(slug="provincie-flevoland")
    with pytest.raises(ValidationError):
        membership_assign(user=user, role=Role.CORPORATION, organisation=province)
    membership = membership_assign(user=user, role=Role.PROVINCE, organisation=province)
    assert membership.organisation == province


def test_the_database_checks_the_working_area_fits_the_kind() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnerOrganisation.objects.create(
            name="Zorg zonder regio", slug="zzr", kind="zorgaanbieder"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnerOrganisation.objects.create(name="Provincie X", slug="px", kind="provincie")
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnerOrganisation.objects.create(
            name="Corporatie met regio",
            slug="cmr",
            kind="corporatie",
            subregion=sub("ijmond"),
        )


def _nav(client_for, username: str) -> str:
    from django.urls import reverse

    html = client_for(username).get(reverse("home")).content.decode()
    start = html.index('class="site-nav"')
    return html[start : html.index("</nav>", start)]


def test_the_menu_offers_partners_only_what_they_may_open(client_for) -> None:
    from django.urls import reverse

    corporation = _nav(client_for, "corporatie.kennemerland")
    assert reverse("partners:corporation_home") in corporation
    assert reverse("partners:agreements") in corporation
    # Monitoring of its working area (read-only, confirmed numbers: test_reading.py).
    assert f'href="{reverse("monitoring:index")}"' in corporation
    for refused in (
        "allocation:round_list",
        "dashboards:index",
        "figures:home",
    ):
        assert f'href="{reverse(refused)}"' not in corporation, refused
    province = _nav(client_for, "provincie.noord-holland")
    assert reverse("partners:province") in province
    assert reverse("municipalities:list") not in province
    assert reverse("partners:agreements") not in province
    officer = _nav(client_for, "beleid.haarlem")
    assert reverse("allocation:round_list") in officer
    assert reverse("partners:province") not in officer
    assert reverse("partners:manage") in _nav(client_for, "programma")
