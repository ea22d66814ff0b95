"""Pages for rounds, scenarios, computations and their results. Thin: access, form, service."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access

from . import selectors, services
from .forms import GroupSettingForm, RoundForm, RoundSettingsForm, ScenarioForm, SubregionKeyForm
from .models import Round, RunStatus, Scenario, ScenarioRun
from .reaper import is_stuck as run_is_stuck


def _round_or_404(pk: int, *, with_settings: bool = False) -> Round:
    try:
        return selectors.round_get(pk=pk, with_settings=with_settings)
    except Round.DoesNotExist:
        raise Http404(_("No round with this number.")) from None


def _scenario_or_404(pk: int) -> Scenario:
    try:
        return selectors.scenario_get(pk=pk)
    except Scenario.DoesNotExist:
        raise Http404(_("No scenario with this number.")) from None


def _run_or_404(pk: int, *, with_data: bool = True) -> ScenarioRun:
    try:
        return selectors.run_get(pk=pk, with_data=with_data)
    except ScenarioRun.DoesNotExist:
        raise Http404(_("No computation with this number.")) from None


def _error_dict(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            key: [str(m) for m in ValidationError(errs).messages]
            for key, errs in exc.error_dict.items()
        }
    return {"__all__": list(exc.messages)}


# --- rounds -----------------------------------------------------------------------------


def round_list(request: HttpRequest) -> HttpResponse:
    access.require(access.can_view_rounds(request.user))
    return render(
        request,
        "allocation/round_list.html",
        {"rounds": selectors.round_list(), "can_manage": access.can_manage_rounds(request.user)},
    )


def round_create(request: HttpRequest) -> HttpResponse:
    access.require(access.can_manage_rounds(request.user))
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.round_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.apply_errors(_error_dict(exc))
        else:
            messages.success(request, _("Round “%(name)s” created.") % {"name": round_.name})
            return redirect(round_.get_absolute_url())
    return render(request, "allocation/round_form.html", {"form": form, "error_forms": [form]})


def _round_settings_form(round_: Round, data: Any = None) -> RoundSettingsForm:
    return RoundSettingsForm(
        data,
        round_=round_,
        groups=selectors.active_groups(),
        half_years=selectors.round_half_years(round_),
    )


def _round_page(
    request: HttpRequest, round_: Round, settings_form: RoundSettingsForm | None = None
) -> HttpResponse:
    can_manage = access.can_manage_rounds(request.user)
    editable = selectors.round_is_editable(round_)
    if settings_form is None and can_manage and editable:
        settings_form = _round_settings_form(round_)
    return render(
        request,
        "allocation/round_detail.html",
        {
            "round": round_,
            "scenarios": selectors.scenarios_of_round(round_=round_),
            "can_manage": can_manage,
            "editable": editable,
            "years": selectors.round_years(round_),
            "half_years": selectors.round_half_years(round_),
            "fallback_groups": selectors.round_fallback_groups(round_),
            "settings_form": settings_form,
            "error_forms": [settings_form] if settings_form is not None else [],
        },
    )


def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(access.can_view_rounds(request.user))
    return _round_page(request, _round_or_404(pk, with_settings=True))


@require_POST
def round_settings(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the round's fall-back settings and the national figures of its half-years."""
    access.require(access.can_manage_rounds(request.user))
    round_ = _round_or_404(pk, with_settings=True)
    if not selectors.round_is_editable(round_):
        messages.error(request, _("This round is in review or agreed: its settings cannot change."))
        return redirect(round_.get_absolute_url())
    form = _round_settings_form(round_, request.POST)
    if form.is_valid():
        try:
            services.round_settings_update(
                round_=round_,
                fallback_pct=form.cleaned_data["fallback_pct"],
                statutory_urgent_groups=form.cleaned_data["statutory_urgent_groups"],
                half_years=form.half_year_inputs(),
                user=request.user,
            )
        except ValidationError as exc:
            form.apply_errors(_error_dict(exc))
        else:
            messages.success(request, _("The settings of the round are saved."))
            return redirect(f"{round_.get_absolute_url()}#instellingen")
    return _round_page(request, round_, form)


# --- scenarios --------------------------------------------------------------------------


