"""The live what-if pages for the programme team. Thin: access, forms, `allocation.preview`.

- ``scenario_whatif`` (GET): the form with the scenario's weights, credit and bounds, and its
  numbers now; every change posts the form (htmx, 300 ms after typing stops) to
- ``scenario_whatif_preview`` (POST): the numbers of the changed settings, computed like a
  run but stored nowhere; the results fragment for htmx, the whole page without JavaScript;
- ``scenario_whatif_save`` (POST): the what-if as a new scenario with a background run.
- ``round_whatif`` (GET): the what-if of the scenario the round proposes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import access

from . import preview, selectors, services
from .forms import WhatIfGroupForm, WhatIfSaveForm
from .models import Round, Scenario, ScenarioRun
from .services import GroupSettingInput


def _scenario_or_404(pk: int) -> Scenario:
    try:
        return selectors.scenario_get(pk=pk)
    except Scenario.DoesNotExist:
        raise Http404(_("No scenario with this number.")) from None


class _WhatIf:
    """The what-if's forms for one scenario, bound to the posted data or not."""

    def __init__(self, scenario: Scenario, data: Any = None) -> None:
        self.scenario = scenario
        self.groups = selectors.active_groups()
        indicators = selectors.indicator_list()
        stored = {s.group.code: s for s in selectors.scenario_settings(scenario)}
        self.base = {code: services.group_setting_input(s) for code, s in stored.items()}
        self.group_forms = [
            WhatIfGroupForm(data, group=g, indicators=indicators, setting=stored[g.code])
            for g in self.groups
            if g.code in self.base and preview.editable(self.base[g.code])
        ]
        editable = {f.group.code for f in self.group_forms}
        self.fixed = [
            {"group": g, "setting": self.base[g.code]}
            for g in self.groups
            if g.code in self.base and g.code not in editable
        ]
        self.save_form = WhatIfSaveForm(data, scenario=scenario)

    def settings(self) -> list[GroupSettingInput] | None:
        """The scenario's settings with the what-if's changes; None (errors on the forms)
        when they are not valid. The service's own checks give the messages of saving."""
        if not all(f.is_valid() for f in self.group_forms):
            return None
        changed = {f.group.code: f.whatif_input(self.base[f.group.code]) for f in self.group_forms}
        settings = [changed.get(code, setting) for code, setting in self.base.items()]
        errors = services.scenario_settings_check(settings=settings)
        if errors:
            self.apply_errors({key: [value] for key, value in errors.items()})
            return None
        return settings

    def apply_errors(self, errors: dict[str, list[str]]) -> None:
        own: dict[str, list[str]] = {}
        by_group: dict[str, dict[str, list[str]]] = {}
        for key, value in errors.items():
            code, dot, name = key.partition(".")
            if dot:
                by_group.setdefault(code, {})[name] = value
            else:
                own[key] = value
        self.save_form.apply_errors(own)
        for form in self.group_forms:
            form.apply_errors(by_group.get(form.group.code, {}))

    def errors(self) -> list[dict[str, str]]:
        """Every error of the group forms, with the field it belongs to (for links)."""
        out: list[dict[str, str]] = []
        for form in self.group_forms:
            for message in form.non_field_errors():
                out.append(
                    {
                        "href": f"#weights-{form.group.code}",
                        "label": form.group.name,
                        "msg": str(message),
                    }
                )
            for field in form:
                for message in field.errors:
                    out.append(
                        {
                            "href": f"#{field.auto_id}",
                            "label": f"{form.group.name} – {field.label}",
                            "msg": str(message),
                        }
                    )
        return out


def _results_context(
    whatif: _WhatIf, settings: Sequence[GroupSettingInput] | None, *, unchanged: bool = False
) -> dict[str, Any]:
    """The numbers of the what-if, or why there are none."""
    context: dict[str, Any] = {"whatif_errors": whatif.errors(), "preview": None}
    if settings is None:
        return context
    try:
        context["preview"] = preview.preview_build(
            scenario=whatif.scenario, settings=settings, groups=whatif.groups, unchanged=unchanged
        )
    except preview.PreviewError as exc:
        context["compute_error"] = exc.message
    return context


