"""The home page (one per role) and the error pages."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import access
from accounts.models import Role
from municipalities import selectors as municipality_selectors


def home(request: HttpRequest) -> HttpResponse:
    membership = access.membership_of(request.user)
    context: dict[str, Any] = {"membership": membership}
    if membership is None:
        return render(request, "core/home_no_role.html", context, status=403)
    if membership.role == Role.OFFICER and membership.municipality is not None:
        municipality = membership.municipality
        context["municipality"] = municipality
        context["years"] = municipality_selectors.municipality_figures_by_year(
            municipality=municipality, include_unconfirmed=True
        )[:1]
        template = "core/home_officer.html"
    elif membership.role in (Role.COORDINATOR, Role.STEERING):
        overview = municipality_selectors.subregion_overview()
        context["region"] = next(
            r for r in overview if r["subregion"].pk == membership.subregion_id
        )
        template = "core/home_subregion.html"
    else:
        context["regions"] = municipality_selectors.subregion_overview()
        context["totals"] = {
            "population": sum(r["population"] for r in context["regions"]),
            "dwellings": sum(r["dwellings"] for r in context["regions"]),
            "municipalities": sum(len(r["municipalities"]) for r in context["regions"]),
        }
        template = "core/home_region.html"
    return render(request, template, context)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
