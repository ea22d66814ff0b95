"""Pages of the figures workflow. Thin: check access, read input, call a selector or
service, render. Every access decision is in accounts.access."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access
from accounts.models import Role
from municipalities.models import Municipality

from . import exporting, importing, selectors, services
from .forms import FiguresForm, ReasonForm, UploadForm, html_name
from .models import ImportStatus


def _municipality(code: str) -> Municipality:
    try:
        return Municipality.objects.select_related("subregion").get(cbs_code=code)
    except Municipality.DoesNotExist:
        raise Http404(_("No municipality with this CBS code.")) from None


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise Http404(_("No figures for this year."))


def _year_url(municipality: Municipality, year: int) -> str:
    return reverse("figures:year", kwargs={"code": municipality.cbs_code, "year": year})


def figures_home(request: HttpRequest) -> HttpResponse:
    """The "Figures" menu item: officers to their municipality, others to the overview."""
    membership = access.membership_of(request.user)
    if membership is None:
        raise PermissionDenied
    if membership.role == Role.OFFICER and membership.municipality is not None:
        return redirect(_year_url(membership.municipality, selectors.entry_year()))
    access.require(access.can_view_completeness(request.user))
    return redirect("figures:completeness")


def year_detail(request: HttpRequest, code: str, year: int) -> HttpResponse:
    municipality = _municipality(code)
    access.require(access.can_view_municipality_drafts(request.user, municipality))
    _check_year(year)
    figures = selectors.year_figures(municipality=municipality, year=year)
    user = request.user
    submitted = figures.submitted()
    can_confirm = bool(submitted) and all(
        access.can_confirm_figures(
            user,
            municipality,
            submitted_by_id=f.submitted_by_id,
            updated_by_id=f.updated_by_id,
        )
        for f in submitted
    )
    can_return = bool(submitted) and all(
        access.can_confirm_municipality_figures(user, municipality, f.submitted_by_id)
        for f in submitted
    )
    return render(
        request,
        "figures/year.html",
        {
            "municipality": municipality,
            "year": year,
            "figures": figures,
            "can_edit": access.can_edit_municipality_figures(user, municipality),
            "can_confirm": can_confirm and not figures.locked,
            "can_return": can_return,
            "confirm_blocked_by_four_eyes": bool(submitted) and not can_confirm and can_return,
            "can_unlock": access.can_unlock_figures(user) and figures.locked,
            "can_import": access.can_import_figures(user, municipality),
            "return_form": ReasonForm(),
            "years": [year - 1, year + 1],
        },
    )


def _render_edit(
    request: HttpRequest,
    municipality: Municipality,
    year: int,
    form: FiguresForm,
    *,
    evaluation: selectors.Evaluation | None = None,
    status: int = 200,
) -> HttpResponse:
    warnings = evaluation.unacknowledged if evaluation else []
    posted = request.POST if request.method == "POST" else {}
    warning_rows = [
        {
            "issue": issue,
            "name": f"ack-{issue.code}-{issue.field}",
            "checked": f"ack-{issue.code}-{issue.field}" in posted,
            "comment": posted.get(f"ack-{issue.code}-{issue.field}-comment", ""),
            "target": html_name(issue),
        }
        for issue in warnings
    ]
    errors = [
        {"issue": i, "target": html_name(i) if html_name(i) in form.fields else None}
        for i in form.issues
    ]
    return render(
        request,
        "figures/edit.html",
        {
            "municipality": municipality,
            "year": year,
            "form": form,
            "figures": form.year_figures,
            "errors": errors,
            "warnings": warning_rows,
            "conflicts": evaluation.conflicts if evaluation else [],
        },
        status=status,
    )


def figures_edit(request: HttpRequest, code: str, year: int) -> HttpResponse:
    municipality = _municipality(code)
    access.require(access.can_edit_municipality_figures(request.user, municipality))
    _check_year(year)
    year_figures = selectors.year_figures(municipality=municipality, year=year)
    form = FiguresForm(request.POST or None, year_figures=year_figures)
    if request.method != "POST":
        return _render_edit(request, municipality, year, form)
    if not form.is_valid():
        return _render_edit(request, municipality, year, form)
    try:
        evaluation = services.figures_save_draft(
            municipality=municipality,
            year=year,
            request=form.change_request(),
            user=request.user,
            origin="form",
        )
    except services.FiguresRejected as exc:
        ev = exc.evaluation
        if ev.conflicts:
            # Keep what the user typed, but with the versions that are current now: after
            # looking at the other change, saving again is a deliberate choice.
            data = request.POST.copy()
            for conflict in ev.conflicts:
                data[f"{conflict.key}-version"] = str(conflict.figure.version)
            form = FiguresForm(
                data, year_figures=selectors.year_figures(municipality=municipality, year=year)
            )
            form.is_valid()
        form.add_issues([i for i in ev.errors if i.code != "V013"])
        if ev.conflicts:
            messages.error(
                request,
                _(
                    "Someone else saved these figures while you were editing. Nothing of "
                    "yours was saved. Check the other change below and enter yours again."
                ),
            )
        return _render_edit(
            request, municipality, year, form, evaluation=ev, status=409 if ev.conflicts else 200
        )
    if evaluation.changes:
        messages.success(
            request, _("%(count)d figure(s) saved as draft.") % {"count": len(evaluation.changes)}
        )
    else:
        messages.info(request, _("Nothing changed."))
    return redirect(_year_url(municipality, year))


def figures_check(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Live check while typing (htmx): the errors and warnings a save would get. Saves nothing."""
    municipality = _municipality(code)
    access.require(access.can_edit_municipality_figures(request.user, municipality))
    _check_year(year)
    if request.method != "POST":
        return HttpResponse(status=405)
    year_figures = selectors.year_figures(municipality=municipality, year=year)
    form = FiguresForm(request.POST, year_figures=year_figures)
    issues: list[Any] = []
    conflicts: list[Any] = []
    if form.is_valid():
        evaluation, _snapshot = selectors.evaluate_one(
            municipality=municipality, year=year, request=form.change_request()
        )
        issues = evaluation.errors + evaluation.unacknowledged
        conflicts = evaluation.conflicts
    else:
        issues = form.issues
    return render(
        request,
        "figures/_live_check.html",
        {"issues": [i for i in issues if i.code != "V013"], "conflicts": conflicts},
    )


