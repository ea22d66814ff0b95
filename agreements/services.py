"""Writes of the review and agreement (DOMAIN.md 6; docs/review.md).

Keyword-only, atomic, access checked here as well as in the views. Every write to a round
that is agreed or superseded is refused with a Dutch message (and, on PostgreSQL, by the
triggers of migration 0004). E-mails are sent after the transaction commits.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import Role
from allocation import services
from allocation.models import Round, RoundStatus, RunStatus, Scenario, ScenarioRun
from core.links import absolute_url
from municipalities.models import Municipality, SubRegion
from target_groups.models import TargetGroup

from . import selectors as rs
from .models import (
    COMMENT_MAX_LENGTH,
    AgreementPartner,
    Approval,
    ApprovalState,
    Comment,
    DeadlineReminder,
    Decision,
    Proposal,
    ProposalStatus,
    RoundCorrection,
    RoundTransition,
    StandingText,
    StandingTextKind,
    Transfer,
    TransferStatus,
)
from .signals import round_adopted

logger = logging.getLogger(__name__)

S = RoundStatus
# The moves the programme team makes with round_transition; True: a reason is required.
PROGRAMME_TRANSITIONS: dict[tuple[str, str], bool] = {
    (S.DRAFT, S.COLLECTING): False,
    (S.COLLECTING, S.DRAFT): True,
    (S.COLLECTING, S.COMPUTING): False,
    (S.COMPUTING, S.COLLECTING): True,
    (S.COMPUTING, S.IN_REVIEW): False,
    (S.IN_REVIEW, S.COMPUTING): True,
}
# in_review -> agreed is round_adopt (the chair); agreed -> superseded is round_correct.
DEADLINE_REMINDER_DAYS = 7


def _frozen_message() -> str:
    return _(
        "This round is adopted and frozen: nothing in it can change. "
        "For a change, the programme team starts a correction (a new version of the round)."
    )


def _check_not_frozen(round_: Round) -> None:
    if rs.round_is_frozen(round_):
        raise ValidationError(_frozen_message())


def _lock_round(round_: Round) -> Round:
    return Round.objects.select_for_update().get(pk=round_.pk)


def _log_transition(*, round_: Round, to_status: str, user: Any, reason: str) -> None:
    entry = RoundTransition(
        round=round_,
        from_status=round_.status,
        to_status=to_status,
        reason=reason,
        user=user if getattr(user, "pk", None) else None,
        at=timezone.now(),
    )
    entry.full_clean(exclude=["round", "user"])
    entry.save()
    round_.status = to_status
    round_._history_user = user  # type: ignore[attr-defined]
    round_.save(update_fields=["status", "agreed_run"])


# --- e-mail ---------------------------------------------------------------------------------


def _emails(users: Iterable[Any]) -> list[str]:
    return sorted({u.email for u in users if u.email and u.is_active})


def _users_with_roles(*roles: str) -> list[Any]:
    return list(get_user_model().objects.filter(membership__role__in=roles, is_active=True))


def _mail_after_commit(*, subject: str, body: str, to: list[str]) -> None:
    if not to:
        return

    def send() -> None:
        try:
            message = EmailMessage(subject=subject, body=body, bcc=to)
            get_connection().send_messages([message])
        except Exception:  # a mail server that fails must not undo the decision
            logger.exception("could not send the e-mail %r", subject)

    transaction.on_commit(send)


def _review_link(round_: Round, anchor: str = "") -> str:
    path = reverse("agreements:round_review", kwargs={"pk": round_.pk})
    return absolute_url(path + (f"#{anchor}" if anchor else ""))


def _links(*lines: tuple[str, str]) -> str:
    """Lines "What: link" for the end of an e-mail, and the home page's to-do list."""
    rows = [f"{label}: {url}" for label, url in lines]
    rows.append(_("Everything waiting for you: %(url)s") % {"url": absolute_url(reverse("home"))})
    return "\n\n" + "\n".join(rows) + "\n"


