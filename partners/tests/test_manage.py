"""The programme team manages partner organisations in the app and invites people (issue 15)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from municipalities.models import Municipality
from partners.models import PartnerOrganisation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("programma", 200),
        ("voorzitter", 403),
        ("beheer", 403),
        ("beleid.haarlem", 403),
        ("corporatie.kennemerland", 403),
        ("provincie.flevoland", 403),
    ],
)
def test_only_the_programme_team_manages_partners(client_for, username, status) -> None:
    c = client_for(username)
    assert c.get(reverse("partners:manage")).status_code == status
    assert c.get(reverse("partners:organisation_create")).status_code == status
    if status == 403:
        before = PartnerOrganisation.objects.count()
        c.post(
            reverse("partners:organisation_create"),
            {"name": "X", "slug": "x", "kind": "provincie", "province": "NH", "active": "on"},
        )
        assert PartnerOrganisation.objects.count() == before


def test_programme_creates_a_corporation_with_its_working_area(client_for) -> None:
    c = client_for("programma")
    ids = list(
        Municipality.objects.filter(cbs_code__in=["GM0363", "GM0362"]).values_list("pk", flat=True)
    )
    response = c.post(
        reverse("partners:organisation_create"),
        {
            "name": "Woonstichting Amstel (demo)",
            "slug": "woonstichting-amstel",
            "kind": "corporatie",
            "municipalities": ids,
            "email": "info@amstel.example",
            "active": "on",
        },
    )
    assert response.status_code == 302
    organisation = PartnerOrganisation.objects.get(slug="woonstichting-amstel")
    assert set(organisation.municipalities.values_list("cbs_code", flat=True)) == {
        "GM0363",
        "GM0362",
    }
    # A party in the agreements of both sub-regions (Amsterdam, Amstelland-Meerlanden).
    assert set(organisation.agreement_parties.values_list("subregion__slug", flat=True)) == {
        "amsterdam",
        "amstelland-meerlanden",
    }
    assert "Woonstichting Amstel (demo)" in c.get(reverse("partners:manage")).content.decode()


def test_a_care_provider_without_sub_region_is_refused(client_for) -> None:
    response = client_for("programma").post(
        reverse("partners:organisation_create"),
        {"name": "Zorg zonder regio", "slug": "zzr", "kind": "zorgaanbieder", "active": "on"},
    )
    assert response.status_code == 200  # the form again, with the error
    assert not PartnerOrganisation.objects.filter(slug="zzr").exists()


def test_invite_by_e_mail_and_choose_a_password(
    client_for, client, django_capture_on_commit_callbacks
) -> None:
    organisation = PartnerOrganisation.objects.get(slug="zorg-zuid-kennemerland")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("programma").post(
            reverse("partners:invite", args=[organisation.pk]),
            {"full_name": "Noor Bos", "email": "Noor.Bos@zorg.example"},
        )
    assert response.status_code == 302
    person = get_user_model().objects.get(username="noor.bos@zorg.example")
    assert person.membership.role == "care_provider"
    assert person.membership.organisation == organisation
    assert not person.has_usable_password()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["noor.bos@zorg.example"]
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    assert client.get(link).status_code == 200
    password = "een-lang-wachtwoord-2026"  # noqa: S105 - a test password
    response = client.post(link, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(password)
    # The link works once.
    assert client.get(link).status_code == 404


def test_an_invitation_for_an_existing_address_is_refused(client_for) -> None:
    organisation = PartnerOrganisation.objects.get(slug="zorg-zuid-kennemerland")
    c = client_for("programma")
    for _ in range(2):
        c.post(
            reverse("partners:invite", args=[organisation.pk]),
            {"full_name": "Noor Bos", "email": "noor.bos@zorg.example"},
        )
    assert get_user_model().objects.filter(username="noor.bos@zorg.example").count() == 1


def test_a_forged_invitation_link_is_refused(client) -> None:
    url = reverse("partners:invite_accept", args=["MQ", "forged-token"])
    assert client.get(url).status_code == 404
