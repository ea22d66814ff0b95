"""The decision summary of a sub-region (issue 13): the proposal's or the adopted numbers,
per municipality and group, against the previous round and a pure population share, in
plain Dutch, with the technical explanation one click further."""

from __future__ import annotations

import datetime
import re
from fractions import Fraction

import pytest
from django.urls import reverse

from agreements import selectors as rs
from agreements import services as review_services
from agreements.summary import decision_summary, round_half_up, signed
from allocation.models import RoundStatus, ScenarioRun
from allocation.tests.factories import RoundFactory
from municipalities.models import Municipality, SubRegion
from target_groups.models import TargetGroup

from .fixtures import approve_all, computed_run

pytestmark = pytest.mark.django_db


def _zk() -> SubRegion:
    return SubRegion.objects.get(slug="zuid-kennemerland")


def _line(summary, group_code: str, cbs_code: str):
    group = next(g for g in summary.groups if g.group.code == group_code)
    return next(line for line in group.lines if line.code == cbs_code)


def _adopted_earlier_round(user_named):
    """An adopted round 2024–2025 before the fixture's round 2026–2027."""
    earlier = RoundFactory(
        name="Afspraken eerder",
        status=RoundStatus.COMPUTING,
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2025, 12, 31),
    )
    computed_run(earlier, name="Eerder")
    earlier = review_services.round_transition(
        round_=earlier, to_status=RoundStatus.IN_REVIEW, user=user_named("programma")
    )
    run = ScenarioRun.objects.get(scenario__round=earlier)
    proposal = review_services.proposal_create(
        round_=earlier, run=run, user=user_named("programma")
    )
    approve_all(proposal, user_named)
    return review_services.round_adopt(round_=earlier, user=user_named("voorzitter"))


def test_signed_and_rounding_helpers() -> None:
    assert [signed(8), signed(-5), signed(0), signed(None)] == ["+8", "−5", "0", "–"]
    assert round_half_up(Fraction(5, 2)) == 3
    assert round_half_up(Fraction(249, 100)) == 2
    assert round_half_up(Fraction(-5, 2)) == -3


def test_the_summary_of_a_proposal_holds_its_numbers_and_accepted_transfers(
    proposal, user_named
) -> None:
    haarlem = Municipality.objects.get(cbs_code="GM0392")
    computed = rs.allocation_of(proposal, group_code="urgent", cbs_code="GM0392")
    transfer = review_services.transfer_propose(
        round_=proposal.round,
        group=TargetGroup.objects.get(code="urgent"),
        giver=Municipality.objects.get(cbs_code="GM0363"),
        taker=haarlem,
        amount=3,
        initiator=haarlem,
        user=user_named("beleid.haarlem"),
        reason="Wij hebben ruimte",
    )
    review_services.transfer_answer(
        transfer=transfer, user=user_named("beleid.amsterdam"), accept=True
    )
    summary = decision_summary(proposal.round, _zk())
    assert summary.source == "proposal"
    line = _line(summary, "urgent", "GM0392")
    assert line.number == computed + 3
    assert sum(line.per_year) == line.number
    assert max(line.per_year) - min(line.per_year) <= 1
    assert summary.previous_round is None
    assert line.previous is None
    # Only the sub-region's own municipalities, and their total.
    urgent = next(g for g in summary.groups if g.group.code == "urgent")
    codes = set(Municipality.objects.filter(subregion=_zk()).values_list("cbs_code", flat=True))
    assert {ln.code for ln in urgent.lines} == codes
    assert urgent.total.number == sum(ln.number for ln in urgent.lines)


def test_the_population_share_is_exact_and_rounded_half_up(proposal) -> None:
    summary = decision_summary(proposal.round, _zk())
    run = ScenarioRun.objects.get(pk=proposal.run_id)
    allocations = run.results["groups"]["homeless"]["result"]["allocations"]
    total = sum(rs.computed_number(a) for a in allocations)
    population = {
        m["code"]: Fraction(str(m["indicators"]["population"]))
        for m in run.inputs["homeless"]["scenario"]["municipalities"]
    }
    exact = total * population["GM0392"] / sum(population.values())
    line = _line(summary, "homeless", "GM0392")
    assert line.share == int((exact + Fraction(1, 2)).__floor__())
    assert line.vs_share == line.number - line.share


