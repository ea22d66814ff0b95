"""Review services: every status change by the right role, decisions bound to the digest,
voiding when figures, settings or transfers change, adoption, freeze and correction."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from agreements import selectors as rs
from agreements import services as review_services
from agreements.models import (
    Approval,
    ApprovalState,
    Comment,
    Proposal,
    ProposalStatus,
    RoundCorrection,
    RoundTransition,
    Transfer,
    TransferStatus,
)
from allocation import services
from allocation.models import Round, RoundStatus, Scenario, ScenarioRun
from allocation.tests.factories import RoundFactory
from core.models import FigureStatus
from municipalities.models import MunicipalFigure, Municipality
from target_groups.models import TargetGroup

from .fixtures import (
    ALL_USERS,
    STEERING,
    approve_all,
    subregion_of,
)

pytestmark = pytest.mark.django_db

S = RoundStatus
FROZEN_MESSAGE = "Deze ronde is vastgesteld"


# --- status changes ---------------------------------------------------------------------------

FORWARD = [(S.DRAFT, S.COLLECTING), (S.COLLECTING, S.COMPUTING)]
BACKWARD = [(S.COLLECTING, S.DRAFT), (S.COMPUTING, S.COLLECTING)]


@pytest.mark.parametrize(("frm", "to"), FORWARD + BACKWARD)
def test_programme_team_moves_a_round_and_the_move_is_logged(frm, to, user_named) -> None:
    round_ = RoundFactory(status=frm)
    user = user_named("programma")
    review_services.round_transition(round_=round_, to_status=to, user=user, reason="omdat")
    round_.refresh_from_db()
    assert round_.status == to
    entry = RoundTransition.objects.get(round=round_)
    assert (entry.from_status, entry.to_status, entry.user, entry.reason) == (
        frm,
        to,
        user,
        "omdat",
    )


@pytest.mark.parametrize("username", [u for u in ALL_USERS if u != "programma"])
@pytest.mark.parametrize(("frm", "to"), FORWARD + BACKWARD)
def test_other_roles_cannot_move_a_round(frm, to, username, user_named) -> None:
    round_ = RoundFactory(status=frm)
    with pytest.raises(PermissionDenied):
        review_services.round_transition(
            round_=round_, to_status=to, user=user_named(username), reason="x"
        )
    round_.refresh_from_db()
    assert round_.status == frm


@pytest.mark.parametrize(
    ("frm", "to"),
    [
        (S.DRAFT, S.COMPUTING),
        (S.DRAFT, S.IN_REVIEW),
        (S.DRAFT, S.AGREED),
        (S.COLLECTING, S.IN_REVIEW),
        (S.COMPUTING, S.AGREED),
        (S.IN_REVIEW, S.AGREED),
        (S.IN_REVIEW, S.COLLECTING),
        (S.COMPUTING, S.SUPERSEDED),
    ],
)
def test_a_round_cannot_skip_steps_or_be_adopted_by_a_plain_move(frm, to, user_named) -> None:
    round_ = RoundFactory(status=frm)
    with pytest.raises(ValidationError, match="kan niet van"):
        review_services.round_transition(
            round_=round_, to_status=to, user=user_named("programma"), reason="x"
        )


@pytest.mark.parametrize(("frm", "to"), BACKWARD)
def test_a_step_back_needs_a_reason(frm, to, user_named) -> None:
    round_ = RoundFactory(status=frm)
    with pytest.raises(ValidationError) as info:
        review_services.round_transition(round_=round_, to_status=to, user=user_named("programma"))
    assert "reason" in info.value.message_dict


def test_a_round_goes_into_review_only_with_a_finished_computation(user_named) -> None:
    round_ = RoundFactory(status=S.COMPUTING)
    with pytest.raises(ValidationError, match="geen afgeronde berekening"):
        review_services.round_transition(
            round_=round_, to_status=S.IN_REVIEW, user=user_named("programma")
        )


def test_programme_team_puts_a_round_in_review_and_back_to_computing(
    proposal, user_named, mailoutbox
) -> None:
    approve_all(proposal, user_named)
    round_ = review_services.round_transition(
        round_=proposal.round,
        to_status=S.COMPUTING,
        user=user_named("programma"),
        reason="opnieuw rekenen",
    )
    assert round_.status == S.COMPUTING
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.VOIDED
    assert Approval.objects.filter(state=ApprovalState.VOIDED).count() == 7


def test_a_status_change_is_mailed(user_named, mailoutbox, django_capture_on_commit_callbacks):
    round_ = RoundFactory(status=S.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        review_services.round_transition(
            round_=round_, to_status=S.COLLECTING, user=user_named("programma")
        )
    assert len(mailoutbox) == 1
    assert "cijfers verzamelen" in mailoutbox[0].subject
    assert "beleid.haarlem@mra.example" in mailoutbox[0].bcc


# --- proposal, decisions, adoption ------------------------------------------------------------


def test_only_the_programme_team_proposes(review_round, user_named) -> None:
    run = ScenarioRun.objects.get(scenario__round=review_round)
    for name in ALL_USERS:
        if name == "programma":
            continue
        with pytest.raises(PermissionDenied):
            review_services.proposal_create(round_=review_round, run=run, user=user_named(name))


def test_a_proposal_is_bound_to_the_run_and_its_digest(proposal) -> None:
    assert proposal.run_digest == proposal.run.digest
    assert rs.review_digest(proposal) != proposal.run_digest
    assert rs.current_proposal(proposal.round) == proposal


def test_each_steering_member_decides_only_for_their_own_sub_region(proposal, user_named) -> None:
    haarlem_member = user_named("stuurgroep.zuid-kennemerland")
    amsterdam = subregion_of(user_named("stuurgroep.amsterdam"))
    with pytest.raises(PermissionDenied):
        review_services.approval_decide(
            proposal=proposal, subregion=amsterdam, user=haarlem_member, decision="approve"
        )
    for name in ["beleid.haarlem", "coordinator.zuid-kennemerland", "voorzitter", "programma"]:
        with pytest.raises(PermissionDenied):
            review_services.approval_decide(
                proposal=proposal, subregion=amsterdam, user=user_named(name), decision="approve"
            )


def test_an_objection_needs_a_reason(proposal, user_named) -> None:
    user = user_named("stuurgroep.ijmond")
    with pytest.raises(ValidationError) as info:
        review_services.approval_decide(
            proposal=proposal, subregion=subregion_of(user), user=user, decision="object"
        )
    assert "reason" in info.value.message_dict
    approval = review_services.approval_decide(
        proposal=proposal,
        subregion=subregion_of(user),
        user=user,
        decision="object",
        reason="Te hoog voor Velsen",
    )
    assert approval.digest == rs.review_digest(proposal)


def test_a_later_decision_replaces_the_earlier_one(proposal, user_named) -> None:
    user = user_named("stuurgroep.ijmond")
    sub = subregion_of(user)
    review_services.approval_decide(
        proposal=proposal, subregion=sub, user=user, decision="object", reason="nee"
    )
    review_services.approval_decide(proposal=proposal, subregion=sub, user=user, decision="approve")
    states = dict(Approval.objects.values_list("decision", "state"))
    assert states == {"object": ApprovalState.REPLACED, "approve": ApprovalState.ACTIVE}


def test_the_chair_adopts_only_when_all_seven_approved(proposal, user_named) -> None:
    chair = user_named("voorzitter")
    for name in STEERING[:6]:
        user = user_named(name)
        review_services.approval_decide(
            proposal=proposal, subregion=subregion_of(user), user=user, decision="approve"
        )
    with pytest.raises(ValidationError, match="Zuid-Kennemerland"):
        review_services.round_adopt(round_=proposal.round, user=chair)
    user = user_named(STEERING[6])
    review_services.approval_decide(
        proposal=proposal, subregion=subregion_of(user), user=user, decision="approve"
    )
    for name in [u for u in ALL_USERS if u != "voorzitter"]:
        with pytest.raises(PermissionDenied):
            review_services.round_adopt(round_=proposal.round, user=user_named(name))
    round_ = review_services.round_adopt(round_=proposal.round, user=chair)
    assert round_.status == S.AGREED
    assert round_.agreed_run_id == proposal.run_id
    assert RoundTransition.objects.filter(round=round_, to_status=S.AGREED, user=chair).exists()


def test_an_objection_blocks_adoption(proposal, user_named) -> None:
    approve_all(proposal, user_named)
    user = user_named("stuurgroep.amsterdam")
    review_services.approval_decide(
        proposal=proposal, subregion=subregion_of(user), user=user, decision="object", reason="nee"
    )
    with pytest.raises(ValidationError, match="Amsterdam"):
        review_services.round_adopt(round_=proposal.round, user=user_named("voorzitter"))


def test_adoption_announces_itself_after_commit_so_reports_can_schedule_pdfs(
    proposal, user_named, django_capture_on_commit_callbacks
) -> None:
    from agreements.signals import round_adopted

    calls: list[int] = []

    def on_adopted(sender, *, round_id: int, **kwargs) -> None:
        calls.append(round_id)

    round_adopted.connect(on_adopted, dispatch_uid="test-on-adopted")
    try:
        approve_all(proposal, user_named)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            review_services.round_adopt(round_=proposal.round, user=user_named("voorzitter"))
        assert calls == []  # nothing before the adoption is committed
        for callback in callbacks:
            callback()
        assert calls == [proposal.round_id]
    finally:
        round_adopted.disconnect(dispatch_uid="test-on-adopted")


# --- voiding ----------------------------------------------------------------------------------


def _change_a_confirmed_figure() -> None:
    figure = MunicipalFigure.objects.filter(
        year=2024, status=FigureStatus.CONFIRMED, indicator__code="population"
    ).first()
    assert figure is not None
    MunicipalFigure.objects.filter(pk=figure.pk).update(value=figure.value + 1)


def test_a_changed_figure_voids_all_approvals_visibly_and_mails_the_approvers(
    proposal, user_named, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    approve_all(proposal, user_named)
    _change_a_confirmed_figure()
    with django_capture_on_commit_callbacks(execute=True):
        assert review_services.review_inputs_changed(reference_year=2024) == [proposal.round_id]
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.VOIDED
    assert "gewijzigd" in proposal.void_reason
    voided = Approval.objects.filter(proposal=proposal, state=ApprovalState.VOIDED)
    assert voided.count() == 7
    assert all(a.ended_at and a.void_reason for a in voided)
    assert len(mailoutbox) == 1
    assert set(mailoutbox[0].bcc) == {f"{n}@mra.example" for n in STEERING}
    overview = rs.review_overview(proposal.round)
    assert len(overview.voided_approvals) == 7
    assert not overview.all_approved


def test_nothing_is_voided_when_nothing_changed(proposal, user_named) -> None:
    approve_all(proposal, user_named)
    assert review_services.review_inputs_changed(reference_year=2024) == []
    # A figure of another year is no input of this round.
    figure = MunicipalFigure.objects.filter(year=2024).first()
    MunicipalFigure.objects.create(
        municipality=figure.municipality,
        indicator=figure.indicator,
        year=2023,
        value=Decimal(5),
        status=FigureStatus.CONFIRMED,
        source="test",
        reference_date=datetime.date(2023, 1, 1),
    )
    assert review_services.review_inputs_changed(reference_year=2023) == []
    assert rs.review_overview(proposal.round).all_approved


def test_a_changed_setting_voids_the_approvals(proposal, user_named) -> None:
    approve_all(proposal, user_named)
    # The fall-back percentage is a round setting (issue 10) that the computation records.
    Round.objects.filter(pk=proposal.round_id).update(fallback_pct=20)
    assert review_services.review_recheck(round_=proposal.round)
    assert Approval.objects.filter(state=ApprovalState.ACTIVE).count() == 0


def test_a_changed_input_needs_a_new_computation_before_anyone_approves_again(
    proposal, user_named
) -> None:
    approve_all(proposal, user_named)
    _change_a_confirmed_figure()
    review_services.review_inputs_changed(reference_year=2024)
    user = user_named("stuurgroep.ijmond")
    with pytest.raises(ValidationError, match="niet meer actueel"):
        review_services.approval_decide(
            proposal=proposal, subregion=subregion_of(user), user=user, decision="approve"
        )
    # Proposing the old computation again is refused: it must be computed again.
    with pytest.raises(ValidationError, match="opnieuw"):
        review_services.proposal_create(
            round_=proposal.round, run=proposal.run, user=user_named("programma")
        )


def test_the_figures_services_void_approvals_when_an_unlocked_figure_changes(
    proposal, user_named
) -> None:
    from figures import services as figure_services
    from figures.entries import ChangeRequest, IndicatorInput

    approve_all(proposal, user_named)
    haarlem = Municipality.objects.get(cbs_code="GM0392")
    figure_services.figures_unlock(
        municipality=haarlem, year=2024, user=user_named("programma"), reason="correctie"
    )
    current = MunicipalFigure.objects.get(
        municipality=haarlem, year=2024, indicator__code="population"
    )
    figure_services.figures_save_draft(
        municipality=haarlem,
        year=2024,
        request=ChangeRequest(
            indicators=[
                IndicatorInput(
                    code="population",
                    value=current.value + 10,
                    source="CBS",
                    reference_date=datetime.date(2024, 1, 1),
                    expected_version=current.version,
                )
            ]
        ),
        user=user_named("beleid.haarlem"),
        origin="form",
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.VOIDED


# --- transfers --------------------------------------------------------------------------------


def _transfer(proposal, user_named, amount=1) -> Transfer:
    haarlem = Municipality.objects.get(cbs_code="GM0392")
    amsterdam = Municipality.objects.get(cbs_code="GM0363")
    return review_services.transfer_propose(
        round_=proposal.round,
        group=TargetGroup.objects.get(code="urgent"),
        giver=amsterdam,
        taker=haarlem,
        amount=amount,
        initiator=haarlem,
        user=user_named("beleid.haarlem"),
        reason="Wij hebben ruimte",
    )


def test_an_accepted_transfer_keeps_the_sum_and_voids_the_approvals(proposal, user_named) -> None:
    approve_all(proposal, user_named)
    digest_before = rs.review_digest(proposal)
    transfer = _transfer(proposal, user_named, amount=2)
    assert rs.review_digest(proposal) == digest_before  # a proposed transfer changes nothing
    with pytest.raises(PermissionDenied):  # the initiator cannot accept its own proposal
        review_services.transfer_answer(
            transfer=transfer, user=user_named("beleid.haarlem"), accept=True
        )
    review_services.transfer_answer(
        transfer=transfer, user=user_named("beleid.amsterdam"), accept=True
    )
    assert rs.review_digest(proposal) != digest_before
    assert Approval.objects.filter(state=ApprovalState.ACTIVE).count() == 0
    table = rs.review_overview(proposal.round).net_tables[0]
    assert table["total"] == table["net_total"]
    rows = {r["code"]: r for r in table["rows"]}
    assert rows["GM0392"]["net"] == rows["GM0392"]["allocation"] + 2
    assert rows["GM0363"]["net"] == rows["GM0363"]["allocation"] - 2


def test_a_rejected_transfer_changes_nothing(proposal, user_named) -> None:
    approve_all(proposal, user_named)
    transfer = _transfer(proposal, user_named)
    review_services.transfer_answer(
        transfer=transfer, user=user_named("programma"), accept=False, answer="Liever niet"
    )
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.REJECTED
    assert rs.review_overview(proposal.round).all_approved


def test_a_transfer_cannot_hand_over_more_than_the_task(proposal, user_named) -> None:
    with pytest.raises(ValidationError) as info:
        _transfer(proposal, user_named, amount=10**6)
    assert "amount" in info.value.message_dict


def test_only_the_municipalities_involved_or_the_programme_team_enter_transfers(
    proposal, user_named
) -> None:
    haarlem = Municipality.objects.get(cbs_code="GM0392")
    amsterdam = Municipality.objects.get(cbs_code="GM0363")
    for name in ["beleid.amsterdam", "stuurgroep.zuid-kennemerland", "voorzitter"]:
        with pytest.raises(PermissionDenied):
            review_services.transfer_propose(
                round_=proposal.round,
                group=TargetGroup.objects.get(code="urgent"),
                giver=amsterdam,
                taker=haarlem,
                amount=1,
                initiator=haarlem,
                user=user_named(name),
            )


# --- comments ---------------------------------------------------------------------------------


def test_officers_comment_only_on_their_own_municipality(review_round, user_named) -> None:
    officer = user_named("beleid.haarlem")
    haarlem = Municipality.objects.get(cbs_code="GM0392")
    amsterdam = Municipality.objects.get(cbs_code="GM0363")
    comment = review_services.comment_add(
        round_=review_round, user=officer, body="Klopt ons cijfer?", municipality=haarlem
    )
    assert comment.author_role == "officer"
    assert comment.author_scope == "Haarlem"
    with pytest.raises(PermissionDenied):
        review_services.comment_add(
            round_=review_round, user=officer, body="x", municipality=amsterdam
        )
    with pytest.raises(PermissionDenied):
        review_services.comment_add(round_=review_round, user=officer, body="x")
    for name in [
        "stuurgroep.amsterdam",
        "voorzitter",
        "programma",
        "coordinator.zuid-kennemerland",
    ]:
        review_services.comment_add(round_=review_round, user=user_named(name), body="Akkoord")
        review_services.comment_add(
            round_=review_round, user=user_named(name), body="Antwoord", municipality=amsterdam
        )
    assert Comment.objects.filter(round=review_round).count() == 9


def test_an_empty_comment_is_refused(review_round, user_named) -> None:
    with pytest.raises(ValidationError):
        review_services.comment_add(round_=review_round, user=user_named("programma"), body="  ")


# --- freeze and correction --------------------------------------------------------------------


@pytest.fixture
def agreed(proposal, user_named) -> Round:
    approve_all(proposal, user_named)
    return review_services.round_adopt(round_=proposal.round, user=user_named("voorzitter"))


def test_every_service_refuses_to_change_an_agreed_round(agreed, user_named) -> None:
    programme = user_named("programma")
    scenario = Scenario.objects.get(round=agreed)
    run = ScenarioRun.objects.get(scenario=scenario)
    proposal = Proposal.objects.get(round=agreed)
    user = user_named("stuurgroep.ijmond")
    haarlem = Municipality.objects.get(cbs_code="GM0392")
    attempts = [
        lambda: review_services.round_transition(
            round_=agreed, to_status=S.COMPUTING, user=programme, reason="x"
        ),
        lambda: review_services.proposal_create(round_=agreed, run=run, user=programme),
        lambda: review_services.approval_decide(
            proposal=proposal, subregion=subregion_of(user), user=user, decision="approve"
        ),
        lambda: review_services.round_adopt(round_=agreed, user=user_named("voorzitter")),
        lambda: review_services.comment_add(round_=agreed, user=programme, body="x"),
        lambda: review_services.transfer_propose(
            round_=agreed,
            group=TargetGroup.objects.get(code="urgent"),
            giver=Municipality.objects.get(cbs_code="GM0363"),
            taker=haarlem,
            amount=1,
            initiator=haarlem,
            user=programme,
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match=FROZEN_MESSAGE):
            attempt()
    with pytest.raises(ValidationError, match="niet meer veranderen"):
        services.scenario_update(
            scenario=scenario,
            name="Anders",
            description="",
            settings=[],
            options=services.ScenarioOptions(),
            user=programme,
        )
    with pytest.raises(ValidationError):
        services.run_enqueue(scenario=scenario, user=programme)


def test_a_correction_makes_a_new_version_and_supersedes_the_old(agreed, user_named) -> None:
    for name in [u for u in ALL_USERS if u != "programma"]:
        with pytest.raises(PermissionDenied):
            review_services.round_correct(round_=agreed, user=user_named(name), reason="x")
    with pytest.raises(ValidationError):
        review_services.round_correct(round_=agreed, user=user_named("programma"), reason=" ")
    new = review_services.round_correct(
        round_=agreed, user=user_named("programma"), reason="Cijfer Haarlem was fout"
    )
    agreed.refresh_from_db()
    assert agreed.status == S.SUPERSEDED
    assert agreed.agreed_run_id is not None  # the old one stays readable
    assert (new.version, new.status) == (2, S.DRAFT)
    assert new.name == "Afspraken review · versie 2"
    assert list(Scenario.objects.filter(round=new).values_list("name", flat=True)) == ["Inwoners"]
    assert RoundCorrection.objects.get(new_round=new).reason == "Cijfer Haarlem was fout"
    with pytest.raises(ValidationError, match=FROZEN_MESSAGE):
        review_services.comment_add(round_=agreed, user=user_named("programma"), body="x")


# --- deadline reminders -----------------------------------------------------------------------


def test_deadline_reminders_go_once_to_officers_with_missing_figures(user_named, mailoutbox):
    from django.core.management import call_command

    MunicipalFigure.objects.filter(
        municipality__cbs_code="GM0392", year=2024, indicator__code="population"
    ).update(status=FigureStatus.DRAFT)
    today = datetime.date(2026, 3, 1)
    RoundFactory(
        name="Verzamelen", status=S.COLLECTING, deadline=today + datetime.timedelta(days=5)
    )
    RoundFactory(name="Te vroeg", status=S.COLLECTING, deadline=today + datetime.timedelta(days=30))
    sent = review_services.deadline_reminders_send(today=today)
    assert sent >= 1
    haarlem = [m for m in mailoutbox if "beleid.haarlem@mra.example" in m.to]
    assert len(haarlem) == 1
    assert "Haarlem" in haarlem[0].body
    assert review_services.deadline_reminders_send(today=today) == 0
    call_command("send_deadline_reminders", "--days", "7")
    assert len([m for m in mailoutbox if "beleid.haarlem@mra.example" in m.to]) == 1


def test_the_daily_reminder_task_is_scheduled_and_idempotent(mailoutbox, settings) -> None:
    from django.utils import timezone

    from agreements.tasks import send_deadline_reminders

    schedule = settings.CELERY_BEAT_SCHEDULE["send-deadline-reminders"]
    assert schedule["task"] == "agreements.send_deadline_reminders"
    MunicipalFigure.objects.filter(municipality__cbs_code="GM0392", year=2024).update(
        status=FigureStatus.DRAFT
    )
    RoundFactory(
        name="Morgen", status=S.COLLECTING, deadline=timezone.localdate() + datetime.timedelta(1)
    )
    first = send_deadline_reminders.delay().get()
    assert first >= 1
    assert send_deadline_reminders.delay().get() == 0
    assert len(mailoutbox) == first
