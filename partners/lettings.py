"""A housing corporation's lettings per quarter (issue 15): per municipality of its working
area and quarter of an adopted round, how many of each target group it housed. Submitted
lettings add to the municipality's realised numbers; an officer of the municipality
confirms them in monitoring (four eyes across the two organisations). Thin views: access
(accounts.access), form, service or selector, render."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts import access
from allocation.models import Round
from monitoring import selectors as monitoring
from monitoring.forms import QuarterForm
from municipalities.models import Municipality

from . import selectors, services


class LettingsForm(QuarterForm):
    """The lettings of one quarter: monitoring's quarter form in a corporation's words."""

    number_prefix = "lettings"
    source_help = gettext_lazy("For example: the letting system of the corporation.")
    number_help = gettext_lazy("Housed through your lettings in this quarter, in %(unit)s.")

    def entry(self, current: selectors.LettingLine) -> tuple[int, str, date | None]:
        return current.report.lettings, current.report.source, current.report.reference_date

    def make_input(self, raw: str, source: str, reference_date: date) -> services.LettingInput:
        return services.LettingInput(lettings=raw, source=source, reference_date=reference_date)


def _organisation_id(request: HttpRequest) -> int:
    membership = access.membership_of(request.user)
    assert membership is not None  # noqa: S101 - the role check came first
    return membership.organisation_id or 0


def _letting_round(pk: int) -> Round:
    round_ = next((r for r in selectors.letting_rounds() if r.pk == pk), None)
    if round_ is None:
        raise Http404(_("No adopted round that still applies with this number."))
    return round_


def lettings_home(request: HttpRequest) -> HttpResponse:
    """Per municipality of the working area and quarter of an adopted round: the status of
    the corporation's lettings, each quarter a link to enter them."""
    access.require(access.has_role(request.user, access.Role.CORPORATION))
    rounds = selectors.letting_rounds()
    chosen = request.GET.get("ronde")
    round_ = rounds[0] if rounds else None
    if chosen is not None:
        round_ = next((r for r in rounds if str(r.pk) == chosen), None)
        if round_ is None:
            raise Http404
    overview = (
        selectors.lettings_overview(
            organisation_id=_organisation_id(request),
            round_=round_,
            municipality_ids=access.partner_municipality_ids(request.user),
        )
        if round_ is not None
        else []
    )
    quarters = monitoring.round_quarters(round_) if round_ is not None else []
    # One row per quarter, one column per municipality.
    table = [
        {
            "year": year,
            "quarter": q,
            "cells": [(municipality, cells[i]) for municipality, cells in overview],
        }
        for i, (year, q) in enumerate(quarters)
    ]
    return render(
        request,
        "partners/lettings_home.html",
        {
            "round": round_,
            "rounds": rounds,
            "municipalities": [m for m, _cells in overview],
            "table": table,
            "groups": selectors.letting_groups(round_) if round_ is not None else [],
        },
    )


@require_http_methods(["GET", "POST"])
def lettings_quarter(
    request: HttpRequest, pk: int, code: str, year: int, quarter: int
) -> HttpResponse:
    """Enter and submit the lettings of one quarter in one municipality of the working area."""
    access.require(access.has_role(request.user, access.Role.CORPORATION))
    municipality = Municipality.objects.filter(cbs_code=code.upper()).first()
    if municipality is None:
        raise Http404(_("No municipality with this code."))
    access.require(access.can_enter_partner_figures(request.user, municipality))
    round_ = _letting_round(pk)
    if (year, quarter) not in monitoring.round_quarters(round_):
        raise Http404(_("This quarter is not in the period of the round."))
    existing = selectors.quarter_lettings(
        organisation_id=_organisation_id(request),
        round_=round_,
        municipality=municipality,
        year=year,
        quarter=quarter,
    )
    groups = selectors.letting_groups(round_)
    form = LettingsForm(request.POST or None, groups=groups, existing=existing)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.lettings_submit(
                round_=round_,
                municipality=municipality,
                year=year,
                quarter=quarter,
                values=form.values(),
                user=request.user,
            )
        except services.LettingsRejected as exc:
            form.add_issues(exc.issues)
        else:
            messages.success(
                request,
                _(
                    "%(count)s numbers submitted. An officer of %(municipality)s confirms "
                    "them; until then they do not count in monitoring."
                )
                % {"count": changed, "municipality": municipality.name},
            )
            return redirect(f"{reverse('partners:lettings_home')}?ronde={round_.pk}")
    rows = [{"group": g, "line": existing.get(g.code)} for g in groups]
    return render(
        request,
        "partners/lettings_quarter.html",
        {
            "round": round_,
            "municipality": municipality,
            "year": year,
            "quarter": quarter,
            "form": form,
            "rows": rows,
        },
    )
