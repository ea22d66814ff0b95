"""A corporation reports its lettings per quarter; the municipality's officer confirms them in
monitoring (issue 15): four eyes across organisations, corporations add up, only confirmed
lettings count."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext

from accounts.services import membership_assign
from core.models import FigureStatus
from monitoring import selectors as monitoring_selectors
from monitoring import services as monitoring_services
from monitoring.models import Realisation
from monitoring.tests.factories import adopted_round
from municipalities.models import Municipality
from partners import selectors, services
from partners.models import LettingReport, OrganisationKind, PartnerOrganisation

pytestmark = pytest.mark.django_db

DATE = datetime.date(2026, 3, 31)
HAARLEM, ZANDVOORT, AMSTERDAM = "GM0392", "GM0473", "GM0363"


@pytest.fixture
def round_(db: Any) -> Any:
    return adopted_round(groups=("urgent", "homeless", "labour_migrants"))


def _url(round_: Any, code: str = HAARLEM, year: int = 2026, quarter: int = 1) -> str:
    return reverse("partners:lettings_quarter", args=[round_.pk, code, year, quarter])


def _data(**numbers: str) -> dict[str, str]:
    data = {f"lettings_{k}": v for k, v in numbers.items()}
    data.update(source="Verhuursysteem", reference_date="2026-03-31")
    return data


def _realisation(group: str, code: str = HAARLEM) -> Realisation:
    return Realisation.objects.select_related("submitted_by", "updated_by").get(
        municipality__cbs_code=code, group__code=group, year=2026, quarter=1
    )


def _second_corporation() -> Any:
    """Another corporation that also lets in Haarlem, with one person."""
    organisation = PartnerOrganisation.objects.create(
        name="Woonbedrijf Spaarne", slug="woonbedrijf-spaarne", kind=OrganisationKind.CORPORATION
    )
    organisation.municipalities.set([Municipality.objects.get(cbs_code=HAARLEM)])
    user = get_user_model().objects.create_user(
        username="verhuur.spaarne", first_name="Kees", last_name="de Boer"
    )
    membership_assign(user=user, role="corporation", organisation=organisation)
    return user


def _submit(round_: Any, user: Any, code: str = HAARLEM, **numbers: int) -> int:
    return services.lettings_submit(
        round_=round_,
        municipality=Municipality.objects.get(cbs_code=code),
        year=2026,
        quarter=1,
        values={
            g: services.LettingInput(
                lettings=str(n), source=f"Register {user}", reference_date=DATE
            )
            for g, n in numbers.items()
        },
        user=user,
    )


def _confirm(round_: Any, user: Any, code: str = HAARLEM) -> int:
    return monitoring_services.realisations_confirm(
        round_=round_,
        municipality=Municipality.objects.get(cbs_code=code),
        year=2026,
        quarter=1,
        user=user,
    )


def test_only_groups_corporations_let_to_persons_or_households(round_) -> None:
    codes = [g.code for g in selectors.letting_groups(round_)]
    assert codes == ["homeless", "urgent"]  # labour migrants (beds) are not let by them


def test_corporation_enters_a_quarter_and_the_officer_confirms(
    round_, client_for, user_named
) -> None:
    corporation = client_for("corporatie.kennemerland")
    home = corporation.get(reverse("partners:lettings_home"))
    assert home.status_code == 200
    page = home.content.decode()
    assert "Haarlem" in page
    assert "Zandvoort" in page
    assert f"/{AMSTERDAM}/" not in page
    assert _url(round_) in page

    form = corporation.get(_url(round_))
    assert form.status_code == 200
    assert "lettings_labour_migrants" not in form.content.decode()
    response = corporation.post(_url(round_), _data(urgent="4", homeless="2"))
    assert response.status_code == 302, response.content.decode()[-2000:]
    urgent = _realisation("urgent")
    who = user_named("corporatie.kennemerland")
    assert (urgent.realised, urgent.status) == (4, FigureStatus.SUBMITTED)
    assert urgent.submitted_by == urgent.updated_by == who
    assert "Woonstichting Kennemerland" in urgent.source
    assert urgent.history.first().history_user == who
    report = LettingReport.objects.get(group__code="urgent")
    assert (report.lettings, report.submitted_by, report.organisation.slug) == (
        4,
        who,
        "woonstichting-kennemerland",
    )
    # Submitted lettings do not count in monitoring yet.
    assert monitoring_selectors.confirmed_totals(round_) == {}
    assert gettext("submitted, waiting for the municipality") in (
        corporation.get(reverse("partners:lettings_home")).content.decode()
    )

    # The officer sees who entered them and for which corporation, and confirms.
    officer = client_for("beleid.haarlem")
    quarter_url = reverse("monitoring:quarter", args=[round_.pk, HAARLEM, 2026, 1])
    shown = officer.get(quarter_url).content.decode()
    assert "Woonstichting Kennemerland (demo)" in shown
    assert "Ingrid Visser" in shown
    assert 'value="confirm"' in shown
    assert officer.post(quarter_url, {"action": "confirm"}).status_code == 302
    urgent = _realisation("urgent")
    assert urgent.status == FigureStatus.CONFIRMED
    assert urgent.confirmed_by == user_named("beleid.haarlem")
    assert monitoring_selectors.confirmed_totals(round_)[("urgent", HAARLEM)] == 4
    lines = selectors.quarter_lettings(
        organisation_id=report.organisation_id,
        round_=round_,
        municipality=Municipality.objects.get(cbs_code=HAARLEM),
        year=2026,
        quarter=1,
    )
    assert lines["urgent"].status == FigureStatus.CONFIRMED


def test_the_corporation_cannot_confirm_its_own_lettings(round_, user_named) -> None:
    who = user_named("corporatie.kennemerland")
    _submit(round_, who, urgent=4)
    with pytest.raises(PermissionDenied):
        _confirm(round_, who)
    # Nor can an officer of another municipality.
    from monitoring.tests.helpers import officer_of

    with pytest.raises(PermissionDenied):
        _confirm(round_, officer_of(AMSTERDAM))
    assert _realisation("urgent").status == FigureStatus.SUBMITTED


def test_two_corporations_in_one_municipality_add_up(round_, user_named) -> None:
    first = user_named("corporatie.kennemerland")
    second = _second_corporation()
    _submit(round_, first, urgent=4, homeless=2)
    _submit(round_, second, urgent=3)
    assert _realisation("urgent").realised == 7
    assert _realisation("homeless").realised == 2
    assert _realisation("urgent").submitted_by == second
    _confirm(round_, user_named("beleid.haarlem"))
    assert monitoring_selectors.confirmed_totals(round_)[("urgent", HAARLEM)] == 7

    # A correction replaces only that corporation's part and asks for four eyes anew.
    assert _submit(round_, first, urgent=5) == 1
    urgent = _realisation("urgent")
    assert (urgent.realised, urgent.status) == (8, FigureStatus.SUBMITTED)
    assert "Woonbedrijf Spaarne" in urgent.source
    assert "Woonstichting" in urgent.source
    assert monitoring_selectors.confirmed_totals(round_).get(("urgent", HAARLEM)) is None
    # The same numbers again change nothing.
    assert _submit(round_, first, urgent=5) == 0
    assert LettingReport.objects.filter(group__code="urgent").count() == 2


def test_the_municipalitys_own_part_stays(round_, user_named) -> None:
    officer = user_named("beleid.haarlem")
    municipality = Municipality.objects.get(cbs_code=HAARLEM)
    where: dict[str, Any] = {"round_": round_, "municipality": municipality, "year": 2026}
    monitoring_services.realisations_save_draft(
        values={
            "urgent": monitoring_services.RealisationInput(
                realised="10", source="Eigen registratie", reference_date=DATE
            )
        },
        user=officer,
        quarter=1,
        **where,
    )
    _submit(round_, user_named("corporatie.kennemerland"), urgent=4)
    urgent = _realisation("urgent")
    assert urgent.realised == 14
    assert urgent.source.startswith("Eigen registratie; ")
    _submit(round_, user_named("corporatie.kennemerland"), urgent=1)
    urgent = _realisation("urgent")
    assert urgent.realised == 11
    assert urgent.source.startswith("Eigen registratie; ")
    assert urgent.source.count("Woonstichting") == 1


def test_bad_input_saves_nothing(round_, client_for, user_named) -> None:
    corporation = client_for("corporatie.kennemerland")
    response = corporation.post(_url(round_), _data(urgent="-1", homeless="2"))
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not LettingReport.objects.exists()
    assert not Realisation.objects.exists()
    with pytest.raises(services.LettingsRejected):
        _submit(round_, user_named("corporatie.kennemerland"), labour_migrants=3)
    assert not LettingReport.objects.exists()


def test_outside_the_working_area_the_service_refuses(round_, user_named) -> None:
    with pytest.raises(PermissionDenied):
        _submit(round_, user_named("corporatie.kennemerland"), code=AMSTERDAM, urgent=1)
    with pytest.raises(PermissionDenied):
        _submit(round_, user_named("beleid.haarlem"), urgent=1)
    assert not Realisation.objects.exists()


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("corporatie.kennemerland", 200),
        ("beleid.haarlem", 403),
        ("coordinator.zuid-kennemerland", 403),
        ("programma", 403),
        ("zorg.zuid-kennemerland", 403),
        ("provincie.noord-holland", 403),
    ],
)
def test_who_sees_the_lettings_pages(round_, client_for, username, status) -> None:
    client = client_for(username)
    assert client.get(reverse("partners:lettings_home")).status_code == status
    assert client.get(_url(round_)).status_code == status


def test_anonymous_goes_to_the_login_page(round_, client) -> None:
    for url in (reverse("partners:lettings_home"), _url(round_)):
        response = client.get(url)
        assert response.status_code == 302
        assert "inloggen" in response["Location"]


@pytest.mark.parametrize(
    "username", ["beleid.haarlem", "programma", "zorg.zuid-kennemerland", "provincie.noord-holland"]
)
def test_others_cannot_post_lettings(round_, client_for, username) -> None:
    assert client_for(username).post(_url(round_), _data(urgent="4")).status_code == 403
    assert not Realisation.objects.exists()


def test_a_corporation_only_in_its_working_area(round_, client_for) -> None:
    corporation = client_for("corporatie.kennemerland")
    assert corporation.get(_url(round_, ZANDVOORT)).status_code == 200
    assert corporation.get(_url(round_, AMSTERDAM)).status_code == 403
    assert corporation.post(_url(round_, AMSTERDAM), _data(urgent="4")).status_code == 403
    assert corporation.get(_url(round_, "GM9999")).status_code == 404
    assert not Realisation.objects.exists()


def test_only_quarters_of_an_adopted_round_that_applies(round_, client_for) -> None:
    corporation = client_for("corporatie.kennemerland")
    assert corporation.get(_url(round_, year=2025, quarter=4)).status_code == 404
    assert corporation.get(_url(round_, year=2027, quarter=4)).status_code == 200
    assert corporation.get(reverse("partners:lettings_home") + "?ronde=999999").status_code == 404


def test_the_corporation_home_links_to_the_lettings(client_for) -> None:
    page = client_for("corporatie.kennemerland").get(reverse("partners:corporation_home"))
    assert reverse("partners:lettings_home") in page.content.decode()


def test_demo_lettings_are_submitted_only_and_made_once(user_named) -> None:
    from home.demo import corporation_lettings_ensure

    earlier = adopted_round(
        name="Demo 2024–2025",
        start=datetime.date(2024, 1, 1),
        end=datetime.date(2025, 12, 31),
        groups=("urgent", "homeless"),
    )
    assert corporation_lettings_ensure(earlier) == 3  # Haarlem 2 groups, Zandvoort 1
    assert corporation_lettings_ensure(earlier) == 0
    statuses = set(Realisation.objects.filter(round=earlier).values_list("status", flat=True))
    assert statuses == {FigureStatus.SUBMITTED}
    assert monitoring_selectors.confirmed_totals(earlier) == {}
    assert set(LettingReport.objects.values_list("submitted_by__username", flat=True)) == {
        "corporatie.kennemerland"
    }


def test_a_corporation_does_not_see_the_lettings_of_others_in_monitoring(
    round_, client_for, user_named
) -> None:
    _submit(round_, _second_corporation(), urgent=3)
    url = reverse("monitoring:quarter", args=[round_.pk, HAARLEM, 2026, 1])
    response = client_for("corporatie.kennemerland").get(url)
    assert "Woonbedrijf Spaarne" not in response.content.decode()
    assert "Woonbedrijf Spaarne" in client_for("beleid.haarlem").get(url).content.decode()


def test_the_corporations_todo_asks_for_the_last_ended_quarter(
    round_, user_named, monkeypatch
) -> None:
    from home.todo import todo_for

    # Mid-April 2026: the first quarter of the round has ended, the second has not.
    monkeypatch.setattr("home.todo.timezone.localdate", lambda: datetime.date(2026, 4, 15))
    corporation = user_named("corporatie.kennemerland")
    membership = corporation.membership

    def lettings_tasks() -> list[Any]:
        return [
            t
            for t in todo_for(corporation, membership).tasks
            if t.url.startswith(reverse("partners:lettings_home"))
        ]

    [task] = lettings_tasks()
    assert task.url.endswith(f"?ronde={round_.pk}")
    assert "kwartaal 1 van 2026" in task.title
    assert "voor 2 gemeenten" in task.title
    assert task.detail.endswith("in Haarlem, Zandvoort. De gemeente bevestigt dit.")

    _submit(round_, corporation, HAARLEM, urgent=2)
    [task] = lettings_tasks()
    assert "voor 1 gemeente" in task.title
    assert task.detail.endswith("in Zandvoort. De gemeente bevestigt dit.")

    _submit(round_, corporation, ZANDVOORT, urgent=1)
    assert lettings_tasks() == []
