"""Steering-group dashboards. Thin: access, load through selectors, shape charts, render."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from accounts import access
from agreements import selectors as agreement_selectors
from allocation import selectors as allocation_selectors
from allocation.models import Round, Scenario, ScenarioRun
from municipalities.models import Municipality

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
        "dwellings_per_1000": _("dwellings per 1,000 inhabitants, for the whole period"),
        "percent": _("percentage of yearly mutations"),
        "per_1000": _("%(unit)s per 1,000 inhabitants, for the whole period"),
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


# --- the region overview: tabs with their own URL ------------------------------------------
#
# The first tab answers "what does each municipality take on, per group" in one compact
# table; the map, the mutations chart and the detail per group are one tab away. Each tab is
# a page of its own (real links that work without JavaScript); with htmx a tab link swaps
# only the tab area (`_tabs.html`) and pushes the tab's URL.

TAB_OVERVIEW = "overzicht"
TAB_MAP = "kaart"
TAB_MUTATIONS = "mutaties"
TAB_GROUPS = "doelgroepen"


def _tabs(
    round_: Round, scenario: Scenario, codes: list[str], current: str
) -> list[dict[str, Any]]:
    args = [round_.pk, scenario.pk]
    tabs = [
        (TAB_OVERVIEW, _("Per municipality"), reverse("dashboards:overview", args=args)),
        (TAB_MAP, _("Map"), reverse("dashboards:overview_map", args=args)),
        (
            TAB_MUTATIONS,
            _("All groups together"),
            reverse("dashboards:overview_mutations", args=args),
        ),
    ]
    if codes:
        tabs.append(
            (
                TAB_GROUPS,
                _("Per target group"),
                reverse("dashboards:overview_group", args=[*args, codes[0]]),
            )
        )
    return [
        {"key": k, "label": label, "url": url, "current": k == current} for k, label, url in tabs
    ]


def _overview_page(
    request: HttpRequest, round_pk: int, scenario_pk: int
) -> tuple[Round, Scenario, ScenarioRun | None, dict[str, Any]]:
    access.require(access.can_view_rounds(request.user))
    round_ = _round_or_404(round_pk)
    scenario = _scenario_or_404(round_, scenario_pk)
    run = selectors.latest_run(scenario=scenario)
    return round_, scenario, run, {"round": round_, "scenario": scenario, "run": run}


def _render_tab(
    request: HttpRequest, context: dict[str, Any], tab: str, panel: str, codes: list[str]
) -> HttpResponse:
    tabs = _tabs(context["round"], context["scenario"], codes, tab)
    context.update(
        tab=tab,
        panel=panel,
        tabs=tabs,
        tab_label=next((t["label"] for t in tabs if t["current"]), ""),
    )
    htmx = getattr(request, "htmx", None)
    fragment = (
        context["run"] is not None and bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]
    )
    template = "dashboards/_tabs.html" if fragment else "dashboards/overview.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _overview_data(round_: Round, run: ScenarioRun) -> dict[str, Any]:
    data = selectors.region_overview(run, selectors.groups_by_code())
    agreed = selectors.agreed_of_round(round_, run)
    if agreed is not None and agreed.run_id == run.pk:
        # The adopted computation: show what was agreed, after the accepted transfers.
        data = selectors.with_agreed(data, agreed)
    return data


def overview(request: HttpRequest, round_pk: int, scenario_pk: int) -> HttpResponse:
    """The first tab: the compact matrix municipality x group (one cached read per run)."""
    if request.GET.get("kaart"):
        # The map used to be on this page: keep old links working.
        url = reverse("dashboards:overview_map", args=[round_pk, scenario_pk])
        return redirect(f"{url}?{request.GET.urlencode()}")
    round_, scenario, run, context = _overview_page(request, round_pk, scenario_pk)
    codes: list[str] = []
    if run is not None:
        groups = selectors.groups_by_code()
        matrix = selectors.region_matrix(run, groups, selectors.agreed_of_round(round_, run))
        codes = [c["code"] for c in matrix["columns"]]
        context.update(
            matrix=matrix,
            # The municipality pages sit below the scenario's URL (urls.py): one reverse()
            # instead of one per municipality.
            scenario_url=reverse("dashboards:overview", args=[round_.pk, scenario.pk]),
            options=selectors.run_options(run),
            years=allocation_selectors.run_years(run),
        )
    return _render_tab(request, context, TAB_OVERVIEW, "dashboards/_tab_matrix.html", codes)


def overview_map(request: HttpRequest, round_pk: int, scenario_pk: int) -> HttpResponse:
    round_, scenario, run, context = _overview_page(request, round_pk, scenario_pk)
    codes: list[str] = []
    if run is not None:
        data = _overview_data(round_, run)
        codes = [g["code"] for g in data["groups"]]
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
        )
    return _render_tab(request, context, TAB_MAP, "dashboards/_tab_map.html", codes)


def overview_mutations(request: HttpRequest, round_pk: int, scenario_pk: int) -> HttpResponse:
    round_, scenario, run, context = _overview_page(request, round_pk, scenario_pk)
    codes: list[str] = []
    if run is not None:
        data = _overview_data(round_, run)
        codes = [g["code"] for g in data["groups"]]
        context.update(
            overview=data,
            mutations_chart=charts.mutations_block(data["overall"]) if data["overall"] else None,
        )
    return _render_tab(request, context, TAB_MUTATIONS, "dashboards/_tab_mutations.html", codes)


def overview_group(
    request: HttpRequest, round_pk: int, scenario_pk: int, group_code: str
) -> HttpResponse:
    round_, scenario, run, context = _overview_page(request, round_pk, scenario_pk)
    codes: list[str] = []
    if run is not None:
        data = _overview_data(round_, run)
        codes = [g["code"] for g in data["groups"]]
        group = next((g for g in data["groups"] if g["code"] == group_code), None)
        if group is None:
            raise Http404(_("This computation has no target group with this code."))
        context.update(overview=data, g=group)
    return _render_tab(request, context, TAB_GROUPS, "dashboards/_tab_group.html", codes)


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


def _published_scenario_id(round_: Round) -> int | None:
    """The scenario whose computation a partner may see: the agreed one of an adopted round,
    else the one of the current proposal of a round in review (issue 15)."""
    if round_.agreed_run_id is not None:
        return (
            ScenarioRun.objects.filter(pk=round_.agreed_run_id)
            .values_list("scenario_id", flat=True)
            .first()
        )
    proposal = agreement_selectors.current_proposal(round_)
    return proposal.run.scenario_id if proposal is not None else None


def _require_partner_may_see(
    request: HttpRequest, round_: Round, scenario: Scenario, code: str
) -> None:
    """A partner sees the page of a municipality of its working area, for the published
    computation of a round it may read; the others as `can_view_rounds` says."""
    if access.partner_round_statuses(request.user) is None:
        return
    municipality = Municipality.objects.filter(cbs_code=code).first()
    if municipality is None:
        raise Http404(_("This computation has no municipality with this code."))
    access.require(
        access.can_view_results_of(
            request.user,
            round_,
            municipality,
            published=_published_scenario_id(round_) == scenario.pk,
        )
    )


def municipality(request: HttpRequest, round_pk: int, scenario_pk: int, code: str) -> HttpResponse:
    access.require(access.can_view_some_rounds(request.user))
    round_ = _round_or_404(round_pk)
    scenario = _scenario_or_404(round_, scenario_pk)
    _require_partner_may_see(request, round_, scenario, code)
    run = selectors.latest_run(scenario=scenario, full=True)
    context: dict[str, Any] = {"round": round_, "scenario": scenario, "run": run, "code": code}
    if run is not None:
        data = selectors.municipality_dashboard(
            run, code, selectors.groups_by_code(), selectors.agreed_of_round(round_, run)
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