def _group_forms(request: HttpRequest, scenario: Scenario | None) -> list[GroupSettingForm]:
    indicators = selectors.indicator_list()
    settings = {s.group_id: s for s in selectors.scenario_settings(scenario)} if scenario else {}
    data = request.POST if request.method == "POST" else None
    return [
        GroupSettingForm(data, group=group, indicators=indicators, setting=settings.get(group.pk))
        for group in selectors.active_groups()
    ]


def _save_scenario(
    request: HttpRequest,
    form: ScenarioForm,
    group_forms: Sequence[GroupSettingForm],
    *,
    round_: Round,
    scenario: Scenario | None,
) -> Scenario | None:
    """Hand valid forms to the service; put its errors back on the forms."""
    if not (form.is_valid() and all(g.is_valid() for g in group_forms)):
        return None
    settings = [g.setting_input() for g in group_forms]
    try:
        if scenario is None:
            return services.scenario_create(
                round_=round_,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                settings=settings,
                options=form.options(),
                user=request.user,
            )
        return services.scenario_update(
            scenario=scenario,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            settings=settings,
            options=form.options(),
            user=request.user,
        )
    except ValidationError as exc:
        errors = _error_dict(exc)
        by_group: dict[str, dict[str, list[str]]] = {}
        own: dict[str, list[str]] = {}
        for key, value in errors.items():
            code, dot, field = key.partition(".")
            if dot:
                by_group.setdefault(code, {})[field] = value
            else:
                own[key] = value
        form.apply_errors(own)
        for group_form in group_forms:
            group_form.apply_errors(by_group.get(group_form.group.code, {}))
        return None


def _editor(request: HttpRequest, *, round_: Round, scenario: Scenario | None) -> HttpResponse:
    form = ScenarioForm(request.POST or None, scenario=scenario)
    group_forms = _group_forms(request, scenario)
    if request.method == "POST":
        saved = _save_scenario(request, form, group_forms, round_=round_, scenario=scenario)
        if saved is not None:
            messages.success(request, _("Scenario “%(name)s” saved.") % {"name": saved.name})
            return redirect(saved.get_absolute_url())
    has_errors = bool(form.errors) or any(g.errors for g in group_forms)
    return render(
        request,
        "allocation/scenario_form.html",
        {
            "round": round_,
            "scenario": scenario,
            "form": form,
            "group_forms": group_forms,
            "has_errors": has_errors,
            "error_forms": [form, *group_forms],
        },
    )


