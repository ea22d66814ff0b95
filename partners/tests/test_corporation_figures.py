"""A corporation enters its figures; the municipality's officer confirms (issue 15)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from core.models import FigureStatus
from figures import selectors as figure_selectors
from figures import services as figure_services
from municipalities.models import MunicipalFigure, Municipality

pytestmark = pytest.mark.django_db


def _post(client, code: str, year: int, stock: str, mutations: str):
    return client.post(
        reverse("partners:corporation_figures", args=[code, year]),
        {
            "social_rental": stock,
            "mutations": mutations,
            "source": "Jaarverslag 2025 Woonstichting Kennemerland",
            "reference_date": "2026-01-01",
        },
    )


def _figure(code: str, indicator: str, year: int) -> MunicipalFigure:
    return MunicipalFigure.objects.select_related("updated_by", "submitted_by").get(
        municipality__cbs_code=code, indicator__code=indicator, year=year
    )


def test_corporation_submits_and_each_officer_confirms(client_for, user_named) -> None:
    year = figure_selectors.entry_year()
    corporation = client_for("corporatie.kennemerland")
    assert corporation.get(reverse("partners:corporation_home")).status_code == 200
    for code, stock, mutations in [("GM0392", "26.100", "1.250"), ("GM0473", "1.900", "95")]:
        response = _post(corporation, code, year, stock, mutations)
        assert response.status_code == 302, response.content.decode()[-2000:]
        figure = _figure(code, "mutations", year)
        assert figure.status == FigureStatus.SUBMITTED
        assert figure.submitted_by == user_named("corporatie.kennemerland")
        assert figure.source == "Jaarverslag 2025 Woonstichting Kennemerland"
    assert _figure("GM0392", "social_rental", year).value == 26100
    assert _figure("GM0473", "mutations", year).value == 95

    # The corporation cannot confirm its own figures; Haarlem's officer confirms Haarlem's,
    # but not Zandvoort's (another municipality).
    haarlem = Municipality.objects.get(cbs_code="GM0392")
    zandvoort = Municipality.objects.get(cbs_code="GM0473")
    with pytest.raises(figure_services.PermissionDenied):
        figure_services.figures_confirm(
            municipality=haarlem, year=year, user=user_named("corporatie.kennemerland")
        )
    with pytest.raises(figure_services.PermissionDenied):
        figure_services.figures_confirm(
            municipality=zandvoort, year=year, user=user_named("beleid.haarlem")
        )
    figure_services.figures_confirm(
        municipality=haarlem, year=year, user=user_named("beleid.haarlem")
    )
    from monitoring.tests.helpers import officer_of

    figure_services.figures_confirm(municipality=zandvoort, year=year, user=officer_of("GM0473"))
    for code in ("GM0392", "GM0473"):
        for indicator in figure_services.PARTNER_INDICATORS:
            figure = _figure(code, indicator, year)
            assert figure.status == FigureStatus.CONFIRMED
            # Provenance: who entered (the corporation's person), from which source, when.
            assert figure.updated_by == user_named("corporatie.kennemerland")
            assert figure.history.filter(history_user__username="corporatie.kennemerland").exists()
            assert figure.updated_at is not None


@pytest.mark.parametrize(
    ("username", "code", "status"),
    [
        ("corporatie.kennemerland", "GM0392", 200),
        ("corporatie.kennemerland", "GM0397", 403),  # Heemstede: same sub-region, not its area
        ("corporatie.kennemerland", "GM0363", 403),  # Amsterdam
        ("zorg.zuid-kennemerland", "GM0392", 403),
        ("provincie.noord-holland", "GM0392", 403),
        ("beleid.haarlem", "GM0392", 403),
        ("programma", "GM0392", 403),
    ],
)
def test_who_may_enter_corporation_figures(client_for, username, code, status) -> None:
    year = figure_selectors.entry_year()
    c = client_for(username)
    assert c.get(reverse("partners:corporation_figures", args=[code, year])).status_code == status
    if status == 403:
        assert _post(c, code, year, "10", "1").status_code == 403
        assert not MunicipalFigure.objects.filter(
            municipality__cbs_code=code, year=year, updated_by__username=username
        ).exists()


def test_a_corporation_enters_nothing_else(user_named) -> None:
    from figures.entries import ChangeRequest, IndicatorInput

    with pytest.raises(figure_services.WorkflowError):
        figure_services.partner_figures_submit(
            municipality=Municipality.objects.get(cbs_code="GM0392"),
            year=figure_selectors.entry_year(),
            request=ChangeRequest(
                indicators=[
                    IndicatorInput(
                        code="population",
                        value=1,
                        source="x",
                        reference_date=datetime.date(2026, 1, 1),
                    )
                ]
            ),
            user=user_named("corporatie.kennemerland"),
        )
