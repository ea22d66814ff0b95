"""Writes of the figures workflow: save a draft, submit, confirm (four eyes), send back,
unlock, apply an upload, send reminders.

Every service is keyword-only and atomic, validates with `figures.validation` (through
`figures.selectors.evaluate_changes`) and leaves its audit entry in the same transaction:
django-simple-history records each figure with `_history_user` and `_change_reason`
(a short code that `figures.selectors.describe_reason` puts into words).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import access
from core.models import FigureStatus
from municipalities.models import MunicipalFigure, Municipality
from target_groups.models import GroupFigure

from . import selectors
from . import validation as v
from .entries import ChangeRequest
from .models import FigureUnlock, ImportStatus, PendingImport, ReminderLog, WarningAcknowledgement
from .selectors import Evaluation, FigureSnapshot
from .signals import figures_changed, figures_confirmed


class FiguresRejected(Exception):
    """Nothing was saved: errors, warnings without a comment, or a concurrent edit."""

    def __init__(self, evaluations: list[Evaluation], message: str = "") -> None:
        self.evaluations = evaluations
        super().__init__(message or _("The figures were not saved."))

    @property
    def evaluation(self) -> Evaluation:
        return self.evaluations[0]

    @property
    def has_conflicts(self) -> bool:
        return any(e.conflicts for e in self.evaluations)


class WorkflowError(Exception):
    """A step of the workflow that cannot be taken now; the message says why."""

    def __init__(self, message: str, issues: list[v.Issue] | None = None) -> None:
        self.issues = issues or []
        super().__init__(message)


def _review_recheck(year: int) -> None:
    """Figures changed: the agreements app voids approvals whose inputs differ now."""
    figures_changed.send(sender=WorkflowError, reference_year=year)


def _reason(kind: str, detail: str = "") -> str:
    text = f"{kind}:{detail}" if detail else kind
    return text[:100]


def _history(figure: Any, *, user: Any, reason: str) -> None:
    figure._history_user = user
    figure._change_reason = reason


_RELATIONS = ["municipality", "indicator", "group", "updated_by", "submitted_by", "confirmed_by"]


def _apply(ev: Evaluation, *, user: Any, reason: str) -> int:
    """Write the changes of a checked evaluation. Each changed row becomes a draft."""
    comments: dict[str, list[str]] = {}
    for (code, key), comment in ev.acknowledged.items():
        comments.setdefault(v.row_of(key), []).append(f"{code}: {comment}")
    now = timezone.now()
    for change in ev.changes:
        target: Any = change.target
        if change.kind == "indicator":
            figure: Any = change.figure or MunicipalFigure(
                municipality=ev.municipality,
                indicator=target,
                year=ev.year,
                version=0,
            )
            figure.value = change.new_values["value"]
        else:
            figure = change.figure or GroupFigure(
                municipality=ev.municipality,
                group=target,
                year=ev.year,
                version=0,
            )
            for name in v.GROUP_FIELDS:
                number = change.new_values[name]
                setattr(figure, name, int(number) if number is not None else None)
        figure.source = change.new_source
        figure.reference_date = change.new_date
        figure.status = FigureStatus.DRAFT
        figure.illustrative = False
        figure.submitted_by = None
        figure.confirmed_by = None
        figure.confirmed_at = None
        figure.updated_by = user
        figure.version += 1
        figure.comment = "\n".join(comments.get(change.key, [])) or change.comment
        # The related objects come from the database already; checking each foreign key
        # again would cost a query per key. The database enforces them and the uniqueness.
        figure.full_clean(exclude=_RELATIONS)
        _history(figure, user=user, reason=reason)
        figure.save()
    warnings = {i.key: i for i in ev.warnings}
    for ack_key, comment in ev.acknowledged.items():
        issue = warnings.get(ack_key)
        if issue is None:
            continue
        WarningAcknowledgement.objects.update_or_create(
            municipality=ev.municipality,
            year=ev.year,
            code=issue.code,
            field=issue.field,
            defaults={
                "fingerprint": issue.fingerprint[:500],
                "comment": comment,
                "acknowledged_by": user,
                "acknowledged_at": now,
            },
        )
    return len(ev.changes)


def figures_save_draft(
    *,
    municipality: Municipality,
    year: int,
    request: ChangeRequest,
    user: Any,
    origin: str,
) -> Evaluation:
    """Save the changes of one municipality and year as draft, all or nothing.

    `origin` is "form" or "api". Raises FiguresRejected, saving nothing, when the rules
    find an error, a warning lacks a comment, a figure is locked, or someone else saved
    one of the changed figures after the caller opened it.
    """
    try:
        with transaction.atomic():
            ev, _snapshot = selectors.evaluate_one(
                municipality=municipality, year=year, request=request, for_update=True
            )
            if not ev.ok:
                raise FiguresRejected([ev])
            _apply(ev, user=user, reason=_reason(origin))
    except IntegrityError:
        # Someone created the same figure at the same moment: evaluate again to show it.
        ev, _snapshot = selectors.evaluate_one(
            municipality=municipality, year=year, request=request
        )
        raise FiguresRejected([ev]) from None
    _review_recheck(year)
    return ev


def _year_figures_for_update(
    municipality: Municipality, year: int
) -> list[MunicipalFigure | GroupFigure]:
    figures: list[MunicipalFigure | GroupFigure] = list(
        MunicipalFigure.objects.select_for_update().filter(municipality=municipality, year=year)
    )
    figures += list(
        GroupFigure.objects.select_for_update().filter(municipality=municipality, year=year)
    )
    return figures


def figures_submit(*, municipality: Municipality, year: int, user: Any) -> int:
    """Submit the draft figures of a municipality and year for confirmation.

    Refused while required figures are missing or the figures contradict each other.
    """
    if not access.can_edit_municipality_figures(user, municipality):
        raise PermissionDenied
    with transaction.atomic():
        figures = _year_figures_for_update(municipality, year)
        drafts = [f for f in figures if f.status == FigureStatus.DRAFT]
        if not drafts:
            raise WorkflowError(_("There are no draft figures to submit."))
        snapshot = FigureSnapshot(municipalities=[municipality], years=[year], for_update=False)
        issues = selectors.submission_issues(snapshot, municipality=municipality, year=year)
        if issues:
            raise WorkflowError(
                _("The figures cannot be submitted yet. Solve the errors below first."), issues
            )
        for figure in drafts:
            figure.status = FigureStatus.SUBMITTED
            figure.submitted_by = user
            figure.version += 1
            figure.full_clean(exclude=_RELATIONS)
            _history(figure, user=user, reason=_reason("submit"))
            figure.save()
    _review_recheck(year)
    return len(drafts)


def figures_confirm(*, municipality: Municipality, year: int, user: Any) -> int:
    """Confirm submitted figures: four eyes, so not by whoever entered or submitted them.

    Closes an open unlock of this municipality and year. Refused while the year is locked.
    """
    with transaction.atomic():
        figures = _year_figures_for_update(municipality, year)
        submitted = [f for f in figures if f.status == FigureStatus.SUBMITTED]
        if not submitted:
            raise WorkflowError(_("There are no submitted figures to confirm."))
        for figure in submitted:
            if not access.can_confirm_figures(
                user,
                municipality,
                submitted_by_id=figure.submitted_by_id,
                updated_by_id=figure.updated_by_id,
            ):
                raise PermissionDenied(
                    _("Four eyes: someone else than who entered or submitted must confirm.")
                )
        unlock = FigureUnlock.objects.filter(
            municipality=municipality, year=year, closed_at__isnull=True
        ).first()
        if year in selectors.locked_years() and unlock is None:
            raise WorkflowError(
                _(
                    "The figures of %(year)s are locked: a round is computing or in review. "
                    "Ask the programme team to unlock them."
                )
                % {"year": year}
            )
        now = timezone.now()
        for figure in submitted:
            figure.status = FigureStatus.CONFIRMED
            figure.confirmed_by = user
            figure.confirmed_at = now
            figure.version += 1
            figure.full_clean(exclude=_RELATIONS)
            _history(figure, user=user, reason=_reason("confirm"))
            figure.save()
        # Higher apps write what follows from the confirmation in the same transaction.
        figures_confirmed.send(
            sender=MunicipalFigure,
            municipality=municipality,
            year=year,
            user=user,
            figures=submitted,
            at=now,
        )
        if unlock is not None and not any(f.status != FigureStatus.CONFIRMED for f in figures):
            unlock.closed_at = now
            unlock.save(update_fields=["closed_at"])
    _review_recheck(year)
    return len(submitted)


def figures_return(*, municipality: Municipality, year: int, user: Any, reason: str) -> int:
    """Send submitted figures back to draft, with a reason for the officers."""
    reason = reason.strip()
    if not reason:
        raise WorkflowError(_("Say why you send the figures back."))
    with transaction.atomic():
        submitted = [
            f
            for f in _year_figures_for_update(municipality, year)
            if f.status == FigureStatus.SUBMITTED
        ]
        if not submitted:
            raise WorkflowError(_("There are no submitted figures to send back."))
        for figure in submitted:
            if not access.can_confirm_municipality_figures(
                user, municipality, submitted_by_id=figure.submitted_by_id
            ):
                raise PermissionDenied
        for figure in submitted:
            figure.status = FigureStatus.DRAFT
            figure.submitted_by = None
            figure.comment = reason
            figure.version += 1
            figure.full_clean(exclude=_RELATIONS)
            _history(figure, user=user, reason=_reason("return", reason))
            figure.save()
    _review_recheck(year)
    return len(submitted)


def figures_unlock(
    *, municipality: Municipality, year: int, user: Any, reason: str
) -> FigureUnlock:
    """Open the locked, confirmed figures of one municipality and year, with a reason."""
    if not access.can_unlock_figures(user):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise WorkflowError(_("Give the reason for unlocking; it is kept in the audit trail."))
    with transaction.atomic():
        if year not in selectors.locked_years():
            raise WorkflowError(_("These figures are not locked."))
        if FigureUnlock.objects.filter(
            municipality=municipality, year=year, closed_at__isnull=True
        ).exists():
            raise WorkflowError(_("These figures are unlocked already."))
        unlock = FigureUnlock(
            municipality=municipality,
            year=year,
            reason=reason,
            unlocked_by=user,
            unlocked_at=timezone.now(),
        )
        unlock.full_clean()
        unlock.save()
    return unlock


# --- Uploads ----------------------------------------------------------------------------------


def pending_import_create(
    *, user: Any, filename: str, file_hash: str, rows: list[dict[str, Any]]
) -> PendingImport:
    """Keep the parsed rows of an upload until its owner confirms or discards it."""
    with transaction.atomic():
        PendingImport.objects.filter(uploaded_by=user, status=ImportStatus.PENDING).update(
            status=ImportStatus.DISCARDED
        )
        pending = PendingImport(
            uploaded_by=user, filename=filename[:255], file_hash=file_hash, rows=rows
        )
        pending.full_clean()
        pending.save()
    return pending


def pending_import_discard(*, pending: PendingImport, user: Any) -> None:
    if pending.uploaded_by_id != user.pk:
        raise PermissionDenied
    with transaction.atomic():
        PendingImport.objects.filter(pk=pending.pk, status=ImportStatus.PENDING).update(
            status=ImportStatus.DISCARDED
        )


@dataclass
class ImportOutcome:
    changed: int
    municipalities: int


def pending_import_apply(
    *,
    pending: PendingImport,
    user: Any,
    file_hash: str,
    digest: str,
    acknowledgements: dict[tuple[str, int], dict[tuple[str, str], str]],
) -> ImportOutcome:
    """Apply a previewed upload, all or nothing.

    Checks that it is the user's own pending upload of this file, that no figure changed
    since the preview (`digest`), and validates everything again. Raises FiguresRejected
    or WorkflowError, saving nothing.
    """
    from .importing import rows_to_requests

    if pending.uploaded_by_id != user.pk:
        raise PermissionDenied
    with transaction.atomic():
        locked_pending = PendingImport.objects.select_for_update().get(pk=pending.pk)
        if locked_pending.status != ImportStatus.PENDING:
            raise WorkflowError(_("This upload was applied or discarded already."))
        if locked_pending.file_hash != file_hash:
            raise WorkflowError(_("This is not the file you previewed. Upload it again."))
        requests = rows_to_requests(locked_pending.rows)
        municipalities = selectors.municipalities_by_code()
        targets = [(municipalities[cbs], year) for cbs, year in requests]
        for municipality, _year in targets:
            if not access.can_import_figures(user, municipality):
                raise PermissionDenied
        snapshot = FigureSnapshot(
            municipalities=[m for m, _y in targets],
            years={y for _m, y in targets},
            for_update=True,
        )
        if snapshot.state_digest((m.pk, y) for m, y in targets) != digest:
            raise WorkflowError(
                _(
                    "Figures changed since you saw the preview. Nothing was saved. "
                    "Look at the new preview and confirm again."
                )
            )
        evaluations = []
        for (cbs, year), request in requests.items():
            request.acknowledgements = acknowledgements.get((cbs, year), {})
            evaluations.append(
                selectors.evaluate_changes(
                    snapshot, municipality=municipalities[cbs], year=year, request=request
                )
            )
        if not all(e.ok for e in evaluations):
            raise FiguresRejected(evaluations)
        reason = _reason("import", f"{locked_pending.filename} ({file_hash[:12]})")
        changed = sum(_apply(ev, user=user, reason=reason) for ev in evaluations)
        locked_pending.status = ImportStatus.APPLIED
        locked_pending.applied_at = timezone.now()
        locked_pending.changed_count = changed
        locked_pending.save(update_fields=["status", "applied_at", "changed_count"])
    for year in sorted({y for _m, y in targets}):
        _review_recheck(year)
    return ImportOutcome(changed=changed, municipalities=len(evaluations))


# --- Reminders --------------------------------------------------------------------------------


def reminders_send(
    *, year: int, user: Any, base_url: str, municipality_ids: Iterable[int] | None = None
) -> ReminderLog:
    """E-mail the officers of every municipality whose figures are not all confirmed.

    One message per municipality, in Dutch, with what is missing and the deadline.
    """
    if not access.can_send_reminders(user):
        raise PermissionDenied
    overview = selectors.completeness(year=year)
    rows = list(overview.incomplete)
    if municipality_ids is not None:
        wanted = set(municipality_ids)
        rows = [r for r in rows if r.municipality.pk in wanted]
    officers = selectors.officers_of(r.municipality.pk for r in rows)
    messages = []
    codes = []
    with translation.override("nl"):
        for row in rows:
            recipients = officers.get(row.municipality.pk, [])
            if not recipients:
                continue
            context = {
                "row": row,
                "year": year,
                "groups": list(zip(overview.groups, row.groups, strict=True)),
                "round": overview.round,
                "url": f"{base_url.rstrip('/')}/gemeenten/{row.municipality.cbs_code}/cijfers/{year}/",
            }
            subject = render_to_string("figures/email/reminder_subject.txt", context).strip()
            body = render_to_string("figures/email/reminder.txt", context)
            messages.append(
                EmailMessage(subject=subject, body=body, to=[u.email for u in recipients])
            )
            codes.append(row.municipality.cbs_code)
    if messages:
        get_connection().send_messages(messages)
    with transaction.atomic():
        log = ReminderLog(
            year=year,
            sent_by=user,
            sent_at=timezone.now(),
            municipality_codes=codes,
            recipient_count=sum(len(m.to) for m in messages),
        )
        log.full_clean()
        log.save()
    return log


# --- Figures of a housing corporation (issue 15) ------------------------------------------------

PARTNER_INDICATORS = ("social_rental", "mutations")
"""What a corporation enters per municipality of its working area: its social rental stock
and its yearly mutations (lettings of vacated dwellings)."""


def partner_figures_submit(
    *,
    municipality: Municipality,
    year: int,
    request: ChangeRequest,
    user: Any,
) -> Evaluation:
    """A corporation enters and submits, for one municipality of its working area, the
    figures of PARTNER_INDICATORS: saved through the same rules as an officer's form (all or
    nothing, FiguresRejected on an error or an unexplained warning), then submitted at once,
    these figures only. The municipality's officer confirms them (`figures_confirm`: four
    eyes across organisations, as the corporation's person entered and submitted them).
    Who and when stay in the figures' history; the source is the corporation's."""
    if not access.can_enter_partner_figures(user, municipality):
        raise PermissionDenied
    codes = {i.code for i in request.indicators}
    if request.groups or not codes or not codes <= set(PARTNER_INDICATORS):
        raise WorkflowError(_("A corporation enters only its social rental stock and mutations."))
    with transaction.atomic():
        ev = figures_save_draft(
            municipality=municipality, year=year, request=request, user=user, origin="partner"
        )
        drafts = MunicipalFigure.objects.select_for_update().filter(
            municipality=municipality,
            year=year,
            indicator__code__in=codes,
            status=FigureStatus.DRAFT,
            updated_by=user,
        )
        for figure in drafts:
            figure.status = FigureStatus.SUBMITTED
            figure.submitted_by = user
            figure.version += 1
            figure.full_clean(exclude=_RELATIONS)
            _history(figure, user=user, reason=_reason("submit", "partner"))
            figure.save()
    _review_recheck(year)
    return ev
