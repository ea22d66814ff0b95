"""The agreed numbers of an adopted round: the approved run plus accepted transfers."""

from __future__ import annotations

import pytest

from agreements import selectors as rs
from agreements import services as review_services
from agreements.models import Approval
from allocation.models import RoundStatus
from municipalities.models import Municipality
from target_groups.models import TargetGroup

from .fixtures import approve_all


def _accepted_transfer(proposal, user_named, amount: int) -> None:
    transfer = review_services.transfer_propose(
        round_=proposal.round,
        group=TargetGroup.objects.get(code="urgent"),
        giver=Municipality.objects.get(cbs_code="GM0363"),
        taker=Municipality.objects.get(cbs_code="GM0392"),
        amount=amount,
        initiator=Municipality.objects.get(cbs_code="GM0392"),
        user=user_named("beleid.haarlem"),
        reason="Wij hebben ruimte",
    )
    review_services.transfer_answer(
        transfer=transfer, user=user_named("beleid.amsterdam"), accept=True
    )


def _adopt(proposal, user_named):
    approve_all(proposal, user_named)
    return review_services.round_adopt(round_=proposal.round, user=user_named("voorzitter"))


def test_a_round_that_is_not_adopted_has_no_agreed_numbers(proposal) -> None:
    with pytest.raises(rs.NotAdopted):
        rs.agreed_result(proposal.round)


def test_agreed_numbers_are_the_run_plus_accepted_transfers(proposal, user_named) -> None:
    computed = rs.allocation_of(proposal, group_code="urgent", cbs_code="GM0392")
    computed_amsterdam = rs.allocation_of(proposal, group_code="urgent", cbs_code="GM0363")
    _accepted_transfer(proposal, user_named, amount=5)
    approved_digest = rs.review_digest(proposal)
    round_ = _adopt(proposal, user_named)
    assert round_.status == RoundStatus.AGREED

    agreed = rs.agreed_result(round_)
    assert agreed.number("urgent", "GM0392") == computed + 5
    assert agreed.number("urgent", "GM0363") == computed_amsterdam - 5
    urgent = agreed.groups["urgent"]
    assert urgent.total == sum(line.computed for line in urgent.lines)  # the sum stays
    assert agreed.digest == approved_digest
    assert set(Approval.objects.values_list("digest", flat=True)) == {approved_digest}
    assert agreed.digest != agreed.run_digest
    assert [t["amount"] for t in agreed.transfers] == [5]


def test_agreed_numbers_are_phased_over_the_years_of_the_period(proposal, user_named) -> None:
    round_ = _adopt(proposal, user_named)
    agreed = rs.agreed_result(round_)
    years = list(range(round_.period_start.year, round_.period_end.year + 1))
    assert list(agreed.years) == years
    for group in agreed.groups.values():
        for line in group.lines:
            assert sum(line.per_year) == line.agreed
            assert max(line.per_year) - min(line.per_year) <= 1
        assert sum(group.total_per_year) == group.total


def test_reading_the_agreed_numbers_takes_a_fixed_number_of_queries(
    proposal, user_named, django_assert_max_num_queries
) -> None:
    round_ = _adopt(proposal, user_named)
    with django_assert_max_num_queries(5):
        rs.agreed_result(round_)
