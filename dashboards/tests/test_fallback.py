"""The fall-back page (issue 10): per municipality and date, agreements in force or not, and
the fall-back figure (15% of the yearly mutations) against what it agreed per year for the
groups that count as statutory urgents. Adopted numbers come from agreed_result only."""

from __future__ import annotations

import datetime
import re
from fractions import Fraction

import pytest
from django.urls import reverse

from agreements import selectors as agreement_selectors
from agreements import services as agreement_services
from agreements.tests.fixtures import approve_all
from allocation import services
from allocation.models import Round, RoundStatus
from allocation.tests.factories import RoundFactory, scenario_for
from dashboards.fallback import fallback_on
from municipalities.models import MunicipalFigure, Municipality
from target_groups.models import TargetGroup

pytestmark = pytest.mark.django_db

HAARLEM, AMSTERDAM = "GM0392", "GM0363"
URL = reverse("dashboards:fallback")


def mutations(code: str) -> Fraction:
    value = MunicipalFigure.objects.get(
        municipality__cbs_code=code, indicator__code="mutations", year=2024
    ).value
    return Fraction(str(value))


@pytest.fixture
def adopted(user_named) -> Round:
    """Afspraken 2026–2027 adopted, with Amsterdam handing 5 urgent households to Haarlem."""
    round_ = RoundFactory(name="Afspraken 2026–2027 (terugval)", status=RoundStatus.COMPUTING)
    services.round_half_years_ensure(round_=round_)
    round_.statutory_urgent_groups.set(
        TargetGroup.objects.filter(code__in=["homeless", "urgent", "institution_leavers"])
    )
    scenario = scenario_for(round_, groups=("urgent", "homeless", "students"))
    scenario.sensitivity_draws = 100
    scenario.save(update_fields=["sensitivity_draws"])
    run = services.run_enqueue(scenario=scenario, user=None)
    run = services.run_execute(run_id=run.pk)
    assert run.status == "succeeded", run.error_message
    programme = user_named("programma")
    agreement_services.round_transition(
        round_=round_, to_status=RoundStatus.IN_REVIEW, user=programme
    )
    proposal = agreement_services.proposal_create(round_=round_, run=run, user=programme)
    transfer = agreement_services.transfer_propose(
        round_=round_,
        group=TargetGroup.objects.get(code="urgent"),
        giver=Municipality.objects.get(cbs_code=AMSTERDAM),
        taker=Municipality.objects.get(cbs_code=HAARLEM),
        amount=5,
        initiator=Municipality.objects.get(cbs_code=HAARLEM),
        user=user_named("beleid.haarlem"),
        reason="Wij hebben ruimte",
    )
    agreement_services.transfer_answer(
        transfer=transfer, user=user_named("beleid.amsterdam"), accept=True
    )
    approve_all(proposal, user_named)
    return agreement_services.round_adopt(round_=round_, user=user_named("voorzitter"))


# --- access -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "username", ["programma", "voorzitter", "stuurgroep.amsterdam", "stuurgroep.zuid-kennemerland"]
)
def test_the_programme_team_and_the_steering_group_see_the_page(client_for, username) -> None:
    response = client_for(username).get(URL)
    assert response.status_code == 200
    assert 'href="/dashboard/terugvalregel/"' in response.content.decode()  # in the menu


@pytest.mark.parametrize(
    "username", ["beleid.haarlem", "beleid.amsterdam", "coordinator.zuid-kennemerland"]
)
def test_officers_and_coordinators_do_not(client_for, username) -> None:
    c = client_for(username)
    assert c.get(URL).status_code == 403
    assert 'href="/dashboard/terugvalregel/"' not in c.get("/").content.decode()


