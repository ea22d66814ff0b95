"""A care provider's figures (issue 15): views and form.

The care provider (zorgaanbieder) enters per municipality of its sub-region its beds in
shelter and places in sheltered housing, and the clients ready to move on (from shelter and
from sheltered housing) who come from the municipality; an officer of that municipality
confirms them on the municipality's year page (`figures:year`), and the confirmed clients
become the demand of the homeless and institution-leaver groups there. Writes in `care_services`, reads in `care_selectors`.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts import access
from core.numbers import NumberFormatError, parse_dutch_number
from figures import selectors as figure_selectors
from figures import services as figure_services
from municipalities.models import Municipality

from . import care_selectors, care_services

# --- Form ----------------------------------------------------------------------------------------


def _whole_number(text: str) -> Decimal:
    try:
        number = parse_dutch_number(text)
    except NumberFormatError:
        raise forms.ValidationError(gettext_lazy("Enter a whole number, for example 12.")) from None
    if number < 0 or number != number.to_integral_value():
        raise forms.ValidationError(gettext_lazy("Enter a whole number, for example 12."))
    return number


class CareFiguresForm(forms.Form):
    """A care provider's figures for one municipality and year."""

    shelter_beds = forms.CharField(
        label=gettext_lazy("Beds in shelter (MO) at locations in this municipality (beds)"),
        help_text=gettext_lazy("Enter 0 when you have no shelter location here."),
        max_length=20,
    )
    sheltered_housing_places = forms.CharField(
        label=gettext_lazy(
            "Places in sheltered housing (BW) at locations in this municipality (places)"
        ),
        help_text=gettext_lazy("Enter 0 when you have no sheltered housing location here."),
        max_length=20,
    )
    clients_ready_shelter = forms.CharField(
        label=gettext_lazy(
            "Clients ready to move on from shelter (MO) who come from this municipality (persons)"
        ),
        help_text=gettext_lazy(
            "Count each client at the municipality they come from (municipality of origin), "
            "wherever they stay now. Once confirmed, this number is the demand of homeless "
            "people in this municipality (persons per year)."
        ),
        max_length=20,
    )
    clients_ready_sheltered_housing = forms.CharField(
        label=gettext_lazy(
            "Clients ready to move on from sheltered housing (BW) who come from this "
            "municipality (persons)"
        ),
        help_text=gettext_lazy(
            "Count each client at the municipality they come from. Once confirmed, this "
            "number is the demand of people leaving an institution in this municipality "
            "(persons per year)."
        ),
        max_length=20,
    )
    source = forms.CharField(
        label=gettext_lazy("Source"),
        max_length=200,
        help_text=gettext_lazy("For example: client registration of the care provider."),
    )
    reference_date = forms.DateField(
        label=gettext_lazy("Reference date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    explanation = forms.CharField(
        label=gettext_lazy("Explanation (only when the check gives a warning)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Say why the figures are right. The officer who confirms them reads this."
        ),
    )

    def clean_shelter_beds(self) -> Decimal:
        return _whole_number(self.cleaned_data["shelter_beds"])

    def clean_sheltered_housing_places(self) -> Decimal:
        return _whole_number(self.cleaned_data["sheltered_housing_places"])

    def clean_clients_ready_shelter(self) -> Decimal:
        return _whole_number(self.cleaned_data["clients_ready_shelter"])

    def clean_clients_ready_sheltered_housing(self) -> Decimal:
        return _whole_number(self.cleaned_data["clients_ready_sheltered_housing"])

    def figures(self) -> care_services.CareFigures:
        data = self.cleaned_data
        return care_services.CareFigures(
            shelter_beds=data["shelter_beds"],
            sheltered_housing_places=data["sheltered_housing_places"],
            clients_ready_shelter=data["clients_ready_shelter"],
            clients_ready_sheltered_housing=data["clients_ready_sheltered_housing"],
            source=data["source"],
            reference_date=data["reference_date"],
            explanation=data.get("explanation") or "",
        )


def _initial(row: care_selectors.CareRow | None) -> dict[str, object]:
    """The form starts from what is there already (any status)."""
    if row is None:
        return {}
    initial: dict[str, object] = {}
    for code, cell in row.cells.items():
        initial[code] = str(int(cell.value))
    first = row.any
    if first is not None:
        initial["source"] = first.source
        initial["reference_date"] = first.reference_date
    return initial


# --- Views ---------------------------------------------------------------------------------------


def care_home(request: HttpRequest) -> HttpResponse:
    """The municipalities of the care provider's sub-region with its figures of the year:
    what the municipality confirmed and what awaits confirmation."""
    access.require(access.has_role(request.user, access.Role.CARE_PROVIDER))
    year = figure_selectors.entry_year()
    overview = care_selectors.care_overview(
        municipality_ids=access.partner_municipality_ids(request.user), year=year
    )
    return render(request, "partners/care_home.html", {"overview": overview, "year": year})


@require_http_methods(["GET", "POST"])
def care_figures(request: HttpRequest, code: str, year: int) -> HttpResponse:
    municipality = get_object_or_404(Municipality, cbs_code=code)
    access.require(care_services.can_enter_care_figures(request.user, municipality))
    if not 2000 <= year <= 2100:  # as figures' own pages; locked years: the rules refuse
        raise Http404
    overview = care_selectors.care_overview(municipality_ids=[municipality.pk], year=year)
    row = overview.rows[0] if overview.rows else None
    form = CareFiguresForm(request.POST or None, initial=_initial(row))
    issues: list[str] = []
    warned = False
    if request.method == "POST" and form.is_valid():
        try:
            care_services.care_figures_submit(
                municipality=municipality, year=year, figures=form.figures(), user=request.user
            )
        except figure_services.FiguresRejected as rejected:
            evaluation = rejected.evaluation
            issues = [f"{i.message} {i.action}".strip() for i in evaluation.errors]
            warnings = [f"{i.message} {i.action}".strip() for i in evaluation.unacknowledged]
            warned = bool(warnings)
            issues += warnings
            issues += [str(c) for c in evaluation.conflicts]
            if not issues:
                issues = [str(rejected)]
        except figure_services.WorkflowError as error:
            issues = [str(error)]
        else:
            messages.success(
                request,
                _("Submitted. An officer of %(municipality)s confirms the figures.")
                % {"municipality": municipality.name},
            )
            return redirect("partners:care_home")
    return render(
        request,
        "partners/care_figures.html",
        {
            "form": form,
            "municipality": municipality,
            "year": year,
            "row": row,
            "issues": issues,
            "warned": warned,
        },
    )