def _workflow_step(request: HttpRequest, code: str, year: int, step: str) -> HttpResponse:
    municipality = _municipality(code)
    access.require(access.can_view_municipality_drafts(request.user, municipality))
    _check_year(year)
    try:
        if step == "submit":
            count = services.figures_submit(municipality=municipality, year=year, user=request.user)
            messages.success(
                request,
                _("%(count)d figure(s) submitted. A colleague can confirm them now.")
                % {"count": count},
            )
        elif step == "confirm":
            count = services.figures_confirm(
                municipality=municipality, year=year, user=request.user
            )
            messages.success(request, _("%(count)d figure(s) confirmed.") % {"count": count})
        else:
            form = ReasonForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Give a reason; it is kept in the audit trail."))
                return redirect(_year_url(municipality, year))
            count = services.figures_return(
                municipality=municipality,
                year=year,
                user=request.user,
                reason=form.cleaned_data["reason"],
            )
            messages.success(
                request, _("%(count)d figure(s) sent back to draft.") % {"count": count}
            )
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
        for issue in exc.issues:
            messages.error(request, f"{issue.code} · {issue.message} {issue.action}")
    return redirect(_year_url(municipality, year))


@require_POST
def figures_submit(request: HttpRequest, code: str, year: int) -> HttpResponse:
    municipality = _municipality(code)
    access.require(access.can_edit_municipality_figures(request.user, municipality))
    return _workflow_step(request, code, year, "submit")


@require_POST
def figures_confirm(request: HttpRequest, code: str, year: int) -> HttpResponse:
    return _workflow_step(request, code, year, "confirm")


@require_POST
def figures_return(request: HttpRequest, code: str, year: int) -> HttpResponse:
    return _workflow_step(request, code, year, "return")


def figures_unlock(request: HttpRequest, code: str, year: int) -> HttpResponse:
    municipality = _municipality(code)
    access.require(access.can_unlock_figures(request.user))
    _check_year(year)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.figures_unlock(
                municipality=municipality,
                year=year,
                user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _(
                    "The figures are unlocked. The officers can change them; confirming locks them again."
                ),
            )
        return redirect(_year_url(municipality, year))
    return render(
        request,
        "figures/unlock.html",
        {"municipality": municipality, "year": year, "form": form},
    )


