"""Pages for municipalities and sub-regions. Thin: check access, call a selector or service."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access

from . import selectors, services
from .forms import YearFiguresForm
from .models import Municipality, SubRegion


def _get_municipality(code: str) -> Municipality:
    try:
        return selectors.municipality_get(code=code)
    except Municipality.DoesNotExist:
        raise Http404(_("No municipality with this CBS code.")) from None


def municipality_list(request: HttpRequest) -> HttpResponse:
    access.require(access.can_view_public(request.user))
    rows = selectors.municipalities_with_key_figures()
    totals = {
        "population": sum(r["population"] or 0 for r in rows),
        "dwellings": sum(r["dwellings"] or 0 for r in rows),
    }
    return render(request, "municipalities/list.html", {"rows": rows, "totals": totals})


def municipality_detail(request: HttpRequest, code: str) -> HttpResponse:
    access.require(access.can_view_public(request.user))
    municipality = _get_municipality(code)
    can_see_drafts = access.can_view_municipality_drafts(request.user, municipality)
    years = selectors.municipality_figures_by_year(
        municipality=municipality, include_unconfirmed=can_see_drafts
    )
    return render(
        request,
        "municipalities/detail.html",
        {
            "municipality": municipality,
            "years": years,
            "can_see_drafts": can_see_drafts,
            "can_edit": access.can_edit_municipality_figures(request.user, municipality),
            "edit_year": timezone.localdate().year,
        },
    )


def municipality_figures_edit(request: HttpRequest, code: str, year: int) -> HttpResponse:
    municipality = _get_municipality(code)
    access.require(access.can_edit_municipality_figures(request.user, municipality))
    if not 2000 <= year <= 2100:
        raise Http404(_("No figures for this year."))
    indicators = list(selectors.indicator_list())
    existing = selectors.municipal_figures_for_year(municipality=municipality, year=year)
    form = YearFiguresForm(
        request.POST or None, indicators=indicators, existing=existing, year=year
    )
    conflicts = []
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.municipal_figures_save_draft(
                municipality=municipality, year=year, entries=form.entries(), user=request.user
            )
        except services.ConcurrentEditError as exc:
            conflicts = exc.conflicts
            messages.error(
                request,
                _(
                    "Someone else saved these figures while you were editing. Nothing of "
                    "yours was saved. Check the other change below and enter yours again."
                ),
            )
        else:
            if saved:
                messages.success(
                    request, _("%(count)d figure(s) saved as draft.") % {"count": len(saved)}
                )
            else:
                messages.info(request, _("Nothing changed."))
            return redirect(municipality.get_absolute_url())
    return render(
        request,
        "municipalities/figures_edit.html",
        {"municipality": municipality, "year": year, "form": form, "conflicts": conflicts},
        status=409 if conflicts else 200,
    )


def subregion_list(request: HttpRequest) -> HttpResponse:
    access.require(access.can_view_public(request.user))
    return render(
        request, "municipalities/subregion_list.html", {"regions": selectors.subregion_overview()}
    )


def subregion_detail(request: HttpRequest, slug: str) -> HttpResponse:
    access.require(access.can_view_public(request.user))
    overview = {r["subregion"].slug: r for r in selectors.subregion_overview()}
    if slug not in overview:
        raise Http404(_("No sub-region with this name."))
    region = overview[slug]
    subregion: SubRegion = region["subregion"]
    return render(
        request,
        "municipalities/subregion_detail.html",
        {
            "region": region,
            "subregion": subregion,
            "can_see_details": access.can_view_subregion_details(request.user, subregion),
        },
    )
