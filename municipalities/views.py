"""Pages for municipalities and sub-regions. Thin: check access, call a selector or service."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
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