def audit_trail(
    request: HttpRequest, code: str, year: int | None = None, key: str | None = None
) -> HttpResponse:
    municipality = _municipality(code)
    access.require(access.can_view_municipality_drafts(request.user, municipality))
    if year is not None:
        _check_year(year)
    entries = selectors.audit_trail(municipality=municipality, year=year, row_key=key)
    label = None
    if key is not None:
        labels = {i.code: i.name for i in selectors.indicator_list()}
        labels.update({g.code: g.name for g in selectors.active_groups()})
        if key not in labels:
            raise Http404(_("No such figure."))
        label = labels[key]
    return render(
        request,
        "figures/history.html",
        {
            "municipality": municipality,
            "year": year,
            "key": key,
            "label": label,
            "entries": entries,
        },
    )


# --- Download and upload -------------------------------------------------------------------------


def _download(data: bytes, filename: str, fmt: str) -> HttpResponse:
    content_type = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if fmt == "xlsx"
        else "text/csv; charset=utf-8"
    )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _template(municipalities: list[Municipality], year: int, fmt: str, name: str) -> HttpResponse:
    if fmt not in ("xlsx", "csv"):
        raise Http404
    rows = exporting.template_rows(municipalities=municipalities, year=year)
    data = exporting.to_xlsx(rows, year=year) if fmt == "xlsx" else exporting.to_csv(rows)
    return _download(data, f"cijfers-{name}-{year}.{fmt}", fmt)


def template_one(request: HttpRequest, code: str, year: int, fmt: str) -> HttpResponse:
    municipality = _municipality(code)
    access.require(access.can_view_municipality_drafts(request.user, municipality))
    _check_year(year)
    return _template([municipality], year, fmt, municipality.cbs_code)


def template_all(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    access.require(access.can_download_all_figures(request.user))
    _check_year(year)
    municipalities = list(Municipality.objects.select_related("subregion").order_by("name"))
    return _template(municipalities, year, fmt, "mra")


def _scope(user: Any) -> importing.Scope:
    by_code = selectors.municipalities_by_code()
    return importing.Scope(
        municipality_names={c: m.name for c, m in by_code.items()},
        allowed=frozenset(c for c, m in by_code.items() if access.can_import_figures(user, m)),
        indicator_codes=frozenset(i.code for i in selectors.indicator_list()),
        group_codes=frozenset(g.code for g in selectors.active_groups()),
    )


def import_upload(request: HttpRequest) -> HttpResponse:
    access.require(access.can_import_any_figures(request.user))
    form = UploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "issues": [], "entry_year": selectors.entry_year()}
    membership = access.membership_of(request.user)
    context["own_municipality"] = membership.municipality if membership else None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # Read nothing of a file that is too large; its size is enough to refuse it.
        data = upload.read() if upload.size <= importing.MAX_UPLOAD_BYTES else b""
        result = importing.parse_upload(
            filename=upload.name, data=data, scope=_scope(request.user), size=upload.size
        )
        if result.fatal:
            context["issues"] = result.issues
            context["filename"] = upload.name
            return render(request, "figures/import_upload.html", context)
        preview = selectors.upload_preview(rows=result.rows, file_issues=result.issues)
        if not preview.ok_to_store or not preview.changes:
            # Errors, or nothing to change: show the preview, keep nothing.
            return render(
                request,
                "figures/import_preview.html",
                {"preview": preview, "filename": upload.name, "pending": None},
            )
        pending = services.pending_import_create(
            user=request.user,
            filename=upload.name,
            file_hash=result.file_hash,
            rows=[r.to_json() for r in result.rows],
        )
        return redirect("figures:import_preview", pk=pending.pk)
    return render(request, "figures/import_upload.html", context)


def _acknowledgements_from(post: Any) -> dict[tuple[str, int], dict[tuple[str, str], str]]:
    """ack-<cbs>-<year>-<code>-<field> (checkbox) with its -comment."""
    result: dict[tuple[str, int], dict[tuple[str, str], str]] = {}
    for name in post:
        if not name.startswith("ack-") or name.endswith("-comment"):
            continue
        parts = name.split("-", 4)
        if len(parts) != 5 or not parts[2].isdigit():
            continue
        _prefix, cbs, year, code, field_key = parts
        comment = (post.get(f"{name}-comment") or "").strip()
        if comment:
            result.setdefault((cbs, int(year)), {})[(code, field_key)] = comment
    return result


