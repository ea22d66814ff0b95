from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.numbers import NumberFormatError, parse_dutch_number

from .models import PartnerOrganisation


def _whole_number(text: str) -> Decimal:
    try:
        number = parse_dutch_number(text)
    except NumberFormatError:
        raise forms.ValidationError(_("Enter a whole number, for example 12.500.")) from None
    if number < 0 or number != number.to_integral_value():
        raise forms.ValidationError(_("Enter a whole number, for example 12.500."))
    return number


class CorporationFiguresForm(forms.Form):
    """A corporation's figures for one municipality and year (issue 15)."""

    social_rental = forms.CharField(
        label=_("Social rental stock (dwellings on 1 January)"), max_length=20
    )
    mutations = forms.CharField(
        label=_("Mutations (dwellings let again in the year)"), max_length=20
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=200,
        help_text=_("For example: annual report 2024 of the corporation."),
    )
    reference_date = forms.DateField(
        label=_("Reference date"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_social_rental(self) -> Decimal:
        return _whole_number(self.cleaned_data["social_rental"])

    def clean_mutations(self) -> Decimal:
        return _whole_number(self.cleaned_data["mutations"])


class OrganisationForm(forms.ModelForm):
    """A partner organisation and its working area (programme team)."""

    class Meta:
        model = PartnerOrganisation
        fields = [
            "name",
            "slug",
            "kind",
            "municipalities",
            "subregion",
            "province",
            "email",
            "active",
        ]
        widgets = {"municipalities": forms.CheckboxSelectMultiple}
        help_texts = {
            "municipalities": _("Only for a housing corporation: the municipalities it works in."),
            "subregion": _("Only for a care provider: the sub-region it works in."),
            "province": _("Only for a province."),
        }


class InviteForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
