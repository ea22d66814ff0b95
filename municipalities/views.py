"""Pages for municipalities and sub-regions. Thin: check access, call a selector or service."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access

from . import selectors
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