def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(access.can_import_any_figures(request.user))
    pending = selectors.pending_import_get(pk=pk, user=request.user)
    if pending is None:
        raise Http404(_("No upload waiting for you with this number."))
    if pending.status != ImportStatus.PENDING:
        return render(request, "figures/import_done.html", {"pending": pending})
    rows = [importing.ParsedRow.from_json(r) for r in pending.rows]
    acknowledgements = _acknowledgements_from(request.POST) if request.method == "POST" else {}
    status = 200
    if request.method == "POST":
        try:
            outcome = services.pending_import_apply(
                pending=pending,
                user=request.user,
                file_hash=request.POST.get("file_hash", ""),
                digest=request.POST.get("digest", ""),
                acknowledgements=acknowledgements,
            )
        except services.WorkflowError as exc:
            messages.error(request, str(exc))
            status = 409
        except services.FiguresRejected:
            messages.error(
                request,
                _("Nothing was saved. Solve the errors and explain every warning below."),
            )
            status = 200
        else:
            messages.success(
                request,
                _("%(count)d figure(s) of %(municipalities)d municipality(ies) saved as draft.")
                % {"count": outcome.changed, "municipalities": outcome.municipalities},
            )
            targets = {(r.cbs, r.year) for r in rows}
            if len(targets) == 1:
                cbs, year = next(iter(targets))
                return redirect("figures:year", code=cbs, year=year)
            return redirect("figures:import_upload")
    preview = selectors.upload_preview(rows=rows, file_issues=[], acknowledgements=acknowledgements)
    return render(
        request,
        "figures/import_preview.html",
        {
            "preview": preview,
            "filename": pending.filename,
            "pending": pending,
            "posted": request.POST if request.method == "POST" else {},
        },
        status=status,
    )


@require_POST
def import_discard(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(access.can_import_any_figures(request.user))
    pending = selectors.pending_import_get(pk=pk, user=request.user)
    if pending is None:
        raise Http404
    services.pending_import_discard(pending=pending, user=request.user)
    messages.info(request, _("The upload was discarded. Nothing was saved."))
    return redirect("figures:import_upload")


# --- Completeness and reminders ----------------------------------------------------------------


def _completeness_year(request: HttpRequest, info: selectors.RoundInfo | None = None) -> int:
    raw = request.GET.get("jaar") or request.POST.get("jaar") or ""
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return selectors.entry_year(info)


def completeness(request: HttpRequest) -> HttpResponse:
    access.require(access.can_view_completeness(request.user))
    info = selectors.current_round()
    year = _completeness_year(request, info)
    membership = access.membership_of(request.user)
    if membership is None:
        raise PermissionDenied
    subregion_id = (
        None if access.can_view_all_municipalities_drafts(request.user) else membership.subregion_id
    )
    overview = selectors.completeness(year=year, subregion_id=subregion_id, round_info=info)
    return render(
        request,
        "figures/completeness.html",
        {
            "overview": overview,
            "year": year,
            "totals": overview.totals(),
            "can_remind": access.can_send_reminders(request.user),
            "can_download_all": access.can_download_all_figures(request.user),
            "subregion": membership.subregion if subregion_id else None,
        },
    )


@require_POST
def send_reminders(request: HttpRequest) -> HttpResponse:
    access.require(access.can_send_reminders(request.user))
    year = _completeness_year(request)
    try:
        log = services.reminders_send(
            year=year, user=request.user, base_url=request.build_absolute_uri("/")
        )
    except PermissionDenied:
        raise
    except Exception:  # noqa: BLE001 - a mail server that fails must not show a traceback
        messages.error(request, _("The reminders could not be sent. Try again later."))
    else:
        messages.success(
            request,
            _("Reminder sent to %(people)d officer(s) of %(count)d municipality(ies).")
            % {"people": log.recipient_count, "count": len(log.municipality_codes)},
        )
    return redirect(f"{reverse('figures:completeness')}?jaar={year}")


def municipality_detail(request: HttpRequest, code: str) -> HttpResponse:
    access.require(access.can_view_public(request.user))
    municipality = _municipality(code)
    can_see_drafts = access.can_view_municipality_drafts(request.user, municipality)
    years = selectors.municipality_figures_by_year(
        municipality=municipality, include_unconfirmed=can_see_drafts
    )
    return render(
        request,
        "figures/municipality.html",
        {
            "municipality": municipality,
            "years": years,
            "can_see_drafts": can_see_drafts,
            "can_edit": access.can_edit_municipality_figures(request.user, municipality),
            "edit_year": timezone.localdate().year,
        },
    )