def _notify_status(round_: Round, *, to_status: str, reason: str) -> None:
    roles = [Role.STEERING, Role.COORDINATOR, Role.CHAIR, Role.PROGRAMME]
    if to_status in (S.COLLECTING, S.AGREED):
        roles.append(Role.OFFICER)
    with translation.override("nl"):
        status = str(S(to_status).label)
        subject = _("%(round)s: now %(status)s") % {"round": round_.name, "status": status}
        body = _("The round %(round)s now has the status: %(status)s.") % {
            "round": round_.name,
            "status": status,
        }
        if reason:
            body += "\n\n" + _("Reason: %(reason)s") % {"reason": reason}
        body += "\n\n" + _("See the review page in MRA Fair Share for the details.") + "\n"
        links = [(_("The review page"), _review_link(round_))]
        if to_status == S.COLLECTING:
            links.append((_("Enter your figures"), absolute_url(reverse("figures:home"))))
        body += _links(*links)
    _mail_after_commit(subject=subject, body=body, to=_emails(_users_with_roles(*roles)))


def _notify_voided(round_: Round, approvals: list[Approval], reason: str) -> None:
    users = [a.user for a in approvals if a.user is not None]
    with translation.override("nl"):
        subject = _("%(round)s: your approval is no longer valid") % {"round": round_.name}
        body = (
            _(
                "Something changed in what you approved in the round %(round)s, so your "
                "approval no longer counts. What changed: %(reason)s"
            )
            % {"round": round_.name, "reason": reason}
            + "\n\n"
            + _("When the new proposal is ready, please look at it and decide again.")
            + _links((_("Your decision"), _review_link(round_, "h-my-decision")))
        )
    _mail_after_commit(subject=subject, body=body, to=_emails(users))


# --- voiding --------------------------------------------------------------------------------


def _void_approvals(proposal: Proposal, *, reason: str, now: Any) -> list[Approval]:
    """End every valid decision on the proposal, visibly (state voided, time, reason)."""
    active = list(
        Approval.objects.select_for_update(of=("self",))
        .filter(proposal=proposal, state=ApprovalState.ACTIVE)
        .select_related("user")
    )
    for a in active:
        a.state = ApprovalState.VOIDED
        a.ended_at = now
        a.void_reason = reason
        a.save(update_fields=["state", "ended_at", "void_reason"])
    return active


def _void_proposal(proposal: Proposal, *, reason: str, now: Any) -> list[Approval]:
    voided = _void_approvals(proposal, reason=reason, now=now)
    proposal.status = ProposalStatus.VOIDED
    proposal.voided_at = now
    proposal.void_reason = reason
    proposal.save(update_fields=["status", "voided_at", "void_reason"])
    Transfer.objects.filter(proposal=proposal, status=TransferStatus.PROPOSED).update(
        status=TransferStatus.REJECTED,
        decided_at=now,
        answer=reason,
    )
    return voided


def review_recheck(*, round_: Round) -> bool:
    """Void the round's proposal and all decisions on it when the inputs or settings in the
    database no longer give the proposed computation's inputs. Returns True when voided.

    A changed input means the computation must be done again and proposed again before
    anyone can approve again. The approvers get an e-mail.
    """
    with transaction.atomic():
        round_ = _lock_round(round_)
        if round_.status != S.IN_REVIEW:
            return False
        proposal = rs.current_proposal(round_)
        if proposal is None or rs.run_inputs_current(proposal.run):
            return False
        with translation.override("nl"):
            reason = _(
                "Figures or settings changed after the computation was proposed. "
                "The computation must be done again and proposed again."
            )
        voided = _void_proposal(proposal, reason=reason, now=timezone.now())
        _notify_voided(round_, voided, reason)
    return True


def review_inputs_changed(*, reference_year: int | None = None) -> list[int]:
    """Recheck every round in review after figures changed; returns the ids voided.

    `reference_year` is the year of the figures that changed. Every round in review is
    checked whatever the year, because carry-over reads realised figures of earlier years.
    """
    voided = []
    for round_id in Round.objects.filter(status=S.IN_REVIEW).values_list("pk", flat=True):
        if review_recheck(round_=Round(pk=round_id)):
            voided.append(round_id)
    return voided


# --- status changes -------------------------------------------------------------------------