def _page(request: HttpRequest, whatif: _WhatIf, results: dict[str, Any]) -> HttpResponse:
    scenario = whatif.scenario
    return render(
        request,
        "allocation/whatif.html",
        {
            "scenario": scenario,
            "round": scenario.round,
            "whatif": whatif,
            "group_forms": whatif.group_forms,
            "save_form": whatif.save_form,
            "can_save": selectors.round_is_editable(scenario.round),
            **results,
        },
    )


def _timed(response: HttpResponse, context: dict[str, Any]) -> HttpResponse:
    found = context.get("preview")
    if found is not None:
        response["Server-Timing"] = f"whatif;dur={found.seconds * 1000:.1f}"
    return response


@require_GET
def scenario_whatif(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(access.can_manage_rounds(request.user))
    whatif = _WhatIf(_scenario_or_404(pk))
    context = _results_context(whatif, list(whatif.base.values()), unchanged=True)
    return _timed(_page(request, whatif, context), context)


@require_POST
def scenario_whatif_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The numbers of the posted what-if: a fragment for htmx, else the whole page."""
    access.require(access.can_manage_rounds(request.user))
    whatif = _WhatIf(_scenario_or_404(pk), request.POST)
    context = _results_context(whatif, whatif.settings())
    if getattr(request, "htmx", False):
        response = render(request, "allocation/_whatif_results.html", {**context, "oob": True})
        return _timed(response, context)
    return _timed(_page(request, whatif, context), context)


@require_POST
def scenario_whatif_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Opslaan als scenario: a new scenario of the round with these settings, and its run."""
    access.require(access.can_manage_rounds(request.user))
    scenario = _scenario_or_404(pk)
    whatif = _WhatIf(scenario, request.POST)
    settings = whatif.settings()
    name_ok = whatif.save_form.is_valid()
    if settings is not None and name_ok:
        try:
            saved = services.scenario_whatif_save(
                round_=scenario.round,
                name=whatif.save_form.cleaned_data["name"],
                description=whatif.save_form.cleaned_data["description"],
                settings=settings,
                options=preview.scenario_options_of(scenario),
                user=request.user,
            )
        except ValidationError as exc:
            whatif.apply_errors({key: list(value) for key, value in _error_dict(exc).items()})
        else:
            messages.success(
                request, _("Scenario “%(name)s” saved.") % {"name": saved.scenario.name}
            )
            for message in saved.refused:
                messages.error(request, message)
            target = saved.run or saved.scenario
            return redirect(target.get_absolute_url())
    context = _results_context(whatif, settings)
    context["save_failed"] = True
    return _page(request, whatif, context)


def _error_dict(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            key: [str(m) for m in ValidationError(errs).messages]
            for key, errs in exc.error_dict.items()
        }
    return {"__all__": list(exc.messages)}


@require_GET
def round_whatif(request: HttpRequest, pk: int) -> HttpResponse:
    """The what-if of the scenario whose computation the round proposes."""
    access.require(access.can_manage_rounds(request.user))
    try:
        round_ = selectors.round_get(pk=pk)
    except Round.DoesNotExist:
        raise Http404(_("No round with this number.")) from None
    run_id = preview.proposed_run_id(round_)
    try:
        run = selectors.run_get(pk=run_id, with_data=False) if run_id is not None else None
    except ScenarioRun.DoesNotExist:
        run = None
    if run is None:
        messages.info(
            request,
            _("This round has no current proposal. Open the what-if from one of its scenarios."),
        )
        return redirect(round_.get_absolute_url())
    return redirect(reverse("allocation:scenario_whatif", args=[run.scenario_id]))