def test_the_summary_compares_with_the_previous_adopted_round(proposal, user_named) -> None:
    earlier = _adopted_earlier_round(user_named)
    agreed = rs.agreed_result(earlier)
    summary = decision_summary(proposal.round, _zk())
    assert summary.previous_round == earlier
    assert not summary.previous_scaled  # both rounds are two years long
    line = _line(summary, "urgent", "GM0392")
    assert line.previous == agreed.number("urgent", "GM0392")
    assert line.vs_previous == line.number - line.previous


def test_the_summary_of_an_adopted_round_reads_agreed_result(proposal, user_named) -> None:
    approve_all(proposal, user_named)
    round_ = review_services.round_adopt(round_=proposal.round, user=user_named("voorzitter"))
    agreed = rs.agreed_result(round_)
    summary = decision_summary(round_, _zk())
    assert summary.source == "adopted"
    for group in summary.groups:
        for line in group.lines:
            assert line.number == agreed.number(group.group.code, line.code)


def test_the_summary_page_speaks_plain_dutch_and_links_the_explanation(
    proposal, client_for
) -> None:
    client = client_for("stuurgroep.zuid-kennemerland")
    url = reverse(
        "agreements:summary", kwargs={"pk": proposal.round.pk, "slug": "zuid-kennemerland"}
    )
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    summary = decision_summary(proposal.round, _zk())
    line = _line(summary, "urgent", "GM0392")
    # "Haarlem neemt 120 huishoudens op, 60 per jaar; dat is 5 minder dan het aandeel naar
    # inwonertal." (urgent cases are counted in households). Until the lead merges the
    # Dutch catalogue (/tmp/i18n/home.json) the English msgid shows.
    sentence = re.search(
        r"Haarlem (?:neemt|takes in) ([\d.,]+) (?:huishoudens?|households?)[^<]*\.", html
    )
    assert sentence is not None, html
    assert sentence.group(1) == str(line.number)
    assert re.search(r"aandeel naar inwonertal|share by population", sentence.group(0))
    assert "(0.0%)" not in html
    # Her decision is one click away, the technical explanation too.
    assert 'id="to-decision"' in html
    explanation = re.search(r'href="(/berekeningen/\d+/urgent/)#uitleg-GM0392"', html)
    assert explanation is not None
    assert client.get(explanation.group(1)).status_code == 200


def test_the_summary_says_when_there_is_no_proposal_yet(round_, client_for) -> None:
    client = client_for("stuurgroep.zuid-kennemerland")
    response = client.get(
        reverse("agreements:summary", kwargs={"pk": round_.pk, "slug": "zuid-kennemerland"})
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"Er is nog geen voorstel|There is no proposal", html)
    assert 'id="summary-table"' not in html


@pytest.mark.parametrize(
    ("username", "where"),
    [
        ("stuurgroep.zuid-kennemerland", "/samenvatting/zuid-kennemerland/"),
        ("beleid.haarlem", "/samenvatting/zuid-kennemerland/"),
        ("stuurgroep.ijmond", "/samenvatting/ijmond/"),
    ],
)
def test_the_short_link_goes_to_the_users_own_sub_region(
    proposal, client_for, username, where
) -> None:
    response = client_for(username).get(
        reverse("agreements:summary_default", kwargs={"pk": proposal.round.pk})
    )
    assert response.status_code == 302
    assert response["Location"].endswith(where)


def test_region_wide_roles_choose_a_sub_region_and_strangers_are_refused(
    proposal, client_for
) -> None:
    url = reverse("agreements:summary_default", kwargs={"pk": proposal.round.pk})
    response = client_for("voorzitter").get(url)
    assert response.status_code == 200
    assert "/samenvatting/ijmond/" in response.content.decode()
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302
    assert "/inloggen/" in anonymous["Location"]
    missing = client_for("voorzitter").get(
        reverse("agreements:summary", kwargs={"pk": proposal.round.pk, "slug": "nergens"})
    )
    assert missing.status_code == 404


def test_the_summary_takes_a_fixed_number_of_queries(
    proposal, client_for, django_assert_max_num_queries
) -> None:
    client = client_for("stuurgroep.zuid-kennemerland")
    url = reverse(
        "agreements:summary", kwargs={"pk": proposal.round.pk, "slug": "zuid-kennemerland"}
    )
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