def test_anonymous_users_are_sent_to_login(client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/inloggen/")


# --- without agreements -----------------------------------------------------------------------


def test_without_an_adopted_round_every_municipality_falls_under_the_rule() -> None:
    page = fallback_on(datetime.date(2026, 1, 1))
    assert page.round is None
    assert page.in_force_count == 0
    assert page.without_count == 30
    assert page.pct == Fraction(15, 100)
    haarlem = next(row for row in page.rows if row.code == HAARLEM)
    assert haarlem.fallback == Fraction(15, 100) * mutations(HAARLEM)
    assert haarlem.mutations_year == 2024
    assert (haarlem.agreed, haarlem.difference, haarlem.meets) == (None, None, None)


def test_the_page_says_so_in_plain_dutch_with_a_table(client_for) -> None:
    body = client_for("voorzitter").get(URL, {"datum": "2026-01-01"}).content.decode()
    assert "Op 1 januari 2026" in body
    assert "voor alle gemeenten zou de terugvalregel gelden" in body
    assert '<caption id="fallback-table">' in body
    assert body.count('<th scope="row">') == 30
    assert body.count("nee: de terugvalregel zou gelden") == 30
    expected = Fraction(15, 100) * mutations(HAARLEM)
    shown = f"{float(expected):,.1f}".replace(",", "X").replace(".", ",").replace("X", ".")
    assert shown in body
    assert not re.search(r"<td class=\"num\">[^<]*\d\.\d{1,2}(?!\d)", body)


def test_a_wrong_date_is_refused_in_dutch_and_today_is_shown(client_for) -> None:
    body = client_for("programma").get(URL, {"datum": "morgen"}).content.decode()
    assert "Vul een datum in, bijvoorbeeld 2026-01-01." in body
    assert "Op " in body


# --- with agreements --------------------------------------------------------------------------


def test_an_adopted_round_covering_the_date_puts_agreements_in_force(adopted) -> None:
    page = fallback_on(datetime.date(2026, 1, 1))
    assert page.round == adopted
    assert page.year == 2026
    assert page.in_force_count == 30
    assert page.groups == ("Dak- en thuislozen", "Sociaal en medisch urgenten")
    agreed = agreement_selectors.agreed_result(adopted)
    haarlem = next(row for row in page.rows if row.code == HAARLEM)
    # By hand: urgent households count as homes one to one, homeless persons / 1.1.
    urgent = agreed.groups["urgent"].lines
    homeless = agreed.groups["homeless"].lines
    urgent_2026 = next(line for line in urgent if line.code == HAARLEM).per_year[0]
    homeless_2026 = next(line for line in homeless if line.code == HAARLEM).per_year[0]
    expected = Fraction(urgent_2026) + Fraction(homeless_2026) / Fraction(11, 10)
    assert haarlem.agreed == expected
    assert haarlem.fallback == Fraction(15, 100) * mutations(HAARLEM)
    assert haarlem.difference == expected - haarlem.fallback
    # The accepted transfer counts: Haarlem's agreed urgent number is 5 above the computation.
    line = next(line for line in urgent if line.code == HAARLEM)
    assert line.transfer == 5


def test_the_second_year_uses_the_second_years_phasing(adopted) -> None:
    page = fallback_on(datetime.date(2027, 6, 30))
    assert page.year == 2027
    agreed = agreement_selectors.agreed_result(adopted)
    line = next(line for line in agreed.groups["urgent"].lines if line.code == AMSTERDAM)
    homeless = next(line for line in agreed.groups["homeless"].lines if line.code == AMSTERDAM)
    amsterdam = next(row for row in page.rows if row.code == AMSTERDAM)
    assert amsterdam.agreed == Fraction(line.per_year[1]) + Fraction(
        homeless.per_year[1]
    ) / Fraction(11, 10)


def test_after_the_period_no_agreements_are_in_force(adopted) -> None:
    assert fallback_on(datetime.date(2028, 1, 1)).round is None


def test_the_page_shows_the_comparison_per_municipality(client_for, adopted) -> None:
    body = client_for("stuurgroep.amsterdam").get(URL, {"datum": "2026-01-01"}).content.decode()
    assert "Voor 30 gemeenten gelden regionale afspraken" in body
    assert "Afgesproken in 2026, in woningen" in body
    assert "per jaar" in body
    assert "nee: de terugvalregel zou gelden" not in body


def test_the_page_takes_a_fixed_number_of_queries(
    client_for, adopted, django_assert_max_num_queries
) -> None:
    c = client_for("voorzitter")
    c.get(URL)
    with django_assert_max_num_queries(30):
        assert c.get(URL, {"datum": "2026-03-01"}).status_code == 200
