"""Organisations and the parties an agreement lists are the same records (issue 15)."""

from __future__ import annotations

import pytest

from agreements.selectors import partners_of
from municipalities.models import SubRegion
from partners.models import PartnerOrganisation
from partners.services import organisation_link_parties

pytestmark = pytest.mark.django_db


def test_an_organisation_becomes_a_party_in_each_sub_region_of_its_area() -> None:
    corporation = PartnerOrganisation.objects.get(slug="woonstichting-kennemerland")
    zuid_kennemerland = SubRegion.objects.get(slug="zuid-kennemerland")
    assert organisation_link_parties(organisation=corporation) == [zuid_kennemerland.pk]
    party = corporation.agreement_parties.get()
    assert (party.subregion, party.name, party.kind, party.role) == (
        zuid_kennemerland,
        "Woonstichting Kennemerland (demo)",
        "corporatie",
        "co-signer",
    )
    assert party in partners_of(zuid_kennemerland)
    # Idempotent: no second party, the link stays.
    organisation_link_parties(organisation=corporation)
    assert corporation.agreement_parties.count() == 1


def test_a_province_observes_every_agreement_in_its_province() -> None:
    province = PartnerOrganisation.objects.get(slug="provincie-noord-holland")
    organisation_link_parties(organisation=province)
    parties = list(province.agreement_parties.order_by("subregion__name"))
    assert len(parties) == 6  # every sub-region but Almere-Lelystad
    assert {p.role for p in parties} == {"observer"}
    assert "almere-lelystad" not in {p.subregion.slug for p in parties}