def round_transition(*, round_: Round, to_status: str, user: Any, reason: str = "") -> Round:
    """Move a round one step (programme team). Backward moves need a reason."""
    if not access.can_move_round(user):
        raise PermissionDenied
    reason = reason.strip()
    with transaction.atomic():
        round_ = _lock_round(round_)
        _check_not_frozen(round_)
        key = (round_.status, to_status)
        if key not in PROGRAMME_TRANSITIONS:
            raise ValidationError(
                _("A round cannot go from “%(from)s” to “%(to)s”.")
                % {"from": S(round_.status).label, "to": S(to_status).label}
                if to_status in S.values
                else _("Unknown status.")
            )
        if PROGRAMME_TRANSITIONS[key] and not reason:
            raise ValidationError({"reason": _("Say why the round goes back a step.")})
        if (
            to_status == S.IN_REVIEW
            and not ScenarioRun.objects.filter(
                scenario__round=round_, status=RunStatus.SUCCEEDED
            ).exists()
        ):
            raise ValidationError(_("There is no finished computation to review yet."))
        if key == (S.IN_REVIEW, S.COMPUTING):
            proposal = rs.current_proposal(round_)
            if proposal is not None:
                with translation.override("nl"):
                    why = _("The round went back to computing: %(reason)s") % {"reason": reason}
                voided = _void_proposal(proposal, reason=why, now=timezone.now())
                _notify_voided(round_, voided, why)
        _log_transition(round_=round_, to_status=to_status, user=user, reason=reason)
        _notify_status(round_, to_status=to_status, reason=reason)
    return round_


# --- proposal and decisions -----------------------------------------------------------------


def proposal_create(*, round_: Round, run: ScenarioRun, user: Any) -> Proposal:
    """Propose a succeeded computation of one of the round's scenarios for review.

    A current proposal is replaced (its decisions are voided). Refused when figures or
    settings changed after the computation: compute again first.
    """
    if not access.can_move_round(user):
        raise PermissionDenied
    with transaction.atomic():
        round_ = _lock_round(round_)
        _check_not_frozen(round_)
        if round_.status != S.IN_REVIEW:
            raise ValidationError(_("Only a round in review takes a proposal."))
        run = ScenarioRun.objects.select_related("scenario").get(pk=run.pk)
        if run.scenario.round_id != round_.pk or run.status != RunStatus.SUCCEEDED:
            raise ValidationError(_("Choose a finished computation of this round."))
        if not rs.run_inputs_current(run):
            raise ValidationError(
                _(
                    "Figures or settings changed after this computation. Put the round back "
                    "to computing, compute the scenario again and propose the new computation."
                )
            )
        now = timezone.now()
        previous = rs.current_proposal(round_)
        if previous is not None:
            with translation.override("nl"):
                why = _("A new computation was proposed.")
            voided = _void_proposal(previous, reason=why, now=now)
            _notify_voided(round_, voided, why)
        proposal = Proposal(
            round=round_, run=run, run_digest=run.digest, proposed_by=user, proposed_at=now
        )
        proposal.full_clean(exclude=["round", "run", "proposed_by"])
        proposal.save()
        with translation.override("nl"):
            subject = _("%(round)s: a proposal to review") % {"round": round_.name}
            body = _(
                "The programme team proposes the computation of scenario %(scenario)s "
                "for the round %(round)s. Please approve it or object, with a reason, "
                "for your sub-region."
            ) % {"scenario": run.scenario.name, "round": round_.name} + _links(
                (
                    _("The numbers of your sub-region"),
                    absolute_url(reverse("agreements:summary_default", kwargs={"pk": round_.pk})),
                ),
                (_("Your decision"), _review_link(round_, "h-my-decision")),
            )
        _mail_after_commit(
            subject=subject, body=body, to=_emails(_users_with_roles(Role.STEERING, Role.CHAIR))
        )
    return proposal


