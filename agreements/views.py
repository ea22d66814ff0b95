"""The review page of a round and the municipality threads. Thin: access, form, service.

One page holds the proposal, the sub-regions' decisions, transfers, the logs and the
round's thread; each form posts back to it with an `action` and gets the page again with
its errors, or a redirect with a message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import access
from allocation import selectors
from allocation.models import Round, RoundStatus, ScenarioRun
from municipalities.models import Municipality, SubRegion

from . import selectors as rs
from . import services as review_services
from .forms import (
    CommentForm,
    CorrectionForm,
    DecisionForm,
    ProposeForm,
    StandingTextsForm,
    TransferAnswerForm,
    TransferForm,
    TransitionForm,
    apply_errors,
)
from .models import ProposalStatus, StandingTextKind, Transfer, TransferStatus
from .services import PROGRAMME_TRANSITIONS


def _round_or_404(pk: int) -> Round:
    try:
        return selectors.round_get(pk=pk)
    except Round.DoesNotExist:
        raise Http404(_("No round with this number.")) from None


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {k: list(ValidationError(v).messages) for k, v in exc.error_dict.items()}
    return {"__all__": list(exc.messages)}


def _review_url(round_: Round) -> str:
    return reverse("agreements:round_review", kwargs={"pk": round_.pk})


def _transition_buttons(round_: Round, user: Any) -> list[dict[str, Any]]:
    if not access.can_move_round(user):
        return []
    return [
        {"to": to, "label": RoundStatus(to).label, "needs_reason": needs_reason}
        for (frm, to), needs_reason in PROGRAMME_TRANSITIONS.items()
        if frm == round_.status
    ]


def _transfer_form(request: HttpRequest, data: Any = None) -> TransferForm | None:
    user = request.user
    municipalities = rs.municipality_list()
    if access.has_role(user, "programme"):
        own = municipalities
    else:
        own_id = access.transfer_municipality_id(user)
        own = [m for m in municipalities if m.pk == own_id]
    if not own:
        return None
    return TransferForm(
        data,
        prefix="transfer",
        municipalities=municipalities,
        own=own,
        groups=selectors.active_groups(),
    )


def _with_counts(municipalities: list[Municipality], counts: dict[int, int]) -> list[Municipality]:
    for m in municipalities:
        m.comment_count = counts.get(m.pk, 0)  # type: ignore[attr-defined]
    return municipalities


def _page(
    request: HttpRequest, round_: Round, forms: dict[str, Any], status: int = 200
) -> HttpResponse:
    user = request.user
    overview = rs.review_overview(round_)
    proposal = overview.proposal
    live = proposal is not None and proposal.status == ProposalStatus.CURRENT
    in_review = round_.status == RoundStatus.IN_REVIEW
    frozen = rs.round_is_frozen(round_)
    my_subregion_id = access.decision_subregion_id(user)
    my_state = next((s for s in overview.subregions if s.subregion.pk == my_subregion_id), None)
    answerable = {
        t.pk
        for t in overview.transfers
        if t.status == TransferStatus.PROPOSED
        and access.can_enter_transfer(user, t.taker if t.initiator_id == t.giver_id else t.giver)
    }
    runs = rs.proposable_runs(round_) if in_review and access.can_move_round(user) else []
    latest_void = overview.voided_approvals[0] if overview.voided_approvals else None
    context = {
        "round": round_,
        "o": overview,
        "live": live,
        "in_review": in_review,
        "frozen": frozen,
        "transitions": _transition_buttons(round_, user) if not frozen else [],
        "can_propose": bool(runs),
        "propose_form": forms.get("propose")
        or (ProposeForm(prefix="propose", runs=runs) if runs else None),
        "my_state": my_state,
        "decision_form": (
            forms.get("decide") or DecisionForm(prefix="decide")
            if live and in_review and my_state is not None
            else None
        ),
        "can_adopt": access.can_adopt_round(user) and in_review,
        "correction_form": (
            forms.get("correct") or CorrectionForm(prefix="correct")
            if round_.status == RoundStatus.AGREED and access.can_move_round(user)
            else None
        ),
        "transition_forms": forms.get("transition"),
        "comments": rs.comments_of(round_, None),
        "comment_form": (
            forms.get("comment") or CommentForm(prefix="comment")
            if access.can_comment_on_round(user, round_) and not frozen
            else None
        ),
        # A partner sees the threads of the municipalities of its working area only.
        "municipalities": _with_counts(
            [
                m
                for m in rs.municipality_list()
                if access.can_view_municipality_thread(user, round_, m)
            ],
            overview.comment_counts,
        ),
        # Partners (issue 15) read this page, not the computations or the round's history.
        "can_view_rounds": access.can_view_rounds(user),
        "transfer_form": (
            forms.get("transfer") or _transfer_form(request) if live and in_review else None
        ),
        "answerable": answerable,
        "answer_error": forms.get("answer_error"),
        "latest_void": latest_void,
        "show_void_banner": latest_void is not None and not overview.all_approved and not frozen,
        "decisions": rs.decision_history(round_),
        "can_edit_texts": access.can_manage_rounds(user),
    }
    return render(request, "agreements/review.html", context, status=status)


def round_review(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(access.can_view_some_rounds(request.user))
    round_ = _round_or_404(pk)
    access.require(access.can_view_round(request.user, round_))
    if request.method != "POST":
        return _page(request, round_, {})
    action = request.POST.get("action", "")
    handler = _ACTIONS.get(action)
    if handler is None:
        messages.error(request, _("Unknown action."))
        return redirect(_review_url(round_))
    return handler(request, round_)


def _done(request: HttpRequest, round_: Round, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(_review_url(round_))


def _refused(request: HttpRequest, round_: Round, exc: ValidationError) -> HttpResponse:
    for message in exc.messages:
        messages.error(request, message)
    return redirect(_review_url(round_))


def _on_form(form: Any, exc: ValidationError) -> bool:
    """Put field errors on the form (True); a refusal of the whole step is a message (False)."""
    errors = _errors(exc)
    if "__all__" in errors:
        return False
    apply_errors(form, errors)
    return True


def _transition(request: HttpRequest, round_: Round) -> HttpResponse:
    access.require(access.can_move_round(request.user))
    form = TransitionForm(request.POST, prefix="transition")
    if not form.is_valid():
        return _refused(request, round_, ValidationError(_("Choose a status.")))
    try:
        review_services.round_transition(
            round_=round_,
            to_status=form.cleaned_data["to_status"],
            reason=form.cleaned_data["reason"],
            user=request.user,
        )
    except ValidationError as exc:
        return _refused(request, round_, exc)
    round_.refresh_from_db()
    return _done(
        request,
        round_,
        _("The round now has the status: %(status)s.") % {"status": round_.get_status_display()},
    )


def _propose(request: HttpRequest, round_: Round) -> HttpResponse:
    access.require(access.can_move_round(request.user))
    form = ProposeForm(request.POST, prefix="propose", runs=rs.proposable_runs(round_))
    if form.is_valid():
        try:
            review_services.proposal_create(
                round_=round_,
                run=ScenarioRun.objects.get(pk=form.cleaned_data["run"]),
                user=request.user,
            )
        except ValidationError as exc:
            if not _on_form(form, exc):
                return _refused(request, round_, exc)
        else:
            return _done(request, round_, _("The computation is proposed for review."))
    return _page(request, round_, {"propose": form}, status=400)


def _decide(request: HttpRequest, round_: Round) -> HttpResponse:
    subregion_id = access.decision_subregion_id(request.user)
    if subregion_id is None:  # only steering members decide
        raise PermissionDenied
    proposal = rs.latest_proposal(round_)  # the service refuses one that is not current
    form = DecisionForm(request.POST, prefix="decide")
    if proposal is None:
        return _refused(request, round_, ValidationError(_("There is no proposal to decide on.")))
    if form.is_valid():
        try:
            review_services.approval_decide(
                proposal=proposal,
                subregion=SubRegion.objects.get(pk=subregion_id),
                user=request.user,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            if not _on_form(form, exc):
                return _refused(request, round_, exc)
        else:
            return _done(request, round_, _("Your decision is saved."))
    return _page(request, round_, {"decide": form}, status=400)


def _adopt(request: HttpRequest, round_: Round) -> HttpResponse:
    access.require(access.can_adopt_round(request.user))
    try:
        review_services.round_adopt(round_=round_, user=request.user)
    except ValidationError as exc:
        return _refused(request, round_, exc)
    return _done(
        request,
        round_,
        _(
            "The round is adopted. The agreement is now fixed. The PDF agreements are being "
            "made in the background; their status is shown on this page."
        ),
    )


def _correct(request: HttpRequest, round_: Round) -> HttpResponse:
    access.require(access.can_move_round(request.user))
    form = CorrectionForm(request.POST, prefix="correct")
    if form.is_valid():
        try:
            new = review_services.round_correct(
                round_=round_, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            if not _on_form(form, exc):
                return _refused(request, round_, exc)
        else:
            messages.success(
                request, _("Version %(version)s of the round is made.") % {"version": new.version}
            )
            return redirect(new.get_absolute_url())
    return _page(request, round_, {"correct": form}, status=400)


def _comment(request: HttpRequest, round_: Round) -> HttpResponse:
    access.require(access.can_comment_on_round(request.user, round_))
    form = CommentForm(request.POST, prefix="comment")
    if form.is_valid():
        try:
            review_services.comment_add(
                round_=round_, user=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            if not _on_form(form, exc):
                return _refused(request, round_, exc)
        else:
            return _done(request, round_, _("Your message is added."))
    return _page(request, round_, {"comment": form}, status=400)


def _transfer(request: HttpRequest, round_: Round) -> HttpResponse:
    form = _transfer_form(request, request.POST)
    if form is None:  # neither an officer nor the programme team
        raise PermissionDenied
    if form.is_valid():
        data = form.cleaned_data
        own = Municipality.objects.get(pk=data["municipality"])
        other = Municipality.objects.filter(pk=data["other"]).first()
        group = next((g for g in selectors.active_groups() if g.pk == data["group"]), None)
        if other is None or group is None:
            form.add_error("other", _("Choose the other municipality."))
        else:
            giver, taker = (own, other) if data["direction"] == "give" else (other, own)
            try:
                review_services.transfer_propose(
                    round_=round_,
                    group=group,
                    giver=giver,
                    taker=taker,
                    amount=data["amount"],
                    initiator=own,
                    user=request.user,
                    reason=data["reason"],
                )
            except ValidationError as exc:
                if not _on_form(form, exc):
                    return _refused(request, round_, exc)
            else:
                return _done(
                    request, round_, _("The transfer is proposed to the other municipality.")
                )
    return _page(request, round_, {"transfer": form}, status=400)


def _answer(request: HttpRequest, round_: Round) -> HttpResponse:
    form = TransferAnswerForm(request.POST)
    if not form.is_valid():
        return _refused(request, round_, ValidationError(_("Choose accept or reject.")))
    transfer = Transfer.objects.filter(pk=form.cleaned_data["transfer"], round=round_).first()
    if transfer is None:
        raise Http404(_("No transfer with this number."))
    accept = form.cleaned_data["accept"] == "yes"
    try:
        review_services.transfer_answer(
            transfer=transfer, user=request.user, accept=accept, answer=form.cleaned_data["answer"]
        )
    except ValidationError as exc:
        return _refused(request, round_, exc)
    return _done(
        request,
        round_,
        _("The transfer is accepted. Earlier approvals are no longer valid.")
        if accept
        else _("The transfer is rejected."),
    )


_ACTIONS = {
    "transition": _transition,
    "propose": _propose,
    "decide": _decide,
    "adopt": _adopt,
    "correct": _correct,
    "comment": _comment,
    "transfer": _transfer,
    "answer": _answer,
}


def municipality_thread(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """The thread of one municipality within a round."""
    access.require(access.can_view_some_rounds(request.user))
    round_ = _round_or_404(pk)
    municipality = Municipality.objects.filter(cbs_code=code).select_related("subregion").first()
    if municipality is None:
        raise Http404(_("No municipality with this code."))
    access.require(access.can_view_municipality_thread(request.user, round_, municipality))
    can_write = access.can_comment_on_municipality(request.user, municipality, round_) and not (
        rs.round_is_frozen(round_)
    )
    form = CommentForm(request.POST or None, prefix="comment")
    status = 200
    if request.method == "POST":
        access.require(access.can_comment_on_municipality(request.user, municipality, round_))
        if form.is_valid():
            try:
                review_services.comment_add(
                    round_=round_,
                    user=request.user,
                    body=form.cleaned_data["body"],
                    municipality=municipality,
                )
            except ValidationError as exc:
                if not _on_form(form, exc):
                    return _refused(request, round_, exc)
            else:
                messages.success(request, _("Your message is added."))
                return redirect(request.path)
        status = 400
    return render(
        request,
        "agreements/thread.html",
        {
            "round": round_,
            "municipality": municipality,
            "comments": rs.comments_of(round_, municipality),
            "form": form if can_write else None,
        },
        status=status,
    )


def standing_texts(request: HttpRequest, pk: int) -> HttpResponse:
    """The standing texts of a round's agreements (considerations, definitions, conditions):
    the programme team edits them; every save is a new version; frozen once adopted."""
    access.require(access.can_manage_rounds(request.user))
    round_ = _round_or_404(pk)
    texts = rs.standing_texts(round_)
    frozen = rs.round_is_frozen(round_)
    initial = {kind: text.body for kind, text in texts.items()}
    form = StandingTextsForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if frozen:
            messages.error(request, _("This round is adopted: its texts can no longer change."))
            return redirect(request.path)
        if form.is_valid():
            saved = []
            try:
                for kind in StandingTextKind.values:
                    entry = review_services.standing_text_save(
                        round_=round_,
                        kind=kind,
                        body=form.cleaned_data[kind],
                        user=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                    if entry is not None:
                        saved.append(str(StandingTextKind(kind).label))
            except ValidationError as exc:
                if not _on_form(form, exc):
                    return _refused(request, round_, exc)
            else:
                if saved:
                    messages.success(
                        request,
                        _("Saved as a new version: %(texts)s.") % {"texts": ", ".join(saved)},
                    )
                else:
                    messages.info(request, _("Nothing changed."))
                return redirect(request.path)
        status = 400
    return render(
        request,
        "agreements/standing_texts.html",
        {
            "round": round_,
            "form": form,
            "texts": texts,
            "frozen": frozen,
            "history": rs.standing_text_history(round_),
        },
        status=status,
    )


def round_history(request: HttpRequest, pk: int) -> HttpResponse:
    """The round's history: status changes, every decision of the sub-regions (objections
    with their reasons stay on the record), transfers and changes of the standing texts."""
    access.require(access.can_view_rounds(request.user))
    round_ = _round_or_404(pk)
    return render(
        request,
        "agreements/history.html",
        {
            "round": round_,
            "events": rs.round_history(round_),
            "decisions": rs.decision_history(round_),
        },
    )
