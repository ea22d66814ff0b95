"""The home page, one per role."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import access
from accounts.models import PARTNER_ROLES, Role
from figures import selectors as figure_selectors
from municipalities import selectors as municipality_selectors

from .partner import partner_overview
from .todo import todo_for


def home(request: HttpRequest) -> HttpResponse:
    membership = access.membership_of(request.user)
    context: dict[str, Any] = {"membership": membership}
    if membership is None:
        return render(request, "home/no_role.html", context, status=403)
    context["todo"] = todo_for(request.user, membership)
    if membership.role == Role.OFFICER and membership.municipality is not None:
        municipality = membership.municipality
        context["municipality"] = municipality
        context["years"] = figure_selectors.municipality_figures_by_year(
            municipality=municipality, include_unconfirmed=True
        )[:1]
        template = "home/officer.html"
    elif membership.role in PARTNER_ROLES:
        # A corporation, care provider or province (issue 15): its working area and rounds.
        context["partner"] = partner_overview(request.user)
        context["organisation"] = membership.organisation
        template = "home/partner.html"
    elif membership.role in (Role.COORDINATOR, Role.STEERING):
        overview = municipality_selectors.subregion_overview()
        context["region"] = next(
            r for r in overview if r["subregion"].pk == membership.subregion_id
        )
        template = "home/subregion.html"
    else:
        context["regions"] = municipality_selectors.subregion_overview()
        context["totals"] = {
            "population": sum(r["population"] for r in context["regions"]),
            "dwellings": sum(r["dwellings"] for r in context["regions"]),
            "municipalities": sum(len(r["municipalities"]) for r in context["regions"]),
        }
        template = "home/region.html"
    return render(request, template, context)