def approval_decide(
    *, proposal: Proposal, subregion: SubRegion, user: Any, decision: str, reason: str = ""
) -> Approval:
    """A sub-region approves or objects (an objection needs a reason), bound to the
    current review digest. A later decision replaces the earlier one."""
    if not access.can_decide_for_subregion(user, subregion):
        raise PermissionDenied
    reason = reason.strip()
    errors: dict[str, str] = {}
    if decision not in Decision.values:
        errors["decision"] = _("Choose: approve or object.")
    elif decision == Decision.OBJECT and not reason:
        errors["reason"] = _("Say why you object; the others read it with the decision.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        round_ = _lock_round(proposal.round)
        _check_not_frozen(round_)
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if round_.status != S.IN_REVIEW or proposal.status != ProposalStatus.CURRENT:
            raise ValidationError(
                _("This proposal is no longer current. Look at the review page again.")
            )
        now = timezone.now()
        Approval.objects.filter(
            proposal=proposal, subregion=subregion, state=ApprovalState.ACTIVE
        ).update(state=ApprovalState.REPLACED, ended_at=now)
        approval = Approval(
            proposal=proposal,
            subregion=subregion,
            decision=decision,
            reason=reason,
            digest=rs.review_digest(proposal),
            user=user,
            decided_at=now,
        )
        approval.full_clean(exclude=["proposal", "subregion", "user"])
        approval.save()
    return approval


def round_adopt(*, round_: Round, user: Any) -> Round:
    """The chair adopts (vaststellen) the round: every sub-region approved the current
    digest. The round becomes agreed and frozen; agreed_run is the proposed computation."""
    if not access.can_adopt_round(user):
        raise PermissionDenied
    with transaction.atomic():
        round_ = _lock_round(round_)
        _check_not_frozen(round_)
        if round_.status != S.IN_REVIEW:
            raise ValidationError(_("Only a round in review can be adopted."))
        proposal = rs.current_proposal(round_)
        if proposal is None:
            raise ValidationError(_("There is no proposal to adopt."))
        if not rs.run_inputs_current(proposal.run):
            raise ValidationError(
                _("Figures or settings changed after the proposal; it cannot be adopted.")
            )
        digest = rs.review_digest(proposal)
        states = rs.subregion_states(proposal, digest)
        missing = [s.subregion.name for s in states if s.state != "approved"]
        if missing:
            raise ValidationError(
                _(
                    "Not every sub-region approved the current proposal yet. Still missing: %(names)s."
                )
                % {"names": ", ".join(missing)}
            )
        if Transfer.objects.filter(proposal=proposal, status=TransferStatus.PROPOSED).exists():
            raise ValidationError(_("A transfer still waits for an answer."))
        # Rows first, the round last: once the round is agreed, its rows are frozen.
        _standing_texts_freeze(round_=round_, user=user)
        proposal.status = ProposalStatus.ADOPTED
        proposal.save(update_fields=["status"])
        round_.agreed_run = proposal.run
        _log_transition(round_=round_, to_status=S.AGREED, user=user, reason="")
        _notify_status(round_, to_status=S.AGREED, reason="")
        round_id = round_.pk
        # robust: a failure to schedule the PDFs is logged; it never undoes the adoption.
        transaction.on_commit(lambda: _schedule_agreements(round_id), robust=True)
    return round_


def _standing_texts_freeze(*, round_: Round, user: Any) -> None:
    """Store the default of every standing text the round never changed as its version 1,
    so that the adopted agreement keeps its wording when the defaults change later."""
    from .standing_texts import DEFAULTS

    saved = set(StandingText.objects.filter(round=round_).values_list("kind", flat=True))
    now = timezone.now()
    for kind, body in DEFAULTS.items():
        if kind in saved:
            continue
        entry = StandingText(
            round=round_,
            kind=kind,
            version=1,
            body=body,
            reason=_("Default text, fixed when the round was adopted."),
            created_by=user if getattr(user, "pk", None) else None,
            created_at=now,
        )
        entry.full_clean(exclude=["round", "created_by"])
        entry.save()


def standing_text_save(
    *, round_: Round, kind: str, body: str, user: Any, reason: str = ""
) -> StandingText | None:
    """Save a new version of one of the round's standing texts (programme team).

    Refused for an adopted round (its texts are frozen). Returns None when the text did not
    change (no new version)."""
    if not access.can_manage_rounds(user):
        raise PermissionDenied
    if kind not in StandingTextKind.values:
        raise ValidationError({"kind": _("Unknown text.")})
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise ValidationError({"body": _("The text cannot be empty.")})
    with transaction.atomic():
        round_ = _lock_round(round_)
        _check_not_frozen(round_)
        current = rs.standing_texts(round_)[kind]
        if current.body.strip() == body:
            return None
        entry = StandingText(
            round=round_,
            kind=kind,
            version=current.version + 1,
            body=body,
            reason=reason.strip()[:300],
            created_by=user,
            created_at=timezone.now(),
        )
        entry.full_clean(exclude=["round", "created_by"])
        entry.save()
    return entry


def _schedule_agreements(round_id: int) -> None:
    """Announce the adoption; the reports app schedules the PDF agreements."""
    round_adopted.send(sender=Round, round_id=round_id)


def round_correct(*, round_: Round, user: Any, reason: str) -> Round:
    """Start a correction of an adopted round: a new version (draft) with copies of its
    scenarios. The old round becomes superseded and stays readable."""
    if not access.can_move_round(user):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the agreement is corrected.")})
    with transaction.atomic():
        old = _lock_round(round_)
        if old.status != S.AGREED:
            raise ValidationError(_("Only an agreed round can be corrected."))
        version = old.version + 1
        base = old.name.split(" · ")[0]
        name = _("%(name)s · version %(version)s") % {"name": base, "version": version}
        new = services.round_create(
            name=name[:150],
            period_start=old.period_start,
            period_end=old.period_end,
            reference_year=old.reference_year,
            deadline=old.deadline,
            user=user,
        )
        new.version = version
        new._history_user = user  # type: ignore[attr-defined]
        new.save(update_fields=["version"])
        for scenario in Scenario.objects.filter(round=old).order_by("name"):
            settings = [
                services._as_input(s)
                for s in scenario.settings.select_related("group").prefetch_related(
                    "weights__indicator"
                )
            ]
            services.scenario_create(
                round_=new,
                name=scenario.name,
                description=scenario.description,
                settings=settings,
                options=services.ScenarioOptions(
                    mutation_threshold_pct=scenario.mutation_threshold_pct,
                    urgent_fallback_pct=scenario.urgent_fallback_pct,
                    sensitivity_draws=scenario.sensitivity_draws,
                    sensitivity_concentration=scenario.sensitivity_concentration,
                    sensitivity_seed=scenario.sensitivity_seed,
                ),
                user=user,
            )
        for text in rs.standing_texts(old).values():
            if text.entry is not None:  # the wording the old version agreed
                copy = StandingText(
                    round=new,
                    kind=text.kind,
                    version=1,
                    body=text.body,
                    reason=_("Copied from %(name)s.") % {"name": old.name},
                    created_by=user,
                    created_at=timezone.now(),
                )
                copy.full_clean(exclude=["round", "created_by"])
                copy.save()
        correction = RoundCorrection(
            old_round=old, new_round=new, reason=reason, user=user, at=timezone.now()
        )
        correction.full_clean(exclude=["old_round", "new_round", "user"])
        correction.save()
        _log_transition(round_=old, to_status=S.SUPERSEDED, user=user, reason=reason)
        _notify_status(old, to_status=S.SUPERSEDED, reason=reason)
    return new


# --- comments -------------------------------------------------------------------------------


def comment_add(
    *, round_: Round, user: Any, body: str, municipality: Municipality | None = None
) -> Comment:
    """A message in the round's thread, or in a municipality's thread within it."""
    allowed = (
        access.can_comment_on_municipality(user, municipality, round_)
        if municipality is not None
        else access.can_comment_on_round(user, round_)
    )
    if not allowed:
        raise PermissionDenied
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write a message first.")})
    if len(body) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {
                "body": _(
                    "Your message is too long: at most 5,000 characters. Shorten it or split "
                    "it over two messages."
                )
            }
        )
    membership = access.membership_of(user)
    with transaction.atomic():
        round_ = _lock_round(round_)
        _check_not_frozen(round_)
        scope = ""
        if membership is not None:
            # A partner writes on behalf of its organisation (issue 15).
            scope = str(
                membership.municipality or membership.subregion or membership.organisation or ""
            )
        comment = Comment(
            round=round_,
            municipality=municipality,
            author=user,
            author_role=membership.role if membership else "",
            author_scope=scope[:100],
            body=body,
            created_at=timezone.now(),
        )
        comment.full_clean(exclude=["round", "municipality", "author"])
        comment.save()
    return comment