def scenario_create(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(access.can_manage_rounds(request.user))
    round_ = _round_or_404(pk)
    if not selectors.round_is_editable(round_):
        messages.error(request, _("This round is in review or agreed: no new scenarios."))
        return redirect(round_.get_absolute_url())
    return _editor(request, round_=round_, scenario=None)


def scenario_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(access.can_manage_rounds(request.user))
    scenario = _scenario_or_404(pk)
    if not selectors.round_is_editable(scenario.round):
        messages.error(
            request, _("This round is in review or agreed: its scenarios cannot change.")
        )
        return redirect(scenario.get_absolute_url())
    return _editor(request, round_=scenario.round, scenario=scenario)


def scenario_subregion_key(request: HttpRequest, pk: int, group: str) -> HttpResponse:
    """Two-tier maatwerk: set a sub-region's own key for distributing its total inside."""
    access.require(access.can_manage_rounds(request.user))
    scenario = _scenario_or_404(pk)
    if not selectors.round_is_editable(scenario.round):
        messages.error(
            request, _("This round is in review or agreed: its scenarios cannot change.")
        )
        return redirect(scenario.get_absolute_url())
    setting = next(
        (s for s in selectors.scenario_settings(scenario) if s.group.code == group), None
    )
    if setting is None:
        raise Http404
    current = services.group_setting_input(setting).subregion_weights or {}
    form = SubregionKeyForm(
        request.POST or None,
        subregions=selectors.subregion_names(),
        indicators=selectors.indicator_list(),
        current=current,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.scenario_subregion_key_set(
                scenario=scenario,
                group_code=group,
                subregion=form.cleaned_data["subregion"],
                weights=form.weights(),
                user=request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The sub-region's own key is saved."))
            return redirect(scenario.get_absolute_url() + "#settings")
    return render(
        request,
        "allocation/scenario_subregion_key.html",
        {
            "scenario": scenario,
            "round": scenario.round,
            "setting": setting,
            "form": form,
            "current": sorted(current.items()),
        },
    )


def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(access.can_view_rounds(request.user))
    scenario = _scenario_or_404(pk)
    can_manage = access.can_manage_rounds(request.user)
    editable = selectors.round_is_editable(scenario.round)
    active = selectors.run_active_for_scenario(scenario=scenario)
    return render(
        request,
        "allocation/scenario_detail.html",
        {
            "scenario": scenario,
            "round": scenario.round,
            "settings": selectors.scenario_settings(scenario),
            "runs": selectors.scenario_runs(scenario=scenario),
            "active_run": active,
            "active_run_stuck": active is not None and run_is_stuck(active),
            "can_manage": can_manage,
            "editable": editable,
            "can_run": can_manage and editable and (active is None or run_is_stuck(active)),
            "maatwerk_warnings": selectors.maatwerk_warnings(scenario),
            "years": selectors.round_years(scenario.round),
        },
    )


@require_POST
def run_start(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(access.can_manage_rounds(request.user))
    scenario = _scenario_or_404(pk)
    try:
        run = services.run_enqueue(scenario=scenario, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(scenario.get_absolute_url())
    return redirect(run.get_absolute_url())


@require_POST
def run_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Opnieuw proberen: a new computation of the scenario of a failed or stuck run."""
    access.require(access.can_manage_rounds(request.user))
    run = _run_or_404(pk, with_data=False)
    try:
        new_run = services.run_retry(run=run, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(run.get_absolute_url())
    return redirect(new_run.get_absolute_url())


# --- computations -----------------------------------------------------------------------


def _state(run: ScenarioRun) -> str:
    return f"{run.status}-{run.progress}"


def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(access.can_view_rounds(request.user))
    run = _run_or_404(pk)
    groups = {g.code: g for g in selectors.active_groups()}
    context: dict[str, Any] = {
        "run": run,
        "scenario": run.scenario,
        "round": run.scenario.round,
        "state": _state(run),
        "stuck": run_is_stuck(run),
    }
    context["can_retry"] = (
        (run.status == RunStatus.FAILED or context["stuck"])
        and access.can_manage_rounds(request.user)
        and selectors.round_is_editable(run.scenario.round)
    )
    if run.status == RunStatus.SUCCEEDED:
        context["overview"] = selectors.run_overview(run, groups)
        context["overall"] = selectors.run_overall_view(run)
        context["settings_changed"] = selectors.run_settings_changed(run)
        context["maatwerk_warnings"] = selectors.maatwerk_warnings(run)
        context["years"] = selectors.run_years(run)
        context["fallback"] = selectors.fallback_comparison(run)
    return render(request, "allocation/run_detail.html", context)


def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment, polled every second by htmx while the run is not finished."""
    access.require(access.can_view_rounds(request.user))
    run = _run_or_404(pk, with_data=False)
    if request.GET.get("seen") == _state(run):
        return HttpResponse(status=204)  # nothing changed: htmx keeps the fragment
    response = render(
        request,
        "allocation/_run_progress.html",
        {"run": run, "state": _state(run), "status_oob": True},
    )
    if run.is_finished:
        response["HX-Refresh"] = "true"  # show the results (or the error) on the full page
    return response


def run_group(request: HttpRequest, pk: int, group: str) -> HttpResponse:
    access.require(access.can_view_rounds(request.user))
    run = _run_or_404(pk)
    view = selectors.run_group_view(run, group) if run.status == RunStatus.SUCCEEDED else None
    if view is None:
        raise Http404(_("This computation has no results for this group."))
    groups = {g.code: g for g in selectors.active_groups()}
    indicators = selectors.indicator_list()
    return render(
        request,
        "allocation/run_group.html",
        {
            "run": run,
            "scenario": run.scenario,
            "round": run.scenario.round,
            "group": groups.get(group),
            "group_codes": [(code, groups.get(code)) for code in selectors.run_group_codes(run)],
            "view": view,
            "indicator_names": {i.code: i.name for i in indicators},
            "indicator_units": {i.code: i.unit for i in indicators},
        },
    )


def run_group_input(request: HttpRequest, pk: int, group: str) -> HttpResponse:
    """The group's engine input as scenario.json, for `manage.py allocate`."""
    access.require(access.can_view_rounds(request.user))
    run = _run_or_404(pk)
    data = selectors.run_group_input(run, group) if run.status == RunStatus.SUCCEEDED else None
    if data is None:
        raise Http404(_("This computation has no input for this group."))
    response = HttpResponse(
        json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="run-{run.pk}-{group}-scenario.json"'
    return response
