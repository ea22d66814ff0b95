"""Steering-group dashboards. Thin: access, load through selectors, shape charts, render."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts import access
from allocation import selectors as allocation_selectors
from allocation.models import Round, Scenario, ScenarioRun

from . import charts, selectors
from .forms import CompareForm, MapForm


def _round_or_404(pk: int) -> Round:
    try:
        return allocation_selectors.round_get(pk=pk)
    except Round.DoesNotExist:
        raise Http404(_("No round with this number.")) from None


def _scenario_or_404(round_: Round, pk: int) -> Scenario:
    try:
        return selectors.scenario_of_round(round_=round_, pk=pk)
    except Scenario.DoesNotExist:
        raise Http404(_("No scenario with this number in this round.")) from None


def _measure_labels() -> dict[str, str]:
    return {
        "all": _("Dwellings needed per 1,000 inhabitants, all groups"),
        "mutations": _("Share of yearly mutations needed, all groups"),
        "group": _("%(name)s per 1,000 inhabitants"),
        "dwellings_per_1000": _("dwellings per 1,000 inhabitants"),
        "percent": _("percentage of yearly mutations"),
        "per_1000": _("per 1,000 inhabitants"),
    }


def index(request: HttpRequest) -> HttpResponse:
    access.require(access.can_view_rounds(request.user))
    return render(request, "dashboards/index.html", {"rounds": allocation_selectors.round_list()})


def round_index(request: HttpRequest, round_pk: int) -> HttpResponse:
    access.require(access.can_view_rounds(request.user))
    round_ = _round_or_404(round_pk)
    scenarios = list(selectors.scenarios_of_round(round_=round_))
    computed = [(s.pk, s.name) for s in scenarios if s.latest_run_id]  # type: ignore[attr-defined]
    agreed = selectors.agreed_of_round(round_)
    return render(
        request,
        "dashboards/round.html",
        {
            "round": round_,
            "scenarios": scenarios,
            "compare_form": CompareForm(choices=computed) if len(computed) >= 2 else None,
            "agreed": agreed,
            "agreed_tables": selectors.agreed_tables(agreed) if agreed else [],
        },
    )


def _run_context(run: ScenarioRun | None) -> dict[str, Any]:
    return {"run": run, "groups": selectors.groups_by_code()}


def overview(request: HttpRequest, round_pk: int, scenario_pk: int) -> HttpResponse:
    access.require(access.can_view_rounds(request.user))
    round_ = _round_or_404(round_pk)
    scenario = _scenario_or_404(round_, scenario_pk)
    run = selectors.latest_run(scenario=scenario)
    context: dict[str, Any] = {"round": round_, "scenario": scenario, "run": run}
    if run is not None:
        data = selectors.region_overview(run, selectors.groups_by_code())
        agreed = selectors.agreed_of_round(round_)
        if agreed is not None and agreed.run_id == run.pk:
            # The adopted computation: show what was agreed, after the accepted transfers.
            data = selectors.with_agreed(data, agreed)
        measures = selectors.map_measures(data, _measure_labels())
        form = MapForm(request.GET or None, choices=[(m.value, m.label) for m in measures])
        chosen = measures[0] if measures else None
        if form.is_bound and form.is_valid() and form.cleaned_data["kaart"]:
            chosen = next(m for m in measures if m.value == form.cleaned_data["kaart"])
        context.update(
            overview=data,
            map_form=form,
            chosen=chosen.value if chosen else None,
            map=charts.map_block(
                selectors.map_rows(data, chosen.value), chosen, selectors.boundaries_by_code()
            )
            if chosen
            else None,
            mutations_chart=charts.mutations_block(data["overall"]) if data["overall"] else None,
        )
    return render(request, "dashboards/overview.html", context)


def compare(request: HttpRequest, round_pk: int) -> HttpResponse:
    access.require(access.can_view_rounds(request.user))
    round_ = _round_or_404(round_pk)
    scenarios = {s.pk: s for s in selectors.scenarios_of_round(round_=round_)}
    computed = [(pk, s.name) for pk, s in scenarios.items() if s.latest_run_id]  # type: ignore[attr-defined]
    form = CompareForm(request.GET or None, choices=computed)
    context: dict[str, Any] = {"round": round_, "form": form, "comparison": None}
    if form.is_bound and form.is_valid():
        chosen = [scenarios[pk] for pk in form.cleaned_data["scenario"]]
        runs = selectors.runs_by_id(s.latest_run_id for s in chosen)  # type: ignore[attr-defined]
        pairs = [(s, runs[s.latest_run_id]) for s in chosen if s.latest_run_id in runs]  # type: ignore[attr-defined]
        if len(pairs) >= 2:
            context["comparison"] = selectors.scenario_comparison(pairs, selectors.groups_by_code())
    return render(request, "dashboards/compare.html", context)


def municipality(request: HttpRequest, round_pk: int, scenario_pk: int, code: str) -> HttpResponse:
    access.require(access.can_view_rounds(request.user))
    round_ = _round_or_404(round_pk)
    scenario = _scenario_or_404(round_, scenario_pk)
    run = selectors.latest_run(scenario=scenario)
    context: dict[str, Any] = {"round": round_, "scenario": scenario, "run": run, "code": code}
    if run is not None:
        data = selectors.municipality_dashboard(
            run, code, selectors.groups_by_code(), selectors.agreed_of_round(round_)
        )
        if data is None:
            raise Http404(_("This computation has no municipality with this code."))
        mean = data["overall"]["fairness"]["mean_per_1000"] if data["overall"] else None
        context.update(
            data=data,
            indicator_names={i.code: i.name for i in allocation_selectors.indicator_list()},
            neighbours_chart=charts.neighbours_block(
                data["neighbours"],
                subregion=data["subregion"],
                mean=float(Decimal(mean)) if mean is not None else None,
            )
            if data["neighbours"]
            else None,
        )
    return render(request, "dashboards/municipality.html", context)