# --- transfers ------------------------------------------------------------------------------


def transfer_propose(
    *,
    round_: Round,
    group: TargetGroup,
    giver: Municipality,
    taker: Municipality,
    amount: int,
    initiator: Municipality,
    user: Any,
    reason: str = "",
) -> Transfer:
    """Municipality `initiator` (giver or taker) proposes that `taker` takes over `amount`
    of `giver`'s task for `group` (Huisvestingswet art. 29(2)); the other one answers."""
    if not access.can_enter_transfer(user, initiator):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if giver.pk == taker.pk:
        errors["taker"] = _("Choose two different municipalities.")
    elif initiator.pk not in (giver.pk, taker.pk):
        errors["taker"] = _("Your municipality must be one of the two.")
    if amount is None or amount <= 0:
        errors["amount"] = _("Enter a whole number above 0.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        round_ = _lock_round(round_)
        _check_not_frozen(round_)
        proposal = rs.current_proposal(round_)
        if round_.status != S.IN_REVIEW or proposal is None:
            raise ValidationError(_("Transfers are possible only while a proposal is in review."))
        _check_amount(proposal, group=group, giver=giver, amount=amount)
        transfer = Transfer(
            round=round_,
            proposal=proposal,
            group=group,
            giver=giver,
            taker=taker,
            initiator=initiator,
            amount=amount,
            reason=reason.strip(),
            proposed_by=user,
            proposed_at=timezone.now(),
        )
        transfer.full_clean(exclude=["round", "proposal", "group", "giver", "taker", "initiator"])
        transfer.save()
    return transfer


def _check_amount(
    proposal: Proposal, *, group: TargetGroup, giver: Municipality, amount: int
) -> None:
    """The giver cannot hand over more than its number after the transfers accepted so far."""
    allocation = rs.allocation_of(proposal, group_code=group.code, cbs_code=giver.cbs_code)
    if allocation is None:
        raise ValidationError({"group": _("This target group is not in the proposal.")})
    moved = 0
    for t in Transfer.objects.filter(
        proposal=proposal, group=group, status=TransferStatus.ACCEPTED
    ).only("giver_id", "taker_id", "amount"):
        if t.giver_id == giver.pk:
            moved -= t.amount
        if t.taker_id == giver.pk:
            moved += t.amount
    if amount > allocation + moved:
        raise ValidationError(
            {
                "amount": _("%(name)s has %(number)s for this group; it cannot hand over more.")
                % {"name": giver.name, "number": allocation + moved}
            }
        )


def transfer_answer(*, transfer: Transfer, user: Any, accept: bool, answer: str = "") -> Transfer:
    """The counterpart accepts or rejects a proposed transfer. Accepting changes the review
    digest, so every decision on the proposal is voided (visibly, with an e-mail)."""
    with transaction.atomic():
        transfer = (
            Transfer.objects.select_for_update()
            .select_related("giver", "taker", "group", "round", "proposal")
            .get(pk=transfer.pk)
        )
        counterpart = (
            transfer.taker if transfer.initiator_id == transfer.giver_id else transfer.giver
        )
        if not access.can_enter_transfer(user, counterpart):
            raise PermissionDenied
        round_ = _lock_round(transfer.round)
        _check_not_frozen(round_)
        if transfer.status != TransferStatus.PROPOSED:
            raise ValidationError(_("This transfer was answered already."))
        if transfer.proposal.status != ProposalStatus.CURRENT:
            raise ValidationError(_("This proposal is no longer current."))
        now = timezone.now()
        if accept:
            _check_amount(
                transfer.proposal,
                group=transfer.group,
                giver=transfer.giver,
                amount=transfer.amount,
            )
        transfer.status = TransferStatus.ACCEPTED if accept else TransferStatus.REJECTED
        transfer.decided_by = user
        transfer.decided_at = now
        transfer.answer = answer.strip()
        transfer.full_clean(exclude=["round", "proposal", "group", "giver", "taker", "initiator"])
        transfer.save()
        if accept:
            with translation.override("nl"):
                why = _(
                    "A transfer was accepted: %(taker)s takes over %(amount)s of the task of "
                    "%(giver)s for %(group)s."
                ) % {
                    "taker": transfer.taker.name,
                    "amount": transfer.amount,
                    "giver": transfer.giver.name,
                    "group": transfer.group.name_nl,
                }
            voided = _void_approvals(transfer.proposal, reason=why, now=now)
            _notify_voided(round_, voided, why)
    return transfer


# --- deadline reminders ---------------------------------------------------------------------


def deadline_reminders_send(*, today: date, days_before: int = DEADLINE_REMINDER_DAYS) -> int:
    """E-mail the officers of municipalities with missing or unconfirmed figures, once per
    round and deadline, from `days_before` days before a collecting round's deadline.

    Idempotent: the reminder row is claimed first (unique per round and deadline), so a
    second run sends nothing. Returns the number of messages sent.
    """
    from figures import selectors as figure_selectors

    sent = 0
    rounds = Round.objects.filter(
        status=S.COLLECTING,
        deadline__isnull=False,
        deadline__gte=today,
        deadline__lte=today + timedelta(days=days_before),
    )
    for round_ in rounds:
        deadline = round_.deadline
        if deadline is None:  # excluded by the query; for the type checker
            continue
        try:
            with transaction.atomic():
                claim = DeadlineReminder.objects.create(
                    round=round_, deadline=deadline, sent_at=timezone.now()
                )
        except IntegrityError:
            continue
        overview = figure_selectors.completeness(year=round_.reference_year)
        rows = list(overview.incomplete)
        officers = figure_selectors.officers_of(r.municipality.pk for r in rows)
        messages = []
        with translation.override("nl"):
            for row in rows:
                to = _emails(officers.get(row.municipality.pk, []))
                if not to:
                    continue
                subject = _("Figures for %(round)s: deadline %(deadline)s") % {
                    "round": round_.name,
                    "deadline": deadline.strftime("%d-%m-%Y"),
                }
                body = _(
                    "Not all figures of %(municipality)s for %(year)s are entered and "
                    "confirmed yet. The deadline of the round %(round)s is %(deadline)s. "
                    "Please enter the missing figures and ask a colleague to confirm them."
                ) % {
                    "municipality": row.municipality.name,
                    "year": round_.reference_year,
                    "round": round_.name,
                    "deadline": deadline.strftime("%d-%m-%Y"),
                } + _links(
                    (
                        _("Enter, submit or confirm the figures"),
                        absolute_url(
                            reverse(
                                "figures:year",
                                kwargs={
                                    "code": row.municipality.cbs_code,
                                    "year": round_.reference_year,
                                },
                            )
                        ),
                    )
                )
                messages.append(EmailMessage(subject=subject, body=body, to=to))
        if messages:
            get_connection().send_messages(messages)
        DeadlineReminder.objects.filter(pk=claim.pk).update(
            recipient_count=sum(len(m.to) for m in messages)
        )
        sent += len(messages)
    return sent


# --- partners -------------------------------------------------------------------------------


def agreement_partner_ensure(
    *,
    subregion: SubRegion,
    name: str,
    kind: str,
    role: str,
    representative: str = "",
) -> tuple[AgreementPartner, bool]:
    """A partner of a sub-region's agreements, made once (demo data and imports; the
    programme team manages partners in the admin). Returns (partner, created)."""
    with transaction.atomic():
        existing = AgreementPartner.objects.filter(subregion=subregion, name=name).first()
        if existing is not None:
            return existing, False
        partner = AgreementPartner(
            subregion=subregion,
            name=name,
            kind=kind,
            role=role,
            representative=representative,
        )
        partner.full_clean()
        partner.save()
    return partner, True
