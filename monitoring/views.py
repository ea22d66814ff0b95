"""Monitoring pages. Thin: access (accounts.access), form, service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import access
from allocation.models import Round
from core.models import FigureStatus
from figures import importing
from municipalities.models import Municipality

from . import charts, contributions, selectors, services
from .forms import QuarterForm, UploadForm


def _round_or_404(pk: int) -> Round:
    try:
        return selectors.adopted_round_get(pk=pk)
    except Round.DoesNotExist:
        raise Http404(_("No adopted round with this number.")) from None


def _municipality_or_404(code: str) -> Municipality:
    try:
        return Municipality.objects.select_related("subregion").get(cbs_code=code.upper())
    except Municipality.DoesNotExist:
        raise Http404(_("No municipality with this code.")) from None


def _quarter_or_404(round_: Round, year: int, quarter: int) -> None:
    if (year, quarter) not in selectors.round_quarters(round_):
        raise Http404(_("This quarter is not in the period of the round."))


def round_list(request: HttpRequest) -> HttpResponse:
    access.require(access.can_view_monitoring(request.user))
    return render(request, "monitoring/round_list.html", {"rounds": selectors.adopted_rounds()})


def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(access.can_view_monitoring(request.user))
    round_ = _round_or_404(pk)
    user = request.user

    def visible(m: Municipality) -> bool:
        return access.can_view_monitoring_of(user, m)

    # Read once: the dashboard (per period and per year) and the carry-over.
    agreed, phasing = selectors.agreed_numbers_and_phasing(round_)
    board = selectors.dashboard(
        round_=round_,
        group_code=request.GET.get("groep"),
        visible=visible,
        region_total=access.can_view_monitoring_region_total(user),
        subregion_totals=lambda s: access.can_view_monitoring_subregion_total(user, s),
        agreed=agreed,
        phasing=phasing,
    )
    municipalities = [
        m for m in Municipality.objects.select_related("subregion").order_by("name") if visible(m)
    ]
    statuses = selectors.quarter_overview(
        round_=round_, municipality_ids=[m.pk for m in municipalities]
    )
    if access.monitoring_confirmed_only(user):
        # A partner (issue 15) sees which quarters are confirmed, not whose are in draft.
        statuses = {k: v for k, v in statuses.items() if v == FigureStatus.CONFIRMED}
    quarters = selectors.round_quarters(round_)
    reports = [
        {
            "municipality": m,
            "cells": [
                {"year": y, "quarter": q, "status": statuses.get((m.pk, y, q))} for y, q in quarters
            ],
        }
        for m in municipalities
    ]
    context: dict[str, Any] = {
        "round": round_,
        "board": board,
        "quarters": quarters,
        "reports": reports,
        "carry_over": selectors.carry_over_preview(round_, visible=visible, agreed=agreed),
        "can_import": access.can_import_realisations(user),
        "can_start_next_round": access.can_start_next_round(user),
    }
    if board.group is not None and board.lines:
        context["chart"] = charts.fulfilment_chart(board)
        if len(board.lines) > 1:
            context["map"] = charts.fulfilment_map(board)
    return render(request, "monitoring/dashboard.html", context)


def quarter(request: HttpRequest, pk: int, code: str, year: int, quarter: int) -> HttpResponse:
    round_ = _round_or_404(pk)
    municipality = _municipality_or_404(code)
    access.require(access.can_view_monitoring_of(request.user, municipality))
    _quarter_or_404(round_, year, quarter)
    existing = selectors.quarter_realisations(
        round_=round_, municipality=municipality, year=year, quarter=quarter
    )
    if access.monitoring_confirmed_only(request.user):
        # A partner (issue 15) reads confirmed numbers only, never drafts.
        existing = {k: r for k, r in existing.items() if r.status == FigureStatus.CONFIRMED}
    groups = selectors.agreed_groups(round_)
    can_enter = access.can_enter_realisations(request.user, municipality)
    form = QuarterForm(
        request.POST if request.method == "POST" and request.POST.get("action") == "save" else None,
        groups=groups,
        existing=existing,
    )
    here = reverse("monitoring:quarter", args=[round_.pk, municipality.cbs_code, year, quarter])
    if request.method == "POST":
        action = request.POST.get("action")
        kwargs: dict[str, Any] = {
            "round_": round_,
            "municipality": municipality,
            "year": year,
            "quarter": quarter,
            "user": request.user,
        }
        try:
            if action == "save":
                access.require(can_enter)
                if form.is_valid():
                    changed = services.realisations_save_draft(
                        values=form.values(),
                        **kwargs,
                    )
                    messages.success(
                        request, _("%(count)s numbers saved as draft.") % {"count": changed}
                    )
                    return redirect(here)
            elif action == "submit":
                count = services.realisations_submit(**kwargs)
                messages.success(
                    request,
                    _("%(count)s numbers submitted. A colleague confirms them.") % {"count": count},
                )
                return redirect(here)
            elif action == "confirm":
                count = services.realisations_confirm(**kwargs)
                messages.success(request, _("%(count)s numbers confirmed.") % {"count": count})
                return redirect(here)
            else:
                raise Http404
        except services.RealisationsRejected as exc:
            form.add_issues(exc.issues)
        except services.WorkflowError as exc:
            messages.error(request, exc.message)
            return redirect(here)
        except PermissionDenied as exc:
            if action == "confirm" and exc.args:
                messages.error(request, str(exc.args[0]))
                return redirect(here)
            raise
    statuses = {r.status for r in existing.values()}
    confirmable = [r for r in existing.values() if r.status == "submitted"]
    can_confirm = bool(confirmable) and all(
        access.can_confirm_realisations(
            request.user,
            municipality,
            submitted_by_id=r.submitted_by_id,
            updated_by_id=r.updated_by_id,
        )
        for r in confirmable
    )
    rows = [{"group": g, "realisation": existing.get(g.code)} for g in groups]
    # Lettings reported by housing corporations (issue 15): who entered which part. Not for
    # a partner, who reads confirmed numbers only (another corporation's are not its own).
    group_names = {g.code: g.name for g in groups}
    lettings = [
        {"group": group_names.get(c.group_code, c.group_code), "line": c}
        for c in contributions.for_quarter(
            round_=round_, municipality=municipality, year=year, quarter=quarter
        )
        if not access.monitoring_confirmed_only(request.user)
    ]
    return render(
        request,
        "monitoring/quarter.html",
        {
            "round": round_,
            "municipality": municipality,
            "year": year,
            "quarter": quarter,
            "form": form,
            "rows": rows,
            "lettings": lettings,
            "can_enter": can_enter,
            "can_submit": can_enter and "draft" in statuses,
            "can_confirm": can_confirm,
            "awaiting_other": bool(confirmable) and not can_confirm,
        },
    )


def import_upload(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_or_404(pk)
    access.require(access.can_import_realisations(request.user))
    form = UploadForm(request.POST or None, request.FILES or None)
    issues = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        too_large = upload.size > importing.MAX_UPLOAD_BYTES
        try:
            changed = services.realisations_import(
                round_=round_,
                filename=upload.name,
                data=b"" if too_large else upload.read(),
                size=upload.size,
                user=request.user,
            )
        except services.RealisationsRejected as exc:
            issues = exc.issues
        else:
            messages.success(
                request,
                _("%(count)s numbers imported as draft. Submit them per quarter.")
                % {"count": changed},
            )
            return redirect("monitoring:dashboard", pk=round_.pk)
    return render(
        request,
        "monitoring/import.html",
        {"round": round_, "form": form, "issues": issues},
    )
